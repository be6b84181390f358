package io.callvert.verticles.auth;

import io.callvert.config.Pem;
import io.callvert.runtime.api.ApiException;
import io.callvert.verticles.http.LocalFailures;
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
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authorization.AuthorizationContext;
import io.vertx.ext.auth.authorization.AuthorizationProvider;
import io.vertx.ext.auth.authorization.OrAuthorization;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.AuthorizationHandler;
import io.vertx.ext.web.handler.ChainAuthHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.handler.SimpleAuthenticationHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer authentication for Callvert's HTTP API, built from vertx-web's auth handlers: a
 * {@link ChainAuthHandler#any()} of
 *
 * <ul>
 *   <li>a {@link SimpleAuthenticationHandler} over {@link StaticTokens}: the <b>static tokens</b>
 *       (compared in constant time) and the <b>dev token</b>, only when explicitly allowed;
 *   <li>a {@link JWTAuthHandler} over vertx-auth-jwt's {@link JWTAuth}: <b>JWTs</b> (Entra ID style)
 *       verified against a JWKS and/or a public key (RSA, EC or EdDSA), with audience, issuer and
 *       {@code exp}/{@code nbf} checks ({@value #CLOCK_SKEW_SECONDS} s leeway) done by the library.
 * </ul>
 *
 * <p>Static and dev tokens hold every role ({@link #ALL_ROLES}); a JWT holds the app roles of its
 * {@code roles} claim, as {@link RoleBasedAuthorization}s loaded by {@link #ROLES}. Routes check them
 * with {@link #requireRole} (inline) or {@link #roleHandler} (an {@link AuthorizationHandler}).
 *
 * <p>Failures keep Graph's wording (401 {@code InvalidAuthenticationToken}, 403
 * {@code Authorization_RequestDenied}); they go to the {@code onFailure} given to {@link #handler},
 * so that a router mounted in a host application answers them itself (see {@link LocalFailures}).
 * The handler is immutable and may be shared by every event loop.
 */
public final class ApiAuthHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ApiAuthHandler.class);

  /** App role allowing to create and control calls. */
  public static final String ROLE_INITIATE = "Calls.Initiate.All";
  /** App role allowing to access call media (play prompts, record, subscribe to tones...). */
  public static final String ROLE_ACCESS_MEDIA = "Calls.AccessMedia.All";
  /** Every role Callvert knows; what static and dev tokens hold. Add new roles here. */
  public static final Set<String> ALL_ROLES = Set.of(ROLE_INITIATE, ROLE_ACCESS_MEDIA);

  public static final String METHOD_DEV = "dev";
  public static final String METHOD_STATIC = "static";
  public static final String METHOD_JWT = "jwt";

  /** Clock skew tolerated on {@code exp} and {@code nbf}. */
  public static final int CLOCK_SKEW_SECONDS = 60;

  /** User attribute naming how the caller authenticated. */
  private static final String METHOD_ATTRIBUTE = "callvert.method";
  private static final String BEARER = "Bearer";

  /** Loads a user's app roles, the {@code roles} claim of a JWT or every role of a shared token. */
  public static final AuthorizationProvider ROLES = new AuthorizationProvider() {
    @Override
    public String getId() {
      return "callvert-roles";
    }

    @Override
    public Future<Void> getAuthorizations(User user) {
      Set<io.vertx.ext.auth.authorization.Authorization> roles = new HashSet<>();
      if (claims(user).getValue("roles") instanceof JsonArray array) {
        for (Object o : array) {
          if (o instanceof String role) {
            roles.add(RoleBasedAuthorization.create(role));
          }
        }
      }
      user.authorizations().put(getId(), roles);
      return Future.succeededFuture();
    }
  };

  /**
   * JWT validation settings.
   *
   * @param jwksJson a JWKS document ({@code {"keys":[...]}}) or a single JWK, as text; nullable
   * @param publicKeyPem a {@code -----BEGIN PUBLIC KEY-----} PEM (RSA: RS256, EC: ES256/384/512, EdDSA); nullable
   * @param issuers accepted {@code iss} values; empty accepts any
   * @param audiences accepted {@code aud} values (any one must match); empty accepts any
   */
  public record JwtSettings(String jwksJson, String publicKeyPem, List<String> issuers, List<String> audiences) {
    public JwtSettings {
      issuers = issuers == null ? List.of() : List.copyOf(issuers);
      audiences = audiences == null ? List.of() : List.copyOf(audiences);
    }
  }

  private final AuthenticationHandler chain;

  private ApiAuthHandler(AuthenticationHandler chain) {
    this.chain = chain;
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

  /** Test seam: injectable clock (for the messages telling an expired token from a not yet valid one). */
  static Future<ApiAuthHandler> create(Vertx vertx, List<String> staticTokens, boolean devTokenAllowed,
      String devToken, JwtSettings jwt, LongSupplier clockMs) {
    Objects.requireNonNull(vertx, "vertx");
    try {
      List<String> statics = new ArrayList<>();
      if (staticTokens != null) {
        for (String t : staticTokens) {
          if (t != null && !t.isBlank()) {
            statics.add(t.strip());
          }
        }
      }
      if (devTokenAllowed && (devToken == null || devToken.isBlank())) {
        throw new IllegalArgumentException("The dev token is allowed but no dev token is configured");
      }
      StaticTokens shared = new StaticTokens(statics, devTokenAllowed ? devToken.strip() : null);
      ChainAuthHandler chain = ChainAuthHandler.any()
          .add(SimpleAuthenticationHandler.create().authenticate(ctx -> shared.authenticate(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))));
      if (jwt != null) {
        chain.add(JWTAuthHandler.create(new GraphJwtAuth(buildJwtAuth(vertx, jwt), jwt, clockMs)));
      }

      if (devTokenAllowed) {
        LOG.warn("API authentication accepts the dev token: do not use this setting in production");
      }
      if (statics.isEmpty() && !devTokenAllowed && jwt == null) {
        LOG.warn("API authentication has no token configured: every API request will be rejected");
      } else {
        LOG.info("API authentication: {} static token(s), dev token {}, JWT {}", statics.size(),
            devTokenAllowed ? "allowed" : "refused",
            jwt == null ? "refused" : "accepted (issuers " + describe(jwt.issuers()) + ", audiences "
                + describe(jwt.audiences()) + ")");
      }
      return Future.succeededFuture(new ApiAuthHandler(chain));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static String describe(List<String> values) {
    return values.isEmpty() ? "any" : values.toString();
  }

  private static JWTAuth buildJwtAuth(Vertx vertx, JwtSettings jwt) {
    // the library checks signature, audience, a single issuer and the time claims (exp, nbf, iat)
    JWTOptions checks = new JWTOptions().setLeeway(CLOCK_SKEW_SECONDS).setIgnoreExpiration(true);
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

  /** Authenticates, failing the context with the {@link ApiException} on failure (for routers that own their failure handling). */
  @Override
  public void handle(RoutingContext ctx) {
    handler((c, e) -> c.fail(e)).handle(ctx);
  }

  /**
   * The authentication step: on success the caller's user (with its roles) is in the context and
   * {@code next()} is called; otherwise {@code onFailure} gets the 401 {@link ApiException}, with the
   * real context, whatever vertx-web's handlers failed with.
   */
  public Handler<RoutingContext> handler(BiConsumer<RoutingContext, ApiException> onFailure) {
    return ctx -> chain.handle(LocalFailures.view(ctx,
        (real, status, failure) -> onFailure.accept(real, unauthenticated(real, failure)), ctx.user()));
  }

  /** The 401 for what the chain failed with: the provider's own error, or what is wrong with the header. */
  private static ApiException unauthenticated(RoutingContext ctx, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ApiException api) {
        return api;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (failure != null && !(failure instanceof HttpException)) {
      LOG.debug("authentication failed", failure);
    }
    // the JWT handler refused the header itself (absent, another scheme, not a token)
    try {
      String token = StaticTokens.bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
      return ApiException.unauthenticated("Access token validation failure: "
          + (GraphJwtAuth.looksLikeJwt(token) ? "invalid token." : "unknown token."));
    } catch (ApiException headerProblem) {
      return headerProblem;
    }
  }

  // ------------------------------------------------------------------ roles

  /** The caller's app roles; empty if not authenticated. */
  public static Set<String> roles(RoutingContext ctx) {
    User user = ctx.user();
    if (user == null) {
      return Set.of();
    }
    Set<String> roles = new HashSet<>();
    user.authorizations().forEach(ROLES.getId(), a -> {
      if (a instanceof RoleBasedAuthorization r) {
        roles.add(r.getRole());
      }
    });
    return Set.copyOf(roles);
  }

  /** How the caller authenticated: {@link #METHOD_DEV}, {@link #METHOD_STATIC}, {@link #METHOD_JWT}; null if not. */
  public static String method(RoutingContext ctx) {
    return ctx.user() == null ? null : ctx.user().attributes().getString(METHOD_ATTRIBUTE);
  }

  /** A JWT caller's verified claims; null for other callers. */
  public static JsonObject claims(RoutingContext ctx) {
    return ctx.user() == null || !METHOD_JWT.equals(method(ctx)) ? null : claims(ctx.user());
  }

  static JsonObject claims(User user) {
    JsonObject token = user.attributes().getJsonObject("accessToken");
    return token != null ? token : user.principal();
  }

  static User user(String method, JsonObject principal) {
    User user = User.create(principal, new JsonObject().put(METHOD_ATTRIBUTE, method));
    ROLES.getAuthorizations(user);
    return user;
  }

  /**
   * Throws {@link ApiException#forbidden} unless the caller holds at least one of {@code anyOf}
   * ({@link RoleBasedAuthorization}s, checked synchronously). Fails closed: a context this handler did
   * not authenticate holds no role.
   */
  public static void requireRole(RoutingContext ctx, String... anyOf) {
    OrAuthorization any = anyOf(anyOf);
    User user = ctx.user();
    if (user == null || !user.authorizations().contains(ROLES.getId()) || !any.match(AuthorizationContext.create(user))) {
      throw forbidden(anyOf);
    }
  }

  /**
   * The same rule as an {@link AuthorizationHandler} to mount on a route; a refusal goes to
   * {@code onFailure} as the 403 {@link ApiException}.
   */
  public static Handler<RoutingContext> roleHandler(BiConsumer<RoutingContext, ApiException> onFailure, String... anyOf) {
    AuthorizationHandler authorization = AuthorizationHandler.create(anyOf(anyOf)).addAuthorizationProvider(ROLES);
    ApiException refusal = forbidden(anyOf);
    return ctx -> authorization.handle(LocalFailures.view(ctx, (real, status, failure) -> onFailure.accept(real,
        failure instanceof ApiException api ? api : refusal), null));
  }

  private static OrAuthorization anyOf(String... roles) {
    if (roles == null || roles.length == 0) {
      throw new IllegalArgumentException("a role check needs at least one role");
    }
    OrAuthorization any = OrAuthorization.create();
    for (String role : roles) {
      any.addAuthorization(RoleBasedAuthorization.create(role));
    }
    return any;
  }

  private static ApiException forbidden(String... anyOf) {
    return ApiException.forbidden("Missing role: one of " + Arrays.toString(anyOf) + " is required.");
  }

  // ------------------------------------------------------------------ the two kinds of token

  /** The static and dev tokens: an {@link AuthenticationProvider} for {@link TokenCredentials}. */
  static final class StaticTokens implements AuthenticationProvider {
    private final List<byte[]> staticDigests = new ArrayList<>();
    private final byte[] devDigest;

    StaticTokens(List<String> statics, String devToken) {
      statics.forEach(t -> staticDigests.add(sha256(t)));
      this.devDigest = devToken == null ? null : sha256(devToken);
    }

    /** The token of a Bearer {@code Authorization} header; throws the 401 when there is none. */
    static String bearer(String header) {
      if (header == null || header.isBlank()) {
        throw ApiException.unauthenticated("Bearer token missing.");
      }
      header = header.strip();
      int space = header.indexOf(' ');
      String scheme = space < 0 ? header : header.substring(0, space);
      if (!BEARER.equalsIgnoreCase(scheme)) {
        throw ApiException.unauthenticated("Authorization header must use the Bearer scheme.");
      }
      String token = space < 0 ? "" : header.substring(space + 1).strip();
      if (token.isEmpty()) {
        throw ApiException.unauthenticated("Bearer token missing.");
      }
      return token;
    }

    Future<User> authenticate(String authorizationHeader) {
      try {
        return authenticate(new TokenCredentials(bearer(authorizationHeader)));
      } catch (ApiException e) {
        return Future.failedFuture(e);
      }
    }

    @Override
    public Future<User> authenticate(Credentials credentials) {
      if (!(credentials instanceof TokenCredentials token)) {
        return Future.failedFuture(ApiException.unauthenticated("Access token validation failure: unknown token."));
      }
      byte[] presented = sha256(token.getToken());
      // Comparing digests makes every comparison the same length; no early exit across tokens.
      boolean isStatic = false;
      for (byte[] candidate : staticDigests) {
        isStatic |= MessageDigest.isEqual(candidate, presented);
      }
      boolean isDev = devDigest != null && MessageDigest.isEqual(devDigest, presented);
      if (!isStatic && !isDev) {
        return Future.failedFuture(ApiException.unauthenticated("Access token validation failure: unknown token."));
      }
      return Future.succeededFuture(user(isStatic ? METHOD_STATIC : METHOD_DEV,
          new JsonObject().put("roles", new JsonArray(List.copyOf(ALL_ROLES)))));
    }
  }

  /**
   * vertx-auth-jwt's {@link JWTAuth} with Graph's error messages, a required {@code exp}, several
   * accepted issuers, and no exception escaping for a malformed claim (e.g. a string {@code exp}).
   */
  static final class GraphJwtAuth implements JWTAuth {
    private final JWTAuth delegate;
    private final Set<String> issuers;
    private final LongSupplier clockMs;

    GraphJwtAuth(JWTAuth delegate, JwtSettings settings, LongSupplier clockMs) {
      this.delegate = delegate;
      this.issuers = settings.issuers().size() > 1 ? Set.copyOf(settings.issuers()) : Set.of();
      this.clockMs = clockMs;
    }

    static boolean looksLikeJwt(String token) {
      int first = token.indexOf('.');
      int second = first < 0 ? -1 : token.indexOf('.', first + 1);
      return first > 0 && second > first + 1 && token.indexOf('.', second + 1) < 0;
    }

    @Override
    public Future<User> authenticate(Credentials credentials) {
      if (!(credentials instanceof TokenCredentials token) || !looksLikeJwt(token.getToken())) {
        return Future.failedFuture(ApiException.unauthenticated("Access token validation failure: unknown token."));
      }
      Future<User> verified;
      try {
        verified = delegate.authenticate(credentials);
      } catch (RuntimeException malformed) { // e.g. a time claim that is not a number
        LOG.debug("JWT rejected: {}", malformed.toString());
        return Future.failedFuture(ApiException.unauthenticated("Access token validation failure: malformed token."));
      }
      return verified.transform(ar -> {
        if (ar.failed()) {
          LOG.debug("JWT rejected: {}", ar.cause().toString());
          return Future.failedFuture(ApiException.unauthenticated(describeFailure(ar.cause())));
        }
        User user = ar.result();
        String problem = checkTime(user);
        if (problem == null && !issuers.isEmpty()
            && !(claims(user).getValue("iss") instanceof String iss && issuers.contains(iss))) {
          problem = "Access token validation failure: issuer mismatch.";
        }
        if (problem != null) {
          return Future.failedFuture(ApiException.unauthenticated(problem));
        }
        user.attributes().put(METHOD_ATTRIBUTE, METHOD_JWT);
        ROLES.getAuthorizations(user);
        return Future.succeededFuture(user);
      });
    }

    /** The library's time rule ({@link User#expired(int)}, with leeway), an {@code exp} required, Graph's wording. */
    private String checkTime(User user) {
      JsonObject claims = claims(user);
      if (!(claims.getValue("exp") instanceof Number exp)) {
        return "Access token validation failure: exp claim missing.";
      }
      if (!user.expired(CLOCK_SKEW_SECONDS)) {
        return null;
      }
      long now = Math.floorDiv(clockMs.getAsLong(), 1000L);
      return now - CLOCK_SKEW_SECONDS >= exp.longValue() ? "Access token has expired." : "Access token is not yet valid.";
    }

    private static String describeFailure(Throwable cause) {
      String message = String.valueOf(cause.getMessage());
      if (cause instanceof NoSuchKeyIdException) {
        return "Access token validation failure: signing key not found.";
      }
      if (cause instanceof SignatureException || message.contains("Signature verification failed")) {
        return "Access token validation failure: invalid signature.";
      }
      if (message.startsWith("Invalid JWT audience")) {
        return "Access token validation failure: audience mismatch.";
      }
      if (message.startsWith("Invalid JWT issuer")) {
        return "Access token validation failure: issuer mismatch.";
      }
      return "Access token validation failure: invalid token.";
    }

    @Override
    public String generateToken(JsonObject claims, JWTOptions options) {
      throw new UnsupportedOperationException("verification only");
    }

    @Override
    public String generateToken(JsonObject claims) {
      throw new UnsupportedOperationException("verification only");
    }
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
