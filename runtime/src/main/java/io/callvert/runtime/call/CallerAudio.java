package io.callvert.runtime.call;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.EnergyDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulated caller's outgoing audio: segments of sound placed at absolute clock times, silence
 * everywhere else. Voice activity is decided once per segment by the energy detector, so silence
 * timers are exact and deterministic.
 */
final class CallerAudio {

  record Segment(long start, Clip clip, List<long[]> voiced) {
    long end() {
      return start + clip.durationMs();
    }
  }

  private final EnergyDetector detector;
  /** The shared empty list until the caller first makes a sound (an idle call's caller is silent). */
  private List<Segment> segments = List.of();
  /** Samples of every segment held (contract rule 38 — Bounded caller input). */
  private long heldSamples;

  CallerAudio(EnergyDetector detector) {
    this.detector = detector;
  }

  void add(long start, Clip clip) {
    List<long[]> voiced = new ArrayList<>();
    for (EnergyDetector.Interval iv : detector.voicedIntervals(clip)) {
      voiced.add(new long[] {start + iv.startMs(), start + iv.endMs()});
    }
    if (!(segments instanceof ArrayList)) {
      segments = new ArrayList<>();
    }
    segments.add(new Segment(start, clip, voiced));
    heldSamples += clip.length();
  }

  /** Forgets segments that ended before {@code time}: nothing can record them any more. */
  void prune(long time) {
    if (!(segments instanceof ArrayList)) {
      return; // still the shared empty list, which refuses removeIf
    }
    segments.removeIf(s -> {
      if (s.end() < time) {
        heldSamples -= s.clip.length();
        return true;
      }
      return false;
    });
  }

  /** Canonical samples held (2 bytes each): what the call keeps of its caller's audio right now. */
  long heldSamples() {
    return heldSamples;
  }

  /** Earliest voiced instant at or after {@code from}, or -1. */
  long firstVoice(long from) {
    long best = -1;
    for (Segment s : segments) {
      for (long[] iv : s.voiced) {
        if (iv[1] > from) {
          long t = Math.max(iv[0], from);
          if (best < 0 || t < best) {
            best = t;
          }
        }
      }
    }
    return best;
  }

  /** End of the latest voiced run that ends after {@code from}, or -1. */
  long lastVoiceEnd(long from) {
    long best = -1;
    for (Segment s : segments) {
      for (long[] iv : s.voiced) {
        if (iv[1] > from && iv[1] > best) {
          best = iv[1];
        }
      }
    }
    return best;
  }

  /**
   * A pure renderer of the caller's audio between {@code from} and {@code to}, over a snapshot of
   * the segments (segments and clips are immutable), safe to run later on another thread.
   */
  java.util.function.Supplier<Clip> renderer(long from, long to) {
    List<Segment> snapshot = List.copyOf(segments);
    return () -> render(snapshot, from, to);
  }

  /** The caller's audio between {@code from} and {@code to}, silence-filled, overlapping sound mixed. */
  Clip render(long from, long to) {
    return render(segments, from, to);
  }

  private static Clip render(List<Segment> segments, long from, long to) {
    int perMs = Clip.SAMPLE_RATE / 1000;
    int n = (int) Math.max(0, (to - from) * perMs);
    int[] mix = new int[n];
    for (Segment s : segments) {
      long offset = (s.start - from) * perMs;
      int first = (int) Math.max(0, -offset);
      int last = (int) Math.min(s.clip.length(), n - offset);
      for (int i = first; i < last; i++) {
        mix[(int) (offset + i)] += s.clip.sample(i);
      }
    }
    short[] out = new short[n];
    for (int i = 0; i < n; i++) {
      out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, mix[i]));
    }
    return Clip.of(out);
  }
}
