package io.callvert.runtime.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the caller heard (the {@code heard} inspection): played items back to back, each cut where it stopped. */
class HeardAudioTest {

  private final CallDriver d = CallDriver.established();

  @Test
  @DisplayName("a 3 s prompt cancelled 1000 ms in was heard for 1000 ms")
  void cancelled_prompt_is_heard_up_to_the_cancel() {
    String op = d.opId(d.request("playprompt", Bodies.playPrompt()));
    d.mediaReady(op, Tones.beep(3_000));
    d.advance(1_000);

    d.request("cancelmediaprocessing", null);
    d.advance(5_000);

    Clip heard = d.heard();
    assertThat((double) heard.durationMs()).isCloseTo(1_000, within(20.0));
    assertThat(heard).isEqualTo(Tones.beep(3_000).subClip(0, heard.length()));
  }

  @Test
  @DisplayName("a prompt still playing was heard up to now")
  void playing_prompt_is_heard_up_to_now() {
    String op = d.opId(d.request("playprompt", Bodies.playPrompt()));
    d.mediaReady(op, Tones.beep(3_000));

    d.advance(700);

    assertThat(d.heard().durationMs()).isEqualTo(700);
  }

  @Test
  @DisplayName("completed prompts are heard in full, back to back with no silence between them")
  void completed_prompts_are_heard_back_to_back() {
    String first = d.opId(d.request("playprompt", Bodies.playPrompt(2)));
    String second = d.opId(d.request("playprompt", Bodies.playPrompt()));
    d.mediaReady(first, Tones.beep(400), Tones.dtmf('5', 300));
    d.advance(2_000); // a pause: the second prompt's fetch takes 2 s minus 700 ms
    d.mediaReady(second, Tones.dtmf('7', 200));
    d.advance(2_000);

    Clip heard = d.heard();
    assertThat(heard.durationMs()).isEqualTo(900);
    assertThat(io.callvert.runtime.audio.DtmfDetector.detect(heard)).isEqualTo("57");
  }

  @Test
  @DisplayName("nothing heard yet gives an empty WAV")
  void nothing_heard_is_an_empty_wav() {
    assertThat(d.heard().length()).isZero();
  }
}
