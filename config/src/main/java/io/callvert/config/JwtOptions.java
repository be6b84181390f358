package io.callvert.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;

/**
 * Verification of JWT bearer tokens on the API (JSON object {@code auth.jwt}). Any combination of key sources may be
 * set; all their keys are trusted.
 *
 * @param jwksFile nullable path of a JWKS file
 * @param jwks nullable inline JWKS JSON (in JSON/YAML files it may also be given as an object)
 * @param publicKeyPem nullable PEM public key ({@code -----BEGIN PUBLIC KEY-----}; RSA, EC or EdDSA)
 * @param issuers accepted {@code iss} values; empty = any
 * @param audiences accepted {@code aud} values; empty = any
 * @param leewaySeconds clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}, default 60 s, at most 600
 */
public record JwtOptions(String jwksFile, String jwks, String publicKeyPem, List<String> issuers,
    List<String> audiences, int leewaySeconds) {

  public static final int DEFAULT_LEEWAY_SECONDS = 60;
  /** Ten minutes: more would let an expired token live on for longer than most tokens' whole lifetime. */
  public static final int MAX_LEEWAY_SECONDS = 600;

  /** Validates (JWKS must parse, PEM must be a public key); blank strings mean unset, {@code null} lists empty. */
  public JwtOptions {
    jwksFile = Check.blankToNull(jwksFile);
    jwks = Check.blankToNull(jwks);
    if (jwks != null) {
      JsonObject parsed = null;
      try {
        parsed = new JsonObject(jwks);
      } catch (DecodeException | ClassCastException e) {
        // reported below
      }
      if (parsed == null || !(parsed.getValue("keys") instanceof JsonArray)) {
        throw new ConfigException("auth.jwt.jwks", "must be a JWKS JSON object with a 'keys' array");
      }
    }
    publicKeyPem = Pem.normalize(publicKeyPem);
    if (publicKeyPem != null) {
      Pem.publicKey("auth.jwt.publicKeyPem", publicKeyPem);
    }
    issuers = Check.strings("auth.jwt.issuers", issuers);
    audiences = Check.strings("auth.jwt.audiences", audiences);
    Check.range("auth.jwt.leewaySeconds", leewaySeconds, 0, MAX_LEEWAY_SECONDS);
  }

  public static JwtOptions defaults() {
    return new JwtOptions(null, null, null, List.of(), List.of(), DEFAULT_LEEWAY_SECONDS);
  }

  /** Whether any verification key source is set. */
  public boolean configured() {
    return jwksFile != null || jwks != null || publicKeyPem != null;
  }

  /** {@link #publicKeyPem()} parsed, if set. */
  public Optional<PublicKey> publicKey() {
    return publicKeyPem == null ? Optional.empty() : Optional.of(Pem.publicKey("auth.jwt.publicKeyPem", publicKeyPem));
  }

  public JwtOptions withJwksFile(String jwksFile) {
    return new JwtOptions(jwksFile, jwks, publicKeyPem, issuers, audiences, leewaySeconds);
  }

  public JwtOptions withJwks(String jwks) {
    return new JwtOptions(jwksFile, jwks, publicKeyPem, issuers, audiences, leewaySeconds);
  }

  public JwtOptions withPublicKeyPem(String publicKeyPem) {
    return new JwtOptions(jwksFile, jwks, publicKeyPem, issuers, audiences, leewaySeconds);
  }

  public JwtOptions withIssuers(List<String> issuers) {
    return new JwtOptions(jwksFile, jwks, publicKeyPem, issuers, audiences, leewaySeconds);
  }

  public JwtOptions withAudiences(List<String> audiences) {
    return new JwtOptions(jwksFile, jwks, publicKeyPem, issuers, audiences, leewaySeconds);
  }

  public JwtOptions withLeewaySeconds(int leewaySeconds) {
    return new JwtOptions(jwksFile, jwks, publicKeyPem, issuers, audiences, leewaySeconds);
  }
}
