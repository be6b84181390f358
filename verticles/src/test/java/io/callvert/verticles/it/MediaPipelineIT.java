package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.CALL_ENDED;
import static io.callvert.verticles.it.MediaItSupport.CANCELLED;
import static io.callvert.verticles.it.MediaItSupport.OK;
import static io.callvert.verticles.it.MediaItSupport.PROMPT_FAILED;
import static io.callvert.verticles.it.MediaItSupport.action;
import static io.callvert.verticles.it.MediaItSupport.awaitEnd;
import static io.callvert.verticles.it.MediaItSupport.awaitTerminated;
import static io.callvert.verticles.it.MediaItSupport.callPath;
import static io.callvert.verticles.it.MediaItSupport.download;
import static io.callvert.verticles.it.MediaItSupport.establishedCall;
import static io.callvert.verticles.it.MediaItSupport.hangUp;
import static io.callvert.verticles.it.MediaItSupport.journalAbout;
import static io.callvert.verticles.it.MediaItSupport.opPath;
import static io.callvert.verticles.it.MediaItSupport.playBody;
import static io.callvert.verticles.it.MediaItSupport.playEnd;
import static io.callvert.verticles.it.MediaItSupport.prompt;
import static io.callvert.verticles.it.MediaItSupport.recordEnd;
import static io.callvert.verticles.it.MediaItSupport.resultInfo;
import static io.callvert.verticles.it.MediaItSupport.sineWav;
import static io.callvert.verticles.it.MediaItSupport.status;
import static io.callvert.verticles.it.MediaItSupport.withoutDetail;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.EnergyDetector;
import io.callvert.config.CallvertOptions;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The media pipeline on a started runtime (contract rules 6, 9–13, 18): every completion reason
 * with its exact payload, the FIFO, barge-in, the queue limit, cancel with nothing to cancel and
 * preFetchMedia. The runtime has a small media queue (5) and a short fetch timeout (1 s) so that
 * the 429 and the fetch-timeout paths are reachable.
 */
@CallvertTest(options = MediaPipelineIT.Options.class)
class MediaPipelineIT {

  static final int QUEUE_LIMIT = 5;
  static final long FETCH_TIMEOUT_MS = 1000;

  /** A small media queue and a short fetch timeout, so that the 429 and the fetch-timeout paths are reachable. */
  static final class Options implements UnaryOperator<CallvertOptions> {
    @Override
    public CallvertOptions apply(CallvertOptions o) {
      return o.withCalls(o.calls().withMediaQueueLimit(QUEUE_LIMIT)).withMedia(o.media().withFetchTimeoutMs(FETCH_TIMEOUT_MS));
    }
  }

  private final TestRuntime rt;
  private final WebhookReceiver bot;
  private final WavServer media;

  /** The fixture, for the tests and the helpers below. */
  MediaPipelineIT(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    this.rt = rt;
    this.bot = bot;
    this.media = media;
  }

  // ------------------------------------------------------------------ successful endings

  @Test
  @DisplayName("playPrompt answers 200 running with Location, and completes 200/0 completedSuccessfully exactly after the WAV's real duration")
  void play_prompt_completes_after_real_duration() {
    String callId = establishedCall(rt, bot);
    String uri = media.tone("pipe-1240.wav", 1240, 523);

    TestRuntime.Resp play = action(rt, callId, "playPrompt", playBody("hello-prompt", uri));
    JsonObject op = play.json();
    String opId = op.getString("id");
    assertThat(op.getString("@odata.type")).isEqualTo("#microsoft.graph.playPromptOperation");
    assertThat(op.getString("status")).isEqualTo("running");
    assertThat(op.getString("clientContext")).isEqualTo("hello-prompt");
    assertThat(opId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(play.header("Location")).isEqualTo(rt.baseUrl + "/v1.0" + opPath(callId, opId));

    rt.advance(1239);
    assertThat(status(rt, callId, opId)).isEqualTo("running");
    rt.advance(1);
    WebhookReceiver.Received end = awaitEnd(bot, callId, opId);
    assertThat(end.notification().getString("@odata.type")).isEqualTo("#microsoft.graph.commsNotification");
    assertThat(end.body().getString("@odata.type")).isEqualTo("#microsoft.graph.commsNotifications");
    assertThat(end.resourceData()).isEqualTo(playEnd(callId, opId, "hello-prompt", "completed",
        resultInfo(200, 0, OK), "completedSuccessfully"));
    assertThat(MediaItSupport.getOperation(rt, callId, opId).getString("status")).isEqualTo("completed");
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("record, max duration: completed 200/8515 maxRecordDurationReached after beep + max, with an absolute recordingLocation on Callvert and a token")
  void record_max_duration() {
    String callId = establishedCall(rt, bot);
    TestRuntime.Resp rec = action(rt, callId, "recordResponse", new JsonObject()
        .put("clientContext", "rec-max").put("maxRecordDurationInSeconds", 2));
    String opId = rec.json().getString("id");
    assertThat(rec.json().getString("@odata.type")).isEqualTo("#microsoft.graph.recordOperation");
    assertThat(rec.json().getString("status")).isEqualTo("running");
    assertThat(rt.post("/callvert/calls/" + callId + "/speech", new JsonObject().put("durationMs", 3000)).status()).isEqualTo(202);

    // 250 ms beep, then a 2 s window
    rt.advance(2249);
    assertThat(status(rt, callId, opId)).isEqualTo("running");
    rt.advance(1);
    JsonObject end = awaitEnd(bot, callId, opId).resourceData();
    String location = end.getString("recordingLocation");
    String token = end.getString("recordingAccessToken");
    assertThat(location).matches(java.util.regex.Pattern.quote(rt.baseUrl + "/callvert/calls/" + callId + "/recordings/") + "[0-9a-f-]{36}");
    assertThat(token).isNotBlank();
    assertThat(end).isEqualTo(recordEnd(callId, opId, "rec-max", "completed",
        resultInfo(200, 8515, "Action completed, max record duration reached."), "maxRecordDurationReached", location, token));

    Clip recording = download(rt, location, token);
    assertThat(recording.durationMs()).isEqualTo(2000);
    assertThat(new EnergyDetector().voicedIntervals(recording)).containsExactly(new EnergyDetector.Interval(0, 2000));
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("record, stop tone via POST /callvert/calls/{id}/tones: completed 200/8514 stopToneDetected; the stop tone is still reported as a tone (contract rule 14 — One notification per key press), before the record's end")
  void record_stop_tone() {
    String callId = establishedCall(rt, bot);
    action(rt, callId, "subscribeToTone", new JsonObject());
    TestRuntime.Resp rec = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "rec-stop")
        .put("playBeep", false).put("maxRecordDurationInSeconds", 10).put("stopTones", new JsonArray().add("#")));
    String opId = rec.json().getString("id");
    rt.post("/callvert/calls/" + callId + "/speech", new JsonObject().put("durationMs", 500));
    rt.advance(800);
    assertThat(rt.post("/callvert/calls/" + callId + "/tones", new JsonObject().put("tones", "#")).status()).isEqualTo(202);

    WebhookReceiver.Received endN = awaitEnd(bot, callId, opId);
    JsonObject end = endN.resourceData();
    String location = end.getString("recordingLocation");
    String token = end.getString("recordingAccessToken");
    assertThat(location).startsWith(rt.baseUrl + "/callvert/calls/" + callId + "/recordings/");
    assertThat(token).isNotBlank();
    assertThat(end).isEqualTo(recordEnd(callId, opId, "rec-stop", "completed",
        resultInfo(200, 8514, "Action completed, stop tone detected."), "stopToneDetected", location, token));
    WebhookReceiver.Received tone = bot.awaitOne(callId, r -> r.resourceData().getJsonObject("toneInfo") != null);
    assertThat(tone.resourceData().getJsonObject("toneInfo").getString("tone")).isEqualTo("pound");
    assertThat(tone.sequence()).isLessThan(endN.sequence());

    Clip recording = download(rt, location, token);
    assertThat(recording.durationMs()).isEqualTo(800);
    assertThat(new EnergyDetector().voicedIntervals(recording)).containsExactly(new EnergyDetector.Interval(0, 500));
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("record, silence after speech: completed 200/8513 maxSilenceTimeout exactly maxSilenceTimeout after the caller stopped speaking")
  void record_max_silence() {
    String callId = establishedCall(rt, bot);
    TestRuntime.Resp rec = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "rec-silence")
        .put("playBeep", false).put("maxSilenceTimeoutInSeconds", 2).put("maxRecordDurationInSeconds", 30)
        .put("initialSilenceTimeoutInSeconds", 5));
    String opId = rec.json().getString("id");
    rt.advance(300);
    assertThat(rt.post("/callvert/calls/" + callId + "/speech", new JsonObject().put("durationMs", 1000)).status()).isEqualTo(202);
    // speech 300..1300, then 2 s of silence: ends at 3300
    rt.advance(2999);
    assertThat(status(rt, callId, opId)).isEqualTo("running");
    rt.advance(1);
    JsonObject end = awaitEnd(bot, callId, opId).resourceData();
    String location = end.getString("recordingLocation");
    String token = end.getString("recordingAccessToken");
    assertThat(location).startsWith(rt.baseUrl + "/callvert/calls/" + callId + "/recordings/");
    assertThat(end).isEqualTo(recordEnd(callId, opId, "rec-silence", "completed",
        resultInfo(200, 8513, "Action completed, max silence timeout reached."), "maxSilenceTimeout", location, token));
    Clip recording = download(rt, location, token);
    assertThat(recording.durationMs()).isEqualTo(3300);
    assertThat(new EnergyDetector().voicedIntervals(recording)).containsExactly(new EnergyDetector.Interval(300, 1300));
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("record, no speech at all: failed 400/8510 initialSilenceTimeout with empty recordingLocation and token")
  void record_initial_silence() {
    String callId = establishedCall(rt, bot);
    TestRuntime.Resp rec = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "rec-quiet")
        .put("playBeep", false).put("initialSilenceTimeoutInSeconds", 3).put("maxRecordDurationInSeconds", 10));
    String opId = rec.json().getString("id");
    rt.advance(2999);
    assertThat(status(rt, callId, opId)).isEqualTo("running");
    rt.advance(1);
    assertThat(awaitEnd(bot, callId, opId).resourceData()).isEqualTo(recordEnd(callId, opId, "rec-quiet", "failed",
        resultInfo(400, 8510, "Action failed, initial silence timeout reached."), "initialSilenceTimeout", "", ""));
    hangUp(rt, bot, callId);
  }

  // ------------------------------------------------------------------ prompt failures

  @Test
  @DisplayName("prompt that answers 404: failed 400/8511 (completionReason unknown, the only playPrompt reason that fits) with the generic detail that does not name the status (contract rule 37: no port-scan oracle)")
  void prompt_404() {
    assertPromptFailsGenerically("missing-prompt.wav", null);
  }

  @Test
  @DisplayName("prompt WAV at 8 kHz: failed 400/8511 with a detail naming the sample rate")
  void prompt_8khz() {
    assertPromptFails("pipe-8k.wav", sineWav(8000, 1, 500, 440), "8000 Hz");
  }

  @Test
  @DisplayName("prompt WAV in stereo: failed 400/8511 with a detail naming the channels")
  void prompt_stereo() {
    assertPromptFails("pipe-stereo.wav", sineWav(16000, 2, 500, 440), "stereo");
  }

  @Test
  @DisplayName("prompt that is not a WAV at all: failed 400/8511 with the same generic detail as a 404 or a refused connection (contract rule 37: no port-scan oracle)")
  void prompt_not_wav() {
    assertPromptFailsGenerically("pipe-text.wav", "this is not audio".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("prompt on a closed port: failed 400/8511 with exactly the detail of a 404 and of a body that is not a WAV")
  void prompt_closed_port() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String callId = establishedCall(rt, bot);
    String uri = "http://127.0.0.1:" + closed + "/closed.wav";
    String opId = action(rt, callId, "playPrompt", playBody("closed", uri)).json().getString("id");
    rt.advance(0);
    JsonObject end = awaitEnd(bot, callId, opId).resourceData();
    assertThat(withoutDetail(end)).isEqualTo(playEnd(callId, opId, "closed", "failed", resultInfo(400, 8511, PROMPT_FAILED), "unknown"));
    assertThat(end.getJsonObject("resultInfo").getString("detail")).isEqualTo(genericDetail(uri));
    hangUp(rt, bot, callId);
  }

  /** The one wording of every fetch failure that could tell one network service from another. */
  static String genericDetail(String uri) {
    return "could not fetch a WAV file from " + uri + " (the connection failed, the server answered with an error, "
        + "or the body is not RIFF/WAVE)";
  }

  private void assertPromptFailsGenerically(String name, byte[] bytes) {
    String callId = establishedCall(rt, bot);
    String uri = bytes == null ? media.url("/" + name) : media.put(name, bytes);
    String opId = action(rt, callId, "playPrompt", playBody("bad-" + name, uri)).json().getString("id");
    rt.advance(0);
    JsonObject end = awaitEnd(bot, callId, opId).resourceData();
    assertThat(withoutDetail(end)).isEqualTo(playEnd(callId, opId, "bad-" + name, "failed", resultInfo(400, 8511, PROMPT_FAILED), "unknown"));
    assertThat(end.getJsonObject("resultInfo").getString("detail")).isEqualTo(genericDetail(uri));
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("prompt whose server never answers: failed 400/8511 after media.fetchTimeoutMs with a detail saying it timed out (Callvert's own limit, named); the queued prompt behind it then plays")
  void prompt_fetch_timeout() {
    String callId = establishedCall(rt, bot);
    String good = media.tone("pipe-after-hang.wav", 300, 660);
    String hangOpId = action(rt, callId, "playPrompt", playBody("hang", media.url("/hang/pipe.wav"))).json().getString("id");
    TestRuntime.Resp next = action(rt, callId, "playPrompt", playBody("after", good));
    assertThat(next.json().getString("status")).isEqualTo("notStarted");
    long t0 = System.currentTimeMillis();
    rt.advance(0); // waits for the fetch to fail
    assertThat(System.currentTimeMillis() - t0).isGreaterThanOrEqualTo(FETCH_TIMEOUT_MS - 50);
    JsonObject end = awaitEnd(bot, callId, hangOpId).resourceData();
    assertThat(withoutDetail(end)).isEqualTo(playEnd(callId, hangOpId, "hang", "failed", resultInfo(400, 8511, PROMPT_FAILED), "unknown"));
    assertThat(end.getJsonObject("resultInfo").getString("detail"))
        .isEqualTo("timed out fetching " + media.url("/hang/pipe.wav") + " (media.fetchTimeoutMs is " + FETCH_TIMEOUT_MS + " ms)");

    String nextId = next.json().getString("id");
    assertThat(status(rt, callId, nextId)).isEqualTo("running");
    rt.advance(300);
    assertThat(awaitEnd(bot, callId, nextId).resourceData().getString("completionReason")).isEqualTo("completedSuccessfully");
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("recordResponse whose prompt cannot be fetched: failed 400/8511 playPromptFailed with empty location and token")
  void record_prompt_failed() {
    String callId = establishedCall(rt, bot);
    TestRuntime.Resp rec = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "rec-badprompt")
        .put("prompts", new JsonArray().add(prompt(media.url("/missing-record-prompt.wav"), null))));
    String opId = rec.json().getString("id");
    rt.advance(0);
    JsonObject end = awaitEnd(bot, callId, opId).resourceData();
    assertThat(withoutDetail(end)).isEqualTo(recordEnd(callId, opId, "rec-badprompt", "failed",
        resultInfo(400, 8511, PROMPT_FAILED), "playPromptFailed", "", ""));
    assertThat(end.getJsonObject("resultInfo").getString("detail")).isEqualTo(genericDetail(media.url("/missing-record-prompt.wav")));
    hangUp(rt, bot, callId);
  }

  private void assertPromptFails(String name, byte[] bytes, String detail) {
    String callId = establishedCall(rt, bot);
    String uri = bytes == null ? media.url("/" + name) : media.put(name, bytes);
    String opId = action(rt, callId, "playPrompt", playBody("bad-" + name, uri)).json().getString("id");
    rt.advance(0);
    JsonObject end = awaitEnd(bot, callId, opId).resourceData();
    assertThat(withoutDetail(end)).isEqualTo(playEnd(callId, opId, "bad-" + name, "failed", resultInfo(400, 8511, PROMPT_FAILED), "unknown"));
    assertThat(end.getJsonObject("resultInfo").getString("detail")).contains(detail).contains(name);
    hangUp(rt, bot, callId);
  }

  // ------------------------------------------------------------------ call end

  @Test
  @DisplayName("DELETE with a prompt running and a record queued: both failed 410/8509 (completionReason unknown / unspecifiedError: left open by the contract), between terminating and terminated")
  void call_deleted_while_running_and_queued() {
    String callId = establishedCall(rt, bot);
    String uri = media.tone("pipe-end-3s.wav", 3000, 440);
    String playId = action(rt, callId, "playPrompt", playBody("end-play", uri)).json().getString("id");
    TestRuntime.Resp rec = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "end-rec"));
    assertThat(rec.json().getString("status")).isEqualTo("notStarted");
    String recId = rec.json().getString("id");
    rt.advance(1000);

    assertThat(rt.delete(callPath(callId)).status()).isEqualTo(204);
    WebhookReceiver.Received terminated = awaitTerminated(bot, callId);
    WebhookReceiver.Received playEndN = awaitEnd(bot, callId, playId);
    WebhookReceiver.Received recEndN = awaitEnd(bot, callId, recId);
    WebhookReceiver.Received terminating = bot.awaitOne(callId, r -> "terminating".equals(r.resourceData().getString("state")));
    assertThat(playEndN.resourceData()).isEqualTo(playEnd(callId, playId, "end-play", "failed", resultInfo(410, 8509, CALL_ENDED), "unknown"));
    assertThat(recEndN.resourceData()).isEqualTo(recordEnd(callId, recId, "end-rec", "failed", resultInfo(410, 8509, CALL_ENDED),
        "unspecifiedError", "", ""));
    assertThat(List.of(terminating.sequence(), playEndN.sequence(), recEndN.sequence(), terminated.sequence())).isSorted();
    assertThat(terminated.resourceData().getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(7000);
  }

  @Test
  @DisplayName("caller hang-up cuts a listening record: failed 410/8509 but it still carries a downloadable recording of what the caller said")
  void caller_hangup_cuts_record() {
    String callId = establishedCall(rt, bot);
    String recId = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "cut-rec")
        .put("maxRecordDurationInSeconds", 10)).json().getString("id");
    String queuedId = action(rt, callId, "playPrompt", playBody("cut-queued", media.tone("pipe-cut.wav", 500, 440)))
        .json().getString("id");
    rt.post("/callvert/calls/" + callId + "/speech", new JsonObject().put("durationMs", 2000));
    rt.advance(1250); // beep 0..250, window from 250: 1000 ms recorded
    assertThat(rt.post("/callvert/calls/" + callId + "/hangup", null).status()).isEqualTo(202);

    JsonObject end = awaitEnd(bot, callId, recId).resourceData();
    String location = end.getString("recordingLocation");
    String token = end.getString("recordingAccessToken");
    assertThat(location).startsWith(rt.baseUrl + "/callvert/calls/" + callId + "/recordings/");
    assertThat(token).isNotBlank();
    assertThat(end).isEqualTo(recordEnd(callId, recId, "cut-rec", "failed", resultInfo(410, 8509, CALL_ENDED),
        "unspecifiedError", location, token));
    assertThat(awaitEnd(bot, callId, queuedId).resourceData())
        .isEqualTo(playEnd(callId, queuedId, "cut-queued", "failed", resultInfo(410, 8509, CALL_ENDED), "unknown"));
    WebhookReceiver.Received terminated = awaitTerminated(bot, callId);
    assertThat(terminated.resourceData().getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(4097);

    Clip recording = download(rt, location, token);
    assertThat(recording.durationMs()).isEqualTo(1000);
    assertThat(new EnergyDetector().voicedIntervals(recording)).containsExactly(new EnergyDetector.Interval(0, 1000));
  }

  @Test
  @DisplayName("call ends while its prompt is still being fetched: 410/8509 at once, the late fetch result is ignored and the virtual clock is not held")
  void call_ends_during_fetch() {
    String callId = establishedCall(rt, bot);
    String slow = action(rt, callId, "playPrompt", playBody("slow", media.url("/hang/during-fetch.wav"))).json().getString("id");
    assertThat(rt.delete(callPath(callId)).status()).isEqualTo(204);
    assertThat(awaitEnd(bot, callId, slow).resourceData())
        .isEqualTo(playEnd(callId, slow, "slow", "failed", resultInfo(410, 8509, CALL_ENDED), "unknown"));
    awaitTerminated(bot, callId);
    rt.advance(0); // returns once the abandoned fetch has timed out

    String other = establishedCall(rt, bot);
    String fast = action(rt, other, "playPrompt", playBody("fast", media.tone("pipe-fast.wav", 200, 440))).json().getString("id");
    assertThat(rt.post("/callvert/calls/" + other + "/hangup", null).status()).isEqualTo(202);
    rt.advance(0);
    rt.advance(1000);
    assertThat(awaitEnd(bot, other, fast).resourceData().getJsonObject("resultInfo").getInteger("code")).isEqualTo(410);
    WebhookReceiver.Received terminated = awaitTerminated(bot, other);
    assertThat(journalAbout(rt, other, opPath(other, fast))).hasSize(1);
    assertThat(MediaItSupport.journal(rt, other)).last().satisfies(e -> assertThat(e.getLong("sequence")).isEqualTo(terminated.sequence()));
  }

  @Test
  @DisplayName("a stop tone pressed while the record's prompt plays stops the prompt and ends the record 200/8514 with an empty (0 ms) but downloadable recording (contract leaves this open)")
  void stop_tone_during_prompt() {
    String callId = establishedCall(rt, bot);
    String uri = media.tone("pipe-stop-prompt.wav", 2000, 440);
    String opId = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "early-stop")
        .put("prompts", new JsonArray().add(prompt(uri, null))).put("stopTones", new JsonArray().add("pound"))).json().getString("id");
    rt.advance(700);
    rt.post("/callvert/calls/" + callId + "/tones", new JsonObject().put("tones", "1#"));
    assertThat(status(rt, callId, opId)).as("a key that is not a stop tone changes nothing").isEqualTo("running");
    rt.advance(100);
    JsonObject end = awaitEnd(bot, callId, opId).resourceData();
    assertThat(end.getString("completionReason")).isEqualTo("stopToneDetected");
    assertThat(end.getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(8514);
    assertThat(download(rt, end.getString("recordingLocation"), end.getString("recordingAccessToken")).length()).isZero();
    assertThat(MediaItSupport.heard(rt, callId).durationMs()).isEqualTo(800);
    hangUp(rt, bot, callId);
  }

  // ------------------------------------------------------------------ contract rule 6 — An action answers with its operation details

  @Test
  @DisplayName("clientContext: 256 characters are echoed, 257 are a 400 invalidRequest naming the field")
  void client_context_limit() {
    String callId = establishedCall(rt, bot);
    String uri = media.tone("pipe-cc.wav", 100, 440);
    String max = "x".repeat(256);
    TestRuntime.Resp ok = action(rt, callId, "playPrompt", playBody(max, uri));
    assertThat(ok.json().getString("clientContext")).isEqualTo(max);
    TestRuntime.Resp tooLong = rt.post(callPath(callId) + "/recordResponse", new JsonObject().put("clientContext", max + "y"));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().getJsonObject("error").getString("code")).isEqualTo("invalidRequest");
    assertThat(tooLong.json().getJsonObject("error").getString("message")).contains("clientContext");
    assertThat(rt.post(callPath(callId) + "/cancelMediaProcessing", new JsonObject().put("clientContext", max + "y")).status()).isEqualTo(400);
    rt.advance(100);
    assertThat(awaitEnd(bot, callId, ok.json().getString("id")).resourceData().getString("clientContext")).isEqualTo(max);
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("GET operation: any id case, with or without dashes; after the call ended (retention) it shows the final state; unknown op -> 404 itemNotFound")
  void get_operation_lookups() {
    String callId = establishedCall(rt, bot);
    String opId = action(rt, callId, "playPrompt", playBody("lookup", media.tone("pipe-lookup.wav", 100, 440))).json().getString("id");
    String odd = opId.replace("-", "").toUpperCase(java.util.Locale.ROOT);
    TestRuntime.Resp r = rt.get("/communications/calls/" + callId.toUpperCase(java.util.Locale.ROOT) + "/operations/" + odd);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("id")).isEqualTo(opId);
    hangUp(rt, bot, callId);
    JsonObject after = MediaItSupport.getOperation(rt, callId, opId);
    assertThat(after.getString("status")).isEqualTo("failed");
    assertThat(after.getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(8509);
    TestRuntime.Resp unknown = rt.get(callPath(callId) + "/operations/00000000-0000-4000-8000-000000000001");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getJsonObject("error").getString("code")).isEqualTo("itemNotFound");
  }

  @Test
  @DisplayName("Location follows the request's own version prefix and path family (/beta, none, /app/calls, namespace-qualified action)")
  void location_follows_request() {
    String callId = establishedCall(rt, bot);
    String uri = media.tone("pipe-loc.wav", 100, 440);
    String[][] cases = {
        {"/beta/communications/calls/" + callId + "/playPrompt", "/beta"},
        {"/communications/calls/" + callId + "/PLAYPROMPT", ""},
        {"/v1.0/app/calls/" + callId + "/playPrompt", "/v1.0"},
        {"/v1.0/communications/calls/" + callId + "/microsoft.graph.playPrompt", "/v1.0"}};
    for (String[] c : cases) {
      TestRuntime.Resp r = rt.post(c[0], playBody("loc", uri));
      assertThat(r.status()).as(c[0]).isEqualTo(200);
      assertThat(r.header("Location")).as(c[0]).isEqualTo(rt.baseUrl + c[1] + opPath(callId, r.json().getString("id")));
    }
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("media action bodies: out-of-range or wrongly typed known fields -> 400 naming the field; unknown fields, @odata.type and nulls are ignored (contract rule 4 — Unknown properties ignored, wrong ones rejected)")
  void media_action_validation() {
    String callId = establishedCall(rt, bot);
    String uri = media.tone("pipe-valid.wav", 100, 440);
    Object[][] bad = {
        {"recordResponse", new JsonObject().put("maxRecordDurationInSeconds", 121), "maxRecordDurationInSeconds"},
        {"recordResponse", new JsonObject().put("initialSilenceTimeoutInSeconds", 0), "initialSilenceTimeoutInSeconds"},
        {"recordResponse", new JsonObject().put("maxSilenceTimeoutInSeconds", "5"), "maxSilenceTimeoutInSeconds"},
        {"recordResponse", new JsonObject().put("bargeInAllowed", "yes"), "bargeInAllowed"},
        {"recordResponse", new JsonObject().put("stopTones", new JsonArray().add("x")), "stopTones"},
        {"recordResponse", new JsonObject().put("prompts", new JsonArray().add(prompt(uri, null)).add(prompt(uri, null))), "prompts"},
        {"playPrompt", new JsonObject().put("prompts", new JsonArray()), "prompts"},
        {"playPrompt", new JsonObject(), "prompts"},
        {"playPrompt", new JsonObject().put("prompts", new JsonArray().add(new JsonObject().put("mediaInfo", new JsonObject()))), "uri"},
        {"playPrompt", new JsonObject().put("prompts", new JsonArray().add(prompt("ftp://x/y.wav", null))), "uri"},
        {"sendDtmfTones", new JsonObject().put("tones", new JsonArray().add("flash")), "tones[0]"},
        {"sendDtmfTones", new JsonObject().put("tones", new JsonArray().add("tone1")).put("delayBetweenTonesMs", -1), "delayBetweenTonesMs"},
        {"sendDtmfTones", new JsonObject(), "tones"}};
    for (Object[] c : bad) {
      TestRuntime.Resp r = rt.post(callPath(callId) + "/" + c[0], (JsonObject) c[1]);
      assertThat(r.status()).as("%s %s: %s", c[0], c[1], r.text()).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("invalidRequest");
      assertThat(r.json().getJsonObject("error").getString("message")).as("%s %s", c[0], c[1]).contains((String) c[2]);
    }
    JsonArray prompts = new JsonArray().add(prompt(uri, null).put("loop", false).put("extra", new JsonObject()));
    prompts.getJsonObject(0).getJsonObject("mediaInfo").putNull("resourceId");
    TestRuntime.Resp extras = rt.post(callPath(callId) + "/playPrompt", new JsonObject()
        .put("@odata.type", "#microsoft.graph.playPromptPostRequestBody").put("prompts", prompts)
        .put("loop", false).putNull("clientContext").put("somethingNew", 1));
    assertThat(extras.status()).as(extras.text()).isEqualTo(200);
    TestRuntime.Resp recExtras = rt.post(callPath(callId) + "/recordResponse", new JsonObject()
        .putNull("prompts").putNull("bargeInAllowed").putNull("maxRecordDurationInSeconds").put("stopTones", new JsonArray().add("pound").add("1")));
    assertThat(recExtras.status()).as(recExtras.text()).isEqualTo(200);
    hangUp(rt, bot, callId);
  }

  // ------------------------------------------------------------------ queue

  @Test
  @DisplayName("FIFO: later operations answer notStarted; GET shows notStarted, then running, then completed, in queue order")
  void queue_is_fifo() {
    String callId = establishedCall(rt, bot);
    String a = media.tone("pipe-fifo-a.wav", 600, 440);
    String b = media.tone("pipe-fifo-b.wav", 400, 550);
    TestRuntime.Resp playA = action(rt, callId, "playPrompt", playBody("A", a));
    TestRuntime.Resp playB = action(rt, callId, "playPrompt", playBody("B", b));
    TestRuntime.Resp recC = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "C")
        .put("playBeep", false).put("initialSilenceTimeoutInSeconds", 1));
    String idA = playA.json().getString("id");
    String idB = playB.json().getString("id");
    String idC = recC.json().getString("id");
    assertThat(playA.json().getString("status")).isEqualTo("running");
    assertThat(playB.json().getString("status")).isEqualTo("notStarted");
    assertThat(recC.json().getString("status")).isEqualTo("notStarted");
    assertThat(playB.header("Location")).isEqualTo(rt.baseUrl + "/v1.0" + opPath(callId, idB));

    rt.advance(599);
    assertThat(List.of(status(rt, callId, idA), status(rt, callId, idB), status(rt, callId, idC)))
        .containsExactly("running", "notStarted", "notStarted");
    rt.advance(1);
    assertThat(List.of(status(rt, callId, idA), status(rt, callId, idB), status(rt, callId, idC)))
        .containsExactly("completed", "running", "notStarted");
    rt.advance(400);
    assertThat(List.of(status(rt, callId, idA), status(rt, callId, idB), status(rt, callId, idC)))
        .containsExactly("completed", "completed", "running");
    rt.advance(1000);
    assertThat(status(rt, callId, idC)).isEqualTo("failed");

    List<WebhookReceiver.Received> ends = List.of(awaitEnd(bot, callId, idA), awaitEnd(bot, callId, idB), awaitEnd(bot, callId, idC));
    assertThat(ends).extracting(WebhookReceiver.Received::sequence).isSorted();
    assertThat(ends.get(2).resourceData().getString("completionReason")).isEqualTo("initialSilenceTimeout");
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("barge-in: recordResponse bargeInAllowed cancels the running and queued operations in order with contract rule 11 — What a cancelled operation reports payloads, answers running and listens at once")
  void barge_in() {
    String callId = establishedCall(rt, bot);
    String longPrompt = media.tone("pipe-barge-3s.wav", 3000, 440);
    String idA = action(rt, callId, "playPrompt", playBody("barge-A", longPrompt)).json().getString("id");
    String idB = action(rt, callId, "playPrompt", playBody("barge-B", longPrompt)).json().getString("id");
    String idC = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "barge-C")).json().getString("id");
    rt.advance(700);

    TestRuntime.Resp barge = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "barge-R")
        .put("bargeInAllowed", true).put("playBeep", false).put("initialSilenceTimeoutInSeconds", 1));
    assertThat(barge.json().getString("status")).isEqualTo("running");
    String idR = barge.json().getString("id");

    List<WebhookReceiver.Received> ends = List.of(awaitEnd(bot, callId, idA), awaitEnd(bot, callId, idB), awaitEnd(bot, callId, idC));
    assertThat(ends).extracting(WebhookReceiver.Received::sequence).isSorted();
    JsonObject cancelled = resultInfo(400, 8508, CANCELLED);
    assertThat(ends.get(0).resourceData()).isEqualTo(playEnd(callId, idA, "barge-A", "failed", cancelled, "mediaOperationCanceled"));
    assertThat(ends.get(1).resourceData()).isEqualTo(playEnd(callId, idB, "barge-B", "failed", cancelled, "mediaOperationCanceled"));
    assertThat(ends.get(2).resourceData()).isEqualTo(recordEnd(callId, idC, "barge-C", "failed", cancelled, "operationCanceled", "", ""));

    // the barge-in record listens from the moment it was accepted: its 1 s initial silence runs out 1 s later
    rt.advance(999);
    assertThat(status(rt, callId, idR)).isEqualTo("running");
    rt.advance(1);
    assertThat(awaitEnd(bot, callId, idR).resourceData().getString("completionReason")).isEqualTo("initialSilenceTimeout");
    // the running prompt really stopped at the barge-in
    assertThat(MediaItSupport.heard(rt, callId).durationMs()).isBetween(680L, 720L);
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("queue limit: with calls.mediaQueueLimit operations (running one included) another playPrompt or recordResponse gets 429 + Retry-After; sendDtmfTones and a barge-in record are still accepted")
  void queue_limit(VertxTestContext ctx) {
    String callId = establishedCall(rt, bot);
    String uri = media.tone("pipe-limit.wav", 2000, 440);
    List<String> queued = new java.util.ArrayList<>();
    for (int i = 0; i < QUEUE_LIMIT; i++) {
      TestRuntime.Resp r = action(rt, callId, "playPrompt", playBody("q" + i, uri));
      assertThat(r.json().getString("status")).isEqualTo(i == 0 ? "running" : "notStarted");
      queued.add(r.json().getString("id"));
    }
    TestRuntime.Resp over = rt.send(java.net.http.HttpRequest.newBuilder(rt.uri(callPath(callId) + "/playPrompt"))
        .header("Authorization", "Bearer " + TestRuntime.TOKEN).header("Content-Type", "application/json")
        .header("client-request-id", "limit-test-1")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(playBody("over", uri).encode())));
    assertThat(over.status()).isEqualTo(429);
    assertThat(over.header("Retry-After")).isNotNull();
    assertThat(Long.parseLong(over.header("Retry-After"))).isPositive();
    assertThat(over.header("Location")).isNull();
    JsonObject error = over.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("activityLimitReached");
    assertThat(error.getString("message")).contains(String.valueOf(QUEUE_LIMIT));
    assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(over.header("request-id"));
    assertThat(error.getJsonObject("innerError").getString("client-request-id")).isEqualTo("limit-test-1");

    TestRuntime.Resp recOver = rt.post(callPath(callId) + "/recordResponse", new JsonObject());
    assertThat(recOver.status()).isEqualTo(429);
    assertThat(recOver.header("Retry-After")).isNotNull();

    action(rt, callId, "sendDtmfTones", new JsonObject().put("tones", new JsonArray().add("tone1")));
    // contract rule 9 — One media queue per call: subscribeToTone and keepAlive never enter the media queue
    assertThat(action(rt, callId, "subscribeToTone", new JsonObject()).json().getString("status")).isEqualTo("completed");
    assertThat(rt.post(callPath(callId) + "/keepAlive", null).status()).isEqualTo(200);

    // the barge-in cancels the queued prompts in queue order, each exactly once (strict checkpoint)
    Checkpoint cancelled = ctx.checkpoint(QUEUE_LIMIT);
    List<String> cancelledIds = new java.util.concurrent.CopyOnWriteArrayList<>();
    bot.onReceived(r -> r.callId().equals(callId) && r.changeType().equals("deleted")
        && "mediaOperationCanceled".equals(r.resourceData().getString("completionReason")), r -> ctx.verify(() -> {
          String id = r.resourceData().getString("id");
          cancelledIds.add(id);
          assertThat(cancelledIds).as("cancelled in queue order").isEqualTo(queued.subList(0, cancelledIds.size()));
          assertThat(r.resourceData().getJsonObject("resultInfo")).isEqualTo(resultInfo(400, 8508, CANCELLED));
          cancelled.flag();
        }));
    TestRuntime.Resp barge = action(rt, callId, "recordResponse", new JsonObject().put("bargeInAllowed", true));
    assertThat(barge.json().getString("status")).isEqualTo("running");
    // with room again, a playPrompt is accepted (queued behind the barge-in record)
    assertThat(action(rt, callId, "playPrompt", playBody("again", uri)).json().getString("status")).isEqualTo("notStarted");
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("cancelMediaProcessing with nothing to cancel: 200 + Location + completed 200/0, and no notification ever about it")
  void cancel_with_nothing_queued() {
    String callId = establishedCall(rt, bot);
    TestRuntime.Resp cancel = action(rt, callId, "cancelMediaProcessing", new JsonObject().put("clientContext", "nothing"));
    JsonObject op = cancel.json();
    String opId = op.getString("id");
    assertThat(op).isEqualTo(new JsonObject()
        .put("@odata.type", "#microsoft.graph.cancelMediaProcessingOperation")
        .put("id", opId)
        .put("clientContext", "nothing")
        .put("status", "completed")
        .put("resultInfo", resultInfo(200, 0, OK)));
    assertThat(cancel.header("Location")).isEqualTo(rt.baseUrl + "/v1.0" + opPath(callId, opId));
    assertThat(status(rt, callId, opId)).isEqualTo("completed");
    hangUp(rt, bot, callId);
    assertThat(journalAbout(rt, callId, opPath(callId, opId))).isEmpty();
    assertThat(bot.received()).noneMatch(r -> r.resourceUrl().equals(opPath(callId, opId)));
  }

  // ------------------------------------------------------------------ preFetchMedia

  @Test
  @DisplayName("preFetchMedia on create fetches ahead; playPrompt with the same resourceId plays the cached media without fetching again")
  void pre_fetch_on_create() {
    String uri = media.tone("pipe-prefetch.wav", 800, 440);
    JsonObject body = TestRuntime.outgoingCallBody(bot.url(), "+15550002");
    body.getJsonObject("mediaConfig").put("preFetchMedia", new JsonArray().add(new JsonObject()
        .put("@odata.type", "#microsoft.graph.mediaInfo").put("uri", uri).put("resourceId", "prefetch-1")));
    TestRuntime.Resp created = rt.post("/v1.0/communications/calls", body);
    assertThat(created.status()).isEqualTo(201);
    String callId = created.json().getString("id");
    awaitFetches("pipe-prefetch.wav", 1);
    rt.advance(500);
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));

    TestRuntime.Resp play = action(rt, callId, "playPrompt", new JsonObject()
        .put("prompts", new JsonArray().add(prompt(uri, "prefetch-1"))));
    String opId = play.json().getString("id");
    rt.advance(799);
    assertThat(status(rt, callId, opId)).isEqualTo("running");
    rt.advance(1);
    assertThat(awaitEnd(bot, callId, opId).resourceData().getString("completionReason")).isEqualTo("completedSuccessfully");
    String again = action(rt, callId, "playPrompt", new JsonObject()
        .put("prompts", new JsonArray().add(prompt(uri, "prefetch-1")))).json().getString("id");
    rt.advance(800);
    awaitEnd(bot, callId, again);
    assertThat(media.hits("pipe-prefetch.wav")).isEqualTo(1);
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("preFetchMedia on answer fetches ahead too")
  void pre_fetch_on_answer() {
    String uri = media.tone("pipe-prefetch-answer.wav", 300, 440);
    String callId = rt.createIncomingCall(bot.url());
    TestRuntime.Resp answer = rt.post(callPath(callId) + "/answer", new JsonObject()
        .put("acceptedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig")
            .put("preFetchMedia", new JsonArray().add(new JsonObject().put("uri", uri).put("resourceId", "prefetch-answer")))));
    assertThat(answer.status()).isEqualTo(202);
    awaitFetches("pipe-prefetch-answer.wav", 1);
    String opId = action(rt, callId, "playPrompt", new JsonObject()
        .put("prompts", new JsonArray().add(prompt(uri, "prefetch-answer")))).json().getString("id");
    rt.advance(300);
    awaitEnd(bot, callId, opId);
    assertThat(media.hits("pipe-prefetch-answer.wav")).isEqualTo(1);
    hangUp(rt, bot, callId);
  }

  /** Waits until the WAV server has served {@code name} {@code n} times (completed by the fetch itself). */
  private void awaitFetches(String name, int n) {
    try {
      media.whenFetched(name, n).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("expected " + n + " fetches of " + name + ", saw " + media.hits(name), e);
    }
  }
}
