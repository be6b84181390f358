package io.callvert.runtime.audio;

import static io.callvert.runtime.audio.TestAudio.concat;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.audio.Wav.Slice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DtmfDetectorTest {

  @Test
  @DisplayName("every DTMF key is detected, exactly once")
  void every_key_is_detected() {
    for (char key : Tones.DTMF_KEYS.toCharArray()) {
      Clip clip = concat(Clip.silence(100), Tones.dtmf(key, 100), Clip.silence(100));
      assertThat(DtmfDetector.detect(clip)).as("key %s", key).isEqualTo(String.valueOf(key));
    }
  }

  @Test
  @DisplayName("\"12#\" rendered to WAV with gaps decodes to \"12#\"")
  void sequence_with_gaps_decodes() throws Exception {
    Clip gap = Clip.silence(60);
    List<Slice> slices = new ArrayList<>();
    for (char key : "12#".toCharArray()) {
      slices.add(Slice.of(Tones.dtmf(key, 100)));
      slices.add(Slice.of(gap));
    }
    Clip heard = Wav.parseStrict(Wav.render(slices));

    assertThat(DtmfDetector.detect(heard)).isEqualTo("12#");
  }

  @Test
  @DisplayName("a repeated key needs silence in between; a held key is reported once")
  void repeats_need_a_gap() {
    Clip held = Tones.dtmf('7', 1_000);
    Clip repeated = concat(Tones.dtmf('7', 80), Clip.silence(40), Tones.dtmf('7', 80));
    Clip adjacent = concat(Tones.dtmf('1', 80), Tones.dtmf('2', 80), Tones.dtmf('1', 80));

    assertThat(DtmfDetector.detect(held)).isEqualTo("7");
    assertThat(DtmfDetector.detect(repeated)).isEqualTo("77");
    assertThat(DtmfDetector.detect(adjacent)).isEqualTo("121");
  }

  @Test
  @DisplayName("tones of 40 ms are detected wherever they start; 25 ms blips are not")
  void minimum_duration() {
    for (int offset = 0; offset < 160; offset += 7) {
      Clip shifted = concat(Clip.of(new short[offset]), Tones.dtmf('*', 40), Clip.silence(50));
      Clip blip = concat(Clip.of(new short[offset]), Tones.dtmf('*', 25), Clip.silence(50));
      assertThat(DtmfDetector.detect(shifted)).as("offset %d", offset).isEqualTo("*");
      assertThat(DtmfDetector.detect(blip)).as("offset %d", offset).isEmpty();
    }
  }

  @Test
  @DisplayName("silence, the beep and speech contain no DTMF")
  void no_false_positives() {
    assertThat(DtmfDetector.detect(Clip.silence(1_000))).isEmpty();
    assertThat(DtmfDetector.detect(Tones.beep(250))).isEmpty();
    for (long seed = 0; seed < 10; seed++) {
      assertThat(DtmfDetector.detect(Tones.speech(2_000, seed))).isEmpty();
    }
    assertThat(DtmfDetector.detect(Clip.EMPTY)).isEmpty();
  }
}
