package io.callvert.config;


/**
 * Call session limits and timers (JSON object {@code calls}).
 *
 * @param answerDeadlineMs how long an incoming call may stay unanswered before it is terminated, default 15 s
 * @param keepAliveTimeoutMs a call without {@code keepAlive} for this long is terminated, default 45 min
 * @param retentionMs how long a terminated call stays readable, default 10 min; 0 = forget immediately
 * @param mediaQueueLimit maximum queued media operations (prompts, recordings) per call, default 100, at least 1
 * @param maxCalls maximum concurrent call sessions, default 250000, at least 1
 * @param maxCallerSpeechMs most simulated-caller audio one call holds at once, in ms of canonical PCM16 mono 16 kHz
 *     (32 bytes per ms), default 300000 (5 min, 9.6 MB); at least {@value #MAX_SPEECH_REQUEST_MS}, one request's
 *     maximum
 * @param maxPendingKeys most simulated-caller key presses one call holds waiting to be pressed, default 256; at
 *     least {@value #MAX_KEYS_PER_REQUEST}, one request's maximum
 * @param maxRetainedCalls most ended calls kept readable during retention, default 10000; beyond it the call that
 *     ended first is forgotten early; 0 = forget ended calls at once
 * @param maxRememberedOperations most finished operations one call keeps for {@code GET .../operations/{id}},
 *     default 100, at least 1; beyond it the oldest is forgotten (404)
 */
public record CallsOptions(long answerDeadlineMs, long keepAliveTimeoutMs, long retentionMs, int mediaQueueLimit,
    int maxCalls, long maxCallerSpeechMs, int maxPendingKeys, int maxRetainedCalls, int maxRememberedOperations) {

  public static final long DEFAULT_ANSWER_DEADLINE_MS = 15_000L;
  public static final long DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 2_700_000L;
  public static final long DEFAULT_RETENTION_MS = 600_000L;
  public static final int DEFAULT_MEDIA_QUEUE_LIMIT = 100;
  public static final int DEFAULT_MAX_CALLS = 250_000;
  public static final long DEFAULT_MAX_CALLER_SPEECH_MS = 300_000L;
  public static final int DEFAULT_MAX_PENDING_KEYS = 256;
  public static final int DEFAULT_MAX_RETAINED_CALLS = 10_000;
  public static final int DEFAULT_MAX_REMEMBERED_OPERATIONS = 100;
  /** The longest speech one {@code /callvert/calls/{id}/speech} request may carry: a record's longest window. */
  public static final int MAX_SPEECH_REQUEST_MS = 120_000;
  /** The most key presses one {@code /callvert/calls/{id}/tones} request may carry. */
  public static final int MAX_KEYS_PER_REQUEST = 64;

  /** Validates. */
  public CallsOptions {
    Check.positive("calls.answerDeadlineMs", answerDeadlineMs);
    Check.positive("calls.keepAliveTimeoutMs", keepAliveTimeoutMs);
    Check.nonNegative("calls.retentionMs", retentionMs);
    Check.positive("calls.mediaQueueLimit", mediaQueueLimit);
    Check.positive("calls.maxCalls", maxCalls);
    Check.atLeast("calls.maxCallerSpeechMs", maxCallerSpeechMs, MAX_SPEECH_REQUEST_MS);
    Check.atLeast("calls.maxPendingKeys", maxPendingKeys, MAX_KEYS_PER_REQUEST);
    Check.nonNegative("calls.maxRetainedCalls", maxRetainedCalls);
    Check.positive("calls.maxRememberedOperations", maxRememberedOperations);
  }

  public static CallsOptions defaults() {
    return new CallsOptions(DEFAULT_ANSWER_DEADLINE_MS, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, DEFAULT_RETENTION_MS,
        DEFAULT_MEDIA_QUEUE_LIMIT, DEFAULT_MAX_CALLS, DEFAULT_MAX_CALLER_SPEECH_MS, DEFAULT_MAX_PENDING_KEYS,
        DEFAULT_MAX_RETAINED_CALLS, DEFAULT_MAX_REMEMBERED_OPERATIONS);
  }

  public CallsOptions withAnswerDeadlineMs(long answerDeadlineMs) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls,
        maxCallerSpeechMs, maxPendingKeys, maxRetainedCalls, maxRememberedOperations);
  }

  public CallsOptions withKeepAliveTimeoutMs(long keepAliveTimeoutMs) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls,
        maxCallerSpeechMs, maxPendingKeys, maxRetainedCalls, maxRememberedOperations);
  }

  public CallsOptions withRetentionMs(long retentionMs) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls,
        maxCallerSpeechMs, maxPendingKeys, maxRetainedCalls, maxRememberedOperations);
  }

  public CallsOptions withMediaQueueLimit(int mediaQueueLimit) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls,
        maxCallerSpeechMs, maxPendingKeys, maxRetainedCalls, maxRememberedOperations);
  }

  public CallsOptions withMaxCalls(int maxCalls) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls,
        maxCallerSpeechMs, maxPendingKeys, maxRetainedCalls, maxRememberedOperations);
  }

  public CallsOptions withMaxCallerSpeechMs(long maxCallerSpeechMs) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls,
        maxCallerSpeechMs, maxPendingKeys, maxRetainedCalls, maxRememberedOperations);
  }

  public CallsOptions withMaxPendingKeys(int maxPendingKeys) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls,
        maxCallerSpeechMs, maxPendingKeys, maxRetainedCalls, maxRememberedOperations);
  }

  public CallsOptions withMaxRetainedCalls(int maxRetainedCalls) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls,
        maxCallerSpeechMs, maxPendingKeys, maxRetainedCalls, maxRememberedOperations);
  }

  public CallsOptions withMaxRememberedOperations(int maxRememberedOperations) {
    return new CallsOptions(answerDeadlineMs, keepAliveTimeoutMs, retentionMs, mediaQueueLimit, maxCalls,
        maxCallerSpeechMs, maxPendingKeys, maxRetainedCalls, maxRememberedOperations);
  }
}
