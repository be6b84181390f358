package io.callvert.verticles.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.spi.metrics.MetricsProvider;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Callvert's own meters, next to Vert.x's (HTTP, event bus, pools) in the registry of the Vert.x
 * instance Callvert is deployed in: live calls, created calls, notification outcomes, retries and
 * end-to-end delivery latency. Does nothing when that Vert.x instance has no Micrometer metrics, so
 * an embedding host decides whether and where Callvert is measured. {@link #close()} (called on
 * undeploy) removes the meters, so a later deployment's gauge reads the later deployment.
 */
public final class CallvertMetrics {

  /**
   * The tag naming the Callvert instance of a meter. Not {@code instance}: Prometheus sets {@code instance} (and
   * {@code job}) on every scraped series itself and would rename ours to {@code exported_instance} (contract rule 76 — Metric names and the dashboard).
   */
  public static final String INSTANCE_TAG = "callvert";

  /** Measures nothing. */
  public static final CallvertMetrics NOOP = new CallvertMetrics(null, "", () -> 0);

  private final MeterRegistry registry;
  private final Counter callsCreatedOutgoing;
  private final Counter callsCreatedIncoming;
  private final Counter delivered;
  private final Counter deadLettered;
  private final Counter retries;
  private final Timer deliveryLatency;
  private final List<Meter> meters;
  private final String instance;
  /** Operations ended, by kind and outcome (created on first use; removed with the rest on close). */
  private final java.util.concurrent.ConcurrentHashMap<String, Counter> operationsEnded = new java.util.concurrent.ConcurrentHashMap<>();

  private CallvertMetrics(MeterRegistry registry, String instance, IntSupplier liveCalls) {
    this.registry = registry;
    this.instance = instance;
    if (registry == null) {
      callsCreatedOutgoing = callsCreatedIncoming = delivered = deadLettered = retries = null;
      deliveryLatency = null;
      meters = List.of();
      return;
    }
    Gauge live = Gauge.builder("callvert.calls.live", liveCalls::getAsInt).tag(CallvertMetrics.INSTANCE_TAG, instance)
        .description("Calls currently live on this node").register(registry);
    // "callvert.calls", not "callvert.calls.created": Prometheus reserves the _created suffix of a counter, and its
    // client would expose callvert_calls_total anyway (contract rule 76 — Metric names and the dashboard)
    callsCreatedOutgoing = Counter.builder("callvert.calls").tag(CallvertMetrics.INSTANCE_TAG, instance).tag("direction", "outgoing").register(registry);
    callsCreatedIncoming = Counter.builder("callvert.calls").tag(CallvertMetrics.INSTANCE_TAG, instance).tag("direction", "incoming").register(registry);
    delivered = Counter.builder("callvert.notifications").tag(CallvertMetrics.INSTANCE_TAG, instance).tag("outcome", "delivered").register(registry);
    deadLettered = Counter.builder("callvert.notifications").tag(CallvertMetrics.INSTANCE_TAG, instance).tag("outcome", "deadLettered").register(registry);
    retries = Counter.builder("callvert.notification.retries").tag(CallvertMetrics.INSTANCE_TAG, instance).register(registry);
    deliveryLatency = Timer.builder("callvert.notification.delivery").tag(CallvertMetrics.INSTANCE_TAG, instance)
        .description("From the call producing a notification to the bot acknowledging it")
        .publishPercentiles(0.5, 0.99, 0.999).register(registry);
    meters = List.of(live, callsCreatedOutgoing, callsCreatedIncoming, delivered, deadLettered, retries,
        deliveryLatency);
  }

  /**
   * Meters in the Micrometer registry of {@code vertx} (the one its {@code MicrometerMetricsOptions}
   * set up, whatever its registry name), or no-ops when that instance has no Micrometer metrics.
   */
  public static CallvertMetrics create(Vertx vertx, String instance, IntSupplier liveCalls) {
    MeterRegistry registry = registryOf(vertx);
    return registry == null ? NOOP : new CallvertMetrics(registry, instance, liveCalls);
  }

  /**
   * The Micrometer registry of this Vert.x instance, or {@code null} without one. Vert.x exposes
   * an instance's metrics through the {@link MetricsProvider} SPI; Vert.x Micrometer's metrics
   * object there carries its registry.
   *
   * <p><b>Why this names a class of {@code io.vertx.micrometer.impl}</b> (the one non-public Vert.x
   * type Callvert still uses; reviewed for issue 10 against vertx-micrometer-metrics 5.0.7). No
   * public API maps a {@link Vertx} to its registry: {@code BackendRegistries.getNow(name)} needs
   * the {@code MicrometerMetricsOptions.getRegistryName()} the host built its {@code VertxOptions}
   * with, and a {@code Vertx} does not expose its options; {@code MetricsService.create(vertx)}
   * offers JSON snapshots only (its {@code getRegistry()} is on the impl class); the exported
   * packages ({@code io.vertx.micrometer}, {@code io.vertx.micrometer.backends}) have nothing else.
   * The public alternative would be a Callvert option repeating the registry name, which a host with
   * a non-default name must then not forget (EmbedDeployIT pins "whatever its registry name").
   * Should the class move, the {@link LinkageError} below makes Callvert measure nothing rather
   * than fail.
   */
  public static MeterRegistry registryOf(Vertx vertx) {
    try {
      if (vertx instanceof MetricsProvider provider
          && provider.getMetrics() instanceof io.vertx.micrometer.impl.MicrometerMetrics micrometer) {
        return micrometer.registry();
      }
    } catch (LinkageError noMicrometer) {
      // Micrometer is not on the class path
    }
    return null;
  }

  /** Removes Callvert's meters from the registry (idempotent). */
  public void close() {
    if (registry != null) {
      meters.forEach(registry::remove);
      operationsEnded.values().forEach(registry::remove);
    }
  }

  /**
   * An event left a call: an operation's end is counted as {@code callvert.operations.ended} by kind, status and
   * outcome (the Grafana dashboard's "operations by outcome", docs/operations.md).
   */
  public void eventOut(io.callvert.runtime.call.CallEvent event) {
    if (registry != null && event instanceof io.callvert.runtime.call.CallEvent.OperationEnded e) {
      io.callvert.runtime.call.OperationSnapshot op = e.operation();
      String kind = op.kind().name().toLowerCase(java.util.Locale.ROOT);
      String status = op.status().name().toLowerCase(java.util.Locale.ROOT);
      String outcome = op.outcome() == null ? "none" : op.outcome().name().toLowerCase(java.util.Locale.ROOT);
      operationsEnded.computeIfAbsent(kind + '/' + status + '/' + outcome, k -> Counter.builder("callvert.operations.ended")
          .description("Operations that reached their terminal status").tag(CallvertMetrics.INSTANCE_TAG, instance).tag("kind", kind)
          .tag("status", status).tag("outcome", outcome).register(registry)).increment();
    }
  }

  public void callCreated(boolean incoming) {
    if (registry != null) {
      (incoming ? callsCreatedIncoming : callsCreatedOutgoing).increment();
    }
  }

  public void delivered(long enqueuedAtMillis) {
    if (registry != null) {
      delivered.increment();
      deliveryLatency.record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - enqueuedAtMillis)));
    }
  }

  public void deadLettered() {
    if (registry != null) {
      deadLettered.increment();
    }
  }

  public void retried() {
    if (registry != null) {
      retries.increment();
    }
  }
}
