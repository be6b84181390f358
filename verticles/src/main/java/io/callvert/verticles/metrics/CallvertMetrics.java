package io.callvert.verticles.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * Callvert's own meters, next to Vert.x's (HTTP, event bus, pools) in the registry Vert.x Micrometer
 * metrics was configured with: live calls, created calls, notification outcomes, retries and
 * end-to-end delivery latency. Does nothing when the Vert.x instance has no metrics backend, so an
 * embedding host decides whether and where Callvert is measured.
 */
public final class CallvertMetrics {

  /** Measures nothing. */
  public static final CallvertMetrics NOOP = new CallvertMetrics(null, "", () -> 0);

  private final MeterRegistry registry;
  private final Counter callsCreatedOutgoing;
  private final Counter callsCreatedIncoming;
  private final Counter delivered;
  private final Counter deadLettered;
  private final Counter retries;
  private final Timer deliveryLatency;

  private CallvertMetrics(MeterRegistry registry, String instance, IntSupplier liveCalls) {
    this.registry = registry;
    if (registry == null) {
      callsCreatedOutgoing = callsCreatedIncoming = delivered = deadLettered = retries = null;
      deliveryLatency = null;
      return;
    }
    Gauge.builder("callvert.calls.live", liveCalls::getAsInt).tag("instance", instance)
        .description("Calls currently live on this node").register(registry);
    callsCreatedOutgoing = Counter.builder("callvert.calls.created").tag("instance", instance).tag("direction", "outgoing").register(registry);
    callsCreatedIncoming = Counter.builder("callvert.calls.created").tag("instance", instance).tag("direction", "incoming").register(registry);
    delivered = Counter.builder("callvert.notifications").tag("instance", instance).tag("outcome", "delivered").register(registry);
    deadLettered = Counter.builder("callvert.notifications").tag("instance", instance).tag("outcome", "deadLettered").register(registry);
    retries = Counter.builder("callvert.notification.retries").tag("instance", instance).register(registry);
    deliveryLatency = Timer.builder("callvert.notification.delivery").tag("instance", instance)
        .description("From the call producing a notification to the bot acknowledging it")
        .publishPercentiles(0.5, 0.99, 0.999).register(registry);
  }

  /** Meters in the Vert.x instance's default Micrometer registry, or no-ops when there is none. */
  public static CallvertMetrics create(String instance, IntSupplier liveCalls) {
    MeterRegistry registry;
    try {
      registry = BackendRegistries.getDefaultNow();
    } catch (LinkageError noMicrometer) {
      registry = null;
    }
    return registry == null ? NOOP : new CallvertMetrics(registry, instance, liveCalls);
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
