package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.AcsOptions;
import io.callvert.verticles.auth.AcsHmacAuth;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The ACS wire rules the SDK cannot show by itself (contract rules 49–58), with requests signed here exactly as the
 * SDK signs them: authentication failures, api-version, the error envelope and its statuses, refusals of what
 * Callvert does not serve, the operation callback override, what ACS callbacks carry, repeatability on terminate.
 */
@CallvertTest
class AcsWireIT {

  private static final String VERSION = "?api-version=2026-03-12";
  private static final AcsHmacAuth KEY = new AcsHmacAuth(AcsOptions.DEV_ACCESS_KEY, 600, System::currentTimeMillis);
  private final HttpClient http = HttpClient.newHttpClient();

  record Resp(int status, JsonObject json) {
    String code() {
      return json.getJsonObject("error").getString("code");
    }

    String message() {
      return json.getJsonObject("error").getString("message");
    }
  }

  private Resp send(TestRuntime rt, String method, String pathAndQuery, JsonObject body, long dateOffsetMs,
      boolean tamper, String repeatId) throws Exception {
    return send(KEY, rt, method, pathAndQuery, body, dateOffsetMs, tamper, repeatId);
  }

  private Resp send(AcsHmacAuth key, TestRuntime rt, String method, String pathAndQuery, JsonObject body, long dateOffsetMs,
      boolean tamper, String repeatId) throws Exception {
    byte[] bytes = body == null ? new byte[0] : body.encode().getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(rt.baseUrl + pathAndQuery);
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.now(ZoneOffset.UTC).plusNanos(dateOffsetMs * 1_000_000));
    String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    String host = uri.getHost() + ":" + uri.getPort();
    String signature = Base64.getEncoder().encodeToString(key.sign(method + "\n" + pathAndQuery + "\n" + date + ";" + host + ";" + hash));
    byte[] sent = tamper ? (body.copy().put("tampered", true).encode()).getBytes(StandardCharsets.UTF_8) : bytes;
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.ofByteArray(sent))
        .header("x-ms-date", date).header("x-ms-content-sha256", hash).header("Content-Type", "application/json")
        .header("Authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + signature);
    if (repeatId != null) {
      b.header("Repeatability-Request-ID", repeatId).header("Repeatability-First-Sent", date);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Resp(r.statusCode(), r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body()));
  }

  private Resp send(TestRuntime rt, String method, String pathAndQuery, JsonObject body) throws Exception {
    return send(rt, method, pathAndQuery, body, 0, false, null);
  }

  private static JsonObject phone(String number) {
    return new JsonObject().put("kind", "phoneNumber").put("rawId", "4:" + number)
        .put("phoneNumber", new JsonObject().put("value", number));
  }

  private String call(TestRuntime rt, WebhookReceiver bot, boolean connect) throws Exception {
    Resp r = send(rt, "POST", "/calling/callConnections" + VERSION, new JsonObject()
        .put("targets", new JsonArray().add(phone("+15550100"))).put("callbackUri", bot.url("/acs-cb")));
    assertThat(r.status()).isEqualTo(201);
    String id = r.json().getString("callConnectionId");
    if (connect) {
      rt.advance(500);
      bot.whenReceived(x -> x.body().getString("type", "").endsWith("CallConnected")
          && id.equals(x.body().getJsonObject("data").getString("callConnectionId")), 1).await(10, TimeUnit.SECONDS);
    }
    return id;
  }

  private static JsonObject fileSource(String uri) {
    return new JsonObject().put("kind", "file").put("file", new JsonObject().put("uri", uri));
  }

  @Test
  @DisplayName("authentication: no Authorization, a date beyond acs.clockSkewSeconds, or a body changed after signing is 401 in the envelope")
  void authentication_failures(TestRuntime rt) throws Exception {
    HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(rt.baseUrl + "/calling/callConnections/x" + VERSION))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(none.body()).getJsonObject("error").getString("code")).isEqualTo("Unauthorized");
    Resp old = send(rt, "GET", "/calling/callConnections/x" + VERSION, null, -3_600_000, false, null);
    assertThat(old.status()).isEqualTo(401);
    assertThat(old.message()).contains("acs.clockSkewSeconds");
    Resp retried = send(rt, "GET", "/calling/callConnections/x" + VERSION, null, -300_000, false, null);
    assertThat(retried.status()).as("a retry resends its first date: minutes old is fine").isEqualTo(404);
    Resp tampered = send(rt, "POST", "/calling/callConnections" + VERSION, new JsonObject().put("callbackUri", "http://127.0.0.1:9/x"),
        0, true, null);
    assertThat(tampered.status()).isEqualTo(401);
    assertThat(tampered.message()).contains("x-ms-content-sha256");
  }

  @Test
  @DisplayName("api-version is required; an unknown call is 404 8522; a wrong method 405; an unserved action 400 NotSupported")
  void errors_in_the_envelope(TestRuntime rt) throws Exception {
    Resp noVersion = send(rt, "GET", "/calling/callConnections/" + UUID.randomUUID(), null);
    assertThat(noVersion.status()).isEqualTo(400);
    assertThat(noVersion.message()).contains("api-version");
    Resp missing = send(rt, "GET", "/calling/callConnections/" + UUID.randomUUID() + VERSION, null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.code()).isEqualTo("8522");
    Resp play = send(rt, "POST", "/calling/callConnections/" + UUID.randomUUID() + ":play" + VERSION,
        new JsonObject().put("playSources", new JsonArray().add(fileSource("http://127.0.0.1:9/a.wav"))));
    assertThat(play.status()).isEqualTo(404);
    assertThat(send(rt, "PUT", "/calling/callConnections/" + UUID.randomUUID() + VERSION, new JsonObject()).status()).isEqualTo(405);
    Resp transfer = send(rt, "POST", "/calling/callConnections/" + UUID.randomUUID() + ":transferToParticipant" + VERSION, new JsonObject());
    assertThat(transfer.status()).isEqualTo(400);
    assertThat(transfer.code()).isEqualTo("NotSupported");
  }

  @Test
  @DisplayName("bad bodies are 400 naming the field: no callbackUri, a target without an identifier, text play sources, loop, speech recognize; media on a connecting call is 400 8501")
  void invalid_requests(TestRuntime rt, WebhookReceiver bot) throws Exception {
    Resp noCallback = send(rt, "POST", "/calling/callConnections" + VERSION, new JsonObject()
        .put("targets", new JsonArray().add(phone("+15550100"))));
    assertThat(noCallback.status()).isEqualTo(400);
    assertThat(noCallback.message()).contains("callbackUri");
    Resp badTarget = send(rt, "POST", "/calling/callConnections" + VERSION, new JsonObject()
        .put("targets", new JsonArray().add(new JsonObject().put("kind", "phoneNumber"))).put("callbackUri", bot.url("/x")));
    assertThat(badTarget.status()).isEqualTo(400);
    assertThat(badTarget.message()).contains("targets[0]");
    String connecting = call(rt, bot, false);
    Resp early = send(rt, "POST", "/calling/callConnections/" + connecting + ":play" + VERSION,
        new JsonObject().put("playSources", new JsonArray().add(fileSource("http://127.0.0.1:9/a.wav"))));
    assertThat(early.status()).isEqualTo(400);
    assertThat(early.code()).isEqualTo("8501");
    String callId = call(rt, bot, true);
    String base = "/calling/callConnections/" + callId;
    Resp text = send(rt, "POST", base + ":play" + VERSION, new JsonObject().put("playSources", new JsonArray()
        .add(new JsonObject().put("kind", "text").put("text", new JsonObject().put("text", "hello")))));
    assertThat(text.status()).isEqualTo(400);
    assertThat(text.code()).isEqualTo("NotSupported");
    Resp loop = send(rt, "POST", base + ":play" + VERSION, new JsonObject()
        .put("playSources", new JsonArray().add(fileSource("http://127.0.0.1:9/a.wav")))
        .put("playOptions", new JsonObject().put("loop", true)));
    assertThat(loop.status()).isEqualTo(400);
    assertThat(loop.message()).contains("loop");
    Resp speech = send(rt, "POST", base + ":recognize" + VERSION, new JsonObject().put("recognizeInputType", "speech")
        .put("recognizeOptions", new JsonObject()));
    assertThat(speech.status()).isEqualTo(400);
    Resp tone = send(rt, "POST", base + ":recognize" + VERSION, new JsonObject().put("recognizeInputType", "dtmf")
        .put("recognizeOptions", new JsonObject().put("dtmfOptions", new JsonObject().put("stopTones", new JsonArray().add("hash")))));
    assertThat(tone.status()).isEqualTo(400);
    assertThat(tone.message()).contains("stopTones[0]");
  }

  @Test
  @DisplayName("operationCallbackUri takes the operation's event; ACS callbacks carry no Authorization, and Callvert's sequence header")
  void operation_callback_override(TestRuntime rt, WebhookReceiver bot, WavServer media) throws Exception {
    String callId = call(rt, bot, true);
    String prompt = media.tone("/acs-wire.wav", 400, 440);
    Resp play = send(rt, "POST", "/calling/callConnections/" + callId + ":play" + VERSION, new JsonObject()
        .put("playSources", new JsonArray().add(fileSource(prompt))).put("playTo", new JsonArray())
        .put("operationContext", "ctx").put("operationCallbackUri", bot.url("/acs-op")));
    assertThat(play.status()).isEqualTo(202);
    media.whenFetched("/acs-wire.wav", 1).await(10, TimeUnit.SECONDS);
    rt.advance(400);
    List<WebhookReceiver.Received> done = bot.whenReceived(x -> x.path().equals("/acs-op")
        && callId.equals(x.body().getJsonObject("data").getString("callConnectionId")), 1).await(10, TimeUnit.SECONDS);
    JsonObject event = done.get(0).body();
    assertThat(event.getString("type")).isEqualTo("Microsoft.Communication.PlayCompleted");
    assertThat(event.getString("specversion")).isEqualTo("1.0");
    assertThat(event.getJsonObject("data").getString("operationContext")).isEqualTo("ctx");
    assertThat(done.get(0).headers()).doesNotContainKey("authorization").containsKey("x-callvert-sequence");
  }

  @Test
  @DisplayName("terminate sent twice with one Repeatability-Request-ID: both 204, one CallDisconnected")
  void repeated_terminate(TestRuntime rt, WebhookReceiver bot) throws Exception {
    String callId = call(rt, bot, true);
    String id = UUID.randomUUID().toString();
    assertThat(send(rt, "POST", "/calling/callConnections/" + callId + ":terminate" + VERSION, null, 0, false, id).status()).isEqualTo(204);
    assertThat(send(rt, "POST", "/calling/callConnections/" + callId + ":terminate" + VERSION, null, 0, false, id).status()).isEqualTo(204);
    assertThat(send(rt, "POST", "/calling/callConnections/" + callId + ":terminate" + VERSION, null, 0, false,
        UUID.randomUUID().toString()).status()).as("a new id is a new request: the call is gone").isEqualTo(404);
    JsonArray journal = rt.awaitJournal(callId, j -> j.stream().allMatch(e -> "delivered".equals(((JsonObject) e).getString("state")))
        && j.stream().anyMatch(e -> ((JsonObject) e).getJsonObject("notification").getString("type").endsWith("CallDisconnected")));
    assertThat(journal.stream().filter(e -> ((JsonObject) e).getJsonObject("notification").getString("type")
        .endsWith("CallDisconnected")).count()).isEqualTo(1);
  }

  @Test
  @DisplayName("off loopback the development key is refused: without acs.accessKey every ACS request is 401; with it, that key works")
  void access_key_off_loopback() throws Exception {
    String key = Base64.getEncoder().encodeToString("production-acs-key".getBytes(StandardCharsets.US_ASCII));
    try (TestRuntime noKey = TestRuntime.start(o -> o.withHttp(o.http().withHost("0.0.0.0"))
        .withAuth(o.auth().withTokens(List.of("real-token"))));
        TestRuntime withKey = TestRuntime.start(o -> o.withHttp(o.http().withHost("0.0.0.0"))
            .withAuth(o.auth().withTokens(List.of("real-token"))).withAcs(o.acs().withAccessKey(key)))) {
      Resp refused = send(noKey, "GET", "/calling/callConnections/" + UUID.randomUUID() + VERSION, null);
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.message()).contains("acs.accessKey");
      assertThat(send(withKey, "GET", "/calling/callConnections/" + UUID.randomUUID() + VERSION, null).status()).isEqualTo(401);
      AcsHmacAuth configured = new AcsHmacAuth(key, 600, System::currentTimeMillis);
      assertThat(send(configured, withKey, "GET", "/calling/callConnections/" + UUID.randomUUID() + VERSION, null, 0, false, null)
          .status()).isEqualTo(404);
    }
  }

  @Test
  @DisplayName("the simulator's incoming ACS call needs an incomingCallUri when acs.incomingCallUri is unset")
  void incoming_needs_a_uri(TestRuntime rt) {
    TestRuntime.Resp r = rt.post("/callvert/acs/calls", new JsonObject());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).contains("incomingCallUri");
  }
}
