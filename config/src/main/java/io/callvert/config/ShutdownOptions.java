package io.callvert.config;


/**
 * Graceful shutdown (JSON object {@code shutdown}).
 *
 * @param graceMs how long shutdown waits for in-flight requests and notifications, default 10 s; 0 = no wait
 */
public record ShutdownOptions(long graceMs) {

  public static final long DEFAULT_GRACE_MS = 10_000L;

  /** Validates. */
  public ShutdownOptions {
    Check.nonNegative("shutdown.graceMs", graceMs);
  }

  public static ShutdownOptions defaults() {
    return new ShutdownOptions(DEFAULT_GRACE_MS);
  }

}
