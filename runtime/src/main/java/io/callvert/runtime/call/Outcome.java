package io.callvert.runtime.call;

/**
 * Why an operation ended, in the call's own words; each dialect renders it (Graph: a
 * {@code resultInfo} and a {@code completionReason}, see {@code GraphJson}).
 */
public enum Outcome {
  /** Played to the end, sent, or done at once. */
  COMPLETED(OperationStatus.COMPLETED),
  /** A recording ended because the caller pressed a stop tone. */
  STOP_TONE(OperationStatus.COMPLETED),
  /** A recognize collected as many keys as it was asked for (contract rule 54 — DTMF recognize). */
  MAX_TONES(OperationStatus.COMPLETED),
  /** A recognize had keys and the caller paused longer than its inter-tone timeout (contract rule 54). */
  INTER_TONE_TIMEOUT(OperationStatus.COMPLETED),
  /** A recording ended after the caller's silence. */
  MAX_SILENCE(OperationStatus.COMPLETED),
  /** A recording reached its maximum duration. */
  MAX_DURATION(OperationStatus.COMPLETED),
  /** The caller never spoke (a recognize: never pressed a key) within the initial silence timeout. */
  INITIAL_SILENCE(OperationStatus.FAILED),
  /** A prompt could not be fetched or is not playable. */
  PROMPT_FAILED(OperationStatus.FAILED),
  /** Cancelled by cancelMediaProcessing or a barge-in (contract rules 10–12). */
  CANCELLED(OperationStatus.FAILED),
  /** The call ended while the operation was live (contract rule 15 — Call lifecycle). */
  CALL_ENDED(OperationStatus.FAILED),
  /** The node that owned the call left the cluster (contract rule 22 — Node loss). */
  OWNER_LOST(OperationStatus.FAILED),
  /** The node that owned the call restarted (contract rule 42 — A restarted node ends its calls). */
  NODE_RESTARTED(OperationStatus.FAILED);

  private final OperationStatus status;

  Outcome(OperationStatus status) {
    this.status = status;
  }

  /** The terminal status this outcome gives. */
  public OperationStatus status() {
    return status;
  }
}
