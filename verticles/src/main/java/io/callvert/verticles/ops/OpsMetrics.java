package io.callvert.verticles.ops;

import io.callvert.verticles.cluster.MembershipObserver;
import io.callvert.verticles.cluster.NodeLoss;
import io.callvert.verticles.metrics.CallvertMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operations meters (contract rules 71 and 75), next to {@link CallvertMetrics} in the Vert.x instance's
 * Micrometer registry, none without one: event-loop lag, cluster members, joins and leaves, and what this node did
 * about each lost node (calls ended, bots told, notifications, time taken). Prometheus names in docs/operations.md.
 */
final class OpsMetrics implements MembershipObserver {

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final AtomicInteger members = new AtomicInteger();
  private Counter joined;
  private Counter left;
  private Counter lostCallsEnded;
  private Counter lostBotsTold;
  private Counter lostNotifications;
  private Timer lossHandling;

  OpsMetrics(Vertx vertx, String instance, EventLoopProbe probe, boolean clustered) {
    this.registry = CallvertMetrics.registryOf(vertx);
    if (registry == null) {
      return;
    }
    meters.add(Gauge.builder("callvert.event.loop.lag", probe::lagSeconds).baseUnit("seconds").tag(CallvertMetrics.INSTANCE_TAG, instance)
        .description("How late the event loops ran their probe timers, the worst loop").register(registry));
    if (!clustered) {
      return;
    }
    meters.add(Gauge.builder("callvert.cluster.members", members::get).tag(CallvertMetrics.INSTANCE_TAG, instance)
        .description("Members of the cluster as this node sees them").register(registry));
    meters.add(joined = Counter.builder("callvert.cluster.membership.changes").tag(CallvertMetrics.INSTANCE_TAG, instance)
        .tag("change", "joined").description("Nodes that joined or left the cluster").register(registry));
    meters.add(left = Counter.builder("callvert.cluster.membership.changes").tag(CallvertMetrics.INSTANCE_TAG, instance)
        .tag("change", "left").description("Nodes that joined or left the cluster").register(registry));
    meters.add(lostCallsEnded = Counter.builder("callvert.cluster.lost.calls.ended").tag(CallvertMetrics.INSTANCE_TAG, instance)
        .description("Calls of lost nodes this node ended").register(registry));
    meters.add(lostBotsTold = Counter.builder("callvert.cluster.lost.bots.told").tag(CallvertMetrics.INSTANCE_TAG, instance)
        .description("Callback URIs told of the end of a lost node's calls").register(registry));
    meters.add(lostNotifications = Counter.builder("callvert.cluster.lost.notifications").tag(CallvertMetrics.INSTANCE_TAG, instance)
        .description("Notifications sent for lost nodes' calls").register(registry));
    meters.add(lossHandling = Timer.builder("callvert.cluster.node.loss.handling").tag(CallvertMetrics.INSTANCE_TAG, instance)
        .description("From a node's leave event to its calls' notifications handed to delivery").register(registry));
  }

  void members(int n) {
    members.set(n);
  }

  @Override
  public void joined(String nodeId, int n) {
    members.set(n);
    if (joined != null) {
      joined.increment();
    }
  }

  @Override
  public void left(String nodeId, int n, NodeLoss loss) {
    members.set(n);
    if (left == null) {
      return;
    }
    left.increment();
    if (loss.reporter()) {
      lostCallsEnded.increment(loss.callsEnded());
      lostBotsTold.increment(loss.botsTold());
      lostNotifications.increment(loss.notifications());
      lossHandling.record(Duration.ofMillis(loss.tookMs()));
    }
  }

  void close() {
    if (registry != null) {
      meters.forEach(registry::remove);
    }
  }
}
