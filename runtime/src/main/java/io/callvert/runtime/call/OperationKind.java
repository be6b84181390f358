package io.callvert.runtime.call;

/** The kinds of operation a call runs. */
public enum OperationKind {
  PLAY_PROMPT, RECORD, CANCEL_MEDIA, SUBSCRIBE_TONE, SEND_DTMF;

  /** Whether it waits in, and runs from, the media queue (contract rule 9). */
  public boolean isMedia() {
    return this == PLAY_PROMPT || this == RECORD;
  }
}
