package io.callvert.runtime.call;

import io.callvert.runtime.audio.Clip;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the call state machine asks the outside world to do. The state machine never performs I/O
 * or touches timers itself: it calls these methods while handling one input, and its host (the
 * call verticle, or a unit test) carries them out afterwards, in the order they were requested.
 * Results of asynchronous effects come back as new inputs ({@link CallSession#onMediaReady},
 * {@link CallSession#onMediaFailed}, {@link CallSession#onTimer}).
 */
public interface Effects {

  /** Queue an event for delivery to the call's bot, after everything queued before it. */
  void notify(Notification notification);

  /** Arm (or re-arm) the timer {@code key} to fire at {@code dueAt} (clock millis). */
  void schedule(TimerKey key, long dueAt);

  /** Disarm the timer {@code key}; a no-op if it is not armed. */
  void cancelTimer(TimerKey key);

  /** Fetch and decode the media of operation {@code opId}; answer with onMediaReady / onMediaFailed. */
  void fetchMedia(String opId, List<MediaRef> media);

  /** Warm the media cache ({@code preFetchMedia}); no answer. */
  void prefetch(List<MediaRef> media);

  /**
   * Make a finished recording downloadable before the notification that names it goes out.
   * {@code audio} renders the recording from an immutable snapshot of the caller's audio; it is
   * pure and may run on any thread, so the host can mix and encode it off the event loop.
   */
  void storeRecording(String recordingId, String accessToken, Supplier<Clip> audio);

  /** The call has terminated: its host retires it (its final state stays readable for retention). */
  void ended();

  /**
   * What the caller hears and sees, as it happens (contract rule 62): for a host streaming the call
   * live. Hosts without a live caller ignore it.
   */
  default void feed(CallerFeed event) {
  }
}
