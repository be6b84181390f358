package io.callvert.runtime.audio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Test helpers: a free-form WAV writer and signal measurements. */
final class TestAudio {

  private TestAudio() {}

  /** Builds RIFF/WAVE bytes chunk by chunk, so tests can write any (even broken) file. */
  static final class WavBuilder {
    private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();

    WavBuilder fmt(int tag, int channels, int rate, int bits) {
      int align = channels * ((bits + 7) / 8);
      ByteBuffer b = le(16).putShort((short) tag).putShort((short) channels).putInt(rate)
          .putInt(rate * align).putShort((short) align).putShort((short) bits);
      return chunk("fmt ", b.array());
    }

    /** WAVE_FORMAT_EXTENSIBLE with the subformat GUID {code-0000-0010-8000-00AA00389B71}. */
    WavBuilder fmtExtensible(int subformat, int channels, int rate, int bits) {
      int align = channels * ((bits + 7) / 8);
      ByteBuffer b = le(40).putShort((short) 0xFFFE).putShort((short) channels).putInt(rate)
          .putInt(rate * align).putShort((short) align).putShort((short) bits)
          .putShort((short) 22).putShort((short) bits).putInt(channels == 1 ? 0x4 : 0x3)
          .putInt(subformat).putShort((short) 0).putShort((short) 0x10)
          .put(new byte[] {(byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
      return chunk("fmt ", b.array());
    }

    WavBuilder data(byte[] pcm) {
      return chunk("data", pcm);
    }

    /** A chunk with its pad byte when odd-sized. */
    WavBuilder chunk(String id, byte[] body) {
      chunks.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
      chunks.writeBytes(le(4).putInt(body.length).array());
      chunks.writeBytes(body);
      if ((body.length & 1) != 0) {
        chunks.write(0);
      }
      return this;
    }

    /** Raw bytes appended as they are (no chunk header). */
    WavBuilder raw(byte[] bytes) {
      chunks.writeBytes(bytes);
      return this;
    }

    byte[] build() {
      byte[] body = chunks.toByteArray();
      ByteBuffer b = le(12 + body.length);
      b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + body.length);
      b.put("WAVE".getBytes(StandardCharsets.US_ASCII)).put(body);
      return b.array();
    }
  }

  static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  static byte[] pcm16(short[] samples) {
    ByteBuffer b = le(samples.length * 2);
    for (short s : samples) {
      b.putShort(s);
    }
    return b.array();
  }

  /** {@code seconds} of a sine at {@code hz}, peak {@code amplitude} (of 1.0), at {@code rate}. */
  static double[] sine(double hz, double amplitude, int rate, double seconds) {
    double[] v = new double[(int) Math.round(rate * seconds)];
    for (int i = 0; i < v.length; i++) {
      v[i] = amplitude * Math.sin(2 * Math.PI * hz * i / rate);
    }
    return v;
  }

  static short[] toPcm16(double[] v) {
    short[] s = new short[v.length];
    for (int i = 0; i < v.length; i++) {
      s[i] = (short) Math.max(-32768, Math.min(32767, Math.round(v[i] * 32768)));
    }
    return s;
  }

  static Clip concat(Clip... clips) {
    int n = 0;
    for (Clip c : clips) {
      n += c.length();
    }
    short[] s = new short[n];
    int p = 0;
    for (Clip c : clips) {
      for (int i = 0; i < c.length(); i++) {
        s[p++] = c.sample(i);
      }
    }
    return Clip.of(s);
  }

  /** Goertzel power of {@code clip} at {@code hz}, normalised to the energy of a pure sine. */
  static double goertzel(Clip clip, double hz) {
    double coeff = 2 * Math.cos(2 * Math.PI * hz / Clip.SAMPLE_RATE);
    double s1 = 0;
    double s2 = 0;
    for (int i = 0; i < clip.length(); i++) {
      double s0 = clip.sample(i) / 32768.0 + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    return 2 * (s1 * s1 + s2 * s2 - coeff * s1 * s2) / clip.length();
  }

  /** Sign changes between consecutive non-zero samples. */
  static int zeroCrossings(Clip clip) {
    int crossings = 0;
    int last = 0;
    for (int i = 0; i < clip.length(); i++) {
      int s = Integer.signum(clip.sample(i));
      if (s != 0) {
        if (last != 0 && s != last) {
          crossings++;
        }
        last = s;
      }
    }
    return crossings;
  }
}
