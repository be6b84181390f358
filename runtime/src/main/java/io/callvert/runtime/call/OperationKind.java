package io.callvert.runtime.call;

/** The kinds of operation a call runs. */
public enum OperationKind {
  PLAY_PROMPT, RECORD, CANCEL_MEDIA, SUBSCRIBE_TONE, SEND_DTMF,
  /** Collect the caller's DTMF keys after an optional prompt (ACS recognize, contract rule 54 — DTMF recognize). */
  RECOGNIZE,
  /** End the tone subscription (ACS stopContinuousDtmfRecognition): done at once, with one event. */
  UNSUBSCRIBE_TONE;

  /** Whether it waits in, and runs from, the media queue (contract rule 9). */
  public boolean isMedia() {
    return this == PLAY_PROMPT || this == RECORD || this == RECOGNIZE;
  }
}
