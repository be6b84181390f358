package io.callvert.runtime.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sample decoding for {@link Wav}'s parsers: canonical data straight into a clip, and any
 * integer PCM (8-bit unsigned; 16-, 24-, 32-bit signed; any channel count; any rate Callvert
 * accepts) downmixed by averaging the channels and resampled to 16 kHz by linear interpolation.
 */
final class PcmConversion {

  private PcmConversion() {}

  /**
   * Converts the data chunk {@code layout} found to the canonical format (see
   * {@link Wav#parseAndConvert(byte[])} for the rules).
   */
  static Clip toCanonical(byte[] wav, WavChunks.Layout layout) throws AudioFormatException {
    WavChunks.Fmt fmt = layout.fmt();
    long outLength = outputSamples(layout);
    int bits = fmt.bits();
    int bytesPerSample = bits / 8;
    int frames = frames(layout);
    if (bits == 16 && fmt.channels() == 1 && fmt.sampleRate() == Clip.SAMPLE_RATE) {
      return decode16Mono(wav, layout.dataOffset(), frames);
    }
    if (outLength > Integer.MAX_VALUE - 8) {
      throw new AudioFormatException("WAV too long: " + frames + " frames at " + fmt.sampleRate()
          + " Hz do not fit in one clip");
    }
    FrameReader reader = new FrameReader(wav, layout.dataOffset(), fmt.channels(), bytesPerSample);
    short[] out = new short[(int) outLength];
    if (fmt.sampleRate() == Clip.SAMPLE_RATE) {
      for (int i = 0; i < out.length; i++) {
        out[i] = toPcm16(reader.mono(i));
      }
    } else {
      long rate = fmt.sampleRate();
      for (int i = 0; i < out.length; i++) {
        long position = i * rate; // source frame index times 16000
        int j = (int) (position / Clip.SAMPLE_RATE);
        double frac = (double) (position % Clip.SAMPLE_RATE) / Clip.SAMPLE_RATE;
        double a = reader.mono(Math.min(j, frames - 1));
        double b = frac == 0 ? a : reader.mono(Math.min(j + 1, frames - 1));
        out[i] = toPcm16(a + (b - a) * frac);
      }
    }
    return Clip.of(out);
  }

  /**
   * How many canonical samples {@link #toCanonical} makes of the data chunk {@code layout} found,
   * from the header alone (nothing is decoded): the size of a conversion, known before it runs.
   *
   * @throws AudioFormatException for a bit depth or rate {@link #toCanonical} refuses
   */
  static long outputSamples(WavChunks.Layout layout) throws AudioFormatException {
    WavChunks.Fmt fmt = layout.fmt();
    int bits = fmt.bits();
    if (bits != 8 && bits != 16 && bits != 24 && bits != 32) {
      throw new AudioFormatException(
          "unsupported PCM bit depth " + bits + "; expected 8, 16, 24 or 32");
    }
    if (fmt.sampleRate() < Wav.MIN_SOURCE_RATE || fmt.sampleRate() > Wav.MAX_SOURCE_RATE) {
      throw new AudioFormatException("unsupported sample rate " + fmt.sampleRate() + " Hz; expected "
          + Wav.MIN_SOURCE_RATE + " to " + Wav.MAX_SOURCE_RATE + " Hz");
    }
    long frames = frames(layout);
    if (bits == 16 && fmt.channels() == 1 && fmt.sampleRate() == Clip.SAMPLE_RATE) {
      return frames;
    }
    return (frames * Clip.SAMPLE_RATE + fmt.sampleRate() / 2) / fmt.sampleRate();
  }

  private static int frames(WavChunks.Layout layout) {
    return layout.dataLength() / (layout.fmt().bits() / 8 * layout.fmt().channels());
  }

  /** {@code count} canonical samples from {@code offset}: the only copy is the decoding itself. */
  static Clip decode16Mono(byte[] wav, int offset, int count) {
    if (count == 0) {
      return Clip.EMPTY;
    }
    short[] samples = new short[count];
    ByteBuffer.wrap(wav, offset, count * 2).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer()
        .get(samples);
    return Clip.of(samples);
  }

  /** A normalised sample in [-1, 1) to PCM16, rounded and clamped. */
  private static short toPcm16(double v) {
    long s = Math.round(v * 32768.0);
    return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, s));
  }

  /** Reads interleaved integer PCM frames and downmixes them to one value in [-1, 1). */
  private static final class FrameReader {
    private final byte[] wav;
    private final int offset;
    private final int channels;
    private final int bytesPerSample;
    private final int frameBytes;

    FrameReader(byte[] wav, int offset, int channels, int bytesPerSample) {
      this.wav = wav;
      this.offset = offset;
      this.channels = channels;
      this.bytesPerSample = bytesPerSample;
      this.frameBytes = channels * bytesPerSample;
    }

    double mono(int frame) {
      int p = offset + frame * frameBytes;
      double sum = 0;
      for (int c = 0; c < channels; c++, p += bytesPerSample) {
        sum += sample(p);
      }
      return sum / channels;
    }

    private double sample(int p) {
      switch (bytesPerSample) {
        case 1:
          return ((wav[p] & 0xFF) - 128) / 128.0;
        case 2:
          return (short) ((wav[p] & 0xFF) | (wav[p + 1] << 8)) / 32768.0;
        case 3:
          return ((wav[p] & 0xFF) | (wav[p + 1] & 0xFF) << 8 | wav[p + 2] << 16) / 8388608.0;
        default:
          return ((wav[p] & 0xFF) | (wav[p + 1] & 0xFF) << 8 | (wav[p + 2] & 0xFF) << 16
              | wav[p + 3] << 24) / 2147483648.0;
      }
    }
  }
}
