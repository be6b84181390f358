package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.audio.AudioFormatException;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Wav;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Shared helpers of the media-pipeline black-box tests: established calls, Graph request bodies,
 * exact terminal payloads (contract rules 11 and 13) and WAV bytes in formats Callvert must refuse
 * or convert.
 */
final class MediaItSupport {

  static final String CANCELLED = "Action failed, the operation was cancelled.";
  static final String CALL_ENDED = "Action failed, the call ended.";
  static final String PROMPT_FAILED = "Action failed, the prompt could not be played.";
  static final String OK = "Action completed successfully.";

  private MediaItSupport() {}

  /** A simulated caller calls the bot and the bot answers: the call is {@code established}, the clock untouched. */
  static String establishedCall(TestRuntime rt, WebhookReceiver bot) {
    String callId = rt.createIncomingCall(bot.url());
    TestRuntime.Resp answer = rt.post(callPath(callId) + "/answer", new JsonObject()
        .put("callbackUri", bot.url())
        .put("acceptedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig")));
    assertThat(answer.status()).as("answer: %s", answer.text()).isEqualTo(202);
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
    return callId;
  }

  static String callPath(String callId) {
    return "/v1.0/communications/calls/" + callId;
  }

  static String opPath(String callId, String opId) {
    return "/communications/calls/" + callId + "/operations/" + opId;
  }

  static JsonObject prompt(String uri, String resourceId) {
    JsonObject mediaInfo = new JsonObject().put("@odata.type", "#microsoft.graph.mediaInfo").put("uri", uri);
    if (resourceId != null) {
      mediaInfo.put("resourceId", resourceId);
    }
    return new JsonObject().put("@odata.type", "#microsoft.graph.mediaPrompt").put("mediaInfo", mediaInfo);
  }

  static JsonObject playBody(String clientContext, String... uris) {
    JsonArray prompts = new JsonArray();
    for (String uri : uris) {
      prompts.add(prompt(uri, null));
    }
    return new JsonObject().put("clientContext", clientContext).put("prompts", prompts);
  }

  /** POSTs a Graph action on the call and requires a 200 operation; returns the response. */
  static TestRuntime.Resp action(TestRuntime rt, String callId, String action, JsonObject body) {
    TestRuntime.Resp r = rt.post(callPath(callId) + "/" + action, body);
    assertThat(r.status()).as("%s: %s", action, r.text()).isEqualTo(200);
    return r;
  }

  static JsonObject getOperation(TestRuntime rt, String callId, String opId) {
    TestRuntime.Resp r = rt.get(callPath(callId) + "/operations/" + opId);
    assertThat(r.status()).as("GET operation: %s", r.text()).isEqualTo(200);
    return r.json();
  }

  static String status(TestRuntime rt, String callId, String opId) {
    return getOperation(rt, callId, opId).getString("status");
  }

  /** The terminal ({@code deleted}) notification of one operation. */
  static WebhookReceiver.Received awaitEnd(WebhookReceiver bot, String callId, String opId) {
    String path = opPath(callId, opId);
    return bot.awaitOne(callId, r -> r.changeType().equals("deleted") && path.equals(r.resourceUrl()));
  }

  static WebhookReceiver.Received awaitTerminated(WebhookReceiver bot, String callId) {
    return bot.awaitOne(callId, r -> r.changeType().equals("deleted") && r.resourceUrl().equals("/communications/calls/" + callId));
  }

  static JsonObject resultInfo(int code, int subcode, String message) {
    return new JsonObject().put("@odata.type", "#microsoft.graph.resultInfo").put("code", code)
        .put("subcode", subcode).put("message", message);
  }

  /** The exact resourceData of a terminal playPromptOperation notification. */
  static JsonObject playEnd(String callId, String opId, String clientContext, String status, JsonObject resultInfo, String reason) {
    return new JsonObject()
        .put("@odata.type", "#microsoft.graph.playPromptOperation")
        .put("id", opId)
        .put("clientContext", clientContext)
        .put("status", status)
        .put("resultInfo", resultInfo)
        .put("completionReason", reason)
        .put("@odata.id", opPath(callId, opId));
  }

  /** The exact resourceData of a terminal recordOperation notification with the given location and token. */
  static JsonObject recordEnd(String callId, String opId, String clientContext, String status, JsonObject resultInfo,
      String reason, String location, String token) {
    return new JsonObject()
        .put("@odata.type", "#microsoft.graph.recordOperation")
        .put("id", opId)
        .put("clientContext", clientContext)
        .put("status", status)
        .put("resultInfo", resultInfo)
        .put("completionReason", reason)
        .put("recordingLocation", location)
        .put("recordingAccessToken", token)
        .put("@odata.id", opPath(callId, opId));
  }

  /** resultInfo without its free-text {@code detail} (asserted separately). */
  static JsonObject withoutDetail(JsonObject resourceData) {
    JsonObject copy = resourceData.copy();
    copy.getJsonObject("resultInfo").remove("detail");
    return copy;
  }

  /** Downloads a recording with its access token and decodes it (it must be canonical WAV). */
  static Clip download(TestRuntime rt, String location, String token) {
    TestRuntime.Resp r = rt.send(java.net.http.HttpRequest.newBuilder(rt.uri(location))
        .header("Authorization", "Bearer " + token).GET());
    assertThat(r.status()).as("download %s: %s", location, r.text()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
    try {
      return Wav.parseStrict(r.bytes());
    } catch (AudioFormatException e) {
      throw new AssertionError("recording is not a canonical WAV: " + e.getMessage(), e);
    }
  }

  /** What the caller heard so far, decoded. */
  static Clip heard(TestRuntime rt, String callId) {
    TestRuntime.Resp r = rt.get("/callvert/calls/" + callId + "/heard");
    assertThat(r.status()).as("heard: %s", r.text()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("audio/wav");
    try {
      return Wav.parseStrict(r.bytes());
    } catch (AudioFormatException e) {
      throw new AssertionError("heard is not a canonical WAV: " + e.getMessage(), e);
    }
  }

  /** The call's notification journal ({@code GET /callvert/calls/{id}/notifications}). */
  static List<JsonObject> journal(TestRuntime rt, String callId) {
    TestRuntime.Resp r = rt.get("/callvert/calls/" + callId + "/notifications");
    assertThat(r.status()).as("journal: %s", r.text()).isEqualTo(200);
    return r.json().getJsonArray("value").stream().map(JsonObject.class::cast).toList();
  }

  /**
   * The journal once no entry is pending or delivering. The bot records a notification before its
   * 202 reaches Callvert, so the journal may lag the bot by one response; see
   * {@link TestRuntime#whenJournal} for why that one wait re-reads.
   */
  static List<JsonObject> settledJournal(TestRuntime rt, String callId) {
    return rt.awaitJournal(callId, j -> j.stream().map(e -> ((JsonObject) e).getString("state"))
        .noneMatch(st -> st.equals("pending") || st.equals("delivering")))
        .stream().map(JsonObject.class::cast).toList();
  }

  /** Journal entries whose notification is about {@code resourceUrl}. */
  static List<JsonObject> journalAbout(TestRuntime rt, String callId, String resourceUrl) {
    return journal(rt, callId).stream().filter(e -> resourceUrl.equals(
        e.getJsonObject("notification").getJsonArray("value").getJsonObject(0).getString("resourceUrl"))).toList();
  }

  /** Ends a call from the bot side and waits for its terminated notification. */
  static void hangUp(TestRuntime rt, WebhookReceiver bot, String callId) {
    TestRuntime.Resp r = rt.delete(callPath(callId));
    assertThat(r.status()).as("DELETE call: %s", r.text()).isEqualTo(204);
    awaitTerminated(bot, callId);
  }

  /**
   * A PCM16 WAV of any rate and channel count, built by hand (Callvert's own encoder only writes
   * the canonical format): {@code frames} interleaved samples per channel from {@code sample}.
   */
  static byte[] wav(int rate, int channels, int frames, java.util.function.IntBinaryOperator sample) {
    int data = frames * channels * 2;
    ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + data).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
        .putInt(rate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
    b.put("data".getBytes()).putInt(data);
    for (int f = 0; f < frames; f++) {
      for (int c = 0; c < channels; c++) {
        b.putShort((short) sample.applyAsInt(f, c));
      }
    }
    return b.array();
  }

  /** A sine WAV at any rate and channel count. */
  static byte[] sineWav(int rate, int channels, int ms, double hz) {
    return wav(rate, channels, rate * ms / 1000, (f, c) -> (int) (8000 * Math.sin(2 * Math.PI * hz * f / rate)));
  }
}
