package io.callvert.runtime.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * WAV (RIFF/WAVE) parsing and rendering for Callvert's canonical format, PCM 16-bit
 * little-endian mono 16,000 Hz.
 *
 * <p><b>Parsing.</b> {@link #parseStrict(byte[])} enforces Graph's prompt rule and accepts only
 * that format; {@link #parseAndConvert(byte[])} accepts any integer PCM WAV and converts it. Both
 * walk the chunk list, skip unknown chunks (LIST, fact, ...), honour the pad byte after odd-sized
 * chunks, ignore the RIFF size field (often wrong in streamed files) and ignore anything after the
 * data chunk once both fmt and data have been seen. Failures are {@link AudioFormatException}s
 * whose message names the problem.
 *
 * <p><b>Rendering.</b> {@link #render(List)} writes a 44-byte canonical header followed by slices
 * of clips, straight into one output array of the final size: no intermediate sample arrays are
 * built, whatever the number of slices. {@link #render(List, OutputStream)} streams the same
 * bytes.
 */
public final class Wav {

  /** Size of the canonical header written by {@link #header(int)}. */
  public static final int HEADER_BYTES = 44;

  /** Largest data chunk {@link #render(List)} can put into one array. */
  public static final int MAX_DATA_BYTES = (Integer.MAX_VALUE - 8 - HEADER_BYTES) & ~1;

  /** Lowest and highest sample rates {@link #parseAndConvert(byte[])} accepts. */
  public static final int MIN_SOURCE_RATE = 1_000;
  public static final int MAX_SOURCE_RATE = 768_000;

  private static final int WAVE_FORMAT_PCM = 1;
  private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;

  /** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_xxx GUID {xxxxxxxx-0000-0010-8000-00AA00389B71}. */
  private static final byte[] SUBFORMAT_GUID_TAIL = {
      0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71};

  private Wav() {}

  /**
   * A range {@code [fromSample, toSample)} of a clip, for {@link #render(List)}. Holds a
   * reference to the clip, never a copy.
   */
  public record Slice(Clip clip, int fromSample, int toSample) {

    public Slice {
      Objects.requireNonNull(clip, "clip");
      Objects.checkFromToIndex(fromSample, toSample, clip.length());
    }

    /** The whole of {@code clip}. */
    public static Slice of(Clip clip) {
      return new Slice(clip, 0, clip.length());
    }

    /** Number of samples in the slice. */
    public int length() {
      return toSample - fromSample;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing

  /**
   * Parses a WAV that is already in the canonical format: encoding PCM (1), or
   * WAVE_FORMAT_EXTENSIBLE (0xFFFE) with the PCM subformat; 16-bit; mono; 16,000 Hz. This is
   * Graph's rule for prompt audio. The only copy made is the decoding of the data chunk into the
   * clip's samples.
   *
   * @throws AudioFormatException naming the problem, e.g. {@code "expected PCM 16-bit mono 16000
   *     Hz WAV, got 8000 Hz stereo 16-bit"}
   */
  public static Clip parseStrict(byte[] wav) throws AudioFormatException {
    Layout layout = scan(wav, false);
    Fmt fmt = layout.fmt;
    if (fmt.channels != 1 || fmt.sampleRate != Clip.SAMPLE_RATE || fmt.bits != 16) {
      throw new AudioFormatException(
          "expected PCM 16-bit mono 16000 Hz WAV, got " + fmt.describe());
    }
    if (fmt.blockAlign != 2) {
      throw new AudioFormatException("inconsistent WAV fmt: block align " + fmt.blockAlign
          + ", expected 2 for 16-bit mono");
    }
    if ((layout.dataLength & 1) != 0) {
      throw new AudioFormatException("WAV data chunk is " + layout.dataLength
          + " bytes, not a whole number of 2-byte samples");
    }
    return decode16Mono(wav, layout.dataOffset, layout.dataLength / 2);
  }

  /**
   * Parses any integer-PCM WAV and converts it to the canonical format: 8-bit (unsigned), 16-,
   * 24- or 32-bit (signed) samples; any number of channels, downmixed by averaging them; any
   * sample rate from {@value #MIN_SOURCE_RATE} to {@value #MAX_SOURCE_RATE} Hz, resampled to
   * 16 kHz by linear interpolation (no anti-alias filter: content above 8 kHz folds back, which is
   * acceptable for telephony prompts). The output has {@code round(frames * 16000 / rate)}
   * samples. Canonical input takes the same path as {@link #parseStrict(byte[])}.
   *
   * <p>More lenient than {@link #parseStrict(byte[])}: the fmt block align is recomputed rather
   * than trusted, a trailing partial sample frame is dropped, and a data size of 0xFFFFFFFF
   * (written by streaming encoders) means "to the end of the file".
   *
   * @throws AudioFormatException naming the problem, e.g. {@code "unsupported WAV encoding 3 (IEEE
   *     float); expected PCM (1)"}
   */
  public static Clip parseAndConvert(byte[] wav) throws AudioFormatException {
    Layout layout = scan(wav, true);
    Fmt fmt = layout.fmt;
    int bits = fmt.bits;
    if (bits != 8 && bits != 16 && bits != 24 && bits != 32) {
      throw new AudioFormatException(
          "unsupported PCM bit depth " + bits + "; expected 8, 16, 24 or 32");
    }
    if (fmt.sampleRate < MIN_SOURCE_RATE || fmt.sampleRate > MAX_SOURCE_RATE) {
      throw new AudioFormatException("unsupported sample rate " + fmt.sampleRate + " Hz; expected "
          + MIN_SOURCE_RATE + " to " + MAX_SOURCE_RATE + " Hz");
    }
    int bytesPerSample = bits / 8;
    int frameBytes = bytesPerSample * fmt.channels;
    int frames = layout.dataLength / frameBytes;
    if (bits == 16 && fmt.channels == 1 && fmt.sampleRate == Clip.SAMPLE_RATE) {
      return decode16Mono(wav, layout.dataOffset, frames);
    }
    long outLength = ((long) frames * Clip.SAMPLE_RATE + fmt.sampleRate / 2) / fmt.sampleRate;
    if (outLength > Integer.MAX_VALUE - 8) {
      throw new AudioFormatException("WAV too long: " + frames + " frames at " + fmt.sampleRate
          + " Hz do not fit in one clip");
    }
    FrameReader reader = new FrameReader(wav, layout.dataOffset, fmt.channels, bytesPerSample);
    short[] out = new short[(int) outLength];
    if (fmt.sampleRate == Clip.SAMPLE_RATE) {
      for (int i = 0; i < out.length; i++) {
        out[i] = toPcm16(reader.mono(i));
      }
    } else {
      long rate = fmt.sampleRate;
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

  private static Clip decode16Mono(byte[] wav, int offset, int count) {
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

  /** The fields of a fmt chunk that matter here. */
  private record Fmt(int encoding, int channels, long sampleRate, int blockAlign, int bits) {

    String describe() {
      String layout = channels == 1 ? "mono" : channels == 2 ? "stereo" : channels + "-channel";
      return sampleRate + " Hz " + layout + " " + bits + "-bit";
    }
  }

  /** Where the fmt and data chunks are. */
  private record Layout(Fmt fmt, int dataOffset, int dataLength) {}

  /**
   * Walks the RIFF chunk list, validating the container and the fmt chunk's encoding, channel
   * count, rate and bit depth (but not whether they are the canonical ones).
   */
  private static Layout scan(byte[] wav, boolean lenient) throws AudioFormatException {
    Objects.requireNonNull(wav, "wav");
    if (wav.length < 12) {
      throw new AudioFormatException("not a RIFF/WAVE file: only " + wav.length + " bytes");
    }
    String riff = fourCc(wav, 0);
    if (riff.equals("RIFX")) {
      throw new AudioFormatException("not a RIFF/WAVE file: big-endian RIFX is not supported");
    }
    if (riff.equals("RF64")) {
      throw new AudioFormatException("not a RIFF/WAVE file: RF64 is not supported");
    }
    if (!riff.equals("RIFF") || !fourCc(wav, 8).equals("WAVE")) {
      throw new AudioFormatException("not a RIFF/WAVE file");
    }
    Fmt fmt = null;
    int dataOffset = -1;
    int dataLength = -1;
    long pos = 12;
    while (fmt == null || dataOffset < 0) {
      if (pos + 8 > wav.length) {
        if (pos < wav.length) {
          throw new AudioFormatException("truncated WAV: incomplete chunk header at byte " + pos);
        }
        break;
      }
      int p = (int) pos;
      String id = fourCc(wav, p);
      long size = u32(wav, p + 4);
      int body = p + 8;
      long present = wav.length - body;
      if (id.equals("data")) {
        if (lenient && size == 0xFFFFFFFFL) {
          size = present;
        }
        if (size > present) {
          throw new AudioFormatException("truncated WAV: data chunk declares " + size
              + " bytes but only " + present + " are present");
        }
        dataOffset = body;
        dataLength = (int) size;
      } else if (size > present) {
        throw new AudioFormatException("truncated WAV: '" + printable(id) + "' chunk declares "
            + size + " bytes but only " + present + " are present");
      } else if (id.equals("fmt ")) {
        fmt = parseFmt(wav, body, (int) size, lenient);
      }
      pos = body + size + (size & 1);
    }
    if (fmt == null) {
      throw new AudioFormatException("WAV has no fmt chunk");
    }
    if (dataOffset < 0) {
      throw new AudioFormatException("WAV has no data chunk");
    }
    return new Layout(fmt, dataOffset, dataLength);
  }

  private static Fmt parseFmt(byte[] wav, int p, int size, boolean lenient)
      throws AudioFormatException {
    if (size < 16) {
      throw new AudioFormatException("WAV fmt chunk is " + size + " bytes; expected at least 16");
    }
    int tag = u16(wav, p);
    int channels = u16(wav, p + 2);
    long rate = u32(wav, p + 4);
    int blockAlign = u16(wav, p + 12);
    int bits = u16(wav, p + 14);
    int encoding = tag;
    String container = "";
    if (tag == WAVE_FORMAT_EXTENSIBLE) {
      if (size < 40) {
        throw new AudioFormatException(
            "WAVE_FORMAT_EXTENSIBLE fmt chunk is " + size + " bytes; expected at least 40");
      }
      int guid = p + 24;
      for (int i = 0; i < SUBFORMAT_GUID_TAIL.length; i++) {
        if (wav[guid + 2 + i] != SUBFORMAT_GUID_TAIL[i]) {
          throw new AudioFormatException("unsupported WAVE_FORMAT_EXTENSIBLE subformat "
              + guidString(wav, guid) + "; expected PCM");
        }
      }
      encoding = u16(wav, guid);
      container = " in WAVE_FORMAT_EXTENSIBLE";
    }
    if (encoding != WAVE_FORMAT_PCM) {
      throw new AudioFormatException("unsupported WAV encoding " + encoding + " ("
          + encodingName(encoding) + container + "); expected PCM (1)");
    }
    if (channels == 0) {
      throw new AudioFormatException("WAV fmt declares 0 channels");
    }
    if (rate == 0) {
      throw new AudioFormatException("WAV fmt declares a sample rate of 0 Hz");
    }
    if (bits == 0) {
      throw new AudioFormatException("WAV fmt declares 0 bits per sample");
    }
    int expectedAlign = channels * ((bits + 7) / 8);
    if (!lenient && blockAlign != expectedAlign) {
      throw new AudioFormatException("inconsistent WAV fmt: block align " + blockAlign
          + ", expected " + expectedAlign + " for " + channels + " channel(s) of " + bits
          + "-bit samples");
    }
    return new Fmt(encoding, channels, rate, lenient ? expectedAlign : blockAlign, bits);
  }

  private static String encodingName(int encoding) {
    switch (encoding) {
      case 0x0002: return "Microsoft ADPCM";
      case 0x0003: return "IEEE float";
      case 0x0006: return "A-law";
      case 0x0007: return "mu-law";
      case 0x0011: return "IMA ADPCM";
      case 0x0031: return "GSM 6.10";
      case 0x0050: return "MPEG";
      case 0x0055: return "MP3";
      default: return "unknown";
    }
  }

  private static String fourCc(byte[] b, int p) {
    return new String(b, p, 4, StandardCharsets.ISO_8859_1);
  }

  /** A chunk id safe to put in a message. */
  private static String printable(String id) {
    StringBuilder sb = new StringBuilder();
    for (char c : id.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return sb.toString();
  }

  private static String guidString(byte[] b, int p) {
    return String.format("{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
        u32(b, p), u16(b, p + 4), u16(b, p + 6), b[p + 8], b[p + 9], b[p + 10], b[p + 11],
        b[p + 12], b[p + 13], b[p + 14], b[p + 15]);
  }

  private static int u16(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

  private static long u32(byte[] b, int p) {
    return ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16
        | (long) (b[p + 3] & 0xFF) << 24);
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering

  /**
   * The 44-byte canonical header (RIFF, fmt PCM 16-bit mono 16 kHz, data) for a data chunk of
   * {@code dataBytes} bytes, i.e. {@code 2 *} the number of samples that follow.
   *
   * @throws IllegalArgumentException if {@code dataBytes} is negative, odd or above {@link
   *     #MAX_DATA_BYTES}
   */
  public static byte[] header(int dataBytes) {
    byte[] h = new byte[HEADER_BYTES];
    writeHeader(h, dataBytes);
    return h;
  }

  /** A complete canonical WAV of the whole clip. */
  public static byte[] encode(Clip clip) {
    return render(List.of(Slice.of(clip)));
  }

  /**
   * A canonical WAV whose data is the slices concatenated in order. The result is allocated once
   * at its final size and the samples are written straight into it.
   *
   * @throws IllegalArgumentException if the WAV would exceed {@link #MAX_DATA_BYTES} of data
   */
  public static byte[] render(List<Slice> slices) {
    int dataBytes = dataBytes(slices);
    byte[] out = new byte[HEADER_BYTES + dataBytes];
    writeHeader(out, dataBytes);
    int pos = HEADER_BYTES;
    for (Slice s : slices) {
      pos += s.clip().writePcm(s.fromSample(), s.toSample(), out, pos);
    }
    return out;
  }

  /**
   * Streams the same bytes as {@link #render(List)} to {@code out} (header, then each slice
   * through a small chunk buffer). Does not flush or close {@code out}.
   */
  public static void render(List<Slice> slices, OutputStream out) throws IOException {
    out.write(header(dataBytes(slices)));
    for (Slice s : slices) {
      s.clip().writePcm(s.fromSample(), s.toSample(), out);
    }
  }

  /** Total size in bytes of {@link #render(List)}'s result: header plus 2 bytes per sample. */
  public static int renderedLength(List<Slice> slices) {
    return HEADER_BYTES + dataBytes(slices);
  }

  private static int dataBytes(List<Slice> slices) {
    long samples = 0;
    for (Slice s : slices) {
      samples += s.length();
    }
    if (samples * 2 > MAX_DATA_BYTES) {
      throw new IllegalArgumentException(
          "WAV too large: " + samples + " samples exceed " + MAX_DATA_BYTES + " data bytes");
    }
    return (int) samples * 2;
  }

  private static void writeHeader(byte[] h, int dataBytes) {
    if (dataBytes < 0 || (dataBytes & 1) != 0 || dataBytes > MAX_DATA_BYTES) {
      throw new IllegalArgumentException(
          "dataBytes must be even and in [0, " + MAX_DATA_BYTES + "], got " + dataBytes);
    }
    ByteBuffer b = ByteBuffer.wrap(h, 0, HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes);
    b.put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    b.putShort((short) WAVE_FORMAT_PCM)
        .putShort((short) 1) // channels
        .putInt(Clip.SAMPLE_RATE)
        .putInt(Clip.SAMPLE_RATE * 2) // byte rate
        .putShort((short) 2) // block align
        .putShort((short) 16); // bits per sample
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
  }
}
