package io.callvert.runtime.audio;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The RIFF/WAVE container, as {@link Wav}'s parsers read it: walks the chunk list, skips unknown
 * chunks (LIST, fact, ...), honours the pad byte after odd-sized chunks, ignores the RIFF size
 * field (often wrong in streamed files) and stops once both fmt and data have been seen. Validates
 * the fmt chunk's encoding (PCM, also inside WAVE_FORMAT_EXTENSIBLE), channel count, rate and bit
 * depth, but not whether they are the canonical ones: that is the caller's rule.
 */
final class WavChunks {

  static final int WAVE_FORMAT_PCM = 1;
  private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;

  /** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_xxx GUID {xxxxxxxx-0000-0010-8000-00AA00389B71}. */
  private static final byte[] SUBFORMAT_GUID_TAIL = {
      0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71};

  private WavChunks() {}

  /** The fields of a fmt chunk that matter here. */
  record Fmt(int encoding, int channels, long sampleRate, int blockAlign, int bits) {

    String describe() {
      String layout = channels == 1 ? "mono" : channels == 2 ? "stereo" : channels + "-channel";
      return sampleRate + " Hz " + layout + " " + bits + "-bit";
    }
  }

  /** Where the fmt and data chunks are. */
  record Layout(Fmt fmt, int dataOffset, int dataLength) {}

  /**
   * Walks the RIFF chunk list, validating the container and the fmt chunk's encoding, channel
   * count, rate and bit depth (but not whether they are the canonical ones).
   */
  static Layout scan(byte[] wav, boolean lenient) throws AudioFormatException {
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

  static int u16(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

  static long u32(byte[] b, int p) {
    return ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16
        | (long) (b[p + 3] & 0xFF) << 24);
  }
}
