package io.callvert.runtime.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The silence detector of recordResponse: a frame is <i>voiced</i> when its RMS level is at or
 * above a threshold in dBFS (relative to a full-scale PCM16 value of 32768, so a full-scale sine
 * measures about -3 dBFS).
 *
 * <p>Frames are {@value #FRAME_MS} ms (320 samples), counted from the start of the clip; a final
 * partial frame is judged on the samples it has. {@link #voicedIntervals(Clip)} merges voiced
 * frames into intervals and bridges gaps shorter than {@value #HANGOVER_MS} ms (the hangover), so
 * the short pauses inside speech do not split it.
 *
 * <p>Immutable and thread-safe; one instance can serve every call.
 */
public final class EnergyDetector {

  /** Analysis frame length in ms. */
  public static final int FRAME_MS = 20;

  /** Default voiced threshold: quiet line noise sits well below it, any speech well above. */
  public static final double DEFAULT_THRESHOLD_DBFS = -45.0;

  /** Gaps between voiced runs strictly shorter than this (ms) are bridged into one interval. */
  public static final int HANGOVER_MS = 200;

  static final int FRAME_SAMPLES = FRAME_MS * Clip.SAMPLES_PER_MS;
  private static final double FULL_SCALE_SQUARED = 32768.0 * 32768.0;

  private final double thresholdDbfs;
  /** The threshold as a mean square of raw sample values, to compare without logarithms. */
  private final double minMeanSquare;

  /** A detector with {@link #DEFAULT_THRESHOLD_DBFS}. */
  public EnergyDetector() {
    this(DEFAULT_THRESHOLD_DBFS);
  }

  /**
   * @param thresholdDbfs RMS level in dBFS at or above which a frame is voiced
   * @throws IllegalArgumentException if the threshold is NaN or infinite
   */
  public EnergyDetector(double thresholdDbfs) {
    if (!Double.isFinite(thresholdDbfs)) {
      throw new IllegalArgumentException("thresholdDbfs must be finite, got " + thresholdDbfs);
    }
    this.thresholdDbfs = thresholdDbfs;
    this.minMeanSquare = FULL_SCALE_SQUARED * Math.pow(10, thresholdDbfs / 10);
  }

  /** The threshold in dBFS. */
  public double thresholdDbfs() {
    return thresholdDbfs;
  }

  /**
   * Whether samples {@code [fromSample, toSample)} of {@code clip}, taken as one frame, have an
   * RMS level at or above the threshold. An empty range is not voiced. Callers normally pass one
   * {@value #FRAME_MS} ms frame.
   */
  public boolean isVoiced(Clip clip, int fromSample, int toSample) {
    Objects.checkFromToIndex(fromSample, toSample, clip.length());
    int n = toSample - fromSample;
    return n > 0 && (double) sumOfSquares(clip, fromSample, toSample) / n >= minMeanSquare;
  }

  /**
   * The voiced stretches of {@code clip}, in ms from its start, in order and non-overlapping: runs
   * of voiced {@value #FRAME_MS} ms frames, with runs separated by less than {@value
   * #HANGOVER_MS} ms merged into one. Bounds are frame edges ({@code endMs} of an interval ending
   * in a final partial frame is the clip's duration). Empty when nothing is voiced.
   */
  public List<Interval> voicedIntervals(Clip clip) {
    List<Interval> out = new ArrayList<>();
    int length = clip.length();
    int hangover = HANGOVER_MS * Clip.SAMPLES_PER_MS;
    int runStart = -1;
    int runEnd = -1;
    for (int from = 0; from < length; from += FRAME_SAMPLES) {
      int to = Math.min(length, from + FRAME_SAMPLES);
      if (!isVoiced(clip, from, to)) {
        continue;
      }
      if (runStart >= 0 && from - runEnd < hangover) {
        runEnd = to;
      } else {
        if (runStart >= 0) {
          out.add(toInterval(runStart, runEnd));
        }
        runStart = from;
        runEnd = to;
      }
    }
    if (runStart >= 0) {
      out.add(toInterval(runStart, runEnd));
    }
    return List.copyOf(out);
  }

  private static Interval toInterval(int fromSample, int toSample) {
    return new Interval(fromSample / Clip.SAMPLES_PER_MS, toSample / Clip.SAMPLES_PER_MS);
  }

  /**
   * RMS level of samples {@code [from, to)} in dBFS (full scale = 32768; a full-scale sine is
   * about -3.01 dBFS). {@link Double#NEGATIVE_INFINITY} for digital silence or an empty range.
   */
  public static double rmsDbfs(Clip clip, int from, int to) {
    Objects.checkFromToIndex(from, to, clip.length());
    long sum = sumOfSquares(clip, from, to);
    if (sum == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    return 10 * Math.log10(sum / ((double) (to - from) * FULL_SCALE_SQUARED));
  }

  /** Sum of squared sample values; a long cannot overflow for any clip length. */
  private static long sumOfSquares(Clip clip, int from, int to) {
    short[] a = clip.array();
    if (a == null) {
      return 0;
    }
    int base = clip.offset();
    long sum = 0;
    for (int i = base + from, end = base + to; i < end; i++) {
      int s = a[i];
      sum += s * s;
    }
    return sum;
  }

  /** A voiced stretch {@code [startMs, endMs)} in ms from the start of the analysed clip. */
  public record Interval(long startMs, long endMs) {

    public Interval {
      if (startMs < 0 || endMs < startMs) {
        throw new IllegalArgumentException("bad interval [" + startMs + ", " + endMs + ")");
      }
    }

    /** {@code endMs - startMs}. */
    public long durationMs() {
      return endMs - startMs;
    }
  }
}
