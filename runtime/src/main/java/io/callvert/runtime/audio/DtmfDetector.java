package io.callvert.runtime.audio;

/**
 * Finds DTMF keys in a clip with the Goertzel algorithm; used by tests and the {@code /heard}
 * inspection to prove that DTMF really is in the audio.
 *
 * <p>The clip is analysed in blocks of {@value #BLOCK_MS} ms (320 samples, a rectangular window:
 * 50 Hz resolution, enough to separate the DTMF frequencies, which are at least 73 Hz apart)
 * every {@value #HOP_MS} ms. A block holds key K when:
 *
 * <ul>
 *   <li>the strongest row and column frequencies are K's;
 *   <li>each of the two is at least {@value #MIN_TONE_DBFS} dBFS (peak amplitude of its sine);
 *   <li>their levels differ by at most {@value #MAX_TWIST_DB} dB (twist);
 *   <li>each beats the runner-up of its group by at least {@value #MIN_DOMINANCE_DB} dB;
 *   <li>together they carry at least {@value #MIN_TONE_ENERGY_FRACTION} of the block's energy
 *       (rejects speech, noise and music).
 * </ul>
 *
 * <p>A key is reported once it holds for {@value #MIN_BLOCKS} consecutive blocks, and once per
 * contiguous tone: to report the same key again there must be at least one block without it in
 * between (silence, or another key). With these settings a tone of 40 ms or more is always
 * detected, wherever it starts, and one of 25 ms or less never is; a gap of a few ms between two
 * tones of the same key is enough to report it twice.
 */
public final class DtmfDetector {

  public static final int BLOCK_MS = 20;
  public static final int HOP_MS = 5;
  public static final int MIN_BLOCKS = 5;
  public static final double MIN_TONE_DBFS = -36.0;
  public static final double MAX_TWIST_DB = 8.0;
  public static final double MIN_DOMINANCE_DB = 6.0;
  public static final double MIN_TONE_ENERGY_FRACTION = 0.7;

  private static final int BLOCK = BLOCK_MS * Clip.SAMPLES_PER_MS;
  private static final int HOP = HOP_MS * Clip.SAMPLES_PER_MS;
  private static final double[] ROW_COEFF = coefficients(Tones.ROW_HZ);
  private static final double[] COL_COEFF = coefficients(Tones.COL_HZ);
  /** Minimum per-tone block energy (sum of squares of samples normalised to [-1, 1)). */
  private static final double MIN_TONE_ENERGY =
      BLOCK * Math.pow(Tones.dbToAmplitude(MIN_TONE_DBFS), 2) / 2;
  private static final double MAX_TWIST = Math.pow(10, MAX_TWIST_DB / 10);
  private static final double MIN_DOMINANCE = Math.pow(10, MIN_DOMINANCE_DB / 10);

  private DtmfDetector() {}

  /**
   * The keys present in {@code clip}, in order, each reported once per contiguous tone; letters
   * are upper-case ({@code "12#"}, {@code "A0"}). Empty if there are none.
   */
  public static String detect(Clip clip) {
    StringBuilder keys = new StringBuilder();
    double[] block = new double[BLOCK];
    double[] rows = new double[4];
    double[] cols = new double[4];
    char current = 0;
    int run = 0;
    for (int from = 0; from + BLOCK <= clip.length(); from += HOP) {
      char key = classify(clip, from, block, rows, cols);
      if (key != current) {
        current = key;
        run = 0;
      }
      if (key != 0 && ++run == MIN_BLOCKS) {
        keys.append(key);
      }
    }
    return keys.toString();
  }

  /** The key held by the block starting at {@code from}, or 0. */
  private static char classify(Clip clip, int from, double[] x, double[] rows, double[] cols) {
    short[] a = clip.array();
    if (a == null) {
      return 0;
    }
    double energy = 0;
    for (int i = 0, p = clip.offset() + from; i < BLOCK; i++, p++) {
      double v = a[p] / 32768.0;
      x[i] = v;
      energy += v * v;
    }
    if (energy == 0) {
      return 0;
    }
    for (int k = 0; k < 4; k++) {
      rows[k] = toneEnergy(x, ROW_COEFF[k]);
      cols[k] = toneEnergy(x, COL_COEFF[k]);
    }
    int row = argMax(rows);
    int col = argMax(cols);
    double r = rows[row];
    double c = cols[col];
    if (r < MIN_TONE_ENERGY || c < MIN_TONE_ENERGY) {
      return 0;
    }
    if (r > c * MAX_TWIST || c > r * MAX_TWIST) {
      return 0;
    }
    if (r < secondMax(rows, row) * MIN_DOMINANCE || c < secondMax(cols, col) * MIN_DOMINANCE) {
      return 0;
    }
    if (r + c < MIN_TONE_ENERGY_FRACTION * energy) {
      return 0;
    }
    return Tones.DTMF_KEYS.charAt(row * 4 + col);
  }

  /**
   * Goertzel power at one frequency, scaled so that a pure sine at exactly that frequency gives
   * its energy in the block (sum of squares), about {@code N * A^2 / 2}.
   */
  private static double toneEnergy(double[] x, double coeff) {
    double s1 = 0;
    double s2 = 0;
    for (double v : x) {
      double s0 = v + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    return 2 * power / x.length;
  }

  private static double[] coefficients(int[] hz) {
    double[] c = new double[hz.length];
    for (int i = 0; i < hz.length; i++) {
      c[i] = 2 * Math.cos(2 * Math.PI * hz[i] / Clip.SAMPLE_RATE);
    }
    return c;
  }

  private static int argMax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double secondMax(double[] v, int skip) {
    double m = 0;
    for (int i = 0; i < v.length; i++) {
      if (i != skip) {
        m = Math.max(m, v[i]);
      }
    }
    return m;
  }
}
