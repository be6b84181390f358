package io.callvert.verticles.auth;

import io.callvert.runtime.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer authentication for Callvert's HTTP API. Three kinds of token are accepted, all at once if
 * configured:
 *
 * <ul>
 *   <li>the <b>dev token</b>, only when explicitly allowed;
 *   <li><b>static tokens</b>, compared in constant time;
 *   <li><b>JWTs</b> (Entra ID style) verified by vertx-auth-jwt against a JWKS and/or an RSA public
 *       key, with {@code exp}/{@code nbf} ({@value #CLOCK_SKEW_SECONDS} s leeway), issuer and audience
 *       checks.
 * </ul>
 *
 * <p>Static and dev tokens hold every role ({@link #ALL_ROLES}); a JWT holds the app roles of its
 * {@code roles} claim. On success the handler stores {@link #ROLES_KEY}, {@link #METHOD_KEY} and, for
 * JWTs, {@link #CLAIMS_KEY} in the context and calls {@code next()}; otherwise it fails the context with
 * {@link ApiException#unauthenticated(String)}. Route handlers check roles with {@link #requireRole}.
 *
 * <p>The handler is immutable and may be shared by every event loop.
 */
public final class ApiAuthHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ApiAuthHandler.class);

  /** App role allowing to create and control calls. */
  public static final String ROLE_INITIATE = "Calls.Initiate.All";
  /** App role allowing to access call media (play prompts, record, subscribe to tones...). */
  public static final String ROLE_ACCESS_MEDIA = "Calls.AccessMedia.All";
  /** Every role Callvert knows; what static and dev tokens hold. Add new roles here. */
  public static final Set<String> ALL_ROLES = Set.of(ROLE_INITIATE, ROLE_ACCESS_MEDIA);

  /** Context key of the caller's roles, an unmodifiable {@code Set<String>}. */
  public static final String ROLES_KEY = "callvert.auth.roles";
  /** Context key of how the caller authenticated: {@link #METHOD_DEV}, {@link #METHOD_STATIC} or {@link #METHOD_JWT}. */
  public static final String METHOD_KEY = "callvert.auth.method";
  /** Context key of a JWT caller's verified claims, a {@link JsonObject}; absent for other methods. */
  public static final String CLAIMS_KEY = "callvert.auth.claims";

  public static final String METHOD_DEV = "dev";
  public static final String METHOD_STATIC = "static";
  public static final String METHOD_JWT = "jwt";

  /** Clock skew tolerated on {@code exp} and {@code nbf}. */
  public static final int CLOCK_SKEW_SECONDS = 60;

  private static final String BEARER = "Bearer";

  /**
   * JWT validation settings.
   *
   * @param jwksJson a JWKS document ({@code {"keys":[...]}}) or a single JWK, as text; nullable
   * @param publicKeyPem an RSA {@code -----BEGIN PUBLIC KEY-----} PEM, verified as RS256; nullable
   * @param issuers accepted {@code iss} values; empty accepts any
   * @param audiences accepted {@code aud} values (any one must match); empty accepts any
   */
  public record JwtSettings(String jwksJson, String publicKeyPem, List<String> issuers, List<String> audiences) {
    public JwtSettings {
      issuers = issuers == null ? List.of() : List.copyOf(issuers);
      audiences = audiences == null ? List.of() : List.copyOf(audiences);
    }
  }

  private final List<byte[]> staticTokenDigests;
  private final byte[] devTokenDigest;
  private final JWTAuth jwtAuth;
  private final Set<String> issuers;
  private final Set<String> audiences;
  private final LongSupplier clockMs;

  private ApiAuthHandler(List<byte[]> staticTokenDigests, byte[] devTokenDigest, JWTAuth jwtAuth,
      Set<String> issuers, Set<String> audiences, LongSupplier clockMs) {
    this.staticTokenDigests = staticTokenDigests;
    this.devTokenDigest = devTokenDigest;
    this.jwtAuth = jwtAuth;
    this.issuers = issuers;
    this.audiences = audiences;
    this.clockMs = clockMs;
  }

  /**
   * Creates the handler.
   *
   * @param staticTokens accepted static tokens (blank entries ignored); nullable
   * @param devTokenAllowed whether {@code devToken} is accepted
   * @param devToken the dev token; must be non-blank when allowed
   * @param jwt JWT settings, or {@code null} to refuse JWTs
   * @return the handler, or a failed future with an {@link IllegalArgumentException} on bad settings
   */
  public static Future<ApiAuthHandler> create(Vertx vertx, List<String> staticTokens, boolean devTokenAllowed,
      String devToken, JwtSettings jwt) {
    return create(vertx, staticTokens, devTokenAllowed, devToken, jwt, System::currentTimeMillis);
  }

  /** Test seam: injectable clock. */
  static Future<ApiAuthHandler> create(Vertx vertx, List<String> staticTokens, boolean devTokenAllowed,
      String devToken, JwtSettings jwt, LongSupplier clockMs) {
    Objects.requireNonNull(vertx, "vertx");
    try {
      List<byte[]> statics = new ArrayList<>();
      if (staticTokens != null) {
        for (String t : staticTokens) {
          if (t != null && !t.isBlank()) {
            statics.add(sha256(t.strip()));
          }
        }
      }
      byte[] dev = null;
      if (devTokenAllowed) {
        if (devToken == null || devToken.isBlank()) {
          throw new IllegalArgumentException("The dev token is allowed but no dev token is configured");
        }
        dev = sha256(devToken.strip());
      }
      JWTAuth jwtAuth = jwt == null ? null : buildJwtAuth(vertx, jwt);

      if (dev != null) {
        LOG.warn("API authentication accepts the dev token: do not use this setting in production");
      }
      if (statics.isEmpty() && dev == null && jwtAuth == null) {
        LOG.warn("API authentication has no token configured: every API request will be rejected");
      } else {
        LOG.info("API authentication: {} static token(s), dev token {}, JWT {}", statics.size(),
            dev != null ? "allowed" : "refused",
            jwtAuth == null ? "refused" : "accepted (issuers " + describe(jwt.issuers()) + ", audiences "
                + describe(jwt.audiences()) + ")");
      }
      return Future.succeededFuture(new ApiAuthHandler(List.copyOf(statics), dev, jwtAuth,
          jwt == null ? Set.of() : Set.copyOf(jwt.issuers()),
          jwt == null ? Set.of() : Set.copyOf(jwt.audiences()), clockMs));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static String describe(List<String> values) {
    return values.isEmpty() ? "any" : values.toString();
  }

  private static JWTAuth buildJwtAuth(Vertx vertx, JwtSettings jwt) {
    // Expiry is checked here (not by vertx-auth-jwt) so that the client gets a precise message.
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    int keys = 0;
    if (jwt.jwksJson() != null && !jwt.jwksJson().isBlank()) {
      for (JsonObject jwk : parseJwks(jwt.jwksJson())) {
        options.addJwk(jwk);
        keys++;
      }
    }
    if (jwt.publicKeyPem() != null && !jwt.publicKeyPem().isBlank()) {
      // Parsed here for a clear error; vertx-auth-jwt gets the canonical re-encoding.
      java.security.PublicKey key;
      try {
        key = io.callvert.config.Pem.publicKey(jwt.publicKeyPem());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("The JWT public key " + e.getMessage(), e);
      }
      options.addPubSecKey(new PubSecKeyOptions()
          .setAlgorithm(io.callvert.config.Pem.jwsAlgorithm(key))
          .setBuffer(io.callvert.config.Pem.encode(io.callvert.config.Pem.PUBLIC_KEY, key.getEncoded())));
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

  @Override
  public void handle(RoutingContext ctx) {
    authenticate(ctx).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.next();
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /**
   * Authenticates the request: on success the caller's roles are in the context and the future
   * succeeds; otherwise it fails with a 401 {@link ApiException}. Lets a router answer the failure
   * itself instead of through {@code ctx.fail}, which a host application's failure handlers would
   * see first when Callvert's router is mounted as a sub-router.
   */
  public Future<Void> authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      return Future.failedFuture(ApiException.unauthenticated("Bearer token missing."));
    }
    header = header.strip();
    int space = header.indexOf(' ');
    String scheme = space < 0 ? header : header.substring(0, space);
    if (!BEARER.equalsIgnoreCase(scheme)) {
      return Future.failedFuture(ApiException.unauthenticated("Authorization header must use the Bearer scheme."));
    }
    String token = space < 0 ? "" : header.substring(space + 1).strip();
    if (token.isEmpty()) {
      return Future.failedFuture(ApiException.unauthenticated("Bearer token missing."));
    }

    String shared = matchSharedToken(token);
    if (shared != null) {
      ctx.put(ROLES_KEY, ALL_ROLES);
      ctx.put(METHOD_KEY, shared);
      return Future.succeededFuture();
    }
    if (jwtAuth == null || !looksLikeJwt(token)) {
      return Future.failedFuture(ApiException.unauthenticated("Access token validation failure: unknown token."));
    }
    return jwtAuth.authenticate(new TokenCredentials(token)).transform(ar -> {
      if (ar.failed()) {
        LOG.debug("JWT rejected: {}", ar.cause().toString());
        return Future.failedFuture(ApiException.unauthenticated(describeFailure(ar.cause())));
      }
      JsonObject claims;
      try {
        // The signature has been verified, so the payload is authentic.
        claims = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
            StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        return Future.failedFuture(ApiException.unauthenticated("Access token validation failure: malformed token."));
      }
      String problem = checkClaims(claims);
      if (problem != null) {
        return Future.failedFuture(ApiException.unauthenticated(problem));
      }
      ctx.put(ROLES_KEY, roles(claims));
      ctx.put(METHOD_KEY, METHOD_JWT);
      ctx.put(CLAIMS_KEY, claims);
      return Future.succeededFuture();
    });
  }

  /** {@code METHOD_STATIC} or {@code METHOD_DEV} if the token is one of the shared tokens, else null. */
  private String matchSharedToken(String token) {
    byte[] presented = sha256(token);
    // Comparing digests makes every comparison the same length; no early exit across tokens.
    boolean isStatic = false;
    for (byte[] candidate : staticTokenDigests) {
      isStatic |= MessageDigest.isEqual(candidate, presented);
    }
    boolean isDev = devTokenDigest != null && MessageDigest.isEqual(devTokenDigest, presented);
    return isStatic ? METHOD_STATIC : isDev ? METHOD_DEV : null;
  }

  private static boolean looksLikeJwt(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    return first > 0 && second > first + 1 && token.indexOf('.', second + 1) < 0;
  }

  private static String describeFailure(Throwable cause) {
    if (cause instanceof NoSuchKeyIdException) {
      return "Access token validation failure: signing key not found.";
    }
    if (cause instanceof SignatureException) {
      return "Access token validation failure: invalid signature.";
    }
    return "Access token validation failure: invalid token.";
  }

  /** Checks time validity, issuer and audience; returns the client message of the first failure, or null. */
  private String checkClaims(JsonObject claims) {
    long now = Math.floorDiv(clockMs.getAsLong(), 1000L);
    if (!(claims.getValue("exp") instanceof Number exp)) {
      return "Access token validation failure: exp claim missing.";
    }
    if (now - CLOCK_SKEW_SECONDS >= exp.longValue()) {
      return "Access token has expired.";
    }
    Object nbf = claims.getValue("nbf");
    if (nbf != null && !(nbf instanceof Number)) {
      return "Access token validation failure: malformed nbf claim.";
    }
    if (nbf != null && ((Number) nbf).longValue() > now + CLOCK_SKEW_SECONDS) {
      return "Access token is not yet valid.";
    }
    // (Set.copyOf sets throw on contains(null), hence the instanceof checks.)
    if (!issuers.isEmpty() && !(claims.getValue("iss") instanceof String iss && issuers.contains(iss))) {
      return "Access token validation failure: issuer mismatch.";
    }
    if (!audiences.isEmpty()) {
      Object aud = claims.getValue("aud");
      boolean match = aud instanceof String s ? audiences.contains(s)
          : aud instanceof JsonArray a
              && a.stream().anyMatch(v -> v instanceof String str && audiences.contains(str));
      if (!match) {
        return "Access token validation failure: audience mismatch.";
      }
    }
    return null;
  }

  private static Set<String> roles(JsonObject claims) {
    if (!(claims.getValue("roles") instanceof JsonArray array)) {
      return Set.of();
    }
    Set<String> roles = new HashSet<>();
    for (Object o : array) {
      if (o instanceof String s) {
        roles.add(s);
      }
    }
    return Collections.unmodifiableSet(roles);
  }

  /** The caller's roles as stored by this handler; empty if it did not run or authenticate. */
  public static Set<String> roles(RoutingContext ctx) {
    Set<String> roles = ctx.get(ROLES_KEY);
    return roles == null ? Set.of() : roles;
  }

  /**
   * Throws {@link ApiException#forbidden} unless the caller holds at least one of {@code anyOf}. Fails
   * closed: a context this handler did not authenticate holds no role.
   */
  public static void requireRole(RoutingContext ctx, String... anyOf) {
    if (anyOf == null || anyOf.length == 0) {
      throw new IllegalArgumentException("requireRole needs at least one role");
    }
    Set<String> held = roles(ctx);
    for (String role : anyOf) {
      if (held.contains(role)) {
        return;
      }
    }
    throw ApiException.forbidden("Missing role: one of " + Arrays.toString(anyOf) + " is required.");
  }

  /**
   * One digest per thread: {@code MessageDigest.getInstance} walks the security providers on every
   * call, and every API request hashes its token (allocation and JIT profiles of the benchmark).
   */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  });

  private static byte[] sha256(String value) {
    return SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8));
  }
}
