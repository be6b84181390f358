package io.callvert.runtime.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable run of 16 kHz mono PCM16 samples: Callvert's canonical audio.
 *
 * <p><b>Units.</b> Indexes and lengths are in samples; durations are in milliseconds, and 1 ms =
 * {@value #SAMPLES_PER_MS} samples.
 *
 * <p><b>Ownership and sharing.</b> A clip never copies its samples: {@link #of(short[])} takes
 * ownership of the array it is given, {@link #subClip(int, int)} is a view onto the same array and
 * {@link #silence(long)} allocates no sample storage at all. Clips are therefore cheap to share
 * between calls, threads and queued operations; to hand out bytes, write ranges of samples
 * straight into the destination with one of the {@code writePcm} methods (or {@link
 * Wav#render(java.util.List)}), which avoids building intermediate sample arrays.
 */
public final class Clip {

  /** Samples per second. */
  public static final int SAMPLE_RATE = 16_000;

  /** Samples per millisecond. */
  public static final int SAMPLES_PER_MS = SAMPLE_RATE / 1000;

  /** The clip of no samples. */
  public static final Clip EMPTY = new Clip(null, 0, 0);

  /** Samples written per chunk by {@link #writePcm(int, int, OutputStream)}. */
  private static final int STREAM_CHUNK_SAMPLES = 4096;

  private static final byte[] ZERO_BYTES = new byte[STREAM_CHUNK_SAMPLES * 2];

  /** The backing array, or {@code null} when this clip is digital silence. */
  private final short[] samples;
  private final int offset;
  private final int length;

  private Clip(short[] samples, int offset, int length) {
    this.samples = samples;
    this.offset = offset;
    this.length = length;
  }

  /**
   * Wraps {@code samples} <b>without copying</b>: the clip takes ownership of the array, and the
   * caller must not modify it afterwards (doing so would change every holder's audio). Use {@link
   * #copyOf(short[])} when the array is not yours to give away.
   */
  public static Clip of(short[] samples) {
    Objects.requireNonNull(samples, "samples");
    return samples.length == 0 ? EMPTY : new Clip(samples, 0, samples.length);
  }

  /** A clip holding a private copy of {@code samples}. */
  public static Clip copyOf(short[] samples) {
    return of(samples.clone());
  }

  /**
   * {@code durationMs} milliseconds of digital silence (all samples zero). It allocates no sample
   * storage, whatever its length.
   *
   * @throws IllegalArgumentException if {@code durationMs} is negative or longer than a clip can
   *     hold (about 37 hours)
   */
  public static Clip silence(long durationMs) {
    if (durationMs < 0) {
      throw new IllegalArgumentException("durationMs must be >= 0, got " + durationMs);
    }
    if (durationMs > Integer.MAX_VALUE / SAMPLES_PER_MS) {
      throw new IllegalArgumentException("durationMs too long for a clip: " + durationMs);
    }
    return durationMs == 0 ? EMPTY : new Clip(null, 0, (int) durationMs * SAMPLES_PER_MS);
  }

  /** Number of samples. */
  public int length() {
    return length;
  }

  /** Duration in milliseconds: {@code length() / 16}, rounded down. */
  public long durationMs() {
    return length / SAMPLES_PER_MS;
  }

  /** The sample at index {@code i} (0-based). */
  public short sample(int i) {
    Objects.checkIndex(i, length);
    return samples == null ? 0 : samples[offset + i];
  }

  /**
   * The sample index at {@code ms} milliseconds from the start: {@code ms * 16}, clamped to
   * {@code [0, length()]}. Handy for turning millisecond positions into slice bounds.
   */
  public int samplesFor(long ms) {
    if (ms <= 0) {
      return 0;
    }
    if (ms >= length / SAMPLES_PER_MS + 1) {
      return length;
    }
    return (int) Math.min(length, ms * SAMPLES_PER_MS);
  }

  /**
   * The samples {@code [fromSample, toSample)} as a clip that shares this clip's storage (no
   * copy). Note that a small view keeps the whole backing array reachable.
   */
  public Clip subClip(int fromSample, int toSample) {
    Objects.checkFromToIndex(fromSample, toSample, length);
    if (fromSample == 0 && toSample == length) {
      return this;
    }
    if (fromSample == toSample) {
      return EMPTY;
    }
    return new Clip(samples, offset + fromSample, toSample - fromSample);
  }

  /**
   * Writes samples {@code [fromSample, toSample)} as little-endian PCM16 bytes into {@code target}
   * starting at {@code targetOffset}.
   *
   * @return the number of bytes written: {@code 2 * (toSample - fromSample)}
   * @throws IndexOutOfBoundsException if the sample range is outside this clip or the bytes do
   *     not fit in {@code target}
   */
  public int writePcm(int fromSample, int toSample, byte[] target, int targetOffset) {
    Objects.checkFromToIndex(fromSample, toSample, length);
    int count = toSample - fromSample;
    int bytes = count * 2;
    Objects.checkFromIndexSize(targetOffset, bytes, target.length);
    if (samples == null) {
      Arrays.fill(target, targetOffset, targetOffset + bytes, (byte) 0);
    } else {
      ByteBuffer.wrap(target, targetOffset, bytes)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asShortBuffer()
          .put(samples, offset + fromSample, count);
    }
    return bytes;
  }

  /**
   * Writes samples {@code [fromSample, toSample)} as little-endian PCM16 bytes at {@code
   * target}'s position and advances the position. The bytes are little-endian whatever {@code
   * target}'s byte order; the buffer's order is left unchanged.
   *
   * @throws BufferOverflowException if {@code target} has fewer than {@code 2 * (toSample -
   *     fromSample)} bytes remaining (nothing is written then)
   */
  public void writePcm(int fromSample, int toSample, ByteBuffer target) {
    Objects.checkFromToIndex(fromSample, toSample, length);
    int count = toSample - fromSample;
    int bytes = count * 2;
    if (target.remaining() < bytes) {
      throw new BufferOverflowException();
    }
    if (samples == null) {
      for (int left = bytes; left > 0; ) {
        int n = Math.min(left, ZERO_BYTES.length);
        target.put(ZERO_BYTES, 0, n);
        left -= n;
      }
    } else {
      target.slice().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer()
          .put(samples, offset + fromSample, count);
      target.position(target.position() + bytes);
    }
  }

  /**
   * Writes samples {@code [fromSample, toSample)} as little-endian PCM16 bytes to {@code out},
   * through a small (8 KiB) chunk buffer. Does not flush or close {@code out}.
   */
  public void writePcm(int fromSample, int toSample, OutputStream out) throws IOException {
    Objects.checkFromToIndex(fromSample, toSample, length);
    Objects.requireNonNull(out, "out");
    if (samples == null) {
      for (int left = (toSample - fromSample) * 2; left > 0; ) {
        int n = Math.min(left, ZERO_BYTES.length);
        out.write(ZERO_BYTES, 0, n);
        left -= n;
      }
      return;
    }
    byte[] chunk = new byte[Math.min(toSample - fromSample, STREAM_CHUNK_SAMPLES) * 2];
    for (int from = fromSample; from < toSample; ) {
      int to = Math.min(toSample, from + STREAM_CHUNK_SAMPLES);
      int n = writePcm(from, to, chunk, 0);
      out.write(chunk, 0, n);
      from = to;
    }
  }

  /** The backing array, or {@code null} for digital silence (package use: fast loops). */
  short[] array() {
    return samples;
  }

  /** Index into {@link #array()} of sample 0. */
  int offset() {
    return offset;
  }

  /** Equal when both clips hold the same samples (compares content: O(length)). */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Clip)) {
      return false;
    }
    Clip other = (Clip) o;
    if (length != other.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      short a = samples == null ? 0 : samples[offset + i];
      short b = other.samples == null ? 0 : other.samples[other.offset + i];
      if (a != b) {
        return false;
      }
    }
    return true;
  }

  /** Content hash, consistent with {@link #equals(Object)} (O(length)). */
  @Override
  public int hashCode() {
    int h = 1;
    for (int i = 0; i < length; i++) {
      h = 31 * h + (samples == null ? 0 : samples[offset + i]);
    }
    return h;
  }

  @Override
  public String toString() {
    return "Clip[" + durationMs() + " ms, " + length + " samples" + (samples == null && length > 0
        ? ", silence]" : "]");
  }
}
