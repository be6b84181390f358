package io.callvert.runtime.call;

import static io.callvert.runtime.call.Payloads.CALL_ENDED;
import static io.callvert.runtime.call.Payloads.PROMPT_FAILED;
import static io.callvert.runtime.call.Payloads.opDeleted;
import static io.callvert.runtime.call.Payloads.recordOp;
import static io.callvert.runtime.call.Payloads.resultInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.call.FakeEffects.Notified;
import io.callvert.runtime.call.FakeEffects.Stored;
import io.callvert.runtime.graph.GraphResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Contract rule 13 for recordResponse: every way a record ends, with exact payloads and timings. */
class RecordResponseTest {

  private final CallDriver d = CallDriver.established();

  private String record(JsonObject body) {
    GraphResponse r = d.request("recordresponse", body);
    assertThat(r.body().getString("status")).isEqualTo("running");
    return d.opId(r);
  }

  /** Expected completed payload; location and token are read from the stored recording. */
  private JsonObject completed(String op, int subcode, String message, String reason) {
    Notified n = d.terminal(op);
    String location = n.data().getString("recordingLocation");
    Stored stored = d.recordingAt(location);
    return opDeleted(d.opPath(op), recordOp(op, "record-ctx", "completed", resultInfo(200, subcode, message), reason,
        location, stored.token()));
  }

  private Clip recordingOf(String op) {
    return d.recordingAt(d.terminal(op).data().getString("recordingLocation")).audio();
  }

  @Test
  @DisplayName("a caller who keeps talking is cut at the max duration: completed 200/8515 with a recording of that length")
  void max_duration_8515() {
    String op = record(Bodies.record(5, 2, 3));
    long window = d.now();
    d.request("caller.speech", Bodies.speech(10_000));

    d.advance(2_999);
    assertThat(d.about(op)).isEmpty();
    d.advance(1);

    assertThat(d.terminal(op).outbound().body())
        .isEqualTo(completed(op, 8515, "Action completed, max record duration reached.", "maxRecordDurationReached"));
    assertThat(d.terminal(op).at()).isEqualTo(window + 3_000);
    assertThat(recordingOf(op).durationMs()).isEqualTo(3_000);
    assertThat(d.terminal(op).data().getString("recordingLocation")).startsWith(CallDriver.BASE + "/callvert/calls/" + d.id + "/recordings/");
  }

  @Test
  @DisplayName("a stop tone ends the record: completed 200/8514, and the tone is still reported to a subscriber")
  void stop_tone_8514_is_still_reported_as_tone() {
    d.request("subscribetotone", null);
    String op = record(Bodies.record(5, 5, 10).put("stopTones", new JsonArray().add("#")));
    long window = d.now();
    d.request("caller.speech", Bodies.speech(1_000));
    d.advance(1_500);

    d.request("caller.tones", Bodies.callerTones("#"));

    assertThat(d.terminal(op).outbound().body())
        .isEqualTo(completed(op, 8514, "Action completed, stop tone detected.", "stopToneDetected"));
    assertThat(d.terminal(op).at()).isEqualTo(window + 1_500);
    Notified tone = d.lastCallNotification();
    assertThat(tone.data().getJsonObject("toneInfo").getString("tone")).isEqualTo("pound");
    assertThat(d.fx.log().indexOf(tone)).isLessThan(d.fx.log().indexOf(d.terminal(op)));
    assertThat(recordingOf(op).durationMs()).isEqualTo(1_500);
  }

  @Test
  @DisplayName("stop tones may be given by Graph tone name as well as by key")
  void stop_tone_by_name() {
    String op = record(Bodies.record(5, 5, 10).put("stopTones", new JsonArray().add("tone7").add("star")));

    d.request("caller.tones", Bodies.callerTones("*"));

    assertThat(d.terminal(op).data().getString("completionReason")).isEqualTo("stopToneDetected");
  }

  @Test
  @DisplayName("a key that is not a stop tone does not end the record")
  void other_key_does_not_stop() {
    String op = record(Bodies.record(5, 5, 10).put("stopTones", new JsonArray().add("#")));

    d.request("caller.tones", Bodies.callerTones("1"));

    assertThat(d.about(op)).isEmpty();
  }

  @Test
  @DisplayName("silence after speech: 1000 ms of speech 2 s into the window with maxSilence 3 s ends at window + 6 s")
  void max_silence_8513_timing_is_exact() {
    String op = record(Bodies.record(5, 3, 30));
    long window = d.now();
    d.advance(2_000);
    d.request("caller.speech", Bodies.speech(1_000));

    d.advance(10_000);

    assertThat(d.terminal(op).outbound().body())
        .isEqualTo(completed(op, 8513, "Action completed, max silence timeout reached.", "maxSilenceTimeout"));
    assertThat((double) d.terminal(op).at()).isCloseTo(window + 6_000, within(20.0));
    assertThat((double) recordingOf(op).durationMs()).isCloseTo(6_000, within(20.0));
  }

  @Test
  @DisplayName("speech that goes on re-arms the silence timer from its new end")
  void more_speech_extends_the_silence_timer() {
    String op = record(Bodies.record(5, 2, 30));
    long window = d.now();
    d.request("caller.speech", Bodies.speech(1_000));
    d.advance(2_500); // 1.5 s into a 2 s pause
    d.request("caller.speech", Bodies.speech(500));

    d.advance(10_000);

    assertThat((double) d.terminal(op).at()).isCloseTo(window + 2_500 + 500 + 2_000, within(20.0));
  }

  @Test
  @DisplayName("no speech at all with the default timeouts (all 5 s): failed 400/8510, empty location and token")
  void initial_silence_8510_with_defaults() {
    String op = record(new JsonObject().put("clientContext", "record-ctx").put("playBeep", false));

    d.advance(5_000);

    assertThat(d.terminal(op).outbound().body()).isEqualTo(opDeleted(d.opPath(op), recordOp(op, "record-ctx", "failed",
        resultInfo(400, 8510, "Action failed, initial silence timeout reached."), "initialSilenceTimeout", "", "")));
    assertThat(d.fx.all(Stored.class)).isEmpty();
  }

  @Test
  @DisplayName("no speech within the initial silence timeout fails at that timeout")
  void initial_silence_8510_fires_at_its_timeout() {
    String op = record(Bodies.record(2, 5, 10));
    long window = d.now();

    d.advance(10_000);

    assertThat(d.terminal(op).at()).isEqualTo(window + 2_000);
    assertThat(d.terminal(op).data().getString("completionReason")).isEqualTo("initialSilenceTimeout");
  }

  @Test
  @DisplayName("the window opens after the prompt and the 250 ms beep; the caller heard both")
  void prompt_then_beep_then_listen() {
    String op = record(Bodies.record(5, 1, 30).put("playBeep", true).put("prompts", Bodies.prompts(1)));
    long start = d.now();
    d.mediaReady(op, Tones.beep(1_000));
    d.advance(1_250);
    d.request("caller.speech", Bodies.speech(1_000));

    d.advance(5_000);

    assertThat(d.terminal(op).at()).isEqualTo(start + 1_250 + 1_000 + 1_000);
    assertThat(recordingOf(op).durationMs()).isEqualTo(2_000);
    assertThat(d.heard().durationMs()).isEqualTo(1_250);
  }

  @Test
  @DisplayName("speech started during the prompt counts from the window start")
  void speech_during_prompt_counts_from_window_start() {
    String op = record(Bodies.record(1, 1, 30).put("prompts", Bodies.prompts(1)));
    d.mediaReady(op, Tones.beep(1_000));
    d.advance(500);
    d.request("caller.speech", Bodies.speech(2_000)); // voiced until window + 1500 ms

    d.advance(10_000);

    assertThat(d.terminal(op).data().getString("completionReason")).isEqualTo("maxSilenceTimeout");
    assertThat(recordingOf(op).durationMs()).isEqualTo(1_500 + 1_000);
  }

  @Test
  @DisplayName("a record whose prompt cannot be fetched fails 400/8511 with completionReason playPromptFailed")
  void prompt_failure_is_play_prompt_failed() {
    String op = record(Bodies.record(5, 5, 5).put("prompts", Bodies.prompts(1)));

    d.mediaFailed(op, "not WAV PCM16 mono 16 kHz");

    assertThat(d.terminal(op).outbound().body()).isEqualTo(opDeleted(d.opPath(op), recordOp(op, "record-ctx",
        "failed", resultInfo(400, 8511, PROMPT_FAILED).put("detail", "not WAV PCM16 mono 16 kHz"),
        "playPromptFailed", "", "")));
  }

  @Test
  @DisplayName("the call ending mid-record fails it 410/8509 but keeps the audio it captured, window-long")
  void call_end_keeps_captured_audio() {
    String op = record(Bodies.record(5, 5, 10));
    d.request("caller.speech", Bodies.speech(1_500));
    d.advance(2_500);

    d.request("caller.hangup", null);

    Notified n = d.terminal(op);
    String location = n.data().getString("recordingLocation");
    Stored stored = d.recordingAt(location);
    assertThat(n.outbound().body()).isEqualTo(opDeleted(d.opPath(op), recordOp(op, "record-ctx", "failed",
        resultInfo(410, 8509, CALL_ENDED), "unspecifiedError", location, stored.token())));
    assertThat(stored.audio().durationMs()).isEqualTo(2_500);
    assertThat(d.fx.log().indexOf(stored)).isLessThan(d.fx.log().indexOf(n));
  }

  @Test
  @DisplayName("the call ending before the window opened fails the record with empty location and token")
  void call_end_before_listening_has_no_recording() {
    String op = record(Bodies.record(5, 5, 10).put("prompts", Bodies.prompts(1)));

    d.request("delete", null);

    assertThat(d.terminal(op).data().getString("recordingLocation")).isEmpty();
    assertThat(d.terminal(op).data().getString("recordingAccessToken")).isEmpty();
    assertThat(d.fx.all(Stored.class)).isEmpty();
  }

  @Test
  @DisplayName("the recording holds what the caller said, placed at its offset in the window")
  void recording_holds_the_callers_audio() {
    String op = record(Bodies.record(5, 1, 30));
    d.advance(400);
    d.request("caller.speech", Bodies.speech(600));

    d.advance(5_000);

    Clip rec = recordingOf(op);
    assertThat(rec.durationMs()).isEqualTo(400 + 600 + 1_000);
    assertThat(CallDriver.DETECTOR.voicedIntervals(rec))
        .containsExactly(new io.callvert.runtime.audio.EnergyDetector.Interval(400, 1_000));
  }

  @Test
  @DisplayName("the beep is played by default: the window opens 250 ms after the request")
  void beep_is_played_by_default() {
    JsonObject body = Bodies.record(5, 5, 7);
    body.remove("playBeep");
    String op = record(body);

    assertThat(d.fx.armedTimers()).containsEntry(new TimerKey.Step(op), d.now() + 250);
    d.advance(250);
    assertThat(d.fx.armedTimers()).containsEntry(new TimerKey.RecordMax(op), d.now() + 7_000);
    assertThat(d.heard()).isEqualTo(Tones.beep(250));
  }

  @Test
  @DisplayName("caller speech may be sent as a WAV body in any PCM16 format; it is converted and recorded")
  void speech_as_wav_body() {
    String op = record(Bodies.record(5, 1, 30));
    byte[] wav = io.callvert.runtime.audio.Wav.encode(Tones.speech(800, 42));

    GraphResponse r = d.speechWav(io.vertx.core.buffer.Buffer.buffer(wav));
    d.advance(5_000);

    assertThat(r.status()).isEqualTo(202);
    assertThat(d.terminal(op).data().getString("completionReason")).isEqualTo("maxSilenceTimeout");
    assertThat(recordingOf(op).subClip(0, 800 * 16)).isEqualTo(Tones.speech(800, 42));
  }

  @Test
  @DisplayName("a speech body that is not WAV is 400 and changes nothing")
  void speech_body_not_wav_is_400() {
    record(Bodies.record(5, 1, 30));
    int before = d.fx.log().size();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.speechWav(io.vertx.core.buffer.Buffer.buffer("hello")))
        .isInstanceOfSatisfying(io.callvert.runtime.api.ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith("The speech body is not a usable WAV");
        });
    assertThat(d.fx.log()).hasSize(before);
  }

  @Test
  @DisplayName("a stop tone during the prompt ends the record at once and cuts the prompt")
  void stop_tone_during_prompt() {
    String op = record(Bodies.record(5, 5, 10).put("prompts", Bodies.prompts(1))
        .put("stopTones", new JsonArray().add("#")));
    d.mediaReady(op, Tones.beep(2_000));
    d.advance(600);

    d.request("caller.tones", Bodies.callerTones("#"));
    d.advance(5_000);

    assertThat(d.terminal(op).data().getString("completionReason")).isEqualTo("stopToneDetected");
    assertThat(d.heard().durationMs()).isEqualTo(600);
    assertThat(d.fx.armedTimers()).containsOnlyKeys(TimerKey.Call.KEEP_ALIVE);
  }

  @Test
  @DisplayName("a queued record ignores the caller until it runs")
  void queued_record_ignores_caller_input() {
    String play = d.opId(d.request("playprompt", Bodies.playPrompt()));
    String op = d.opId(d.request("recordresponse", Bodies.record(2, 1, 30).put("stopTones", new JsonArray().add("#"))));
    d.mediaReady(play, Tones.beep(1_000));

    d.request("caller.tones", Bodies.callerTones("#"));
    assertThat(d.about(op)).isEmpty();
    d.advance(1_000);
    long window = d.now();
    d.advance(5_000);

    assertThat(d.terminal(op).data().getString("completionReason")).isEqualTo("initialSilenceTimeout");
    assertThat(d.terminal(op).at()).isEqualTo(window + 2_000);
  }
}
