package io.callvert.runtime.audio;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Synthesised audio in the canonical format: DTMF keys, the record beep and deterministic
 * synthetic speech, plus the mapping between DTMF keys and Graph's {@code tone} enum.
 *
 * <p>Levels are in dBFS relative to a full-scale PCM16 value of 32768. Durations are in
 * milliseconds; a negative duration is an {@link IllegalArgumentException}, zero gives {@link
 * Clip#EMPTY}. Everything is deterministic: the same arguments always give the same samples.
 *
 * <p>DTMF and beep clips of up to {@value #CACHE_MAX_MS} ms are cached and shared (at most
 * {@value #CACHE_MAX_ENTRIES} of them, so at most a few MiB), since every call plays the same
 * few; {@link #speech(int, long)} is never cached.
 */
public final class Tones {

  /** Every DTMF key, in keypad order (letters are returned upper-case). */
  public static final String DTMF_KEYS = "123A456B789C*0#D";

  /** Peak level of each of a DTMF key's two sine components. */
  public static final double DTMF_COMPONENT_DBFS = -9.0;

  /** Ramp at each end of a DTMF tone, to avoid clicks. */
  public static final int DTMF_FADE_MS = 2;

  /** Frequency, peak level and fade of the record beep. */
  public static final int BEEP_HZ = 1000;
  public static final double BEEP_DBFS = -6.0;
  public static final int BEEP_FADE_MS = 5;

  /** Length of the beep Callvert plays before recording. */
  public static final int RECORD_BEEP_MS = 250;

  /** Overall RMS level of {@link #speech(int, long)}. */
  public static final double SPEECH_RMS_DBFS = -20.0;

  static final int CACHE_MAX_MS = 2000;
  static final int CACHE_MAX_ENTRIES = 64;

  /** DTMF row (low) and column (high) frequencies in Hz. */
  static final int[] ROW_HZ = {697, 770, 852, 941};
  static final int[] COL_HZ = {1209, 1336, 1477, 1633};

  private static final double FULL_SCALE = 32768.0;
  private static final Map<Long, Clip> CACHE = new ConcurrentHashMap<>();

  private Tones() {}

  /**
   * The DTMF tone for {@code key} ({@code 0-9 * # A-D}, letters case-insensitive): the standard
   * low (row) and high (column) sines, each at {@value #DTMF_COMPONENT_DBFS} dBFS peak so that
   * their sum peaks near -3 dBFS and never clips, with {@value #DTMF_FADE_MS} ms raised-cosine
   * ramps at both ends.
   *
   * @throws IllegalArgumentException for any other character or a negative duration
   */
  public static Clip dtmf(char key, int durationMs) {
    int index = keyIndex(key);
    int n = samples(durationMs);
    return cached(((long) 'D' << 48) | ((long) index << 32) | durationMs, () -> {
      double a = FULL_SCALE * dbToAmplitude(DTMF_COMPONENT_DBFS);
      double wRow = 2 * Math.PI * ROW_HZ[index / 4] / Clip.SAMPLE_RATE;
      double wCol = 2 * Math.PI * COL_HZ[index % 4] / Clip.SAMPLE_RATE;
      int fade = Math.min(DTMF_FADE_MS * Clip.SAMPLES_PER_MS, n / 2);
      short[] s = new short[n];
      for (int i = 0; i < n; i++) {
        double v = a * (StrictMath.sin(wRow * i) + StrictMath.sin(wCol * i)) * ramp(i, n, fade);
        s[i] = (short) Math.round(v);
      }
      return Clip.of(s);
    });
  }

  /**
   * The record beep: a {@value #BEEP_HZ} Hz sine at {@value #BEEP_DBFS} dBFS peak with {@value
   * #BEEP_FADE_MS} ms raised-cosine fades in and out. Callvert uses {@value #RECORD_BEEP_MS} ms.
   */
  public static Clip beep(int durationMs) {
    int n = samples(durationMs);
    return cached(((long) 'B' << 48) | durationMs, () -> {
      double a = FULL_SCALE * dbToAmplitude(BEEP_DBFS);
      double w = 2 * Math.PI * BEEP_HZ / Clip.SAMPLE_RATE;
      int fade = Math.min(BEEP_FADE_MS * Clip.SAMPLES_PER_MS, n / 2);
      short[] s = new short[n];
      for (int i = 0; i < n; i++) {
        s[i] = (short) Math.round(a * StrictMath.sin(w * i) * ramp(i, n, fade));
      }
      return Clip.of(s);
    });
  }

  /**
   * Deterministic synthetic speech-level audio, the simulated caller's voice. It is a voiced
   * component (a harmonic series with 1/k amplitudes on a fundamental gliding between 120 and
   * 200 Hz) plus low-passed noise, both shaped by a syllable envelope of 4-5 Hz whose troughs stay
   * at 30% of its peaks, normalised to an overall RMS of {@value #SPEECH_RMS_DBFS} dBFS. Every
   * 20 ms window, wherever it starts, measures about -29 dBFS or louder (the envelope's troughs),
   * far above {@link EnergyDetector#DEFAULT_THRESHOLD_DBFS}: a caller speaking for 1000 ms is
   * voiced for exactly those 1000 ms, so silence timers are deterministic. For the same reason
   * it has no fade at either end. Different seeds give different (but equally loud) audio; the
   * generator is self-contained (SplitMix64, StrictMath), so the samples do not depend on the
   * JDK. Output is the speech only: pad with {@link Clip#silence(long)} for pauses.
   */
  public static Clip speech(int durationMs, long seed) {
    int n = samples(durationMs);
    if (n == 0) {
      return Clip.EMPTY;
    }
    SplitMix rng = new SplitMix(seed);
    double fs = Clip.SAMPLE_RATE;
    double syllableHz = 4.0 + rng.nextDouble(); // 4-5 Hz
    double syllablePhase = rng.nextDouble() * 2 * Math.PI;
    double glideHz = 0.3 + 0.4 * rng.nextDouble(); // slow intonation
    double glidePhase = rng.nextDouble() * 2 * Math.PI;
    double voicedPhase = 0; // in cycles of the fundamental
    double noise = 0;
    double raw = 12_000; // pre-normalisation scale; peaks stay below full scale
    short[] s = new short[n];
    double sumSquares = 0;
    for (int i = 0; i < n; i++) {
      double t = i / fs;
      double f0 = 160 + 40 * StrictMath.sin(2 * Math.PI * glideHz * t + glidePhase); // 120-200 Hz
      voicedPhase += f0 / fs;
      voicedPhase -= Math.floor(voicedPhase);
      noise = 0.6 * noise + 0.4 * (2 * rng.nextDouble() - 1);
      double envelope =
          0.3 + 0.7 * (0.5 - 0.5 * StrictMath.cos(2 * Math.PI * syllableHz * t + syllablePhase));
      double v = envelope * (0.75 * Glottal.at(voicedPhase) + 0.25 * noise);
      short q = (short) Math.round(raw * v);
      s[i] = q;
      sumSquares += (double) q * q;
    }
    double gain = FULL_SCALE * dbToAmplitude(SPEECH_RMS_DBFS) / Math.sqrt(sumSquares / n);
    for (int i = 0; i < n; i++) {
      long v = Math.round(s[i] * gain);
      s[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
    }
    return Clip.of(s);
  }

  /**
   * Graph's {@code tone} enum value for a DTMF key: {@code '0'..'9'} to {@code "tone0".."tone9"},
   * {@code '*'} to {@code "star"}, {@code '#'} to {@code "pound"}, {@code 'A'..'D'} (either case)
   * to {@code "a".."d"}.
   *
   * @throws IllegalArgumentException for any other character
   */
  public static String toneName(char key) {
    char k = Character.toUpperCase(key);
    if (k >= '0' && k <= '9') {
      return "tone" + k;
    }
    switch (k) {
      case '*': return "star";
      case '#': return "pound";
      case 'A': case 'B': case 'C': case 'D': return String.valueOf(Character.toLowerCase(k));
      default: throw new IllegalArgumentException("not a DTMF key: '" + key + "'");
    }
  }

  /**
   * The DTMF key for a Graph {@code tone} enum value (case-insensitive); the inverse of {@link
   * #toneName(char)}, with letters returned upper-case. Graph's {@code "flash"} (a hook flash) has
   * no key and no audio, so it is rejected like any unknown name.
   *
   * @throws IllegalArgumentException for {@code "flash"} and any other unknown name
   */
  public static char keyOf(String toneName) {
    String name = toneName.toLowerCase(Locale.ROOT);
    if (name.length() == 5 && name.startsWith("tone") && Character.isDigit(name.charAt(4))
        && name.charAt(4) <= '9') {
      return name.charAt(4);
    }
    switch (name) {
      case "star": return '*';
      case "pound": return '#';
      case "a": case "b": case "c": case "d": return Character.toUpperCase(name.charAt(0));
      case "flash": throw new IllegalArgumentException("tone 'flash' has no DTMF key or audio");
      default: throw new IllegalArgumentException("not a Graph tone name: '" + toneName + "'");
    }
  }

  /** Index of {@code key} in {@link #DTMF_KEYS}: row = index / 4, column = index % 4. */
  static int keyIndex(char key) {
    int index = DTMF_KEYS.indexOf(Character.toUpperCase(key));
    if (index < 0) {
      throw new IllegalArgumentException("not a DTMF key: '" + key + "'");
    }
    return index;
  }

  private static int samples(int durationMs) {
    if (durationMs < 0) {
      throw new IllegalArgumentException("durationMs must be >= 0, got " + durationMs);
    }
    if (durationMs > Integer.MAX_VALUE / Clip.SAMPLES_PER_MS) {
      throw new IllegalArgumentException("durationMs too long for a clip: " + durationMs);
    }
    return durationMs * Clip.SAMPLES_PER_MS;
  }

  private static Clip cached(long key, Supplier<Clip> make) {
    int durationMs = (int) key;
    if (durationMs == 0) {
      return Clip.EMPTY;
    }
    if (durationMs > CACHE_MAX_MS) {
      return make.get();
    }
    Clip hit = CACHE.get(key);
    if (hit != null) {
      return hit;
    }
    Clip made = make.get();
    if (CACHE.size() < CACHE_MAX_ENTRIES) {
      Clip raced = CACHE.putIfAbsent(key, made);
      return raced != null ? raced : made;
    }
    return made;
  }

  /** Raised-cosine gain for sample {@code i} of {@code n} with {@code fade}-sample ramps. */
  private static double ramp(int i, int n, int fade) {
    int edge = Math.min(i, n - 1 - i);
    if (edge >= fade) {
      return 1.0;
    }
    return 0.5 - 0.5 * StrictMath.cos(Math.PI * (edge + 0.5) / fade);
  }

  static double dbToAmplitude(double db) {
    return StrictMath.pow(10, db / 20);
  }

  /** One period of the voiced excitation: harmonics 1..15 with 1/k amplitude, peak 1. */
  private static final class Glottal {
    private static final int SIZE = 1024;
    private static final double[] TABLE = new double[SIZE + 1];

    static {
      double peak = 0;
      for (int i = 0; i < SIZE; i++) {
        double x = 2 * Math.PI * i / SIZE;
        double v = 0;
        for (int k = 1; k <= 15; k++) {
          v += StrictMath.sin(k * x) / k;
        }
        TABLE[i] = v;
        peak = Math.max(peak, Math.abs(v));
      }
      for (int i = 0; i < SIZE; i++) {
        TABLE[i] /= peak;
      }
      TABLE[SIZE] = TABLE[0];
    }

    /** The excitation at {@code phase} cycles, {@code 0 <= phase < 1}, linearly interpolated. */
    static double at(double phase) {
      double x = phase * SIZE;
      int i = (int) x;
      double frac = x - i;
      return TABLE[i] + (TABLE[i + 1] - TABLE[i]) * frac;
    }
  }

  /** SplitMix64: small, fast and fully specified here, so output never depends on the JDK. */
  private static final class SplitMix {
    private long state;

    SplitMix(long seed) {
      this.state = seed;
    }

    long nextLong() {
      long z = (state += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
      return (nextLong() >>> 11) * 0x1.0p-53;
    }
  }
}
