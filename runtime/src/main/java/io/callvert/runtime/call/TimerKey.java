package io.callvert.runtime.call;

/**
 * The timers a call arms through {@link Effects#schedule}. Re-arming a key replaces its timer, so
 * each key names exactly one pending deadline.
 */
public sealed interface TimerKey {

  /** No keepAlive in time ends the call (contract rule 15 — Call lifecycle). */
  enum Call implements TimerKey {
    KEEP_ALIVE, ANSWER_DEADLINE, CALLEE_DECISION
  }

  /** The next step of a running operation: a prompt or beep ended, DTMF sent. */
  record Step(String operationId) implements TimerKey {}

  /** A listening record reaches its maximum duration. */
  record RecordMax(String operationId) implements TimerKey {}

  /** A listening record's initial or trailing silence runs out. */
  record RecordSilence(String operationId) implements TimerKey {}

  /** A listening recognize's initial silence or inter-tone timeout runs out (contract rule 54 — DTMF recognize). */
  record RecognizeTimeout(String operationId) implements TimerKey {}

  /** The simulated caller presses a queued key. */
  record CallerKey(long sequence) implements TimerKey {}
}
