package io.callvert.config;

/**
 * The delivery profile of notifications (JSON object {@code webhook.profile}; contract rules 77-79): strict
 * (in order, once, promptly) or Graph-like (what Graph's documentation allows), seeded.
 *
 * @param mode {@link DeliveryProfileMode#STRICT} (default) or {@link DeliveryProfileMode#GRAPH}
 * @param seed the seed of the Graph-like profile's choices: the same seed and the same calls give the same
 *     deliveries, so a failure replays; default 1
 * @param maxDelayMs the longest extra delay the Graph-like profile puts before a notification, default 300 ms
 * @param maxHoldMs how long the Graph-like profile holds a notification waiting for the next one of its call (to
 *     reorder or batch them) before it sends it alone, default 1000 ms
 */
public record DeliveryProfileOptions(DeliveryProfileMode mode, long seed, long maxDelayMs, long maxHoldMs) {

  public static final DeliveryProfileMode DEFAULT_MODE = DeliveryProfileMode.STRICT;
  public static final long DEFAULT_SEED = 1L;
  public static final long DEFAULT_MAX_DELAY_MS = 300L;
  public static final long DEFAULT_MAX_HOLD_MS = 1_000L;

  /** Validates; a {@code null} mode is the default. */
  public DeliveryProfileOptions {
    mode = mode == null ? DEFAULT_MODE : mode;
    Check.range("webhook.profile.maxDelayMs", maxDelayMs, 0, 60_000);
    Check.range("webhook.profile.maxHoldMs", maxHoldMs, 0, 60_000);
  }

  public static DeliveryProfileOptions defaults() {
    return new DeliveryProfileOptions(DEFAULT_MODE, DEFAULT_SEED, DEFAULT_MAX_DELAY_MS, DEFAULT_MAX_HOLD_MS);
  }

  /** The Graph-like profile with {@code seed} and the default bounds. */
  public static DeliveryProfileOptions graph(long seed) {
    return new DeliveryProfileOptions(DeliveryProfileMode.GRAPH, seed, DEFAULT_MAX_DELAY_MS, DEFAULT_MAX_HOLD_MS);
  }

  /** Whether this is the strict profile (nothing to do per notification). */
  public boolean strict() {
    return mode == DeliveryProfileMode.STRICT;
  }

  public DeliveryProfileOptions withMode(DeliveryProfileMode mode) {
    return new DeliveryProfileOptions(mode, seed, maxDelayMs, maxHoldMs);
  }

  public DeliveryProfileOptions withSeed(long seed) {
    return new DeliveryProfileOptions(mode, seed, maxDelayMs, maxHoldMs);
  }

  public DeliveryProfileOptions withMaxDelayMs(long maxDelayMs) {
    return new DeliveryProfileOptions(mode, seed, maxDelayMs, maxHoldMs);
  }

  public DeliveryProfileOptions withMaxHoldMs(long maxHoldMs) {
    return new DeliveryProfileOptions(mode, seed, maxDelayMs, maxHoldMs);
  }
}
