package io.callvert.runtime.audio;

import static io.callvert.runtime.audio.TestAudio.concat;
import static io.callvert.runtime.audio.TestAudio.goertzel;
import static io.callvert.runtime.audio.TestAudio.le;
import static io.callvert.runtime.audio.TestAudio.pcm16;
import static io.callvert.runtime.audio.TestAudio.sine;
import static io.callvert.runtime.audio.TestAudio.toPcm16;
import static io.callvert.runtime.audio.TestAudio.zeroCrossings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.callvert.runtime.audio.TestAudio.WavBuilder;
import io.callvert.runtime.audio.Wav.Slice;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WavTest {

  private static final short[] SAMPLES = {0, 1, -1, 32767, -32768, 12345, -12345, 7};

  private static byte[] canonical(short[] samples) {
    return new WavBuilder().fmt(1, 1, 16_000, 16).data(pcm16(samples)).build();
  }

  // --- encoding and round trip -----------------------------------------------------------------

  @Test
  @DisplayName("encode writes the canonical 44-byte header and little-endian samples")
  void encode_writes_canonical_bytes() {
    byte[] wav = Wav.encode(Clip.copyOf(SAMPLES));

    assertThat(wav).hasSize(44 + 16);
    assertThat(wav).isEqualTo(canonical(SAMPLES));
    ByteBuffer b = ByteBuffer.wrap(wav).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    assertThat(b.getInt(4)).isEqualTo(36 + 16);
    assertThat(b.getShort(20)).isEqualTo((short) 1);
    assertThat(b.getShort(22)).isEqualTo((short) 1);
    assertThat(b.getInt(24)).isEqualTo(16_000);
    assertThat(b.getInt(28)).isEqualTo(32_000);
    assertThat(b.getShort(32)).isEqualTo((short) 2);
    assertThat(b.getShort(34)).isEqualTo((short) 16);
    assertThat(b.getInt(40)).isEqualTo(16);
    assertThat(Wav.header(16)).isEqualTo(Arrays.copyOf(wav, 44));
  }

  @Test
  @DisplayName("a clip survives encode -> parseStrict and encode -> parseAndConvert unchanged")
  void round_trip() throws Exception {
    Clip clip = concat(Clip.copyOf(SAMPLES), Tones.speech(700, 3), Tones.dtmf('5', 100));

    byte[] wav = Wav.encode(clip);

    assertThat(Wav.parseStrict(wav)).isEqualTo(clip);
    assertThat(Wav.parseAndConvert(wav)).isEqualTo(clip);
    assertThat(Wav.encode(Wav.parseStrict(wav))).isEqualTo(wav);
    assertThat(Wav.parseStrict(Wav.encode(Clip.EMPTY)).length()).isZero();
  }

  @Test
  @DisplayName("render(slices) equals encoding the concatenated samples, in memory and streamed")
  void render_equals_encoding_the_concatenation() throws Exception {
    Clip speech = Tones.speech(300, 1);
    Clip tone = Tones.dtmf('#', 80);
    Clip silence = Clip.silence(50);
    List<Slice> slices = List.of(
        new Slice(speech, 160, 2_400),
        Slice.of(silence),
        new Slice(tone, 0, 500),
        new Slice(speech, 100, 100),
        new Slice(speech.subClip(1_000, 4_000), 16, 3_000));

    Clip concatenated = concat(speech.subClip(160, 2_400), silence, tone.subClip(0, 500),
        speech.subClip(1_016, 4_000));
    byte[] expected = Wav.encode(concatenated);

    assertThat(Wav.render(slices)).isEqualTo(expected);
    assertThat(Wav.renderedLength(slices)).isEqualTo(expected.length);
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    Wav.render(slices, streamed);
    assertThat(streamed.toByteArray()).isEqualTo(expected);
    assertThat(Wav.render(List.of())).isEqualTo(Wav.header(0));
  }

  @Test
  @DisplayName("header rejects negative and odd data sizes")
  void header_rejects_bad_sizes() {
    assertThatThrownBy(() -> Wav.header(-2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Wav.header(3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Slice(Clip.silence(1), 0, 17))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  // --- parseStrict rejections ------------------------------------------------------------------

  @Test
  @DisplayName("parseStrict rejects 8 kHz audio, naming the rate")
  void strict_rejects_8_khz() {
    byte[] wav = new WavBuilder().fmt(1, 1, 8_000, 16).data(pcm16(SAMPLES)).build();

    assertThatThrownBy(() -> Wav.parseStrict(wav)).isInstanceOf(AudioFormatException.class)
        .hasMessage("expected PCM 16-bit mono 16000 Hz WAV, got 8000 Hz mono 16-bit");
  }

  @Test
  @DisplayName("parseStrict rejects stereo, naming the channel layout")
  void strict_rejects_stereo() {
    byte[] wav = new WavBuilder().fmt(1, 2, 8_000, 16).data(pcm16(SAMPLES)).build();

    assertThatThrownBy(() -> Wav.parseStrict(wav)).isInstanceOf(AudioFormatException.class)
        .hasMessage("expected PCM 16-bit mono 16000 Hz WAV, got 8000 Hz stereo 16-bit");
  }

  @Test
  @DisplayName("parseStrict rejects 8-bit samples, naming the bit depth")
  void strict_rejects_8_bit() {
    byte[] wav = new WavBuilder().fmt(1, 1, 16_000, 8).data(new byte[] {1, 2, 3, 4}).build();

    assertThatThrownBy(() -> Wav.parseStrict(wav)).isInstanceOf(AudioFormatException.class)
        .hasMessage("expected PCM 16-bit mono 16000 Hz WAV, got 16000 Hz mono 8-bit");
  }

  @Test
  @DisplayName("parseStrict and parseAndConvert reject IEEE float, naming the encoding")
  void rejects_float() {
    byte[] wav = new WavBuilder().fmt(3, 1, 16_000, 32).data(new byte[8]).build();
    byte[] extensible =
        new WavBuilder().fmtExtensible(3, 1, 16_000, 32).data(new byte[8]).build();

    assertThatThrownBy(() -> Wav.parseStrict(wav)).isInstanceOf(AudioFormatException.class)
        .hasMessage("unsupported WAV encoding 3 (IEEE float); expected PCM (1)");
    assertThatThrownBy(() -> Wav.parseAndConvert(wav))
        .hasMessage("unsupported WAV encoding 3 (IEEE float); expected PCM (1)");
    assertThatThrownBy(() -> Wav.parseStrict(extensible))
        .hasMessage("unsupported WAV encoding 3 (IEEE float in WAVE_FORMAT_EXTENSIBLE); "
            + "expected PCM (1)");
  }

  @Test
  @DisplayName("parseStrict rejects bytes that are not RIFF/WAVE")
  void strict_rejects_non_riff() {
    byte[] mp3 = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    byte[] avi = canonical(SAMPLES);
    avi[8] = 'A';
    avi[9] = 'V';
    avi[10] = 'I';
    avi[11] = ' ';

    assertThatThrownBy(() -> Wav.parseStrict(mp3)).isInstanceOf(AudioFormatException.class)
        .hasMessage("not a RIFF/WAVE file");
    assertThatThrownBy(() -> Wav.parseStrict(avi)).hasMessage("not a RIFF/WAVE file");
    assertThatThrownBy(() -> Wav.parseStrict(new byte[5]))
        .hasMessage("not a RIFF/WAVE file: only 5 bytes");
  }

  @Test
  @DisplayName("parseStrict rejects a truncated file, saying how much is missing")
  void strict_rejects_truncated() {
    byte[] wav = canonical(SAMPLES);

    assertThatThrownBy(() -> Wav.parseStrict(Arrays.copyOf(wav, wav.length - 3)))
        .isInstanceOf(AudioFormatException.class)
        .hasMessage("truncated WAV: data chunk declares 16 bytes but only 13 are present");
    assertThatThrownBy(() -> Wav.parseStrict(Arrays.copyOf(wav, 30)))
        .hasMessage("truncated WAV: 'fmt ' chunk declares 16 bytes but only 10 are present");
    assertThatThrownBy(() -> Wav.parseStrict(Arrays.copyOf(wav, 40)))
        .hasMessage("truncated WAV: incomplete chunk header at byte 36");
  }

  @Test
  @DisplayName("parseStrict rejects a file without a data chunk (or without a fmt chunk)")
  void strict_rejects_missing_chunks() {
    byte[] noData = new WavBuilder().fmt(1, 1, 16_000, 16)
        .chunk("LIST", "INFOISFT".getBytes(StandardCharsets.US_ASCII)).build();
    byte[] noFmt = new WavBuilder().data(pcm16(SAMPLES)).build();

    assertThatThrownBy(() -> Wav.parseStrict(noData)).isInstanceOf(AudioFormatException.class)
        .hasMessage("WAV has no data chunk");
    assertThatThrownBy(() -> Wav.parseStrict(noFmt)).hasMessage("WAV has no fmt chunk");
  }

  @Test
  @DisplayName("parseStrict rejects an odd-sized data chunk and an inconsistent block align")
  void strict_rejects_inconsistent_fmt_and_data() {
    byte[] oddData = new WavBuilder().fmt(1, 1, 16_000, 16).data(new byte[5]).build();
    byte[] badAlign = canonical(SAMPLES);
    badAlign[32] = 4;

    assertThatThrownBy(() -> Wav.parseStrict(oddData))
        .hasMessage("WAV data chunk is 5 bytes, not a whole number of 2-byte samples");
    assertThatThrownBy(() -> Wav.parseStrict(badAlign))
        .hasMessage("inconsistent WAV fmt: block align 4, expected 2 for 1 channel(s) of 16-bit "
            + "samples");
  }

  // --- parseStrict acceptances -----------------------------------------------------------------

  @Test
  @DisplayName("parseStrict skips extra chunks (LIST, fact) before and after fmt")
  void strict_accepts_extra_chunks() throws Exception {
    byte[] wav = new WavBuilder()
        .chunk("LIST", "INFOISFTLavf58.76.100".getBytes(StandardCharsets.US_ASCII))
        .fmt(1, 1, 16_000, 16)
        .chunk("fact", le(4).putInt(SAMPLES.length).array())
        .data(pcm16(SAMPLES))
        .chunk("LIST", "INFOICMTtrailing".getBytes(StandardCharsets.US_ASCII))
        .build();

    assertThat(Wav.parseStrict(wav)).isEqualTo(Clip.copyOf(SAMPLES));
  }

  @Test
  @DisplayName("parseStrict honours the pad byte after an odd-sized chunk")
  void strict_accepts_odd_sized_chunk_padding() throws Exception {
    byte[] wav = new WavBuilder()
        .fmt(1, 1, 16_000, 16)
        .chunk("junk", new byte[] {1, 2, 3}) // 3 bytes + 1 pad byte
        .chunk("LIST", "INFOINAMhello".getBytes(StandardCharsets.US_ASCII)) // 13 + pad
        .data(pcm16(SAMPLES))
        .build();

    assertThat(Wav.parseStrict(wav)).isEqualTo(Clip.copyOf(SAMPLES));
  }

  @Test
  @DisplayName("parseStrict accepts WAVE_FORMAT_EXTENSIBLE with the PCM subformat")
  void strict_accepts_extensible_pcm() throws Exception {
    byte[] wav = new WavBuilder().fmtExtensible(1, 1, 16_000, 16).data(pcm16(SAMPLES)).build();

    assertThat(Wav.parseStrict(wav)).isEqualTo(Clip.copyOf(SAMPLES));
  }

  @Test
  @DisplayName("parseStrict rejects WAVE_FORMAT_EXTENSIBLE with a non-PCM subformat GUID")
  void strict_rejects_unknown_extensible_subformat() {
    byte[] wav = new WavBuilder().fmtExtensible(1, 1, 16_000, 16).data(pcm16(SAMPLES)).build();
    wav[20 + 24 + 15] = 0x72; // last GUID byte: not the KSDATAFORMAT family any more

    assertThatThrownBy(() -> Wav.parseStrict(wav))
        .hasMessage("unsupported WAVE_FORMAT_EXTENSIBLE subformat "
            + "{00000001-0000-0010-8000-00AA00389B72}; expected PCM");
  }

  // --- parseAndConvert -------------------------------------------------------------------------

  @Test
  @DisplayName("convertedSamples reads a conversion's size from the header, equal to what parseAndConvert makes, "
      + "and refuses what it refuses (contract rule 38: caller speech is bounded before it is converted)")
  void converted_samples_from_the_header() throws Exception {
    int[][] formats = {{1, 1_000, 8}, {2, 44_100, 16}, {1, 8_000, 24}, {3, 11_025, 32}, {1, 16_000, 16}, {2, 16_000, 8}};
    for (int[] f : formats) {
      int channels = f[0];
      int rate = f[1];
      int bits = f[2];
      byte[] data = new byte[rate / 10 * channels * bits / 8 + 3]; // 100 ms and a partial frame
      byte[] wav = new WavBuilder().fmt(1, channels, rate, bits).data(data).build();
      assertThat(Wav.convertedSamples(wav)).as("%d ch %d Hz %d-bit", channels, rate, bits)
          .isEqualTo(Wav.parseAndConvert(wav).length());
    }
    // 1 MiB of 8-bit 1 kHz is 1,048,576 s... at 16 kHz: 16,777,216 samples (33.5 MB), known without converting
    byte[] big = new WavBuilder().fmt(1, 1, 1_000, 8).data(new byte[1 << 20]).build();
    assertThat(Wav.convertedSamples(big)).isEqualTo(16L << 20);
    byte[] float32 = new WavBuilder().fmt(3, 1, 16_000, 32).data(new byte[8]).build();
    assertThatThrownBy(() -> Wav.convertedSamples(float32)).isInstanceOf(AudioFormatException.class)
        .hasMessageContaining("IEEE float");
    byte[] tooSlow = new WavBuilder().fmt(1, 1, 999, 16).data(new byte[8]).build();
    assertThatThrownBy(() -> Wav.convertedSamples(tooSlow)).hasMessageContaining("unsupported sample rate 999 Hz");
  }

  @Test
  @DisplayName("parseAndConvert turns 44.1 kHz stereo into 16 kHz mono, keeping duration, pitch")
  void convert_resamples_and_downmixes() throws Exception {
    double seconds = 1.5;
    short[] left = toPcm16(sine(440, 0.5, 44_100, seconds));
    short[] right = toPcm16(sine(440, 0.3, 44_100, seconds));
    ByteBuffer interleaved = le(left.length * 4);
    for (int i = 0; i < left.length; i++) {
      interleaved.putShort(left[i]).putShort(right[i]);
    }
    byte[] wav = new WavBuilder().fmt(1, 2, 44_100, 16).data(interleaved.array()).build();

    Clip clip = Wav.parseAndConvert(wav);

    assertThat(clip.length() / 16.0).isCloseTo(1_500.0, within(1.0));
    // 440 Hz for 1.5 s: 1320 sign changes; the downmix averages 0.5 and 0.3 to a 0.4 peak.
    assertThat(zeroCrossings(clip)).isBetween(1_318, 1_322);
    assertThat(goertzel(clip, 440)).isGreaterThan(1_000 * goertzel(clip, 470));
    double rms = EnergyDetector.rmsDbfs(clip, 0, clip.length());
    assertThat(rms).isCloseTo(20 * Math.log10(0.4 / Math.sqrt(2)), within(0.1));
  }

  @Test
  @DisplayName("parseAndConvert upsamples 8 kHz and decodes 8-, 24- and 32-bit samples")
  void convert_decodes_other_depths_and_rates() throws Exception {
    short[] at8k = toPcm16(sine(1_000, 0.5, 8_000, 0.25));
    Clip upsampled = Wav.parseAndConvert(
        new WavBuilder().fmt(1, 1, 8_000, 16).data(pcm16(at8k)).build());
    assertThat(upsampled.length()).isEqualTo(4_000);
    assertThat(zeroCrossings(upsampled)).isBetween(498, 501);

    byte[] eightBit = {(byte) 0x80, (byte) 0xFF, 0x00, (byte) 0xC0};
    assertThat(Wav.parseAndConvert(new WavBuilder().fmt(1, 1, 16_000, 8).data(eightBit).build()))
        .isEqualTo(Clip.of(new short[] {0, 32512, -32768, 16384}));

    byte[] twentyFour = {
        0x00, (byte) 0xFF, 0x7F, // 0x7FFF00: just under full scale
        0x00, 0x00, (byte) 0x80, // -0x800000: negative full scale
        0x00, (byte) 0x80, 0x00}; // 0x008000: 1/256 of the 16-bit step range
    byte[] wav24 = new WavBuilder().fmt(1, 1, 16_000, 24).data(twentyFour).build();
    assertThat(Wav.parseAndConvert(wav24))
        .isEqualTo(Clip.of(new short[] {32767, -32768, 128}));

    byte[] thirtyTwo = le(8).putInt(0x40000000).putInt(-0x40000000).array();
    assertThat(Wav.parseAndConvert(new WavBuilder().fmtExtensible(1, 1, 16_000, 32)
        .data(thirtyTwo).build())).isEqualTo(Clip.of(new short[] {16384, -16384}));
  }

  @Test
  @DisplayName("parseAndConvert rejects non-integer depths and absurd rates, naming them")
  void convert_rejects_unsupported_depths_and_rates() {
    byte[] twelveBit = new WavBuilder().fmt(1, 1, 16_000, 12).data(new byte[4]).build();
    byte[] tinyRate = new WavBuilder().fmt(1, 1, 100, 16).data(new byte[4]).build();

    assertThatThrownBy(() -> Wav.parseAndConvert(twelveBit))
        .hasMessage("unsupported PCM bit depth 12; expected 8, 16, 24 or 32");
    assertThatThrownBy(() -> Wav.parseAndConvert(tinyRate))
        .hasMessage("unsupported sample rate 100 Hz; expected 1000 to 768000 Hz");
  }

  @Test
  @DisplayName("parseAndConvert reads a streamed data size of 0xFFFFFFFF to the end of the file")
  void convert_accepts_streamed_data_size() throws Exception {
    byte[] wav = canonical(SAMPLES);
    wav[40] = wav[41] = wav[42] = wav[43] = (byte) 0xFF;

    assertThat(Wav.parseAndConvert(wav)).isEqualTo(Clip.copyOf(SAMPLES));
    assertThatThrownBy(() -> Wav.parseStrict(wav)).hasMessageStartingWith("truncated WAV");
  }
}
