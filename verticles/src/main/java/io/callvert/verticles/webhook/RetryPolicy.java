package io.callvert.verticles.webhook;

import io.callvert.config.WebhookOptions;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a failed notification waits before its next attempt, or that it waits no more
 * (contract rules 17 and 40): exponential backoff with jitter, or the bot's {@code Retry-After};
 * never less than {@code webhook.minRetryDelayMs}; and never past the retry budget, counted from
 * the notification's first attempt: when the next attempt would start after the budget ends, the
 * notification is dead-lettered now rather than held for a wait that cannot end in a delivery.
 *
 * <p>{@code Retry-After} is read defensively: delta-seconds (decimals accepted) or an HTTP-date;
 * a negative, not-a-number or unreadable value is ignored (backoff applies), and anything longer
 * than {@link #MAX_RETRY_AFTER_MS} ({@code Infinity}, {@code 1e400}, a date in year 9999) counts as
 * that, so no arithmetic on it overflows and no timer is armed for it.
 */
final class RetryPolicy {

  /** Longest Retry-After taken at its word: a year. Longer ones are clamped to it. */
  static final long MAX_RETRY_AFTER_MS = 365L * 24 * 3600 * 1000;

  /** The next attempt after {@code delayMs}, or none ({@code delayMs} &lt; 0) and why. */
  record Decision(long delayMs, String giveUpReason) {
    boolean retries() {
      return giveUpReason == null;
    }
  }

  private final WebhookOptions options;

  RetryPolicy(WebhookOptions options) {
    this.options = options;
  }

  /**
   * The wait before the next attempt of {@code e} (whose attempts so far are counted, the first one
   * at {@code e.firstAttemptAt}), given the bot's {@code retryAfterMs} (-1: none), at {@code nowMs}.
   */
  Decision next(JournalEntry e, long retryAfterMs, long nowMs) {
    long budget = options.retryBudgetMs();
    if (budget == 0) {
      return new Decision(-1, "retry budget of 0 ms exhausted (no retries)");
    }
    long left = budget - Math.max(0, nowMs - e.firstAttemptAt);
    long delay = Math.max(options.minRetryDelayMs(), retryAfterMs >= 0 ? retryAfterMs : jitteredBackoff(e.attempts));
    if (delay > left) {
      String wait = retryAfterMs >= 0 ? "Retry-After asks for " + retryAfterMs + " ms" : "the next attempt is due in " + delay + " ms";
      return new Decision(-1, "retry budget of " + budget + " ms exhausted: " + wait + ", " + Math.max(0, left) + " ms left");
    }
    return new Decision(delay, null);
  }

  /** Backoff before attempt {@code attempts + 1}: initial doubled per attempt, capped, half of it jitter. */
  private long jitteredBackoff(int attempts) {
    int shift = Math.min(20, Math.max(0, attempts - 1));
    long initial = options.backoffInitialMs();
    long max = options.backoffMaxMs();
    long backoff = initial > (max >> shift) ? max : Math.min(max, initial << shift);
    return backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
  }

  /**
   * A {@code Retry-After} header in ms, or -1 when absent or unusable (then backoff applies):
   * delta-seconds or an HTTP-date (a past date is 0), clamped to {@link #MAX_RETRY_AFTER_MS}.
   */
  static long retryAfterMs(String value, long nowMs) {
    if (value == null || value.isBlank()) {
      return -1;
    }
    String v = value.trim();
    double seconds;
    try {
      seconds = Double.parseDouble(v);
    } catch (NumberFormatException notSeconds) {
      try {
        long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs));
      } catch (RuntimeException notDate) {
        return -1;
      }
    }
    if (Double.isNaN(seconds) || seconds < 0) {
      return -1;
    }
    return seconds * 1000 >= MAX_RETRY_AFTER_MS ? MAX_RETRY_AFTER_MS : (long) (seconds * 1000);
  }
}
