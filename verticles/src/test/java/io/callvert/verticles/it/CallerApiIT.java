package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.establishedCall;
import static io.callvert.verticles.it.MediaItSupport.journal;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.ClockMode;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Callvert's own API (contract rule 18): shapes, validation, auth and the error envelope. */
@CallvertTest
class CallerApiIT {

  private static void assertError(TestRuntime.Resp r, int status, String code, String messagePart) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).contains(messagePart);
    assertThat(error.getJsonObject("innerError").getString("request-id")).isEqualTo(r.header("request-id"));
  }

  @Test
  @DisplayName("POST /callvert/calls -> 201 with the call as Graph shows it (incoming/incoming), then the bot gets the created notification")
  void create_incoming_call(TestRuntime rt, WebhookReceiver bot) {
    TestRuntime.Resp r = rt.post("/callvert/calls", new JsonObject().put("callbackUri", bot.url()).put("tenantId", "t-1")
        .put("requestedModalities", new io.vertx.core.json.JsonArray().add("audio")));
    assertThat(r.status()).isEqualTo(201);
    JsonObject call = r.json();
    String id = call.getString("id");
    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(call.getString("@odata.type")).isEqualTo("#microsoft.graph.call");
    assertThat(call.getString("state")).isEqualTo("incoming");
    assertThat(call.getString("direction")).isEqualTo("incoming");
    assertThat(call.getString("callbackUri")).isEqualTo(bot.url());
    WebhookReceiver.Received created = bot.awaitOne(id, n -> n.changeType().equals("created"));
    assertThat(created.resourceData().getString("state")).isEqualTo("incoming");
    assertThat(created.sequence()).isEqualTo(1);

    assertError(rt.post("/callvert/calls", new JsonObject()), 400, "invalidRequest", "callbackUri");
    rt.post("/callvert/calls/" + id + "/hangup", null);
  }

  @Test
  @DisplayName("tones: 0-9 * # A-D (any case) -> 202; anything else -> 400 naming the character and position; before the call is established -> 400 naming the state")
  void tones_validation(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    assertThat(rt.post("/callvert/calls/" + callId + "/tones", new JsonObject().put("tones", "0123456789*#ABCDabcd")).status()).isEqualTo(202);
    assertError(rt.post("/callvert/calls/" + callId + "/tones", new JsonObject().put("tones", "12x")), 400, "invalidRequest", "position 2");
    assertError(rt.post("/callvert/calls/" + callId + "/tones", new JsonObject()), 400, "invalidRequest", "tones");
    assertError(rt.post("/callvert/calls/" + callId + "/tones", new JsonObject().put("tones", 12)), 400, "invalidRequest", "tones");
    assertError(rt.post("/callvert/calls/" + callId + "/tones", null), 400, "invalidRequest", "body");
    rt.post("/callvert/calls/" + callId + "/hangup", null);

    String ringing = rt.createIncomingCall(bot.url());
    assertError(rt.post("/callvert/calls/" + ringing + "/tones", new JsonObject().put("tones", "1")), 400, "invalidRequest", "incoming");
    rt.post("/callvert/calls/" + ringing + "/hangup", null);
  }

  @Test
  @DisplayName("speech: durationMs 1..120000 -> 202; out of range, missing, or not JSON/WAV -> 400 / 415")
  void speech_validation(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    String path = "/callvert/calls/" + callId + "/speech";
    assertThat(rt.post(path, new JsonObject().put("durationMs", 1)).status()).isEqualTo(202);
    assertThat(rt.post(path, new JsonObject().put("durationMs", 120_000)).status()).isEqualTo(202);
    assertError(rt.post(path, new JsonObject().put("durationMs", 0)), 400, "invalidRequest", "durationMs");
    assertError(rt.post(path, new JsonObject().put("durationMs", 120_001)), 400, "invalidRequest", "durationMs");
    assertError(rt.post(path, new JsonObject()), 400, "invalidRequest", "durationMs");
    assertError(rt.post(path, new JsonObject().put("durationMs", "500")), 400, "invalidRequest", "durationMs");
    TestRuntime.Resp text = rt.send(HttpRequest.newBuilder(rt.uri(path)).header("Authorization", "Bearer " + TestRuntime.TOKEN)
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")));
    assertThat(text.status()).isEqualTo(415);
    rt.post("/callvert/calls/" + callId + "/hangup", null);
  }

  @Test
  @DisplayName("hangup -> 202 and the call ends 200/4097; a second hangup or any caller input afterwards -> 404 8522; heard stays readable")
  void hangup(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    assertThat(rt.post("/callvert/calls/" + callId + "/hangup", null).status()).isEqualTo(202);
    WebhookReceiver.Received terminated = MediaItSupport.awaitTerminated(bot, callId);
    assertThat(terminated.resourceData().getJsonObject("resultInfo").getInteger("code")).isEqualTo(200);
    assertThat(terminated.resourceData().getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(4097);
    assertError(rt.post("/callvert/calls/" + callId + "/hangup", null), 404, "8522", "Call not found.");
    assertError(rt.post("/callvert/calls/" + callId + "/speech", new JsonObject().put("durationMs", 10)), 404, "8522", "Call not found.");
    assertThat(rt.get("/callvert/calls/" + callId + "/heard").status()).isEqualTo(200);
    assertError(rt.post("/callvert/calls/00000000-0000-4000-8000-00000000abcd/tones", new JsonObject().put("tones", "1")),
        404, "8522", "Call not found.");
  }

  @Test
  @DisplayName("notifications journal: value[] in sequence order, each {sequence, state, attempts, lastError, notification} with the notification exactly as POSTed")
  void journal_shape(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    rt.post("/callvert/calls/" + callId + "/hangup", null);
    List<WebhookReceiver.Received> received = bot.await(callId, 4);
    MediaItSupport.awaitTerminated(bot, callId);
    List<JsonObject> j = MediaItSupport.settledJournal(rt, callId);
    assertThat(j).hasSize(received.size());
    for (int i = 0; i < j.size(); i++) {
      JsonObject e = j.get(i);
      assertThat(e.fieldNames()).contains("sequence", "state", "attempts", "lastError", "notification");
      assertThat(e.getLong("sequence")).isEqualTo(i + 1L);
      assertThat(e.getString("state")).isEqualTo("delivered");
      assertThat(e.getInteger("attempts")).isEqualTo(1);
      assertThat(e.getValue("lastError")).isNull();
      assertThat(e.getJsonObject("notification")).isEqualTo(received.get(i).body());
    }
  }

  @Test
  @DisplayName("clock: advance -> 200 {now: ISO-8601} moved by exactly durationMs; negative or fractional -> 400")
  void clock_advance(TestRuntime rt) {
    TestRuntime.Resp a = rt.post("/callvert/clock/advance", new JsonObject().put("durationMs", 0));
    TestRuntime.Resp b = rt.post("/callvert/clock/advance", new JsonObject().put("durationMs", 1234));
    assertThat(a.status()).isEqualTo(200);
    assertThat(Instant.parse(b.json().getString("now")).toEpochMilli() - Instant.parse(a.json().getString("now")).toEpochMilli())
        .isEqualTo(1234);
    assertError(rt.post("/callvert/clock/advance", new JsonObject().put("durationMs", -1)), 400, "invalidRequest", "durationMs");
    assertError(rt.post("/callvert/clock/advance", new JsonObject().put("durationMs", 1.5)), 400, "invalidRequest", "durationMs");
    assertError(rt.post("/callvert/clock/advance", new JsonObject().put("durationMs", Long.MAX_VALUE)), 400, "invalidRequest", "durationMs");
  }

  @Test
  @DisplayName("Callvert's own API needs the same bearer token: missing or wrong -> 401 InvalidAuthenticationToken in the Graph error envelope")
  void auth(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    for (String auth : new String[] {null, "Bearer nope"}) {
      HttpRequest.Builder req = HttpRequest.newBuilder(rt.uri("/callvert/calls/" + callId + "/tones"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"tones\":\"1\"}"));
      if (auth != null) {
        req.header("Authorization", auth);
      }
      TestRuntime.Resp r = rt.send(req);
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("InvalidAuthenticationToken");
    }
    TestRuntime.Resp heard = rt.send(HttpRequest.newBuilder(rt.uri("/callvert/calls/" + callId + "/heard")).GET());
    assertThat(heard.status()).isEqualTo(401);
    rt.post("/callvert/calls/" + callId + "/hangup", null);
  }

  /** Its own runtime on the system clock: advancing is refused. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SystemClock {

    TestRuntime real;

    @BeforeAll
    void start() {
      real = TestRuntime.start(o -> o.withClock(ClockMode.SYSTEM));
    }

    @AfterAll
    void stop() {
      real.close();
    }

    @Test
    @DisplayName("with clock=system, POST /callvert/clock/advance -> 400 invalidRequest")
    void advance_refused() {
      TestRuntime.Resp r = real.post("/callvert/clock/advance", new JsonObject().put("durationMs", 10));
      assertError(r, 400, "invalidRequest", "clock");
    }
  }
}
