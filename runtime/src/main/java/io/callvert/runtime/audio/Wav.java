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
 * that format; {@link #parseAndConvert(byte[])} accepts any integer PCM WAV and converts it
 * ({@link PcmConversion}). Both walk the chunk list ({@link WavChunks}), skip unknown chunks
 * (LIST, fact, ...), honour the pad byte after odd-sized chunks, ignore the RIFF size field (often
 * wrong in streamed files) and ignore anything after the data chunk once both fmt and data have
 * been seen. Failures are {@link AudioFormatException}s
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
    WavChunks.Layout layout = WavChunks.scan(wav, false);
    WavChunks.Fmt fmt = layout.fmt();
    if (fmt.channels() != 1 || fmt.sampleRate() != Clip.SAMPLE_RATE || fmt.bits() != 16) {
      throw new AudioFormatException(
          "expected PCM 16-bit mono 16000 Hz WAV, got " + fmt.describe());
    }
    if (fmt.blockAlign() != 2) {
      throw new AudioFormatException("inconsistent WAV fmt: block align " + fmt.blockAlign()
          + ", expected 2 for 16-bit mono");
    }
    if ((layout.dataLength() & 1) != 0) {
      throw new AudioFormatException("WAV data chunk is " + layout.dataLength()
          + " bytes, not a whole number of 2-byte samples");
    }
    return PcmConversion.decode16Mono(wav, layout.dataOffset(), layout.dataLength() / 2);
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
    return PcmConversion.toCanonical(wav, WavChunks.scan(wav, true));
  }

  /**
   * How many canonical (16 kHz mono) samples {@link #parseAndConvert(byte[])} would make of
   * {@code wav}, read from its header without decoding a sample: what a conversion will cost
   * (2 bytes per sample), known before it runs. Refuses what {@link #parseAndConvert(byte[])}
   * refuses, with the same messages.
   *
   * @throws AudioFormatException naming the problem
   */
  public static long convertedSamples(byte[] wav) throws AudioFormatException {
    return PcmConversion.outputSamples(WavChunks.scan(wav, true));
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
    b.putShort((short) WavChunks.WAVE_FORMAT_PCM)
        .putShort((short) 1) // channels
        .putInt(Clip.SAMPLE_RATE)
        .putInt(Clip.SAMPLE_RATE * 2) // byte rate
        .putShort((short) 2) // block align
        .putShort((short) 16); // bits per sample
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
  }
}
