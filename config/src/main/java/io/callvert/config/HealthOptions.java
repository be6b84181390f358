package io.callvert.config;

/**
 * Liveness and readiness (JSON object {@code health}; contract rules 71 and 72).
 *
 * @param maxLoopStallMs  liveness is DOWN while an event loop has not run its probe timer for this long, default 5 s
 * @param maxWebhookBacklog readiness is DOWN while more notifications than this wait for delivery on the node,
 *                          default 100,000
 * @param unreadyDelayMs  on shutdown, how long readiness reports DOWN before the HTTP port closes (so a load balancer
 *                        stops sending first), default 0
 */
public record HealthOptions(long maxLoopStallMs, int maxWebhookBacklog, long unreadyDelayMs) {

  public static final long DEFAULT_MAX_LOOP_STALL_MS = 5_000L;
  public static final int DEFAULT_MAX_WEBHOOK_BACKLOG = 100_000;
  public static final long DEFAULT_UNREADY_DELAY_MS = 0L;

  /** Validates. */
  public HealthOptions {
    Check.positive("health.maxLoopStallMs", maxLoopStallMs);
    Check.positive("health.maxWebhookBacklog", maxWebhookBacklog);
    Check.nonNegative("health.unreadyDelayMs", unreadyDelayMs);
  }

  public static HealthOptions defaults() {
    return new HealthOptions(DEFAULT_MAX_LOOP_STALL_MS, DEFAULT_MAX_WEBHOOK_BACKLOG, DEFAULT_UNREADY_DELAY_MS);
  }

  public HealthOptions withMaxLoopStallMs(long v) {
    return new HealthOptions(v, maxWebhookBacklog, unreadyDelayMs);
  }

  public HealthOptions withMaxWebhookBacklog(int v) {
    return new HealthOptions(maxLoopStallMs, v, unreadyDelayMs);
  }

  public HealthOptions withUnreadyDelayMs(long v) {
    return new HealthOptions(maxLoopStallMs, maxWebhookBacklog, v);
  }
}
