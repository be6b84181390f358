package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.establishedCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CallsOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contract rule 38 (Bounded caller input), black-box: one call cannot make Callvert hold unbounded
 * caller audio or key presses. Beyond {@code calls.maxPendingKeys} / {@code calls.maxCallerSpeechMs},
 * 429 activityLimitReached with {@code Retry-After: 1}; a WAV longer than one request's maximum
 * (measured from its header, at 16 kHz) is 400 before it is converted.
 */
@CallvertTest(options = CallerBoundsIT.Options.class)
class CallerBoundsIT {

  /** The smallest limits the configuration allows: one maximal request each. */
  static final class Options implements UnaryOperator<CallvertOptions> {
    @Override
    public CallvertOptions apply(CallvertOptions o) {
      return o.withCalls(o.calls().withMaxPendingKeys(CallsOptions.MAX_KEYS_PER_REQUEST)
          .withMaxCallerSpeechMs(CallsOptions.MAX_SPEECH_REQUEST_MS));
    }
  }

  private static void assertLimited(TestRuntime.Resp r, String key) {
    assertThat(r.status()).as(r.text()).isEqualTo(429);
    assertThat(r.header("Retry-After")).isEqualTo("1");
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("activityLimitReached");
    assertThat(error.getString("message")).contains(key);
    assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(r.header("request-id"));
  }

  /** An 8-bit mono WAV of {@code frames} frames at {@code rate} Hz. */
  static byte[] wav8(int rate, int frames) {
    ByteBuffer b = ByteBuffer.allocate(44 + frames).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + frames).put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate)
        .putInt(rate).putShort((short) 1).putShort((short) 8);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(frames);
    for (int i = 0; i < frames; i++) {
      b.put((byte) (0x80 + (i % 64) - 32));
    }
    return b.array();
  }

  private static TestRuntime.Resp postWav(TestRuntime rt, String callId, byte[] wav) {
    return rt.send(HttpRequest.newBuilder(rt.uri("/callvert/calls/" + callId + "/speech"))
        .header("Authorization", "Bearer " + TestRuntime.TOKEN).header("Content-Type", "audio/wav")
        .POST(HttpRequest.BodyPublishers.ofByteArray(wav)));
  }

  @Test
  @DisplayName("key presses: 64 + 64 waiting fill calls.maxPendingKeys=64 (+1 pressed at once); the next is 429 "
      + "activityLimitReached, Retry-After 1; once keys were pressed there is room again")
  void pending_keys_are_bounded(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    String tones = "/callvert/calls/" + callId + "/tones";
    assertThat(rt.post(tones, new JsonObject().put("tones", "1".repeat(64))).status()).isEqualTo(202);
    assertThat(rt.post(tones, new JsonObject().put("tones", "2")).status()).isEqualTo(202);
    for (int i = 0; i < 3; i++) {
      assertLimited(rt.post(tones, new JsonObject().put("tones", "3")), "calls.maxPendingKeys");
    }
    rt.advance(1_000); // ten keys pressed
    assertThat(rt.post(tones, new JsonObject().put("tones", "4".repeat(10))).status()).isEqualTo(202);
    assertLimited(rt.post(tones, new JsonObject().put("tones", "5")), "calls.maxPendingKeys");
    rt.post("/callvert/calls/" + callId + "/hangup", null);
  }

  @Test
  @DisplayName("speech: 1 MiB of 8-bit 1 kHz WAV (17.5 min, 33.5 MB at 16 kHz) is 400 naming its converted length; "
      + "caller audio held beyond calls.maxCallerSpeechMs is 429; after it played out there is room again")
  void speech_is_bounded(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    String speech = "/callvert/calls/" + callId + "/speech";
    TestRuntime.Resp huge = postWav(rt, callId, wav8(1_000, (1 << 20) - 44)); // 1 MiB with its header
    assertThat(huge.status()).as(huge.text()).isEqualTo(400);
    assertThat(huge.json().getJsonObject("error").getString("code")).isEqualTo("invalidRequest");
    assertThat(huge.json().getJsonObject("error").getString("message"))
        .isEqualTo("The speech WAV lasts 1048532 ms at 16 kHz; at most 120000 ms per request.");

    assertThat(postWav(rt, callId, wav8(1_000, 100_000)).status()).isEqualTo(202); // 100 s
    assertThat(rt.post(speech, new JsonObject().put("durationMs", 20_000)).status()).isEqualTo(202); // 120 s held
    assertLimited(rt.post(speech, new JsonObject().put("durationMs", 1)), "calls.maxCallerSpeechMs");
    assertLimited(postWav(rt, callId, wav8(8_000, 8)), "calls.maxCallerSpeechMs");

    rt.advance(CallsOptions.MAX_SPEECH_REQUEST_MS + 1); // all of it played out; no record can use it
    assertThat(rt.post(speech, new JsonObject().put("durationMs", CallsOptions.MAX_SPEECH_REQUEST_MS)).status()).isEqualTo(202);
    // the call is unharmed: it still answers and hangs up normally
    assertThat(rt.get("/v1.0/communications/calls/" + callId).json().getString("state")).isEqualTo("established");
    assertThat(rt.post("/callvert/calls/" + callId + "/hangup", null).status()).isEqualTo(202);
  }
}
