package io.callvert.verticles.it;

import static io.callvert.verticles.it.ErrorsIT.JWT_KEYS;
import static io.callvert.verticles.it.ErrorsIT.pem;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.AuthOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.TestRuntime.Resp;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Roles and tenants (contract rule 43): which role each route needs, and that an app sees only its
 * own calls (another app's call is exactly as "not found" as an unknown id, on every call-scoped
 * route) unless it holds {@code Callvert.Admin}. Two apps by app token ({@code auth.appTokens}), and
 * JWTs of different {@code appid}/{@code tid}; the shared token ({@link TestRuntime#TOKEN} in
 * {@code auth.tokens}) is the admin.
 */
@CallvertTest(options = TenantsIT.Options.class)
class TenantsIT {

  static final String TOKEN_A = "app-token-a";
  static final String TOKEN_B = "app-token-b";
  static final String AUDIENCE = "https://graph.microsoft.com";
  static final String TENANT_1 = "11111111-1111-4111-8111-111111111111";
  static final String TENANT_2 = "22222222-2222-4222-8222-222222222222";
  static final String APP_X = "aaaaaaaa-0000-4000-8000-00000000000a";
  static final String APP_Y = "bbbbbbbb-0000-4000-8000-00000000000b";
  static final String UNKNOWN = "00000000-0000-4000-8000-0000000000ff";

  /** Shared admin token, two app tokens, and JWTs signed by {@link ErrorsIT#JWT_KEYS}. */
  static final class Options implements UnaryOperator<CallvertOptions> {
    @Override
    public CallvertOptions apply(CallvertOptions o) {
      return o.withAuth(new AuthOptions(List.of(TestRuntime.TOKEN), o.auth().jwt()
          .withPublicKeyPem(pem("PUBLIC KEY", JWT_KEYS.getPublic().getEncoded())).withAudiences(List.of(AUDIENCE)),
          List.of("bot-a:" + TOKEN_A, "bot-b:" + TOKEN_B)));
    }
  }

  private final TestRuntime rt;
  private final WebhookReceiver bot;
  private final JWTAuth issuer;

  TenantsIT(TestRuntime rt, WebhookReceiver bot) {
    this.rt = rt;
    this.bot = bot;
    this.issuer = JWTAuth.create(rt.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", JWT_KEYS.getPrivate().getEncoded()))));
  }

  /** A JWT of app {@code appid} (null: no appid claim) in tenant {@code tid} holding {@code roles}. */
  String jwt(String tid, String appid, String... roles) {
    JsonObject claims = new JsonObject().put("aud", AUDIENCE).put("roles", new JsonArray(List.of((Object[]) roles)));
    if (tid != null) {
      claims.put("tid", tid);
    }
    if (appid != null) {
      claims.put("appid", appid);
    }
    return issuer.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setExpiresInMinutes(5));
  }

  static final String[] ALL_APP_ROLES = {"Calls.Initiate.All", "Calls.AccessMedia.All", "Callvert.Simulate.All"};

  Resp send(String method, String path, String token, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(rt.uri(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return rt.send(b);
  }

  Resp post(String path, String token, JsonObject body) {
    return send("POST", path, token, "application/json", body == null ? null : body.encode());
  }

  static String graph(String callId) {
    return "/v1.0/communications/calls/" + callId;
  }

  /** An incoming call (the simulator) created and answered by {@code token}'s app, established, with one operation; returns {callId, opId}. */
  String[] establishedCall(String token) {
    Resp created = post("/callvert/calls", token, new JsonObject().put("callbackUri", bot.url()).put("tenantId", TENANT_1));
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String callId = created.json().getString("id");
    Resp answer = post(graph(callId) + "/answer", token, new JsonObject().put("callbackUri", bot.url())
        .put("acceptedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig")));
    assertThat(answer.status()).as(answer.text()).isEqualTo(202);
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
    Resp op = post(graph(callId) + "/subscribeToTone", token, new JsonObject().put("clientContext", "tenants"));
    assertThat(op.status()).as(op.text()).isEqualTo(200);
    return new String[] {callId, op.json().getString("id")};
  }

  /** Every call-scoped request, for call {@code id} and operation {@code opId}: {method, path, content type, body}. */
  static List<String[]> callScoped(String id, String opId) {
    String json = "application/json";
    List<String[]> r = new ArrayList<>();
    r.add(new String[] {"GET", graph(id), null, null});
    r.add(new String[] {"GET", "/beta/communications/calls/" + id, null, null});
    r.add(new String[] {"GET", graph(id) + "/operations/" + opId, null, null});
    r.add(new String[] {"POST", graph(id) + "/keepAlive", json, "{}"});
    r.add(new String[] {"POST", graph(id) + "/playPrompt", json, new JsonObject().put("prompts", new JsonArray().add(new JsonObject()
        .put("@odata.type", "#microsoft.graph.mediaPrompt").put("mediaInfo", new JsonObject().put("uri", "http://127.0.0.1:1/a.wav")))).encode()});
    r.add(new String[] {"POST", graph(id) + "/playPrompt", json, "{\"prompts\": 7}"}); // invalid body: still not found first
    r.add(new String[] {"POST", graph(id) + "/recordResponse", json, "{}"});
    r.add(new String[] {"POST", graph(id) + "/subscribeToTone", json, "{}"});
    r.add(new String[] {"POST", graph(id) + "/cancelMediaProcessing", json, "{}"});
    r.add(new String[] {"POST", graph(id) + "/sendDtmfTones", json, "{\"tones\":[\"tone1\"]}"});
    r.add(new String[] {"POST", graph(id) + "/answer", json, "{\"acceptedModalities\":[\"audio\"],\"mediaConfig\":"
        + "{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}}"});
    r.add(new String[] {"POST", graph(id) + "/reject", json, "{\"reason\":\"busy\"}"});
    r.add(new String[] {"POST", graph(id) + "/redirect", json, "{\"targets\":[]}"});
    r.add(new String[] {"GET", "/callvert/calls/" + id, null, null});
    r.add(new String[] {"GET", "/callvert/calls/" + id + "/notifications", null, null});
    r.add(new String[] {"GET", "/callvert/calls/" + id + "/heard", null, null});
    r.add(new String[] {"POST", "/callvert/calls/" + id + "/tones", json, "{\"tones\":\"1\"}"});
    r.add(new String[] {"POST", "/callvert/calls/" + id + "/tones", json, "{\"tones\":\"not keys\"}"});
    r.add(new String[] {"POST", "/callvert/calls/" + id + "/speech", json, "{\"durationMs\":100}"});
    r.add(new String[] {"POST", "/callvert/calls/" + id + "/hangup", null, null});
    r.add(new String[] {"DELETE", graph(id), null, null});
    return r;
  }

  /** Every call-scoped route answers {@code token} exactly as for an unknown call: 404 8522 "Call not found.". */
  void assertNotFoundEverywhere(String token, String callId, String opId) {
    for (String[] req : callScoped(callId, opId)) {
      Resp r = send(req[0], req[1], token, req[2], req[3]);
      assertThat(r.status()).as("%s %s %s: %s", req[0], req[1], req[3], r.text()).isEqualTo(404);
      JsonObject error = r.json().getJsonObject("error");
      assertThat(error.getString("code")).as("%s %s", req[0], req[1]).isEqualTo("8522");
      assertThat(error.getString("message")).isEqualTo("Call not found.");
    }
  }

  /** The call is still as its owner left it: nobody else's request reached it. */
  void assertUntouched(String owner, String callId) {
    Resp r = send("GET", graph(callId), owner, null, null);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().getString("state")).isEqualTo("established");
    assertThat(rt.journal(callId).stream().map(e -> ((JsonObject) e).getJsonObject("notification").encode())
        .filter(n -> n.contains("\"terminated\"")).toList()).isEmpty();
  }

  @Test
  @DisplayName("app tokens: app B gets 404 Call not found on every route of app A's call (Graph, simulator, journal, heard, operations, hangup, invalid bodies); A and the admin token see it")
  void app_tokens_see_only_their_calls() {
    String[] a = establishedCall(TOKEN_A);
    assertNotFoundEverywhere(TOKEN_B, a[0], a[1]);
    assertUntouched(TOKEN_A, a[0]);
    // the unknown-call answers are the same: B cannot tell A's call from no call
    Resp unknown = send("GET", graph(UNKNOWN), TOKEN_B, null, null);
    assertThat(unknown.json().getJsonObject("error").getString("message")).isEqualTo("Call not found.");

    for (String token : new String[] {TOKEN_A, TestRuntime.TOKEN}) {
      assertThat(send("GET", graph(a[0]) + "/operations/" + a[1], token, null, null).status()).isEqualTo(200);
      assertThat(send("GET", "/callvert/calls/" + a[0] + "/notifications", token, null, null).status()).isEqualTo(200);
      assertThat(send("GET", "/callvert/calls/" + a[0] + "/heard", token, null, null).status()).isEqualTo(200);
      assertThat(send("GET", "/callvert/calls/" + a[0], token, null, null).status()).isEqualTo(200);
    }
    // an outgoing call (Graph create) is its creator's too; B's own calls are B's
    String outgoing = post("/v1.0/communications/calls", TOKEN_A, TestRuntime.outgoingCallBody(bot.url(), "+15550001")).json().getString("id");
    assertThat(send("GET", graph(outgoing), TOKEN_B, null, null).status()).isEqualTo(404);
    assertThat(send("GET", "/callvert/calls/" + outgoing + "/notifications", TOKEN_B, null, null).status()).isEqualTo(404);
    assertThat(send("GET", graph(outgoing), TOKEN_A, null, null).status()).isEqualTo(200);
    String[] b = establishedCall(TOKEN_B);
    assertThat(send("GET", graph(b[0]), TOKEN_A, null, null).status()).isEqualTo(404);

    // an app token may not move the node's clock; the admin may
    assertThat(post("/callvert/clock/advance", TOKEN_A, new JsonObject().put("durationMs", 1)).status()).isEqualTo(403);
    assertThat(post("/callvert/clock/advance", TestRuntime.TOKEN, new JsonObject().put("durationMs", 1)).status()).isEqualTo(200);

    // the owner ends its calls; after the end, still only the owner (and the admin) reads them
    assertThat(send("DELETE", graph(a[0]), TOKEN_A, null, null).status()).isEqualTo(204);
    assertThat(send("DELETE", graph(outgoing), TOKEN_A, null, null).status()).isEqualTo(204);
    assertThat(send("DELETE", graph(b[0]), TOKEN_B, null, null).status()).isEqualTo(204);
    bot.awaitOne(a[0], r -> "terminated".equals(r.resourceData().getString("state")));
    assertThat(send("GET", graph(a[0]), TOKEN_A, null, null).json().getString("state")).isEqualTo("terminated");
    assertThat(send("GET", graph(a[0]), TOKEN_B, null, null).status()).isEqualTo(404);
    assertThat(send("GET", "/callvert/calls/" + a[0] + "/notifications", TOKEN_B, null, null).status()).isEqualTo(404);
    assertThat(send("GET", graph(a[0]), TestRuntime.TOKEN, null, null).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("JWTs: the app is (tid, appid): another appid, or the same appid in another tenant, gets 404 on every route; another token of the same app and a Callvert.Admin token see the call")
  void jwt_apps_are_tenant_and_appid() {
    String owner = jwt(TENANT_1, APP_X, ALL_APP_ROLES);
    String[] a = establishedCall(owner);
    assertNotFoundEverywhere(jwt(TENANT_1, APP_Y, ALL_APP_ROLES), a[0], a[1]);
    assertNotFoundEverywhere(jwt(TENANT_2, APP_X, ALL_APP_ROLES), a[0], a[1]);
    assertNotFoundEverywhere(jwt(TENANT_1, null, ALL_APP_ROLES), a[0], a[1]);
    assertNotFoundEverywhere(TOKEN_A, a[0], a[1]);
    assertUntouched(owner, a[0]);

    String sameApp = jwt(TENANT_1, APP_X, "Calls.AccessMedia.All");
    assertThat(send("GET", graph(a[0]) + "/operations/" + a[1], sameApp, null, null).status()).isEqualTo(200);
    String admin = jwt(TENANT_2, APP_Y, "Callvert.Admin", "Calls.Initiate.All");
    assertThat(send("GET", graph(a[0]), admin, null, null).status()).isEqualTo(200);
    assertThat(send("GET", "/callvert/calls/" + a[0] + "/notifications", admin, null, null).status()).isEqualTo(200);
    // v2 tokens name the app in azp: the same app as appid
    String azp = issuer.generateToken(new JsonObject().put("aud", AUDIENCE).put("tid", TENANT_1).put("azp", APP_X)
        .put("roles", new JsonArray().add("Calls.Initiate.All")), new JWTOptions().setAlgorithm("RS256").setExpiresInMinutes(5));
    assertThat(send("GET", graph(a[0]), azp, null, null).status()).isEqualTo(200);

    assertThat(send("DELETE", graph(a[0]), owner, null, null).status()).isEqualTo(204);
  }

  @Test
  @DisplayName("roles: a roleless JWT is refused 403 on every /callvert route; Graph roles read calls back but do not drive the simulator; the clock moves only for Callvert.Admin")
  void callvert_routes_need_roles() {
    String[] a = establishedCall(jwt(TENANT_1, APP_X, ALL_APP_ROLES));
    String id = a[0];
    String roleless = jwt(TENANT_1, APP_X);
    String json = "application/json";
    String[][] simulator = {
        {"POST", "/callvert/calls", json, new JsonObject().put("callbackUri", bot.url()).encode()},
        {"POST", "/callvert/calls/" + id + "/tones", json, "{\"tones\":\"1\"}"},
        {"POST", "/callvert/calls/" + id + "/speech", json, "{\"durationMs\":100}"},
        {"POST", "/callvert/calls/" + id + "/hangup", null, null}};
    String[][] inspection = {
        {"GET", "/callvert/calls/" + id, null, null},
        {"GET", "/callvert/calls/" + id + "/notifications", null, null},
        {"GET", "/callvert/calls/" + id + "/heard", null, null},
        {"GET", "/callvert/clock", null, null}};
    String[][] clock = {{"POST", "/callvert/clock/advance", json, "{\"durationMs\":1}"}};
    for (String[][] group : new String[][][] {simulator, inspection, clock}) {
      for (String[] req : group) {
        assertDenied(send(req[0], req[1], roleless, req[2], req[3]), req);
        assertDenied(send(req[0], req[1], jwt(TENANT_1, APP_X, "Some.Other.Role"), req[2], req[3]), req);
      }
    }
    // a bot's Graph roles read its calls back, but are not the simulated caller's
    String graphOnly = jwt(TENANT_1, APP_X, "Calls.Initiate.All", "Calls.AccessMedia.All");
    for (String[] req : simulator) {
      assertDenied(send(req[0], req[1], graphOnly, req[2], req[3]), req);
    }
    for (String[] req : inspection) {
      assertThat(send(req[0], req[1], graphOnly, req[2], req[3]).status()).as("%s %s", req[0], req[1]).isEqualTo(200);
      assertThat(send(req[0], req[1], jwt(TENANT_1, APP_X, "Callvert.Simulate.All"), req[2], req[3]).status())
          .as("%s %s", req[0], req[1]).isEqualTo(200);
    }
    assertDenied(send("POST", "/callvert/clock/advance", jwt(TENANT_1, APP_X, ALL_APP_ROLES), json, "{\"durationMs\":1}"), clock[0]);
    assertThat(send("POST", "/callvert/clock/advance", jwt(TENANT_1, APP_X, "Callvert.Admin"), json, "{\"durationMs\":1}").status())
        .isEqualTo(200);
    // the simulator's role drives the caller (of the app's own call)
    assertThat(send("POST", "/callvert/calls/" + id + "/hangup", jwt(TENANT_1, APP_X, "Callvert.Simulate.All"), null, null).status())
        .isEqualTo(202);
    bot.awaitOne(id, r -> "terminated".equals(r.resourceData().getString("state")));
  }

  static void assertDenied(Resp r, String[] req) {
    assertThat(r.status()).as("%s %s: %s", req[0], req[1], r.text()).isEqualTo(403);
    assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("Authorization_RequestDenied");
  }
}
