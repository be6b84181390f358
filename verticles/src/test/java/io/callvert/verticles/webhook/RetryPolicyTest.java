package io.callvert.verticles.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.WebhookOptions;
import io.callvert.runtime.protocol.Outbound;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Contract rule 40 (Retry waits are bounded): the wait before a retry, read defensively, within the budget. */
class RetryPolicyTest {

  private static final long NOW = 1_700_000_000_000L;

  private static JournalEntry entry(int attempts, long firstAttemptAt) {
    JsonObject body = new JsonObject().put("value", new JsonArray().add(new JsonObject().put("changeType", "updated")));
    JournalEntry e = new JournalEntry(1, new Outbound("c", "http://127.0.0.1/cb", "aud", "tid", null, body), firstAttemptAt);
    e.attempts = attempts;
    e.firstAttemptAt = firstAttemptAt;
    return e;
  }

  private static RetryPolicy policy(long budgetMs, long minRetryDelayMs) {
    return new RetryPolicy(WebhookOptions.defaults().withRetryBudgetMs(budgetMs).withMinRetryDelayMs(minRetryDelayMs));
  }

  @ParameterizedTest(name = "Retry-After: {0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      1                                  | 1000
      0                                  | 0
      1.5                                | 1500
      ' 7 '                              | 7000
      Infinity                           | 31536000000
      1e400                              | 31536000000
      99999999999999999999999            | 31536000000
      31536001                           | 31536000000
      -5                                 | -1
      -Infinity                          | -1
      NaN                                | -1
      soon                               | -1
      ''                                 | -1
      'Fri, 31 Dec 9999 23:59:59 GMT'    | 31536000000
      'Thu, 01 Jan 1970 00:00:00 GMT'    | 0
      """)
  @DisplayName("Retry-After is read defensively: seconds or HTTP-date; negative, NaN and garbage ignored (-1); "
      + "Infinity, huge numbers and far dates clamped to a year, so nothing overflows")
  void retry_after_is_parsed_defensively(String header, long expectedMs) {
    assertThat(RetryPolicy.retryAfterMs(header, NOW)).isEqualTo(expectedMs);
  }

  @Test
  @DisplayName("absent Retry-After: -1")
  void absent() {
    assertThat(RetryPolicy.retryAfterMs(null, NOW)).isEqualTo(-1);
  }

  @Test
  @DisplayName("a Retry-After beyond what is left of the budget dead-letters now, naming both; within it, it is the wait")
  void retry_after_beyond_budget_gives_up_now() {
    RetryPolicy p = policy(8_000, 100);
    JournalEntry e = entry(1, NOW - 1_000);
    assertThat(p.next(e, 7_000, NOW).delayMs()).isEqualTo(7_000);
    RetryPolicy.Decision beyond = p.next(e, 7_001, NOW);
    assertThat(beyond.retries()).isFalse();
    assertThat(beyond.giveUpReason()).isEqualTo(
        "retry budget of 8000 ms exhausted: Retry-After asks for 7001 ms, 7000 ms left");
    assertThat(p.next(e, RetryPolicy.MAX_RETRY_AFTER_MS, NOW).retries()).isFalse();
    // even with a budget longer than a clamped Retry-After, the arithmetic does not overflow
    assertThat(policy(Long.MAX_VALUE, 100).next(entry(1, NOW), RetryPolicy.MAX_RETRY_AFTER_MS, NOW).delayMs())
        .isEqualTo(RetryPolicy.MAX_RETRY_AFTER_MS);
  }

  @Test
  @DisplayName("every wait is at least webhook.minRetryDelayMs: Retry-After: 0 waits 100 ms; when that is beyond the budget, dead-letter")
  void minimum_spacing() {
    RetryPolicy p = policy(1_000, 100);
    assertThat(p.next(entry(1, NOW), 0, NOW).delayMs()).isEqualTo(100);
    assertThat(p.next(entry(1, NOW), -1, NOW).delayMs()).isBetween(250L, 1_000L); // backoff 500 ms, jittered
    assertThat(p.next(entry(9, NOW - 950), 0, NOW).retries()).isFalse();
    assertThat(policy(1_000, 0).next(entry(1, NOW), 0, NOW).delayMs()).isZero();
  }

  @Test
  @DisplayName("budget 0 means no retries at all, even for Retry-After: 0")
  void zero_budget_never_retries() {
    assertThat(policy(0, 0).next(entry(1, NOW), 0, NOW).retries()).isFalse();
  }

  @Test
  @DisplayName("backoff doubles from backoffInitialMs up to backoffMaxMs without overflowing, however many attempts")
  void backoff_saturates() {
    RetryPolicy p = new RetryPolicy(WebhookOptions.defaults().withBackoffMaxMs(Long.MAX_VALUE / 2)
        .withBackoffInitialMs(Long.MAX_VALUE / 4).withRetryBudgetMs(Long.MAX_VALUE).withMinRetryDelayMs(0));
    for (int attempts = 1; attempts < 70; attempts++) {
      assertThat(p.next(entry(attempts, NOW), -1, NOW).delayMs()).isBetween(0L, Long.MAX_VALUE / 2);
    }
  }
}
