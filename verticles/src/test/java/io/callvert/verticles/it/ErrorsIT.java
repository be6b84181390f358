package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.AuthOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.TestRuntime.Resp;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.http.HttpRequest;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every error class of contract rule 5, each checked for the exact envelope
 * {@code {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}}, the
 * {@code request-id} header and the echoed {@code client-request-id}; none of them is a 5xx.
 */
@CallvertTest
class ErrorsIT {

  /** An established outgoing call shared by the tests, made once for the class. */
  static String established;

  private final TestRuntime rt;
  private final WebhookReceiver bot;

  ErrorsIT(TestRuntime rt, WebhookReceiver bot) {
    this.rt = rt;
    this.bot = bot;
  }

  @BeforeAll
  static void establish(TestRuntime rt, WebhookReceiver bot) {
    established = rt.createOutgoingCall(bot.url());
    rt.advance(500);
    bot.awaitOne(established, r -> "established".equals(r.resourceData().getString("state")));
  }

  /** A request with a fresh client-request-id; returns the response and the id it sent. */
  record Sent(Resp resp, String clientRequestId) {
    JsonObject error(int status, String code) {
      return Wire.assertError(resp, status, code, clientRequestId);
    }
  }

  static Sent send(TestRuntime runtime, String method, String path, String contentType, String body, String token) {
    String crid = UUID.randomUUID().toString();
    HttpRequest.Builder b = HttpRequest.newBuilder(runtime.uri(path)).header("client-request-id", crid)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return new Sent(runtime.send(b), crid);
  }

  Sent post(String path, String json) {
    return send(rt, "POST", path, "application/json", json, TestRuntime.TOKEN);
  }

  Sent post(String path, JsonObject json) {
    return post(path, json.encode());
  }

  JsonObject createBody(UnaryOperator<JsonObject> tweak) {
    return tweak.apply(TestRuntime.outgoingCallBody(bot.url(), "+15550001"));
  }

  // ------------------------------------------------------------------ 400

  @Test
  @DisplayName("malformed JSON → 400 invalidRequest")
  void malformed_json() {
    JsonObject e = post("/v1.0/communications/calls", "{\"callbackUri\": ").error(400, "invalidRequest");
    assertThat(e.getString("message")).containsIgnoringCase("json");
    post("/v1.0/communications/calls", "[1,2]").error(400, "invalidRequest");
    post("/v1.0/communications/calls/" + established + "/subscribeToTone", "{oops}").error(400, "invalidRequest");
  }

  @Test
  @DisplayName("wrong type → 400 invalidRequest naming the field")
  void wrong_type() {
    assertThat(post("/v1.0/communications/calls", createBody(b -> b.put("callbackUri", 42))).error(400, "invalidRequest")
        .getString("message")).contains("callbackUri");
    assertThat(post("/v1.0/communications/calls", createBody(b -> b.put("targets", "+15550001"))).error(400, "invalidRequest")
        .getString("message")).contains("targets");
    assertThat(post("/v1.0/communications/calls", createBody(b -> b.put("tenantId", true))).error(400, "invalidRequest")
        .getString("message")).contains("tenantId");
    assertThat(post("/v1.0/communications/calls/" + established + "/subscribeToTone", new JsonObject().put("clientContext", 7))
        .error(400, "invalidRequest").getString("message")).contains("clientContext");
  }

  @Test
  @DisplayName("missing required field → 400 invalidRequest naming the field")
  void missing_field() {
    assertThat(post("/v1.0/communications/calls", createBody(b -> {
      b.remove("callbackUri");
      return b;
    })).error(400, "invalidRequest").getString("message")).contains("callbackUri");
    assertThat(post("/v1.0/communications/calls", createBody(b -> {
      b.remove("targets");
      return b;
    })).error(400, "invalidRequest").getString("message")).contains("targets");
    assertThat(post("/v1.0/communications/calls", createBody(b -> {
      b.remove("mediaConfig");
      return b;
    })).error(400, "invalidRequest").getString("message")).contains("mediaConfig");
    String incoming = rt.createIncomingCall(bot.url());
    assertThat(post("/v1.0/communications/calls/" + incoming + "/answer", new JsonObject()
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig")))
        .error(400, "invalidRequest").getString("message")).contains("acceptedModalities");
    assertThat(post("/callvert/calls", new JsonObject().put("tenantId", "t")).error(400, "invalidRequest")
        .getString("message")).contains("callbackUri");
    rt.post("/callvert/calls/" + incoming + "/hangup", null);
  }

  @Test
  @DisplayName("out-of-range or invalid values → 400 invalidRequest naming the field")
  void out_of_range() {
    assertThat(post("/v1.0/communications/calls/" + established + "/subscribeToTone",
        new JsonObject().put("clientContext", "x".repeat(257))).error(400, "invalidRequest").getString("message"))
        .contains("clientContext");
    assertThat(post("/v1.0/communications/calls/" + established + "/recordResponse",
        new JsonObject().put("maxRecordDurationInSeconds", 0)).error(400, "invalidRequest").getString("message"))
        .contains("maxRecordDurationInSeconds");
    assertThat(post("/v1.0/communications/calls", createBody(b -> b.put("callbackUri", "ftp://bot.example/cb")))
        .error(400, "invalidRequest").getString("message")).contains("callbackUri");
    assertThat(post("/v1.0/communications/calls", createBody(b -> b.put("requestedModalities", new JsonArray().add("hologram"))))
        .error(400, "invalidRequest").getString("message")).contains("requestedModalities");
    String incoming = rt.createIncomingCall(bot.url());
    assertThat(post("/v1.0/communications/calls/" + incoming + "/reject", new JsonObject().put("reason", "sleepy"))
        .error(400, "invalidRequest").getString("message")).contains("reason");
    assertThat(post("/v1.0/communications/calls/" + incoming + "/answer", new JsonObject()
        .put("acceptedModalities", new JsonArray().add("smell"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig")))
        .error(400, "invalidRequest").getString("message")).contains("acceptedModalities");
    assertThat(post("/v1.0/communications/calls/" + incoming + "/redirect", new JsonObject()
        .put("targets", new JsonArray().add(new JsonObject().put("identity",
            new JsonObject().put("user", new JsonObject().put("id", "u")))))
        .put("timeout", 5))
        .error(400, "invalidRequest").getString("message")).contains("timeout");
    rt.post("/callvert/calls/" + incoming + "/hangup", null);
  }

  @Test
  @DisplayName("unknown properties, nulls and @odata.type extras are ignored (contract rule 4 — Unknown properties ignored, wrong ones rejected)")
  void unknown_properties_ignored() {
    Resp r = rt.post("/v1.0/communications/calls", createBody(b -> b.put("someBetaOnlyField", new JsonObject().put("x", 1))
        .put("subject", null).put("callOptions", new JsonObject().put("@odata.type", "#microsoft.graph.outgoingCallOptions"))));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    rt.delete("/v1.0/communications/calls/" + r.json().getString("id"));
  }

  // ------------------------------------------------------------------ 404

  @Test
  @DisplayName("unknown call → 404 code \"8522\" \"Call not found.\" on every route that names a call")
  void unknown_call() {
    String unknown = UUID.randomUUID().toString();
    List<Sent> all = List.of(
        send(rt, "GET", "/v1.0/communications/calls/" + unknown, null, null, TestRuntime.TOKEN),
        send(rt, "DELETE", "/v1.0/communications/calls/" + unknown, null, null, TestRuntime.TOKEN),
        post("/v1.0/communications/calls/" + unknown + "/keepAlive", "{}"),
        post("/v1.0/communications/calls/" + unknown + "/answer", "{}"),
        send(rt, "GET", "/v1.0/communications/calls/" + unknown + "/operations/" + UUID.randomUUID(), null, null, TestRuntime.TOKEN),
        send(rt, "GET", "/v1.0/communications/calls/not-a-guid", null, null, TestRuntime.TOKEN),
        post("/callvert/calls/" + unknown + "/hangup", "{}"),
        post("/callvert/calls/" + unknown + "/tones", new JsonObject().put("tones", "1")),
        send(rt, "GET", "/callvert/calls/" + unknown + "/notifications", null, null, TestRuntime.TOKEN),
        send(rt, "GET", "/callvert/calls/" + unknown + "/heard", null, null, TestRuntime.TOKEN));
    for (Sent s : all) {
      JsonObject e = s.error(404, "8522");
      assertThat(e.getString("message")).isEqualTo("Call not found.");
    }
  }

  @Test
  @DisplayName("unknown operation (action segment or operation id) → 404 itemNotFound")
  void unknown_operation() {
    assertThat(post("/v1.0/communications/calls/" + established + "/frobnicate", "{}").error(404, "itemNotFound")
        .getString("message")).contains("frobnicate");
    post("/v1.0/communications/calls/" + established + "/microsoft.graph.frobnicate", "{}").error(404, "itemNotFound");
    send(rt, "GET", "/v1.0/communications/calls/" + established + "/operations/" + UUID.randomUUID(), null, null, TestRuntime.TOKEN)
        .error(404, "itemNotFound");
  }

  // ------------------------------------------------------------------ state

  @Test
  @DisplayName("action in the wrong state → 400 invalidRequest naming the state (playPrompt before established, answer/reject/redirect on an outgoing call)")
  void wrong_state() {
    String establishing = rt.createOutgoingCall(bot.url());
    JsonObject play = new JsonObject().put("prompts", new JsonArray().add(new JsonObject()
        .put("@odata.type", "#microsoft.graph.mediaPrompt")
        .put("mediaInfo", new JsonObject().put("uri", "http://127.0.0.1:1/x.wav"))));
    assertThat(post("/v1.0/communications/calls/" + establishing + "/playPrompt", play).error(400, "invalidRequest")
        .getString("message")).contains("'establishing'");
    assertThat(post("/v1.0/communications/calls/" + establishing + "/answer", new JsonObject()
        .put("acceptedModalities", new JsonArray().add("audio"))).error(400, "invalidRequest").getString("message"))
        .contains("outgoing").contains("'establishing'");
    assertThat(post("/v1.0/communications/calls/" + established + "/reject", "{}").error(400, "invalidRequest")
        .getString("message")).contains("outgoing").contains("'established'");
    String incoming = rt.createIncomingCall(bot.url());
    assertThat(post("/v1.0/communications/calls/" + incoming + "/subscribeToTone", "{}").error(400, "invalidRequest")
        .getString("message")).contains("'incoming'");
    rt.delete("/v1.0/communications/calls/" + establishing);
    rt.post("/callvert/calls/" + incoming + "/hangup", null);
  }

  // ------------------------------------------------------------------ 401, 405, 413, 415

  @Test
  @DisplayName("missing or invalid bearer token → 401 InvalidAuthenticationToken, on Graph and Callvert routes alike")
  void unauthenticated() {
    send(rt, "GET", "/v1.0/communications/calls/" + established, null, null, null).error(401, "InvalidAuthenticationToken");
    send(rt, "GET", "/v1.0/communications/calls/" + established, null, null, "not-the-token").error(401, "InvalidAuthenticationToken");
    send(rt, "GET", "/v1.0/communications/calls/" + established, null, null, "a.b.c").error(401, "InvalidAuthenticationToken");
    send(rt, "POST", "/v1.0/communications/calls", "application/json", createBody(b -> b).encode(), null)
        .error(401, "InvalidAuthenticationToken");
    send(rt, "POST", "/callvert/calls", "application/json", "{}", "nope").error(401, "InvalidAuthenticationToken");
    send(rt, "POST", "/callvert/clock/advance", "application/json", "{\"durationMs\":1}", null).error(401, "InvalidAuthenticationToken");

    String crid = UUID.randomUUID().toString();
    Resp basic = rt.send(HttpRequest.newBuilder(rt.uri("/v1.0/communications/calls/" + established))
        .header("client-request-id", crid).header("Authorization", "Basic dXNlcjpwYXNz").GET());
    Wire.assertError(basic, 401, "InvalidAuthenticationToken", crid);
  }

  @Test
  @DisplayName("wrong Content-Type on a body → 415 unsupportedMediaType")
  void wrong_content_type() {
    String json = createBody(b -> b).encode();
    send(rt, "POST", "/v1.0/communications/calls", "text/plain", json, TestRuntime.TOKEN).error(415, "unsupportedMediaType");
    send(rt, "POST", "/v1.0/communications/calls", "application/x-www-form-urlencoded", json, TestRuntime.TOKEN)
        .error(415, "unsupportedMediaType");
    send(rt, "POST", "/v1.0/communications/calls/" + established + "/keepAlive", "text/xml", "<x/>", TestRuntime.TOKEN)
        .error(415, "unsupportedMediaType");
    Resp ok = send(rt, "POST", "/v1.0/communications/calls", "application/json; charset=utf-8", json, TestRuntime.TOKEN).resp();
    assertThat(ok.status()).isEqualTo(201);
    rt.delete("/v1.0/communications/calls/" + ok.json().getString("id"));
  }

  @Test
  @DisplayName("body over http.maxBodyBytes (default 1 MiB) → 413 requestEntityTooLarge")
  void body_too_large() {
    String big = "{\"clientContext\":\"" + "x".repeat(1_048_576) + "\"}";
    send(rt, "POST", "/v1.0/communications/calls/" + established + "/subscribeToTone", "application/json", big, TestRuntime.TOKEN)
        .error(413, "requestEntityTooLarge");
  }

  @Test
  @DisplayName("a method a route does not serve → 405 methodNotAllowed (Callvert's choice; not a 5xx)")
  void method_not_allowed() {
    send(rt, "PUT", "/v1.0/communications/calls/" + established, "application/json", "{}", TestRuntime.TOKEN).error(405, "methodNotAllowed");
    send(rt, "GET", "/v1.0/communications/calls/" + established + "/keepAlive", null, null, TestRuntime.TOKEN).error(405, "methodNotAllowed");
  }

  @Test
  @DisplayName("calls.maxCalls live calls reached → 429 activityLimitReached with Retry-After (Callvert's choice); an ended call frees its slot")
  void max_calls() {
    try (TestRuntime own = TestRuntime.start(o -> o.withCalls(o.calls().withMaxCalls(2)))) {
      WebhookReceiver receiver = new WebhookReceiver(own.vertx);
      String a = own.createOutgoingCall(receiver.url());
      String b = own.createIncomingCall(receiver.url());
      Sent refused = send(own, "POST", "/v1.0/communications/calls", "application/json",
          TestRuntime.outgoingCallBody(receiver.url(), "+15550001").encode(), TestRuntime.TOKEN);
      refused.error(429, "activityLimitReached");
      assertThat(refused.resp().header("Retry-After")).isEqualTo("1");
      send(own, "POST", "/callvert/calls", "application/json", new JsonObject().put("callbackUri", receiver.url()).encode(),
          TestRuntime.TOKEN).error(429, "activityLimitReached");
      // a request refused for its body does not hold a slot either
      assertThat(own.delete("/v1.0/communications/calls/" + a).status()).isEqualTo(204);
      receiver.awaitOne(a, r -> r.changeType().equals("deleted"));
      send(own, "POST", "/v1.0/communications/calls", "application/json", "{}", TestRuntime.TOKEN).error(400, "invalidRequest");
      String c = own.createOutgoingCall(receiver.url());
      assertThat(c).isNotEqualTo(a);
      own.post("/callvert/calls/" + b + "/hangup", null);
      own.delete("/v1.0/communications/calls/" + c);
      receiver.awaitOne(c, r -> r.changeType().equals("deleted"));
    }
  }

  // ------------------------------------------------------------------ JWT roles (403)

  /** Only JWTs signed by {@link #JWT_KEYS} for {@link WithJwt#AUDIENCE} are accepted (no static or development token). */
  static final class JwtOptions implements UnaryOperator<CallvertOptions> {
    @Override
    public CallvertOptions apply(CallvertOptions o) {
      return o.withAuth(AuthOptions.defaults().withJwt(o.auth().jwt()
          .withPublicKeyPem(pem("PUBLIC KEY", JWT_KEYS.getPublic().getEncoded())).withAudiences(List.of(WithJwt.AUDIENCE))));
    }
  }

  /** The test issuer's RSA key pair: its public half configures {@link WithJwt}'s Callvert, its private half signs the tokens. */
  static final KeyPair JWT_KEYS = rsaKeyPair();

  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A runtime of its own that only accepts JWTs signed by a test RSA key, with the Graph app roles in {@code roles}. */
  @Nested
  @CallvertTest(options = JwtOptions.class)
  @DisplayName("with JWT authentication")
  class WithJwt {

    static final String AUDIENCE = "https://graph.microsoft.com";

    private final TestRuntime jwtRt;
    private final WebhookReceiver jwtBot;
    private final JWTAuth issuer;

    WithJwt(TestRuntime jwtRt, WebhookReceiver jwtBot) {
      this.jwtRt = jwtRt;
      this.jwtBot = jwtBot;
      this.issuer = JWTAuth.create(jwtRt.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
          .setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", JWT_KEYS.getPrivate().getEncoded()))));
    }

    String token(String... roles) {
      return issuer.generateToken(new JsonObject().put("aud", AUDIENCE).put("tid", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
              .put("roles", new JsonArray(List.of((Object[]) roles))),
          new JWTOptions().setAlgorithm("RS256").setExpiresInMinutes(5));
    }

    String createJson() {
      return TestRuntime.outgoingCallBody(jwtBot.url(), "+15550001").encode();
    }

    @Test
    @DisplayName("token lacking Calls.Initiate.All on create → 403 Authorization_RequestDenied; with it → 201")
    void missing_role_on_create() {
      send(jwtRt, "POST", "/v1.0/communications/calls", "application/json", createJson(), token("Calls.AccessMedia.All"))
          .error(403, "Authorization_RequestDenied");
      send(jwtRt, "POST", "/v1.0/communications/calls", "application/json", createJson(), token())
          .error(403, "Authorization_RequestDenied");
      Resp ok = send(jwtRt, "POST", "/v1.0/communications/calls", "application/json", createJson(), token("Calls.Initiate.All")).resp();
      assertThat(ok.status()).as(ok.text()).isEqualTo(201);
    }

    @Test
    @DisplayName("media actions need Calls.AccessMedia.All: subscribeToTone with only Calls.Initiate.All → 403")
    void missing_media_role() {
      Resp ok = send(jwtRt, "POST", "/v1.0/communications/calls", "application/json", createJson(), token("Calls.Initiate.All")).resp();
      String id = ok.json().getString("id");
      send(jwtRt, "POST", "/v1.0/communications/calls/" + id + "/subscribeToTone", "application/json", "{}", token("Calls.Initiate.All"))
          .error(403, "Authorization_RequestDenied");
    }

    @Test
    @DisplayName("the development token, a token for another audience, an expired or foreign-signed token → 401")
    void invalid_tokens() throws Exception {
      send(jwtRt, "GET", "/v1.0/communications/calls/" + UUID.randomUUID(), null, null, TestRuntime.TOKEN)
          .error(401, "InvalidAuthenticationToken");
      String otherAudience = issuer.generateToken(new JsonObject().put("aud", "api://someone-else")
          .put("roles", new JsonArray().add("Calls.Initiate.All")), new JWTOptions().setAlgorithm("RS256").setExpiresInMinutes(5));
      send(jwtRt, "POST", "/v1.0/communications/calls", "application/json", createJson(), otherAudience)
          .error(401, "InvalidAuthenticationToken");
      long past = System.currentTimeMillis() / 1000 - 3600;
      String expired = issuer.generateToken(new JsonObject().put("aud", AUDIENCE).put("iat", past).put("exp", past + 60)
          .put("roles", new JsonArray().add("Calls.Initiate.All")), new JWTOptions().setAlgorithm("RS256"));
      send(jwtRt, "POST", "/v1.0/communications/calls", "application/json", createJson(), expired)
          .error(401, "InvalidAuthenticationToken");
      JWTAuth stranger = JWTAuth.create(jwtRt.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
          .setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", rsaKeyPair().getPrivate().getEncoded()))));
      String forged = stranger.generateToken(new JsonObject().put("aud", AUDIENCE).put("roles", new JsonArray().add("Calls.Initiate.All")),
          new JWTOptions().setAlgorithm("RS256").setExpiresInMinutes(5));
      send(jwtRt, "POST", "/v1.0/communications/calls", "application/json", createJson(), forged)
          .error(401, "InvalidAuthenticationToken");
    }
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }
}
