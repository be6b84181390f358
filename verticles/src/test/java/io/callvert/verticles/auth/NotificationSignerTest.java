package io.callvert.verticles.auth;

import static io.callvert.verticles.auth.AuthTestSupport.await;
import static io.callvert.verticles.auth.AuthTestSupport.awaitFailure;
import static io.callvert.verticles.auth.AuthTestSupport.jwtClaims;
import static io.callvert.verticles.auth.AuthTestSupport.jwtHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NotificationSignerTest {

  private static final String ISSUER = "https://callvert.test";
  private static final String BOT_APP_ID = "2f6a1c3e-0000-4000-8000-000000000001";
  private static final String TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";

  private static Vertx vertx;
  private static NotificationSigner generated;
  private static KeyPair providedKeys;
  private static NotificationSigner provided;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    generated = await(NotificationSigner.create(vertx, ISSUER, null, 300_000));
    providedKeys = AuthTestSupport.rsaKeyPair();
    provided = await(NotificationSigner.create(vertx, ISSUER, AuthTestSupport.privatePem(providedKeys), 120_000));
  }

  @AfterAll
  static void tearDown() throws Exception {
    await(vertx.close());
  }

  /** A verifier built only from the published JWKS, as a bot would build it. */
  private static JWTAuth verifierFromJwks(JsonObject jwks) {
    JWTAuthOptions options = new JWTAuthOptions();
    jwks.getJsonArray("keys").forEach(k -> options.addJwk((JsonObject) k));
    return JWTAuth.create(vertx, options);
  }

  @Test
  @DisplayName("a token verifies against the published JWKS and carries the Graph-style claims and kid")
  void token_verifies_against_published_jwks() throws Exception {
    long before = System.currentTimeMillis() / 1000;
    String token = generated.token(BOT_APP_ID, TENANT_ID);

    User user = await(verifierFromJwks(generated.jwks()).authenticate(new TokenCredentials(token)));
    assertThat(user).isNotNull();

    JsonObject header = jwtHeader(token);
    assertThat(header.getString("alg")).isEqualTo("RS256");
    assertThat(header.getString("kid")).isEqualTo(generated.keyId()).isEqualTo(generated.publicJwk().getString("kid"));

    JsonObject claims = jwtClaims(token);
    assertThat(claims.getString("iss")).isEqualTo(ISSUER);
    assertThat(claims.getString("aud")).isEqualTo(BOT_APP_ID);
    assertThat(claims.getString("tid")).isEqualTo(TENANT_ID);
    long iat = claims.getLong("iat");
    // an earlier test may have cached this (audience, tenant) token: it is re-issued at half its lifetime
    long lifetime = claims.getLong("exp") - iat;
    assertThat(iat).isBetween(before - lifetime / 2, System.currentTimeMillis() / 1000);
    assertThat(claims.getLong("nbf")).isEqualTo(iat);
    assertThat(claims.getLong("exp") - iat).isPositive().isLessThanOrEqualTo(300);
  }

  @Test
  @DisplayName("the JWKS publishes one RSA signature key whose kid is its RFC 7638 thumbprint")
  void jwks_publishes_the_public_key_with_thumbprint_kid() {
    JsonObject jwks = generated.jwks();
    assertThat(jwks.getJsonArray("keys")).hasSize(1);
    JsonObject jwk = jwks.getJsonArray("keys").getJsonObject(0);
    assertThat(jwk.fieldNames()).containsExactlyInAnyOrder("kty", "use", "alg", "kid", "n", "e");
    assertThat(jwk.getString("kty")).isEqualTo("RSA");
    assertThat(jwk.getString("use")).isEqualTo("sig");
    assertThat(jwk.getString("alg")).isEqualTo("RS256");
    assertThat(jwk.getString("e")).isEqualTo("AQAB");
    assertThat(jwk.getString("n")).doesNotContain("=", "+", "/").hasSize(342); // 256 bytes, no sign byte
    assertThat(jwk.getString("kid"))
        .isEqualTo(NotificationSigner.thumbprint(jwk.getString("n"), jwk.getString("e")))
        .hasSize(43);
  }

  @Test
  @DisplayName("RFC 7638 thumbprint matches the specification's example")
  void thumbprint_matches_rfc_7638_example() {
    String n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    assertThat(NotificationSigner.thumbprint(n, "AQAB")).isEqualTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  }

  @Test
  @DisplayName("tokens are cached per audience and tenant")
  void tokens_are_cached_per_audience_and_tenant() {
    String first = generated.token(BOT_APP_ID, TENANT_ID);
    assertThat(generated.token(BOT_APP_ID, TENANT_ID)).isSameAs(first);
    assertThat(generated.token("another-bot", TENANT_ID)).isNotEqualTo(first);
    assertThat(generated.token(BOT_APP_ID, "another-tenant")).isNotEqualTo(first);
  }

  @Test
  @DisplayName("a token without a tenant omits the tid claim")
  void token_without_tenant_omits_tid() {
    assertThat(jwtClaims(generated.token(BOT_APP_ID, null)).containsKey("tid")).isFalse();
  }

  @Test
  @DisplayName("a cached token is re-issued once less than half of its lifetime remains")
  void cached_token_is_reissued_after_half_lifetime() throws Exception {
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    NotificationSigner signer = await(NotificationSigner.create(vertx, ISSUER,
        AuthTestSupport.privatePem(providedKeys), 300_000, clock::get, 100));

    String first = signer.token(BOT_APP_ID, TENANT_ID);
    clock.addAndGet(149_000);
    assertThat(signer.token(BOT_APP_ID, TENANT_ID)).isSameAs(first);
    clock.addAndGet(1_000);
    String second = signer.token(BOT_APP_ID, TENANT_ID);
    assertThat(second).isNotEqualTo(first);
    assertThat(jwtClaims(second).getLong("iat")).isEqualTo(1_700_000_150L);
    assertThat(jwtClaims(second).getLong("exp")).isEqualTo(1_700_000_450L);
  }

  @Test
  @DisplayName("the token cache is bounded")
  void token_cache_is_bounded() throws Exception {
    NotificationSigner signer = await(NotificationSigner.create(vertx, ISSUER,
        AuthTestSupport.privatePem(providedKeys), 60_000, System::currentTimeMillis, 3));
    for (int i = 0; i < 10; i++) {
      signer.token("bot-" + i, null);
      assertThat(signer.cachedTokenCount()).isLessThanOrEqualTo(3);
    }
  }

  @Test
  @DisplayName("a provided PEM key signs the tokens")
  void provided_pem_key_is_used() throws Exception {
    String token = provided.token(BOT_APP_ID, TENANT_ID);
    JWTAuth verifier = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(AuthTestSupport.publicPem(providedKeys))));
    assertThat(await(verifier.authenticate(new TokenCredentials(token)))).isNotNull();

    RSAPublicKey pub = (RSAPublicKey) providedKeys.getPublic();
    assertThat(provided.publicJwk().getString("n")).isEqualTo(unsignedBase64Url(pub.getModulus()));
    assertThat(jwtHeader(token).getString("kid")).isEqualTo(provided.keyId());
    JsonObject claims = jwtClaims(token);
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(120);

    // A token of the other signer does not verify with this key.
    assertThatThrownBy(() -> await(verifier.authenticate(new TokenCredentials(generated.token(BOT_APP_ID, null)))))
        .isNotNull();
  }

  private static String unsignedBase64Url(java.math.BigInteger value) {
    byte[] bytes = value.toByteArray();
    int skip = bytes[0] == 0 ? 1 : 0;
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOfRange(bytes, skip, bytes.length));
  }

  @Test
  @DisplayName("the OpenID configuration points at the JWKS path")
  void openid_configuration_points_at_jwks() {
    JsonObject doc = generated.openIdConfiguration("https://callvert.test:8443/");
    assertThat(doc.getString("issuer")).isEqualTo(ISSUER);
    assertThat(doc.getString("jwks_uri")).isEqualTo("https://callvert.test:8443/.well-known/jwks.json");
    assertThat(doc.getJsonArray("id_token_signing_alg_values_supported").getList()).containsExactly("RS256");
    assertThat(doc.getJsonArray("token_endpoint_auth_signing_alg_values_supported").getList()).containsExactly("RS256");
  }

  @Test
  @DisplayName("keys of other nodes are published alongside, replaced by kid, and verify their tokens")
  void published_keys_of_other_nodes() throws Exception {
    NotificationSigner node = await(NotificationSigner.create(vertx, ISSUER, null, 60_000));
    node.addPublishedKey(provided.publicJwk());
    node.addPublishedKey(provided.publicJwk());
    node.addPublishedKey(node.publicJwk());
    JsonObject jwks = node.jwks();
    assertThat(jwks.getJsonArray("keys")).hasSize(2);

    JWTAuth verifier = verifierFromJwks(jwks);
    assertThat(await(verifier.authenticate(new TokenCredentials(provided.token(BOT_APP_ID, null))))).isNotNull();
    assertThat(await(verifier.authenticate(new TokenCredentials(node.token(BOT_APP_ID, null))))).isNotNull();

    assertThat(node.removePublishedKey(provided.keyId())).isTrue();
    assertThat(node.jwks().getJsonArray("keys")).hasSize(1);
    assertThatThrownBy(() -> node.addPublishedKey(new JsonObject().put("kty", "RSA")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("invalid lifetimes and keys fail the factory")
  void invalid_settings_fail() throws Exception {
    assertThat(awaitFailure(NotificationSigner.create(vertx, ISSUER, null, 300_001)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lifetime");
    assertThat(awaitFailure(NotificationSigner.create(vertx, " ", null, 60_000)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(NotificationSigner.create(vertx, ISSUER, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
        + "-----END RSA PRIVATE KEY-----\n", 60_000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pkcs8");
    assertThat(awaitFailure(NotificationSigner.create(vertx, ISSUER, AuthTestSupport.publicPem(providedKeys), 60_000)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(List.of(generated.tokenLifetimeMs(), provided.tokenLifetimeMs())).containsExactly(300_000L, 120_000L);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource({
      "EC P-256, secp256r1, ES256, EC, P-256, SHA256withECDSAinP1363Format",
      "EC P-384, secp384r1, ES384, EC, P-384, SHA384withECDSAinP1363Format",
      "Ed25519, , EdDSA, OKP, Ed25519, Ed25519"})
  @DisplayName("an EC or Ed25519 key signs with its own algorithm, and the token verifies against the published JWK")
  void other_key_types_sign_with_their_algorithm(String name, String curve, String alg, String kty, String crv,
      String jdkSignature) throws Exception {
    KeyPair pair = curve == null ? AuthTestSupport.ed25519KeyPair() : AuthTestSupport.ecKeyPair(curve);
    NotificationSigner signer = await(NotificationSigner.create(vertx, ISSUER, AuthTestSupport.privatePem(pair), 60_000));
    assertThat(signer.algorithm()).isEqualTo(alg);

    JsonObject jwk = signer.publicJwk();
    assertThat(jwk.getString("kty")).isEqualTo(kty);
    assertThat(jwk.getString("crv")).isEqualTo(crv);
    assertThat(jwk.getString("alg")).isEqualTo(alg);
    assertThat(jwk.getString("use")).isEqualTo("sig");
    assertThat(jwk.getString("kid")).isEqualTo(signer.keyId()).hasSize(43);
    assertThat(jwk.containsKey("d")).isFalse();
    // the published key is the configured key's public half
    assertThat(jwk.getString("x")).isEqualTo(io.callvert.config.Pem.publicJwk(pair.getPublic()).getString("x"));
    assertThat(jwk.getString("y")).isEqualTo(io.callvert.config.Pem.publicJwk(pair.getPublic()).getString("y"));

    String token = signer.token(BOT_APP_ID, TENANT_ID);
    JsonObject header = jwtHeader(token);
    assertThat(header.getString("alg")).isEqualTo(alg);
    assertThat(header.getString("kid")).isEqualTo(signer.keyId());
    assertThat(header.getString("typ")).isEqualTo("JWT");
    assertThat(jwtClaims(token).getString("aud")).isEqualTo(BOT_APP_ID);
    assertThat(await(verifierFromJwks(signer.jwks()).authenticate(new TokenCredentials(token)))).isNotNull();
    assertThat(signer.openIdConfiguration("https://x").getJsonArray("id_token_signing_alg_values_supported").getList())
        .containsExactly(alg);

    // and independently of vertx-auth-jwt, with the JDK and the public key alone
    String[] parts = token.split("\\.");
    java.security.Signature verify = java.security.Signature.getInstance(jdkSignature);
    verify.initVerify(pair.getPublic());
    verify.update((parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(verify.verify(java.util.Base64.getUrlDecoder().decode(parts[2]))).isTrue();
  }

  @Test
  @DisplayName("keys Callvert cannot sign with are refused with the reason")
  void unsupported_keys_are_refused() throws Exception {
    java.security.KeyPairGenerator small = java.security.KeyPairGenerator.getInstance("RSA");
    small.initialize(1024);
    assertThat(awaitFailure(NotificationSigner.create(vertx, ISSUER, AuthTestSupport.privatePem(small.generateKeyPair()), 60_000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1024 bits");
    assertThat(awaitFailure(NotificationSigner.create(vertx, ISSUER,
        AuthTestSupport.privatePem(java.security.KeyPairGenerator.getInstance("X25519").generateKeyPair()), 60_000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RSA, EC P-256/P-384/P-521 or EdDSA");
  }
}
