package io.callvert.runtime.audio;

import static io.callvert.runtime.audio.TestAudio.concat;
import static io.callvert.runtime.audio.TestAudio.sine;
import static io.callvert.runtime.audio.TestAudio.toPcm16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.callvert.runtime.audio.EnergyDetector.Interval;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EnergyDetectorTest {

  private static final int FRAME = EnergyDetector.FRAME_MS * Clip.SAMPLES_PER_MS;
  private final EnergyDetector detector =
      new EnergyDetector(EnergyDetector.DEFAULT_THRESHOLD_DBFS);

  @Test
  @DisplayName("rmsDbfs of a full-scale sine is about -3 dBFS; silence is -infinity")
  void rms_of_full_scale_sine() {
    Clip sine = Clip.of(toPcm16(sine(1_000, 32767 / 32768.0, Clip.SAMPLE_RATE, 1.0)));

    assertThat(EnergyDetector.rmsDbfs(sine, 0, sine.length())).isCloseTo(-3.01, within(0.02));
    assertThat(EnergyDetector.rmsDbfs(sine, 0, FRAME)).isCloseTo(-3.01, within(0.02));
    assertThat(EnergyDetector.rmsDbfs(Clip.silence(100), 0, 1_600))
        .isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(EnergyDetector.rmsDbfs(sine, 5, 5)).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  @DisplayName("the threshold is inclusive and sits between a -44 dBFS and a -46 dBFS sine")
  void threshold_boundary() {
    Clip loud = Clip.of(toPcm16(sine(500, Math.pow(10, -41.0 / 20), Clip.SAMPLE_RATE, 0.1)));
    Clip quiet = Clip.of(toPcm16(sine(500, Math.pow(10, -43.0 / 20), Clip.SAMPLE_RATE, 0.1)));
    // Peak -41 / -43 dBFS sines measure -44 / -46 dBFS RMS.

    assertThat(detector.isVoiced(loud, 0, FRAME)).isTrue();
    assertThat(detector.isVoiced(quiet, 0, FRAME)).isFalse();
    double level = EnergyDetector.rmsDbfs(loud, 0, FRAME);
    assertThat(new EnergyDetector(level).isVoiced(loud, 0, FRAME)).isTrue();
    assertThat(detector.isVoiced(loud, 7, 7)).isFalse();
  }

  @Test
  @DisplayName("speech is voiced for its whole length, in every 20 ms window; silence never is")
  void speech_is_voiced_throughout_and_silence_is_not() {
    for (long seed = 0; seed < 20; seed++) {
      Clip speech = Tones.speech(2_000, seed);
      for (int from = 0; from + FRAME <= speech.length(); from += 40) {
        assertThat(EnergyDetector.rmsDbfs(speech, from, from + FRAME))
            .as("seed %d, window at sample %d", seed, from)
            .isGreaterThan(EnergyDetector.DEFAULT_THRESHOLD_DBFS + 10);
      }
      assertThat(detector.voicedIntervals(speech)).containsExactly(new Interval(0, 2_000));
    }
    Clip silence = Clip.silence(2_000);
    for (int from = 0; from < silence.length(); from += FRAME) {
      assertThat(detector.isVoiced(silence, from, from + FRAME)).isFalse();
    }
    assertThat(detector.voicedIntervals(silence)).isEmpty();
    assertThat(detector.voicedIntervals(Clip.of(new short[32_000]))).isEmpty();
  }

  @Test
  @DisplayName("speech padded with 1 s of silence gives one interval with the speech's bounds")
  void padded_speech_gives_one_interval() {
    Clip aligned = concat(Clip.silence(1_000), Tones.speech(1_500, 42), Clip.silence(1_000));
    Clip unaligned = concat(Clip.silence(1_000), Clip.of(new short[7]),
        Tones.speech(1_234, 43), Clip.silence(1_000));

    assertThat(detector.voicedIntervals(aligned)).containsExactly(new Interval(1_000, 2_500));
    List<Interval> intervals = detector.voicedIntervals(unaligned);
    assertThat(intervals).hasSize(1);
    assertThat(intervals.get(0).startMs()).isCloseTo(1_000, within(20L));
    assertThat(intervals.get(0).endMs()).isCloseTo(2_234, within(20L));
  }

  @Test
  @DisplayName("gaps shorter than the 200 ms hangover are bridged; longer ones split intervals")
  void hangover_bridges_short_gaps() {
    Clip clip = concat(
        Tones.speech(400, 1), Clip.silence(180), // bridged
        Tones.speech(400, 2), Clip.silence(200), // not bridged: not shorter than 200 ms
        Tones.speech(300, 3), Clip.silence(500),
        Tones.speech(100, 4));

    assertThat(detector.voicedIntervals(clip)).containsExactly(
        new Interval(0, 980), new Interval(1_180, 1_480), new Interval(1_980, 2_080));
  }

  @Test
  @DisplayName("a final partial frame counts, ending the interval at the clip's duration")
  void partial_last_frame() {
    Clip clip = concat(Clip.silence(100), Tones.speech(130, 5));

    assertThat(detector.voicedIntervals(clip)).containsExactly(new Interval(100, 230));
  }
}
