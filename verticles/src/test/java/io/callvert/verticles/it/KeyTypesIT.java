package io.callvert.verticles.it;

import static io.callvert.verticles.it.ErrorsIT.pem;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.AuthOptions;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.TestRuntime.Resp;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every key type Callvert documents deploys and works, for signing notifications and for verifying API tokens. */
class KeyTypesIT {

  private static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  @Test
  @DisplayName("an EC P-256 signing key deploys; notifications carry ES256 tokens that verify against the served JWKS")
  void ec_signing_key_signs_notifications() throws Exception {
    KeyPair pair = ec("secp256r1");
    try (TestRuntime rt = TestRuntime.start(o -> o.withWebhook(o.webhook().withSigningKeyPem(pem("PRIVATE KEY", pair.getPrivate().getEncoded()))));
        WebhookReceiver bot = new WebhookReceiver(rt.vertx)) {
      JsonObject jwks = rt.get("/.well-known/jwks.json").json();
      assertThat(jwks.getJsonArray("keys")).hasSize(1);
      JsonObject jwk = jwks.getJsonArray("keys").getJsonObject(0);
      assertThat(jwk.getString("kty")).isEqualTo("EC");
      assertThat(jwk.getString("crv")).isEqualTo("P-256");
      assertThat(jwk.getString("alg")).isEqualTo("ES256");
      assertThat(rt.get("/.well-known/openid-configuration").json().getJsonArray("id_token_signing_alg_values_supported").getList())
          .containsExactly("ES256");

      String callId = rt.createOutgoingCall(bot.url());
      WebhookReceiver.Received first = bot.await(callId, 1).get(0);
      String token = first.headers().get("authorization").substring("Bearer ".length());
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8));
      assertThat(header.getString("alg")).isEqualTo("ES256");
      assertThat(header.getString("kid")).isEqualTo(jwk.getString("kid"));

      JWTAuthOptions bots = new JWTAuthOptions();
      jwks.getJsonArray("keys").forEach(k -> bots.addJwk((JsonObject) k));
      User user = JWTAuth.create(rt.vertx, bots).authenticate(new TokenCredentials(token)).await(10, TimeUnit.SECONDS);
      assertThat(user.principal().getString("iss")).isEqualTo(rt.callvert.options().webhook().issuer());
      rt.delete("/v1.0/communications/calls/" + callId);
    }
  }

  @Test
  @DisplayName("an EC P-384 public key for API tokens deploys; its ES384 JWTs are accepted, a JWT with a string exp is a 401")
  void ec_public_key_verifies_api_tokens() throws Exception {
    KeyPair pair = ec("secp384r1");
    try (TestRuntime rt = TestRuntime.start(o -> o.withAuth(AuthOptions.defaults().withJwt(o.auth().jwt()
            .withPublicKeyPem(pem("PUBLIC KEY", pair.getPublic().getEncoded())))));
        WebhookReceiver bot = new WebhookReceiver(rt.vertx)) {
      JWTAuth issuer = JWTAuth.create(rt.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
          .setAlgorithm("ES384").setBuffer(pem("PRIVATE KEY", pair.getPrivate().getEncoded()))));
      String token = issuer.generateToken(new JsonObject().put("roles", new JsonArray(List.of("Calls.Initiate.All"))),
          new JWTOptions().setAlgorithm("ES384").setExpiresInMinutes(5));
      String body = TestRuntime.outgoingCallBody(bot.url(), "+15550001").encode();
      Resp created = rt.send(HttpRequest.newBuilder(rt.uri("/v1.0/communications/calls"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertThat(created.status()).as(created.text()).isEqualTo(201);

      for (String claim : List.of("exp", "nbf", "iat")) {
        JsonObject claims = new JsonObject().put("roles", new JsonArray(List.of("Calls.Initiate.All")))
            .put("exp", System.currentTimeMillis() / 1000 + 300).put(claim, "soon");
        String odd = issuer.generateToken(claims, new JWTOptions().setAlgorithm("ES384"));
        Resp refused = rt.send(HttpRequest.newBuilder(rt.uri("/v1.0/communications/calls"))
            .header("Authorization", "Bearer " + odd).header("Content-Type", "application/json")
            .header("client-request-id", "crid-" + claim)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
        Wire.assertError(refused, 401, "InvalidAuthenticationToken", "crid-" + claim);
      }
      rt.delete("/v1.0/communications/calls/" + created.json().getString("id"));
    }
  }
}
