package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.action;
import static io.callvert.verticles.it.MediaItSupport.awaitEnd;
import static io.callvert.verticles.it.MediaItSupport.download;
import static io.callvert.verticles.it.MediaItSupport.establishedCall;
import static io.callvert.verticles.it.MediaItSupport.hangUp;
import static io.callvert.verticles.it.MediaItSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CallsOptions;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.EnergyDetector;
import io.callvert.runtime.audio.Tones;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Recordings (contract rule 13, 17, 18): what the caller says, sent as a real WAV in a foreign
 * format, is what the downloaded recording holds; downloads need the recording's own token; they
 * outlive the call for the retention period and no longer.
 */
@CallvertTest
class RecordingIT {

  /** The speech the caller says in these tests, at 16 kHz (the reference). */
  static final Clip SPEECH = Tones.speech(1500, 42);

  /**
   * 500 ms of silence, {@link #SPEECH} and 500 ms of silence, as a 44.1 kHz stereo WAV (linear
   * interpolation up from 16 kHz; the right channel at 80 % of the left).
   */
  static byte[] callerWav44kStereo() {
    int rate = 44_100;
    int lead = rate / 2;
    int speechFrames = (int) ((long) SPEECH.length() * rate / Clip.SAMPLE_RATE);
    int frames = lead + speechFrames + lead;
    return MediaItSupport.wav(rate, 2, frames, (f, c) -> {
      int i = f - lead;
      if (i < 0 || i >= speechFrames) {
        return 0;
      }
      double pos = (double) i * Clip.SAMPLE_RATE / rate;
      int k = (int) pos;
      double frac = pos - k;
      double a = SPEECH.sample(k);
      double b = k + 1 < SPEECH.length() ? SPEECH.sample(k + 1) : a;
      double v = a + (b - a) * frac;
      return (int) Math.round(c == 0 ? v : 0.8 * v);
    });
  }

  private static TestRuntime.Resp postWav(TestRuntime rt, String callId, byte[] wav, String contentType) {
    return rt.send(HttpRequest.newBuilder(rt.uri("/callvert/calls/" + callId + "/speech"))
        .header("Authorization", "Bearer " + TestRuntime.TOKEN)
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(wav)));
  }

  private static TestRuntime.Resp get(TestRuntime rt, String location, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(rt.uri(location)).GET();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return rt.send(b);
  }

  /** A recording of {@link #callerWav44kStereo} said 1 s into a 4 s window; returns {location, token, operation id}. */
  private static String[] recordWavSpeech(TestRuntime rt, WebhookReceiver bot, String callId) {
    String opId = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "wav-speech")
        .put("playBeep", false).put("maxRecordDurationInSeconds", 4)).json().getString("id");
    rt.advance(1000);
    assertThat(postWav(rt, callId, callerWav44kStereo(), "audio/wav").status()).isEqualTo(202);
    rt.advance(2999);
    assertThat(status(rt, callId, opId)).isEqualTo("running");
    rt.advance(1);
    JsonObject end = awaitEnd(bot, callId, opId).resourceData();
    assertThat(end.getString("completionReason")).isEqualTo("maxRecordDurationReached");
    return new String[] {end.getString("recordingLocation"), end.getString("recordingAccessToken"), opId};
  }

  @Test
  @DisplayName("speech sent as a 44.1 kHz stereo WAV body is converted and is exactly what the recording holds: speech-level where the caller spoke, silence elsewhere")
  void wav_speech_is_recorded(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    String[] rec = recordWavSpeech(rt, bot, callId);
    TestRuntime.Resp raw = get(rt, rec[0], "Bearer " + rec[1]);
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.header("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(new String(raw.bytes(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");

    Clip recording = download(rt, rec[0], rec[1]);
    assertThat(recording.durationMs()).isEqualTo(4000);
    // caller audio: silence until 1000 (nothing said), the WAV's own 500 ms of silence, speech 1500..3000, silence after
    int perMs = Clip.SAMPLES_PER_MS;
    for (int ms = 0; ms + 20 <= 4000; ms += 20) {
      double db = EnergyDetector.rmsDbfs(recording, ms * perMs, (ms + 20) * perMs);
      if (ms + 20 <= 1480 || ms >= 3020) {
        assertThat(db).as("silence at %d ms", ms).isLessThan(-60);
      } else if (ms >= 1520 && ms + 20 <= 2980) {
        assertThat(db).as("speech level at %d ms", ms).isGreaterThan(-35);
      }
    }
    List<EnergyDetector.Interval> voiced = new EnergyDetector().voicedIntervals(recording);
    assertThat(voiced).hasSize(1);
    assertThat(voiced.get(0).startMs()).isBetween(1480L, 1520L);
    assertThat(voiced.get(0).endMs()).isBetween(2980L, 3020L);

    // and it is the caller's speech (left/right averaged: 90 % of it), not just any loud audio
    double dot = 0;
    double ref = 0;
    double got = 0;
    for (int i = 20 * perMs; i < SPEECH.length() - 20 * perMs; i++) {
      double a = SPEECH.sample(i);
      double b = recording.sample(1500 * perMs + i);
      dot += a * b;
      ref += a * a;
      got += b * b;
    }
    assertThat(dot / Math.sqrt(ref * got)).as("correlation with what the caller said").isGreaterThan(0.95);
    assertThat(Math.sqrt(got / ref)).as("level relative to the source").isBetween(0.8, 1.0);
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("downloads need the recording's own access token: wrong, other recording's, API or missing token -> 401 Graph-shaped error; unknown recording -> 404")
  void download_needs_the_token(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    String[] first = recordWavSpeech(rt, bot, callId);
    String[] second = recordWavSpeech(rt, bot, callId);
    assertThat(first[1]).isNotEqualTo(second[1]);

    for (String auth : new String[] {"Bearer wrong-token", "Bearer " + second[1], "Bearer " + TestRuntime.TOKEN, null, "Basic " + first[1], "Bearer "}) {
      TestRuntime.Resp r = rt.send(withClientRequestId(rt.uri(first[0]), auth));
      assertThat(r.status()).as("Authorization: %s", auth).isEqualTo(401);
      JsonObject error = r.json().getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("InvalidAuthenticationToken");
      assertThat(error.getString("message")).isNotBlank();
      assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(r.header("request-id")).isNotBlank();
      assertThat(error.getJsonObject("innerError").getString("client-request-id")).isEqualTo("rec-401");
      assertThat(error.getJsonObject("innerError").getString("date")).isNotBlank();
    }
    assertThat(get(rt, first[0], "bearer " + first[1]).status()).as("scheme is case-insensitive").isEqualTo(200);
    assertThat(get(rt, second[0], "Bearer " + second[1]).status()).isEqualTo(200);

    String unknown = first[0].substring(0, first[0].lastIndexOf('/') + 1) + "00000000-0000-4000-8000-000000000000";
    TestRuntime.Resp missing = get(rt, unknown, "Bearer " + first[1]);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getJsonObject("error").getString("code")).isEqualTo("itemNotFound");
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("a recording is found only under its own call's URL: with its own token under another call's id (live, ended or unknown) -> 404 itemNotFound, not 401")
  void recording_only_under_its_own_call(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    String other = establishedCall(rt, bot);
    String[] rec = recordWavSpeech(rt, bot, callId);
    String recordingId = rec[0].substring(rec[0].lastIndexOf('/') + 1);
    assertThat(rec[0]).endsWith("/callvert/calls/" + callId + "/recordings/" + recordingId);
    assertThat(get(rt, rec[0], "Bearer " + rec[1]).status()).isEqualTo(200);

    hangUp(rt, bot, other); // an ended call still in retention, as well as a call no node knows
    for (String foreignCall : new String[] {other, "00000000-0000-4000-8000-000000000001"}) {
      TestRuntime.Resp r = get(rt, "/callvert/calls/" + foreignCall + "/recordings/" + recordingId, "Bearer " + rec[1]);
      assertThat(r.status()).as("under call %s", foreignCall).isEqualTo(404);
      assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("itemNotFound");
    }
    assertThat(get(rt, rec[0], "Bearer " + rec[1]).status()).as("still served under its own call").isEqualTo(200);
    hangUp(rt, bot, callId);
  }

  private static HttpRequest.Builder withClientRequestId(java.net.URI uri, String auth) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("client-request-id", "rec-401").GET();
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return b;
  }

  @Test
  @DisplayName("recordings, the operation and the journal stay readable after the call ended for the retention period (same bytes), and are gone after it")
  void downloadable_after_call_end_within_retention(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    String[] rec = recordWavSpeech(rt, bot, callId);
    String opId = rec[2];
    byte[] during = get(rt, rec[0], "Bearer " + rec[1]).bytes();
    hangUp(rt, bot, callId);

    rt.advance(CallsOptions.DEFAULT_RETENTION_MS - 1000);
    TestRuntime.Resp after = get(rt, rec[0], "Bearer " + rec[1]);
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.bytes()).isEqualTo(during);
    assertThat(status(rt, callId, opId)).isEqualTo("completed");
    assertThat(MediaItSupport.journal(rt, callId)).isNotEmpty();

    rt.advance(1001);
    TestRuntime.Resp expired = get(rt, rec[0], "Bearer " + rec[1]);
    assertThat(expired.status()).isEqualTo(404);
    assertThat(expired.json().getJsonObject("error").getString("code")).isEqualTo("itemNotFound");
    TestRuntime.Resp op = rt.get(MediaItSupport.callPath(callId) + "/operations/" + opId);
    assertThat(op.status()).isEqualTo(404);
    assertThat(op.json().getJsonObject("error").getString("code")).isEqualTo("8522");
    assertThat(rt.get("/callvert/calls/" + callId + "/notifications").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("a speech body that is not a usable WAV is a 400 invalidRequest saying why; an empty one too")
  void bad_wav_speech(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    TestRuntime.Resp notWav = postWav(rt, callId, "definitely not RIFF".getBytes(java.nio.charset.StandardCharsets.UTF_8), "audio/wav");
    assertThat(notWav.status()).isEqualTo(400);
    assertThat(notWav.json().getJsonObject("error").getString("code")).isEqualTo("invalidRequest");
    assertThat(notWav.json().getJsonObject("error").getString("message")).contains("WAV");
    TestRuntime.Resp empty = postWav(rt, callId, new byte[0], "audio/wav");
    assertThat(empty.status()).isEqualTo(400);
    TestRuntime.Resp wavX = postWav(rt, callId, callerWav44kStereo(), "audio/x-wav; charset=binary");
    assertThat(wavX.status()).isEqualTo(202);
    hangUp(rt, bot, callId);
  }
}
