package io.callvert.runtime.audio;

import static io.callvert.runtime.audio.TestAudio.goertzel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TonesTest {

  private static int peak(Clip clip) {
    int peak = 0;
    for (int i = 0; i < clip.length(); i++) {
      peak = Math.max(peak, Math.abs(clip.sample(i)));
    }
    return peak;
  }

  @Test
  @DisplayName("DTMF tones hold their two standard frequencies at -9 dBFS each and never clip")
  void dtmf_frequencies_and_level() {
    int[][] pairs = {{697, 1209}, {941, 1336}, {852, 1477}, {941, 1633}};
    char[] keys = {'1', '0', '9', 'D'};
    double componentEnergy = Math.pow(10, -9.0 / 10) / 2; // per sample, of a -9 dBFS peak sine
    for (int k = 0; k < keys.length; k++) {
      Clip tone = Tones.dtmf(keys[k], 500);
      double perSample = 1.0 / tone.length();
      for (int hz : pairs[k]) {
        assertThat(goertzel(tone, hz) * perSample).as("%s at %d Hz", keys[k], hz)
            .isCloseTo(componentEnergy, within(0.005));
      }
      assertThat(peak(tone)).isLessThan(32_767).isGreaterThan(20_000);
      assertThat(tone.durationMs()).isEqualTo(500);
    }
    assertThat(Tones.dtmf('a', 100)).isEqualTo(Tones.dtmf('A', 100));
    assertThat(Tones.dtmf('5', 0).length()).isZero();
    assertThatThrownBy(() -> Tones.dtmf('E', 100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Tones.dtmf('5', -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("the beep is a 1000 Hz sine at -6 dBFS peak with 5 ms fades")
  void beep_shape() {
    Clip beep = Tones.beep(Tones.RECORD_BEEP_MS);

    assertThat(beep.durationMs()).isEqualTo(250);
    assertThat(peak(beep)).isBetween(16_300, 16_423);
    assertThat(Math.abs(beep.sample(0))).isLessThan(200);
    assertThat(Math.abs(beep.sample(beep.length() - 1))).isLessThan(200);
    assertThat(goertzel(beep, 1_000)).isGreaterThan(1_000 * goertzel(beep, 1_100));
    assertThat(Tones.beep(Tones.RECORD_BEEP_MS)).isSameAs(beep); // cached and shared
  }

  @Test
  @DisplayName("speech is deterministic per seed, different across seeds, at -20 dBFS RMS")
  void speech_is_deterministic() {
    Clip a = Tones.speech(1_000, 7);

    assertThat(a.durationMs()).isEqualTo(1_000);
    assertThat(Tones.speech(1_000, 7)).isEqualTo(a).isNotSameAs(a);
    assertThat(Tones.speech(1_000, 8)).isNotEqualTo(a);
    assertThat(EnergyDetector.rmsDbfs(a, 0, a.length())).isCloseTo(-20.0, within(0.05));
    assertThat(DtmfDetector.detect(a)).isEmpty();
  }

  @Test
  @DisplayName("speech has a voiced component between 120 and 200 Hz")
  void speech_has_voiced_pitch() {
    Clip speech = Tones.speech(3_000, 11);
    double voiced = 0;
    for (int hz = 120; hz <= 200; hz += 5) {
      voiced = Math.max(voiced, goertzel(speech, hz));
    }
    double total = 0;
    for (int i = 0; i < speech.length(); i++) {
      total += Math.pow(speech.sample(i) / 32768.0, 2);
    }
    assertThat(voiced).isGreaterThan(0.01 * total);
  }

  @Test
  @DisplayName("tone names map to Graph's tone enum and back")
  void tone_names() {
    String keys = "0123456789*#ABCD";
    String[] names = {"tone0", "tone1", "tone2", "tone3", "tone4", "tone5", "tone6", "tone7",
        "tone8", "tone9", "star", "pound", "a", "b", "c", "d"};
    for (int i = 0; i < keys.length(); i++) {
      assertThat(Tones.toneName(keys.charAt(i))).isEqualTo(names[i]);
      assertThat(Tones.keyOf(names[i])).isEqualTo(keys.charAt(i));
      assertThat(Tones.keyOf(names[i].toUpperCase())).isEqualTo(keys.charAt(i));
    }
    assertThat(Tones.toneName('b')).isEqualTo("b");
    assertThat(Tones.keyOf("Tone7")).isEqualTo('7');
    assertThatThrownBy(() -> Tones.keyOf("flash")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flash");
    assertThatThrownBy(() -> Tones.keyOf("tone10")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Tones.keyOf("e")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Tones.toneName('x')).isInstanceOf(IllegalArgumentException.class);
  }
}
