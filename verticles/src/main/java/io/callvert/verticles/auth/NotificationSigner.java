package io.callvert.verticles.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.callvert.config.Pem;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs Callvert's outgoing webhook notifications the way the Graph calling service does: every
 * notification carries a bearer JWT whose {@code aud} is the bot's app id, which the bot validates
 * against the keys published at {@link #jwks()} (found through {@link #openIdConfiguration(String)}).
 * The token is signed by vertx-auth-jwt with the key's own algorithm ({@link Pem#jwsAlgorithm}):
 * RS256 for RSA (Graph's choice, and the generated key's), ES256/ES384/ES512 for EC, EdDSA for
 * Ed25519; its header carries {@code kid}, the key's RFC 7638 thumbprint.
 *
 * <p>Signing costs about a millisecond, so tokens are cached per (audience, tenant) and re-issued
 * once less than half of their lifetime remains. All methods are thread-safe and non-blocking, so
 * one instance can be shared by every event loop.
 */
public final class NotificationSigner {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationSigner.class);

  /** Upper bound for a token's lifetime: Graph issues notification tokens valid for at most 5 minutes. */
  public static final long MAX_TOKEN_LIFETIME_MS = 300_000;

  /** Lower bound for a token's lifetime; JWT times have one-second resolution. */
  public static final long MIN_TOKEN_LIFETIME_MS = 1_000;

  /** The algorithm of a generated key (RSA, as Graph signs). */
  public static final String DEFAULT_ALGORITHM = "RS256";

  /** Path, relative to the base URL, where the JWKS is expected to be served. */
  public static final String JWKS_PATH = "/.well-known/jwks.json";

  static final int DEFAULT_MAX_CACHED_TOKENS = 10_000;

  private static final int GENERATED_KEY_BITS = 2048;

  private final String issuer;
  private final long lifetimeMs;
  private final long lifetimeSeconds;
  private final String algorithm;
  private final String keyId;
  private final JsonObject publicJwk;
  private final JWTAuth signer;
  private final JWTOptions signOptions;
  private final LongSupplier clockMs;
  private final int maxCachedTokens;
  private final ConcurrentHashMap<CacheKey, CachedToken> cache = new ConcurrentHashMap<>();
  /** Other nodes' keys; copy-on-write, written under {@code this}, read lock-free. */
  private volatile List<JsonObject> extraKeys = List.of();

  private record CacheKey(String audience, String tenantId) {}

  private record CachedToken(String token, String authorization, long refreshAtMs) {}

  private NotificationSigner(Vertx vertx, String issuer, PrivateKey privateKey, long tokenLifetimeMs,
      LongSupplier clockMs, int maxCachedTokens) {
    this.issuer = issuer;
    this.lifetimeSeconds = tokenLifetimeMs / 1000;
    this.lifetimeMs = lifetimeSeconds * 1000;
    this.clockMs = clockMs;
    this.maxCachedTokens = maxCachedTokens;

    this.algorithm = Pem.jwsAlgorithm(privateKey);
    JsonObject material = Pem.publicJwk(Pem.publicOf(privateKey));
    this.keyId = Pem.thumbprint(material);
    this.publicJwk = new JsonObject().put("kty", material.getString("kty")).put("use", "sig").put("alg", algorithm)
        .put("kid", keyId);
    material.forEach(e -> publicJwk.put(e.getKey(), e.getValue()));

    // The PEM is re-encoded from the parsed key so vertx-auth-jwt sees a canonical document.
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm(algorithm)
        .setId(keyId)
        .setBuffer(Pem.encode(Pem.PRIVATE_KEY, privateKey.getEncoded()))));
    // iat/nbf/exp/iss/aud are put in the claims explicitly, so the options only choose the algorithm
    // (vertx-auth-jwt adds the "typ" and "kid" headers).
    this.signOptions = new JWTOptions().setAlgorithm(algorithm);
  }

  /**
   * Creates a signer.
   *
   * @param issuer the {@code iss} claim, e.g. {@code https://callvert.example.com}
   * @param privateKeyPem a PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}) key: RSA of at least 2048 bits, EC on
   *     P-256, P-384 or P-521, or Ed25519; or {@code null} to generate a 2048-bit RSA key pair on a worker thread
   * @param tokenLifetimeMs the tokens' lifetime, between {@value #MIN_TOKEN_LIFETIME_MS} and {@value
   *     #MAX_TOKEN_LIFETIME_MS} ms (truncated to whole seconds)
   * @return the signer, or a failed future with an {@link IllegalArgumentException} on bad input
   */
  public static Future<NotificationSigner> create(Vertx vertx, String issuer, String privateKeyPem,
      long tokenLifetimeMs) {
    return create(vertx, issuer, privateKeyPem, tokenLifetimeMs, System::currentTimeMillis,
        DEFAULT_MAX_CACHED_TOKENS);
  }

  /** Test seam: injectable clock and cache bound. */
  static Future<NotificationSigner> create(Vertx vertx, String issuer, String privateKeyPem,
      long tokenLifetimeMs, LongSupplier clockMs, int maxCachedTokens) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(clockMs, "clockMs");
    if (issuer == null || issuer.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException("Notification token issuer must not be blank"));
    }
    if (tokenLifetimeMs < MIN_TOKEN_LIFETIME_MS || tokenLifetimeMs > MAX_TOKEN_LIFETIME_MS) {
      return Future.failedFuture(new IllegalArgumentException("Notification token lifetime must be between "
          + MIN_TOKEN_LIFETIME_MS + " and " + MAX_TOKEN_LIFETIME_MS + " ms, got " + tokenLifetimeMs));
    }
    if (maxCachedTokens < 1) {
      return Future.failedFuture(new IllegalArgumentException("maxCachedTokens must be positive"));
    }
    if (privateKeyPem != null) {
      try {
        PrivateKey key;
        try {
          key = Pem.privateKey(privateKeyPem);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("The notification signing key " + e.getMessage(), e);
        }
        NotificationSigner s = new NotificationSigner(vertx, issuer, key, tokenLifetimeMs, clockMs, maxCachedTokens);
        LOG.info("Notification signer ready with the configured {} key ({}), kid {}", key.getAlgorithm(), s.algorithm, s.keyId);
        return Future.succeededFuture(s);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    return vertx.executeBlocking(() -> {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(GENERATED_KEY_BITS);
      KeyPair pair = generator.generateKeyPair();
      return new NotificationSigner(vertx, issuer, pair.getPrivate(), tokenLifetimeMs,
          clockMs, maxCachedTokens);
    }, false).onSuccess(s -> LOG.info(
        "Notification signer ready with a generated {}-bit RSA key, kid {} (tokens will not verify after a restart"
            + " unless a private key is configured)", GENERATED_KEY_BITS, s.keyId));
  }

  /**
   * A bearer token for a notification to the bot {@code audience} (its app id) in tenant {@code tenantId}.
   * Served from the cache while more than half of its lifetime remains.
   *
   * @param audience the {@code aud} claim; required
   * @param tenantId the {@code tid} claim, or {@code null} to omit it
   */
  public String token(String audience, String tenantId) {
    return cached(audience, tenantId).token();
  }

  /** {@code "Bearer " + token(audience, tenantId)}, the header value, cached with the token. */
  public String authorization(String audience, String tenantId) {
    return cached(audience, tenantId).authorization();
  }

  private CachedToken cached(String audience, String tenantId) {
    Objects.requireNonNull(audience, "audience");
    long now = clockMs.getAsLong();
    CacheKey key = new CacheKey(audience, tenantId);
    CachedToken cached = cache.get(key);
    if (cached != null && now < cached.refreshAtMs()) {
      return cached;
    }
    // Two threads may both sign here; the last put wins and both tokens are valid: harmless.
    CachedToken fresh = issue(audience, tenantId, now);
    if (cached == null && cache.size() >= maxCachedTokens) {
      // Crude but bounded: audiences are bots, of which a deployment has few; a flood of distinct
      // (audience, tenant) pairs costs only a re-sign of the live ones.
      cache.clear();
    }
    cache.put(key, fresh);
    return fresh;
  }

  private CachedToken issue(String audience, String tenantId, long nowMs) {
    long iat = Math.floorDiv(nowMs, 1000L);
    long exp = iat + lifetimeSeconds;
    JsonObject claims = new JsonObject()
        .put("iss", issuer)
        .put("aud", audience);
    if (tenantId != null) {
      claims.put("tid", tenantId);
    }
    claims.put("iat", iat).put("nbf", iat).put("exp", exp);
    String token = signer.generateToken(claims, signOptions);
    return new CachedToken(token, "Bearer " + token, exp * 1000 - lifetimeMs / 2);
  }

  /** The JWKS document to serve at {@value #JWKS_PATH}: this node's key plus any {@linkplain #addPublishedKey added} ones. */
  public JsonObject jwks() {
    JsonArray keys = new JsonArray().add(publicJwk.copy());
    for (JsonObject extra : extraKeys) {
      keys.add(extra.copy());
    }
    return new JsonObject().put("keys", keys);
  }

  /**
   * Publishes another public JWK in {@link #jwks()}, e.g. another cluster node's key. A key with the
   * same {@code kid} as one already published replaces it; this node's own key is never replaced.
   *
   * @throws IllegalArgumentException if the JWK has no {@code kid} or {@code kty}, or holds private material
   */
  public void addPublishedKey(JsonObject jwk) {
    Objects.requireNonNull(jwk, "jwk");
    String kid = jwk.getString("kid");
    if (kid == null || kid.isBlank() || jwk.getString("kty") == null) {
      throw new IllegalArgumentException("A published JWK needs 'kid' and 'kty'");
    }
    if (jwk.containsKey("d") || jwk.containsKey("k")) {
      throw new IllegalArgumentException("Refusing to publish a JWK holding private or symmetric key material");
    }
    if (kid.equals(keyId)) {
      return;
    }
    JsonObject copy = jwk.copy();
    synchronized (this) {
      List<JsonObject> next = new ArrayList<>(extraKeys.size() + 1);
      for (JsonObject existing : extraKeys) {
        if (!kid.equals(existing.getString("kid"))) {
          next.add(existing);
        }
      }
      next.add(copy);
      extraKeys = List.copyOf(next);
    }
  }

  /** Stops publishing an {@linkplain #addPublishedKey added} key; returns whether it was published. */
  public boolean removePublishedKey(String kid) {
    synchronized (this) {
      List<JsonObject> next = new ArrayList<>(extraKeys);
      boolean removed = next.removeIf(k -> Objects.equals(kid, k.getString("kid")));
      if (removed) {
        extraKeys = List.copyOf(next);
      }
      return removed;
    }
  }

  /**
   * The OpenID Connect discovery document to serve at {@code /.well-known/openid-configuration}.
   *
   * @param baseUrl the externally visible base URL, e.g. {@code https://callvert.example.com} (a trailing
   *     slash is ignored)
   */
  public JsonObject openIdConfiguration(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return new JsonObject()
        .put("issuer", issuer)
        .put("jwks_uri", base + JWKS_PATH)
        .put("id_token_signing_alg_values_supported", new JsonArray().add(algorithm))
        .put("token_endpoint_auth_signing_alg_values_supported", new JsonArray().add(algorithm));
  }

  /** This node's public key as a JWK (a copy). */
  public JsonObject publicJwk() {
    return publicJwk.copy();
  }

  /** This node's key id: the RFC 7638 JWK thumbprint (SHA-256, base64url) of its public key. */
  public String keyId() {
    return keyId;
  }

  /** The JWS algorithm of every token: RS256, ES256, ES384, ES512 or EdDSA, after the key's type. */
  public String algorithm() {
    return algorithm;
  }

  public String issuer() {
    return issuer;
  }

  /** The effective token lifetime in milliseconds (whole seconds). */
  public long tokenLifetimeMs() {
    return lifetimeMs;
  }

  int cachedTokenCount() {
    return cache.size();
  }

  /** RFC 7638 thumbprint of an RSA JWK: SHA-256 over the required members in lexicographic order. */
  static String thumbprint(String n, String e) {
    return Pem.thumbprint(new JsonObject().put("kty", "RSA").put("n", n).put("e", e));
  }
}
