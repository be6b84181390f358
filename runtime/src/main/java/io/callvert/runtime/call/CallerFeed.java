package io.callvert.runtime.call;

import io.callvert.runtime.audio.Clip;
import java.util.List;

/**
 * What a live caller hears and sees as it happens (contract rule 62 — Live audio is what the caller
 * heard): the call reports it through {@link Effects#feed}, and a host streaming the call to a
 * person (the media WebSocket) renders it. Immutable; audio is shared, never copied.
 */
public sealed interface CallerFeed {

  /**
   * Audio starts playing to the caller at clock time {@code at}: {@code clips} back to back, until
   * their end or a {@link Cut} of the same {@code item}.
   *
   * @param item the call's own sequence number of this played item
   */
  record Playing(long item, String operationId, OperationKind kind, List<Clip> clips, long at) implements CallerFeed {
    public Playing {
      clips = List.copyOf(clips);
    }

    /** Clock time the audio ends if nothing cuts it. */
    public long end() {
      return at + MediaQueue.totalMs(clips);
    }
  }

  /** The item stopped at clock time {@code at} (cancel, barge-in, stop tone, call end). */
  record Cut(long item, long at) implements CallerFeed {}

  /**
   * An operation was created, started running or ended; {@code outcome} is null until it ended.
   */
  record OperationChanged(String operationId, OperationKind kind, OperationStatus status, Outcome outcome)
      implements CallerFeed {}
}
