package io.callvert.verticles.auth;

import io.callvert.config.Pem;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JWT set-up: vertx-auth-jwt's {@link JWTAuth} from Callvert's {@link ApiAuthHandler.JwtSettings},
 * with the verification keys of a JWKS (signature keys only, public members only, never a
 * symmetric key) and/or of a public key PEM (RSA, EC or EdDSA, through {@link Pem}), and the
 * checks the library does itself: signature, audience, a single issuer, {@code exp}/{@code nbf}
 * with {@code auth.jwt.leewaySeconds} of leeway.
 */
final class JwtKeys {

  private static final Logger LOG = LoggerFactory.getLogger(JwtKeys.class);

  private JwtKeys() {}

  /** @throws IllegalArgumentException on unusable keys, naming the problem */
  static JWTAuth jwtAuth(Vertx vertx, ApiAuthHandler.JwtSettings jwt) {
    // the library checks signature, audience, a single issuer and the time claims (exp, nbf, iat)
    JWTOptions checks = new JWTOptions().setLeeway(jwt.leewaySeconds()).setIgnoreExpiration(true);
    if (!jwt.audiences().isEmpty()) {
      checks.setAudience(jwt.audiences());
    }
    if (jwt.issuers().size() == 1) {
      checks.setIssuer(jwt.issuers().get(0));
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(checks);
    int keys = 0;
    if (jwt.jwksJson() != null && !jwt.jwksJson().isBlank()) {
      for (JsonObject jwk : parseJwks(jwt.jwksJson())) {
        options.addJwk(jwk);
        keys++;
      }
    }
    if (jwt.publicKeyPem() != null && !jwt.publicKeyPem().isBlank()) {
      // Parsed here for a clear error; vertx-auth-jwt gets the canonical re-encoding.
      PublicKey key;
      try {
        key = Pem.publicKey(jwt.publicKeyPem());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("The JWT public key " + e.getMessage(), e);
      }
      options.addPubSecKey(new PubSecKeyOptions()
          .setAlgorithm(Pem.jwsAlgorithm(key))
          .setBuffer(Pem.encode(Pem.PUBLIC_KEY, key.getEncoded())));
      keys++;
    }
    if (keys == 0) {
      throw new IllegalArgumentException("JWT authentication needs a JWKS with signature keys or a public key PEM");
    }
    return JWTAuth.create(vertx, options);
  }

  /** The signature-verification keys of a JWKS document (or of a single JWK). */
  static List<JsonObject> parseJwks(String jwksJson) {
    JsonObject doc;
    try {
      doc = new JsonObject(jwksJson);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("JWKS is not a JSON object: " + e.getMessage(), e);
    }
    List<JsonObject> candidates = new ArrayList<>();
    if (doc.containsKey("keys")) {
      JsonArray array = doc.getValue("keys") instanceof JsonArray a ? a : null;
      if (array == null) {
        throw new IllegalArgumentException("JWKS 'keys' is not an array");
      }
      for (Object o : array) {
        if (o instanceof JsonObject k) {
          candidates.add(k);
        }
      }
    } else if (doc.containsKey("kty")) {
      candidates.add(doc);
    } else {
      throw new IllegalArgumentException("JWKS has neither 'keys' nor 'kty'");
    }
    List<JsonObject> result = new ArrayList<>();
    for (JsonObject k : candidates) {
      String kty = k.getString("kty");
      String use = k.getString("use");
      if (kty == null || (use != null && !"sig".equals(use))) {
        continue;
      }
      if ("oct".equals(kty)) {
        // A shared secret in a published key set is a mistake, and would allow HS256 forgeries.
        LOG.warn("Ignoring symmetric ('oct') key {} in the JWKS", k.getString("kid"));
        continue;
      }
      // Only public material is needed to verify.
      JsonObject pub = k.copy();
      for (String privateMember : List.of("d", "p", "q", "dp", "dq", "qi", "oth")) {
        pub.remove(privateMember);
      }
      result.add(pub);
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException("JWKS contains no signature verification key");
    }
    return result;
  }
}
