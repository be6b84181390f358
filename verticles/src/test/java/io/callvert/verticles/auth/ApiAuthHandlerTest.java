package io.callvert.verticles.auth;

import static io.callvert.verticles.auth.AuthTestSupport.await;
import static io.callvert.verticles.auth.AuthTestSupport.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.api.ApiException;
import io.callvert.verticles.auth.ApiAuthHandler.JwtSettings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.security.KeyPair;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ApiAuthHandlerTest {

  private static final String ISSUER = "https://login.microsoftonline.com/tenant-1/v2.0";
  private static final String AUDIENCE = "api://callvert";
  private static final String DEV_TOKEN = "dev-secret";
  private static final String STATIC_TOKEN = "static-one";

  private static Vertx vertx;
  private static WebClient client;
  private static JWTAuth trustedSigner;
  private static KeyPair trustedPair;
  private static KeyPair otherPair;
  private static JWTAuth unknownKeySigner;
  private static JWTAuth forgingSigner;
  /** dev allowed, two static tokens, JWT via JWKS with issuer and audience checks. */
  private static int fullPort;
  /** dev token configured but not allowed, one static token, no JWT. */
  private static int strictPort;
  /** JWT via a public key PEM, any issuer and audience. */
  private static int pemPort;
  /** one shared token, two app tokens of app "bot-a", one of "bot-b". */
  private static int appsPort;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);

    KeyPair trusted = AuthTestSupport.rsaKeyPair();
    trustedPair = trusted;
    KeyPair other = AuthTestSupport.rsaKeyPair();
    otherPair = other;
    // The signer is only used here to produce the trusted key's JWK and thumbprint kid.
    NotificationSigner jwkSource = await(NotificationSigner.create(vertx, "unused", AuthTestSupport.privatePem(trusted), 60_000));
    trustedSigner = signer(trusted, jwkSource.keyId());
    unknownKeySigner = signer(other, "unknown-kid");
    forgingSigner = signer(other, jwkSource.keyId());

    String jwks = new JsonObject().put("keys", new JsonArray().add(jwkSource.publicJwk())).encode();
    fullPort = start(await(ApiAuthHandler.create(vertx, List.of(STATIC_TOKEN, "static-two"), true, DEV_TOKEN,
        new JwtSettings(jwks, null, List.of(ISSUER), List.of(AUDIENCE)))));
    strictPort = start(await(ApiAuthHandler.create(vertx, List.of(STATIC_TOKEN), false, DEV_TOKEN, null)));
    pemPort = start(await(ApiAuthHandler.create(vertx, List.of(), false, null,
        new JwtSettings(null, AuthTestSupport.publicPem(trusted), List.of(), null))));
    appsPort = start(await(ApiAuthHandler.create(vertx, List.of(STATIC_TOKEN),
        java.util.Map.of("tok-a1", "bot-a", "tok-a2", "bot-a", "tok-b", "bot-b"), false, DEV_TOKEN, null)));
  }

  @AfterAll
  static void tearDown() throws Exception {
    client.close();
    await(vertx.close());
  }

  private static JWTAuth signer(KeyPair pair, String kid) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setId(kid).setBuffer(AuthTestSupport.privatePem(pair))));
  }

  private static int start(ApiAuthHandler handler) throws Exception {
    Router router = Router.router(vertx);
    router.route("/api/*").handler(handler);
    router.get("/api/whoami").handler(ctx -> ctx.json(new JsonObject()
        .put("method", ApiAuthHandler.method(ctx))
        .put("roles", new JsonArray(List.copyOf(new TreeSet<>(ApiAuthHandler.roles(ctx)))))
        .put("sub", ApiAuthHandler.claims(ctx) == null ? null : ApiAuthHandler.claims(ctx).getString("sub"))
        .put("app", ApiAuthHandler.app(ctx))
        .put("scope", ApiAuthHandler.callScope(ctx))));
    router.post("/api/calls").handler(ctx -> {
      ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_INITIATE);
      ctx.json(new JsonObject().put("created", true));
    });
    // the same rule as vertx-web's AuthorizationHandler on a route
    router.post("/api/media").handler(ApiAuthHandler.roleHandler(RoutingContext::fail, ApiAuthHandler.ROLE_ACCESS_MEDIA))
        .handler(ctx -> ctx.json(new JsonObject().put("media", true)));
    // Deliberately outside the auth handler: requireRole must fail closed there.
    router.post("/open/calls").handler(ctx -> {
      ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_INITIATE, ApiAuthHandler.ROLE_ACCESS_MEDIA);
      ctx.json(new JsonObject().put("created", true));
    });
    // Stand-in for the lead's Graph error handler.
    router.route().failureHandler(ctx -> {
      if (ctx.failure() instanceof ApiException e) {
        ctx.response().setStatusCode(e.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(new JsonObject().put("error", new JsonObject().put("code", e.code()).put("message", e.getMessage()))
                .encode());
      } else {
        ctx.response().setStatusCode(500).end(String.valueOf(ctx.failure()));
      }
    });
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    return server.actualPort();
  }

  private static HttpResponse<Buffer> get(int port, String authorization) throws Exception {
    var request = client.get(port, "127.0.0.1", "/api/whoami");
    if (authorization != null) {
      request.putHeader(HttpHeaders.AUTHORIZATION.toString(), authorization);
    }
    return await(request.send());
  }

  private static HttpResponse<Buffer> postCall(int port, String authorization) throws Exception {
    return await(client.post(port, "127.0.0.1", "/api/calls")
        .putHeader(HttpHeaders.AUTHORIZATION.toString(), authorization).send());
  }

  private static String errorMessage(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("message");
  }

  private static String errorCode(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("code");
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static JsonObject claims(Object audience, JsonArray roles) {
    long now = now();
    JsonObject claims = new JsonObject().put("iss", ISSUER).put("aud", audience).put("sub", "app-object-id")
        .put("iat", now).put("nbf", now).put("exp", now + 3600);
    if (roles != null) {
      claims.put("roles", roles);
    }
    return claims;
  }

  private static String jwt(JWTAuth signer, JsonObject claims) {
    return "Bearer " + signer.generateToken(claims, new JWTOptions().setAlgorithm("RS256"));
  }

  @Test
  @DisplayName("a request without Authorization header is rejected with 401")
  void missing_token_is_401() throws Exception {
    HttpResponse<Buffer> response = get(fullPort, null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(errorCode(response)).isEqualTo("InvalidAuthenticationToken");
    assertThat(errorMessage(response)).isEqualTo("Bearer token missing.");
    assertThat(get(fullPort, "Bearer   ").statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a non-Bearer scheme is rejected with 401")
  void non_bearer_scheme_is_401() throws Exception {
    HttpResponse<Buffer> response = get(fullPort, "Basic " + STATIC_TOKEN);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(errorMessage(response)).contains("Bearer scheme");
  }

  @Test
  @DisplayName("the dev token is accepted with every role when allowed")
  void dev_token_accepted_when_allowed() throws Exception {
    HttpResponse<Buffer> response = get(fullPort, "Bearer " + DEV_TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("method")).isEqualTo(ApiAuthHandler.METHOD_DEV);
    assertThat(response.bodyAsJsonObject().getJsonArray("roles").getList())
        .containsExactlyInAnyOrderElementsOf(ApiAuthHandler.ALL_ROLES);
    assertThat(postCall(fullPort, "bearer " + DEV_TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("the dev token is rejected when not allowed")
  void dev_token_rejected_when_not_allowed() throws Exception {
    HttpResponse<Buffer> response = get(strictPort, "Bearer " + DEV_TOKEN);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(errorMessage(response)).isEqualTo("Access token validation failure: unknown token.");
  }

  @Test
  @DisplayName("a static token is accepted with every role, a wrong one is rejected")
  void static_token_accepted_wrong_one_rejected() throws Exception {
    for (int port : new int[] {fullPort, strictPort}) {
      HttpResponse<Buffer> ok = get(port, "Bearer " + STATIC_TOKEN);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.bodyAsJsonObject().getString("method")).isEqualTo(ApiAuthHandler.METHOD_STATIC);
      assertThat(ok.bodyAsJsonObject().getJsonArray("roles").getList())
          .containsExactlyInAnyOrderElementsOf(ApiAuthHandler.ALL_ROLES);
      assertThat(postCall(port, "Bearer " + STATIC_TOKEN).statusCode()).isEqualTo(200);
    }
    assertThat(get(fullPort, "Bearer static-two").statusCode()).isEqualTo(200);
    assertThat(get(fullPort, "Bearer static-on").statusCode()).isEqualTo(401);
    assertThat(get(strictPort, "Bearer static-one-and-more").statusCode()).isEqualTo(401);
    assertThat(get(strictPort, "Bearer static-two").statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a JWT signed by a trusted key is accepted and its roles exposed")
  void trusted_jwt_accepted_with_roles() throws Exception {
    String token = jwt(trustedSigner, claims(AUDIENCE,
        new JsonArray().add(ApiAuthHandler.ROLE_INITIATE).add("Some.Other.Role")));
    HttpResponse<Buffer> response = get(fullPort, token);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("method")).isEqualTo(ApiAuthHandler.METHOD_JWT);
    assertThat(body.getString("sub")).isEqualTo("app-object-id");
    assertThat(body.getJsonArray("roles").getList()).containsExactly(ApiAuthHandler.ROLE_INITIATE, "Some.Other.Role");
    assertThat(postCall(fullPort, token).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("apps (contract rule 43): an app token is its app without Callvert.Admin; shared and dev tokens are admins; a JWT is its (tid, appid|azp|sub), an admin JWT sees every app")
  void apps_and_scopes() throws Exception {
    for (String token : new String[] {"tok-a1", "tok-a2"}) {
      JsonObject a = get(appsPort, "Bearer " + token).bodyAsJsonObject();
      assertThat(a.getString("app")).isEqualTo("token:bot-a");
      assertThat(a.getString("scope")).isEqualTo("token:bot-a");
      assertThat(a.getJsonArray("roles").getList()).containsExactlyInAnyOrderElementsOf(ApiAuthHandler.APP_ROLES)
          .doesNotContain(ApiAuthHandler.ROLE_ADMIN);
    }
    assertThat(get(appsPort, "Bearer tok-b").bodyAsJsonObject().getString("app")).isEqualTo("token:bot-b");
    JsonObject shared = get(appsPort, "Bearer " + STATIC_TOKEN).bodyAsJsonObject();
    assertThat(shared.getString("app")).isEqualTo("static");
    assertThat(shared.containsKey("scope")).isTrue();
    assertThat(shared.getString("scope")).as("sees every app's calls").isNull();
    assertThat(get(fullPort, "Bearer " + DEV_TOKEN).bodyAsJsonObject().getString("app")).isEqualTo("dev");
    assertThat(get(appsPort, "Bearer " + DEV_TOKEN).statusCode()).isEqualTo(401);

    JsonObject v1 = claims(AUDIENCE, new JsonArray().add(ApiAuthHandler.ROLE_INITIATE)).put("tid", "t-1").put("appid", "app-x");
    assertThat(get(fullPort, jwt(trustedSigner, v1)).bodyAsJsonObject().getString("scope")).isEqualTo("jwt:3:t-1:app-x");
    JsonObject v2 = claims(AUDIENCE, new JsonArray()).put("tid", "t-1").put("azp", "app-x");
    assertThat(get(fullPort, jwt(trustedSigner, v2)).bodyAsJsonObject().getString("app")).isEqualTo("jwt:3:t-1:app-x");
    JsonObject subOnly = claims(AUDIENCE, new JsonArray()).put("tid", 7); // a non-string claim counts as empty
    assertThat(get(fullPort, jwt(trustedSigner, subOnly)).bodyAsJsonObject().getString("app")).isEqualTo("jwt:0::app-object-id");
    // (tid "t-1:a", app "b") and (tid "t-1", app "a:b") are different apps
    JsonObject tricky = claims(AUDIENCE, new JsonArray()).put("tid", "t-1:a").put("appid", "b");
    JsonObject tricky2 = claims(AUDIENCE, new JsonArray()).put("tid", "t-1").put("appid", "a:b");
    assertThat(get(fullPort, jwt(trustedSigner, tricky)).bodyAsJsonObject().getString("app"))
        .isNotEqualTo(get(fullPort, jwt(trustedSigner, tricky2)).bodyAsJsonObject().getString("app"));
    JsonObject admin = v1.copy().put("roles", new JsonArray().add(ApiAuthHandler.ROLE_ADMIN));
    JsonObject adminView = get(fullPort, jwt(trustedSigner, admin)).bodyAsJsonObject();
    assertThat(adminView.getString("app")).isEqualTo("jwt:3:t-1:app-x");
    assertThat(adminView.getString("scope")).isNull();
  }

  @Test
  @DisplayName("an audience array containing the configured audience is accepted")
  void jwt_with_audience_array_accepted() throws Exception {
    String token = jwt(trustedSigner, claims(new JsonArray().add("other").add(AUDIENCE), null));
    assertThat(get(fullPort, token).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a JWT without the required role gets 403 from requireRole")
  void jwt_without_role_is_403() throws Exception {
    String token = jwt(trustedSigner, claims(AUDIENCE, new JsonArray().add(ApiAuthHandler.ROLE_ACCESS_MEDIA)));
    HttpResponse<Buffer> response = postCall(fullPort, token);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(errorCode(response)).isEqualTo("Authorization_RequestDenied");
    assertThat(errorMessage(response)).isEqualTo("Missing role: one of [Calls.Initiate.All] is required.");
    HttpResponse<Buffer> noRoles = postCall(fullPort, jwt(trustedSigner, claims(AUDIENCE, null)));
    assertThat(noRoles.statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("a JWT for another audience is rejected")
  void wrong_audience_is_401() throws Exception {
    HttpResponse<Buffer> response = get(fullPort, jwt(trustedSigner, claims("api://someone-else", null)));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(errorMessage(response)).isEqualTo("Access token validation failure: audience mismatch.");
  }

  @Test
  @DisplayName("a JWT from another issuer is rejected")
  void wrong_issuer_is_401() throws Exception {
    HttpResponse<Buffer> response = get(fullPort, jwt(trustedSigner, claims(AUDIENCE, null).put("iss", "https://evil")));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(errorMessage(response)).isEqualTo("Access token validation failure: issuer mismatch.");
  }

  @Test
  @DisplayName("an expired JWT is rejected")
  void expired_jwt_is_401() throws Exception {
    long now = now();
    JsonObject claims = claims(AUDIENCE, null).put("iat", now - 7200).put("nbf", now - 7200).put("exp", now - 3600);
    HttpResponse<Buffer> response = get(fullPort, jwt(trustedSigner, claims));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(errorMessage(response)).isEqualTo("Access token has expired.");
  }

  @Test
  @DisplayName("a JWT that is not yet valid is rejected, small clock skew is tolerated")
  void not_yet_valid_jwt_is_401() throws Exception {
    long now = now();
    HttpResponse<Buffer> early = get(fullPort, jwt(trustedSigner, claims(AUDIENCE, null).put("nbf", now + 3600)));
    assertThat(early.statusCode()).isEqualTo(401);
    assertThat(errorMessage(early)).isEqualTo("Access token is not yet valid.");
    assertThat(get(fullPort, jwt(trustedSigner, claims(AUDIENCE, null).put("nbf", now + 10))).statusCode())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("the leeway is auth.jwt.leewaySeconds: a JWT expired 30 s ago passes with the default 60 s, not with 0 or 10 s")
  void leeway_is_configurable() throws Exception {
    long now = now();
    JsonObject justExpired = claims(AUDIENCE, null).put("iat", now - 600).put("nbf", now - 600).put("exp", now - 30);
    assertThat(get(pemPort, jwt(trustedSigner, justExpired)).statusCode()).isEqualTo(200);
    for (int leeway : new int[] {0, 10}) {
      int strict = start(await(ApiAuthHandler.create(vertx, List.of(), false, null,
          new JwtSettings(null, AuthTestSupport.publicPem(trustedPair), List.of(), null, leeway))));
      HttpResponse<Buffer> response = get(strict, jwt(trustedSigner, justExpired));
      assertThat(response.statusCode()).as("leeway " + leeway).isEqualTo(401);
      assertThat(errorMessage(response)).isEqualTo("Access token has expired.");
      HttpResponse<Buffer> early = get(strict, jwt(trustedSigner, claims(AUDIENCE, null).put("nbf", now + 30)));
      assertThat(early.statusCode()).as("leeway " + leeway).isEqualTo(401);
    }
  }

  @Test
  @DisplayName("a JWT without kid is verified against the configured keys: accepted when one of them signed it, refused otherwise")
  void jwt_without_kid() throws Exception {
    JWTAuth noKid = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(AuthTestSupport.privatePem(trustedPair))));
    JWTAuth noKidOther = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(AuthTestSupport.privatePem(otherPair))));
    assertThat(get(pemPort, jwt(noKid, claims(AUDIENCE, null))).statusCode()).isEqualTo(200);
    assertThat(get(fullPort, jwt(noKid, claims(AUDIENCE, null).put("iss", ISSUER))).statusCode()).isEqualTo(200);
    assertThat(get(pemPort, jwt(noKidOther, claims(AUDIENCE, null))).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a JWT signed by an unknown key is rejected")
  void unknown_key_is_401() throws Exception {
    HttpResponse<Buffer> unknownKid = get(fullPort, jwt(unknownKeySigner, claims(AUDIENCE, null)));
    assertThat(unknownKid.statusCode()).isEqualTo(401);
    assertThat(errorMessage(unknownKid)).isEqualTo("Access token validation failure: signing key not found.");

    HttpResponse<Buffer> forged = get(fullPort, jwt(forgingSigner, claims(AUDIENCE, null)));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(errorMessage(forged)).isEqualTo("Access token validation failure: invalid signature.");

    assertThat(get(pemPort, jwt(unknownKeySigner, claims(AUDIENCE, null))).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a JWT is refused where only static tokens are configured")
  void jwt_refused_without_jwt_settings() throws Exception {
    assertThat(get(strictPort, jwt(trustedSigner, claims(AUDIENCE, null))).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("a public key PEM verifies JWTs, with any issuer and audience when none is configured")
  void pem_key_verifies_jwt() throws Exception {
    HttpResponse<Buffer> response = get(pemPort,
        jwt(trustedSigner, claims("anything", new JsonArray().add(ApiAuthHandler.ROLE_ACCESS_MEDIA)).put("iss", "x")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonArray("roles").getList()).containsExactly(ApiAuthHandler.ROLE_ACCESS_MEDIA);
    assertThat(get(pemPort, "Bearer " + DEV_TOKEN).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("garbage and unsigned tokens are rejected")
  void malformed_tokens_are_401() throws Exception {
    assertThat(get(fullPort, "Bearer a.b.c").statusCode()).isEqualTo(401);
    String header = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
    String payload = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(claims(AUDIENCE, new JsonArray().add(ApiAuthHandler.ROLE_INITIATE)).encode().getBytes());
    assertThat(get(fullPort, "Bearer " + header + "." + payload + ".").statusCode()).isEqualTo(401);
    assertThat(get(pemPort, "Bearer " + header + "." + payload + ".").statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("inconsistent settings fail the factory")
  void invalid_settings_fail() throws Exception {
    assertThat(awaitFailure(ApiAuthHandler.create(vertx, List.of(), true, " ", null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dev token");
    assertThat(awaitFailure(ApiAuthHandler.create(vertx, List.of(), false, null,
        new JwtSettings(null, null, List.of(), List.of())))).isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(ApiAuthHandler.create(vertx, List.of(), false, null,
        new JwtSettings("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}", null, List.of(), List.of()))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(ApiAuthHandler.create(vertx, List.of(), false, null,
        new JwtSettings("not json", null, List.of(), List.of())))).isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(ApiAuthHandler.create(vertx, List.of(), false, null,
        new JwtSettings(null, "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----", null, null))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("requireRole fails closed on a context that was not authenticated")
  void require_role_fails_closed() throws Exception {
    HttpResponse<Buffer> response = await(client.post(fullPort, "127.0.0.1", "/open/calls").send());
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(errorMessage(response))
        .isEqualTo("Missing role: one of [Calls.Initiate.All, Calls.AccessMedia.All] is required.");
  }

  @Test
  @DisplayName("roleHandler is vertx-web's AuthorizationHandler with the same rule and the same 403")
  void role_handler_authorizes_like_require_role() throws Exception {
    String media = jwt(trustedSigner, claims(AUDIENCE, new JsonArray().add(ApiAuthHandler.ROLE_ACCESS_MEDIA)));
    assertThat(await(client.post(fullPort, "127.0.0.1", "/api/media").putHeader("Authorization", media).send()).statusCode())
        .isEqualTo(200);
    assertThat(await(client.post(fullPort, "127.0.0.1", "/api/media").putHeader("Authorization", "Bearer " + STATIC_TOKEN).send())
        .statusCode()).isEqualTo(200);
    HttpResponse<Buffer> refused = await(client.post(fullPort, "127.0.0.1", "/api/media")
        .putHeader("Authorization", jwt(trustedSigner, claims(AUDIENCE, new JsonArray().add(ApiAuthHandler.ROLE_INITIATE)))).send());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(errorCode(refused)).isEqualTo("Authorization_RequestDenied");
    assertThat(errorMessage(refused)).isEqualTo("Missing role: one of [Calls.AccessMedia.All] is required.");
  }

  @Test
  @DisplayName("a JWT whose exp or nbf is not a number, or that has no exp, is a 401, never a 500")
  void malformed_time_claims_are_401() throws Exception {
    for (String claim : List.of("exp", "nbf", "iat")) {
      HttpResponse<Buffer> response = get(fullPort, jwt(trustedSigner, claims(AUDIENCE, null).put(claim, "tomorrow")));
      assertThat(response.statusCode()).as(claim).isEqualTo(401);
      assertThat(errorCode(response)).isEqualTo("InvalidAuthenticationToken");
    }
    JsonObject noExp = claims(AUDIENCE, null);
    noExp.remove("exp");
    HttpResponse<Buffer> response = get(fullPort, jwt(trustedSigner, noExp));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(errorMessage(response)).isEqualTo("Access token validation failure: exp claim missing.");
  }

  @Test
  @DisplayName("with several issuers configured, any of them is accepted and others refused")
  void several_issuers() throws Exception {
    NotificationSigner jwkSource = await(NotificationSigner.create(vertx, "unused", AuthTestSupport.privatePem(trustedPair), 60_000));
    int port = start(await(ApiAuthHandler.create(vertx, List.of(), false, null, new JwtSettings(
        new JsonObject().put("keys", new JsonArray().add(jwkSource.publicJwk())).encode(), null,
        List.of(ISSUER, "https://sts.windows.net/tenant-1/"), List.of(AUDIENCE)))));
    assertThat(get(port, jwt(trustedSigner, claims(AUDIENCE, null))).statusCode()).isEqualTo(200);
    assertThat(get(port, jwt(trustedSigner, claims(AUDIENCE, null).put("iss", "https://sts.windows.net/tenant-1/"))).statusCode())
        .isEqualTo(200);
    HttpResponse<Buffer> other = get(port, jwt(trustedSigner, claims(AUDIENCE, null).put("iss", "https://evil")));
    assertThat(other.statusCode()).isEqualTo(401);
    assertThat(errorMessage(other)).isEqualTo("Access token validation failure: issuer mismatch.");
  }
}
