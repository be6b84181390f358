package io.callvert.testing;

import java.util.List;

/**
 * What the simulated caller heard so far: every clip played to it (a prompt, a beep, a DTMF key), back to back in
 * play order, each cut where a cancel, a barge-in or the end of the call stopped it.
 *
 * @param durationMs how much the caller heard in all
 * @param segments the clips, in play order
 */
public record Heard(long durationMs, List<Segment> segments) {

  /**
   * Defensive copy.
   *
   * @param durationMs how much the caller heard in all
   * @param segments the clips, in play order
   */
  public Heard {
    segments = List.copyOf(segments);
  }

  /**
   * One clip played to the caller.
   *
   * @param offsetMs where it starts in what the caller heard
   * @param playedMs how much of it was heard
   * @param lengthMs the whole clip
   * @param cut whether it was heard only in part (cancelled, cut by the call's end, or still playing)
   */
  public record Segment(long offsetMs, long playedMs, long lengthMs, boolean cut) {}

  /**
   * Where, in what the caller heard, a clip was cut (its offset plus what was played of it), in play order.
   *
   * @return the cut points, in ms
   */
  public List<Long> cutPoints() {
    return segments.stream().filter(Segment::cut).map(s -> s.offsetMs() + s.playedMs()).toList();
  }
}
