package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.action;
import static io.callvert.verticles.it.MediaItSupport.awaitEnd;
import static io.callvert.verticles.it.MediaItSupport.establishedCall;
import static io.callvert.verticles.it.MediaItSupport.hangUp;
import static io.callvert.verticles.it.MediaItSupport.heard;
import static io.callvert.verticles.it.MediaItSupport.playBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.audio.Wav;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /callvert/calls/{id}/heard} (contract rule 18 — Callvert's own API): what the caller heard, cut exactly where a
 * cancel stopped a prompt, played items back to back without added silence.
 */
@CallvertTest
class HeardIT {

  /** The samples {@link WavServer#tone} publishes, to compare the heard audio with. */
  static Clip tone(int ms, double hz) {
    short[] s = new short[ms * 16];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * i / 16000.0));
    }
    return Clip.of(s);
  }

  static void assertSameSamples(Clip heard, Clip expected, int fromSample, int length) {
    for (int i = 0; i < length; i++) {
      if (heard.sample(fromSample + i) != expected.sample(i)) {
        throw new AssertionError("heard differs at sample " + (fromSample + i) + ": " + heard.sample(fromSample + i)
            + " != " + expected.sample(i));
      }
    }
  }

  @ParameterizedTest(name = "cancel after {0} ms")
  @ValueSource(ints = {1, 137, 500, 1234, 2999})
  @DisplayName("heard audio stops where cancelMediaProcessing cut the prompt (+/- 20 ms) and is the prompt's own samples")
  void heard_stops_at_cancel(int cutMs, TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot);
    String uri = media.tone("heard-3s.wav", 3000, 440);
    String opId = action(rt, callId, "playPrompt", playBody("cut", uri)).json().getString("id");
    rt.advance(cutMs);
    action(rt, callId, "cancelMediaProcessing", new JsonObject());
    awaitEnd(bot, callId, opId);
    Clip heard = heard(rt, callId);
    assertThat(heard.durationMs()).isBetween(cutMs - 20L, cutMs + 20L);
    assertSameSamples(heard, tone(3000, 440), 0, heard.length());
    // the clock moving on adds nothing
    rt.advance(5000);
    assertThat(heard(rt, callId).length()).isEqualTo(heard.length());
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("two prompts completed back to back (queued, with idle time after each) give the sum of their durations, in order, without silence")
  void completed_prompts_back_to_back(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot);
    String a = media.tone("heard-a-700.wav", 700, 440);
    String b = media.tone("heard-b-1300.wav", 1300, 880);
    String idA = action(rt, callId, "playPrompt", playBody("a", a)).json().getString("id");
    String idB = action(rt, callId, "playPrompt", playBody("b", b)).json().getString("id");
    rt.advance(2000);
    awaitEnd(bot, callId, idA);
    awaitEnd(bot, callId, idB);
    rt.advance(3000); // idle time
    Clip heard = heard(rt, callId);
    assertThat(heard.durationMs()).isEqualTo(2000);
    assertSameSamples(heard, tone(700, 440), 0, 700 * 16);
    assertSameSamples(heard, tone(1300, 880), 700 * 16, 1300 * 16);

    // one more after an idle gap is appended right after, not after silence
    String idC = action(rt, callId, "playPrompt", playBody("a-again", a)).json().getString("id");
    rt.advance(700);
    awaitEnd(bot, callId, idC);
    Clip more = heard(rt, callId);
    assertThat(more.durationMs()).isEqualTo(2700);
    assertSameSamples(more, tone(700, 440), 2000 * 16, 700 * 16);
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("one playPrompt with two prompts plays them back to back and completes after the sum of their durations")
  void multi_prompt_operation(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot);
    String a = media.tone("heard-m-400.wav", 400, 440);
    String b = media.tone("heard-m-600.wav", 600, 660);
    String opId = action(rt, callId, "playPrompt", playBody("two", a, b)).json().getString("id");
    rt.advance(999);
    assertThat(MediaItSupport.status(rt, callId, opId)).isEqualTo("running");
    rt.advance(1);
    awaitEnd(bot, callId, opId);
    Clip heard = heard(rt, callId);
    assertThat(heard.durationMs()).isEqualTo(1000);
    assertSameSamples(heard, tone(400, 440), 0, 400 * 16);
    assertSameSamples(heard, tone(600, 660), 400 * 16, 600 * 16);
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("a record's prompt and its 250 ms beep are heard; a cancel during the beep cuts the beep")
  void record_prompt_and_beep(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot);
    String p = media.tone("heard-rec-prompt.wav", 500, 440);
    String opId = action(rt, callId, "recordResponse", new JsonObject()
        .put("prompts", new io.vertx.core.json.JsonArray().add(MediaItSupport.prompt(p, null)))).json().getString("id");
    rt.advance(600);
    action(rt, callId, "cancelMediaProcessing", new JsonObject());
    awaitEnd(bot, callId, opId);
    Clip heard = heard(rt, callId);
    assertThat(heard.durationMs()).isEqualTo(600);
    assertSameSamples(heard, tone(500, 440), 0, 500 * 16);
    assertSameSamples(heard, Tones.beep(250), 500 * 16, 100 * 16);
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("heard is a canonical WAV (PCM16 mono 16 kHz) even when nothing was played")
  void heard_empty(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    TestRuntime.Resp r = rt.get("/callvert/calls/" + callId + "/heard");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bytes()).hasSize(Wav.HEADER_BYTES);
    assertThat(heard(rt, callId).length()).isZero();
    hangUp(rt, bot, callId);
  }
}
