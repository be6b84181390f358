package io.callvert.config;


/**
 * Call session limits and timers (JSON object {@code calls}).
 *
 * @param answerDeadlineMs how long an incoming call may stay unanswered before it is terminated, default 15 s
 * @param keepAliveTimeoutMs a call without {@code keepAlive} for this long is terminated, default 45 min
 * @param retentionMs how long a terminated call stays readable, default 10 min; 0 = forget immediately
 * @param mediaQueueLimit maximum queued media operations (prompts, recordings) per call, default 100, at least 1
 * @param maxCalls maximum concurrent call sessions, default 250000, at least 1
 */
public record CallsOptions(long answerDeadlineMs, long keepAliveTimeoutMs, long retentionMs, int mediaQueueLimit,
    int maxCalls) {

  public static final long DEFAULT_ANSWER_DEADLINE_MS = 15_000L;
  public static final long DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 2_700_000L;
  public static final long DEFAULT_RETENTION_MS = 600_000L;
  public static final int DEFAULT_MEDIA_QUEUE_LIMIT = 100;
  public static final int DEFAULT_MAX_CALLS = 250_000;

  /** Validates. */
  public CallsOptions {
    Check.positive("calls.answerDeadlineMs", answerDeadlineMs);
    Check.positive("calls.keepAliveTimeoutMs", keepAliveTimeoutMs);
    Check.nonNegative("calls.retentionMs", retentionMs);
    Check.positive("calls.mediaQueueLimit", mediaQueueLimit);
    Check.positive("calls.maxCalls", maxCalls);
  }

  public static CallsOptions defaults() {
    return new CallsOptions(DEFAULT_ANSWER_DEADLINE_MS, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, DEFAULT_RETENTION_MS,
        DEFAULT_MEDIA_QUEUE_LIMIT, DEFAULT_MAX_CALLS);
  }

  public CallsOptions withAnswerDeadlineMs(long answerDeadlineMs) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls);
  }

  public CallsOptions withKeepAliveTimeoutMs(long keepAliveTimeoutMs) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls);
  }

  public CallsOptions withRetentionMs(long retentionMs) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls);
  }

  public CallsOptions withMediaQueueLimit(int mediaQueueLimit) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls);
  }

  public CallsOptions withMaxCalls(int maxCalls) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls);
  }
}
