package io.callvert.verticles.auth;

import io.callvert.config.AuthOptions;
import io.callvert.config.ConfigException;
import io.callvert.config.JwtOptions;

import io.callvert.runtime.api.ApiException;
import io.callvert.verticles.http.LocalFailures;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authorization.AuthorizationProvider;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.AuthorizationHandler;
import io.vertx.ext.web.handler.ChainAuthHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.handler.SimpleAuthenticationHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *   <li>a {@link JWTAuthHandler} over vertx-auth-jwt's {@link JWTAuth} ({@link JwtKeys} sets it up,
 *       {@link GraphJwtAuth} words its refusals): <b>JWTs</b> (Entra ID style) verified against a
 *       JWKS and/or a public key (RSA, EC or EdDSA), with audience, issuer and {@code exp}/{@code nbf}
 *       checks ({@code auth.jwt.leewaySeconds} of leeway, default {@value #CLOCK_SKEW_SECONDS} s) done by the library.
 * </ul>
 *
 * <p>Shared static and dev tokens hold every role ({@link #ALL_ROLES}), app tokens {@link #APP_ROLES}; a JWT holds the app roles of its
 * {@code roles} claim, as {@link RoleBasedAuthorization}s loaded by {@link #ROLES}. Routes check them
 * with {@link #requireRole} (inline) or {@link #roleHandler} (an {@link AuthorizationHandler});
 * {@link ApiRoles} implements both.
 *
 * <p>Failures keep Graph's wording ({@link AuthErrors}: 401 {@code InvalidAuthenticationToken},
 * 403 {@code Authorization_RequestDenied}); they go to the {@code onFailure} given to
 * {@link #handler}, so that a router mounted in a host application answers them itself (see
 * {@link LocalFailures}). The handler is immutable and may be shared by every event loop.
 */
public final class ApiAuthHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ApiAuthHandler.class);

  /** App role allowing to create and control calls. */
  public static final String ROLE_INITIATE = "Calls.Initiate.All";
  /** App role allowing to access call media (play prompts, record, subscribe to tones...). */
  public static final String ROLE_ACCESS_MEDIA = "Calls.AccessMedia.All";
  /** Callvert's role for its simulator: the simulated caller's routes and reading calls back (contract rule 43). */
  public static final String ROLE_SIMULATE = "Callvert.Simulate.All";
  /** Callvert's role for seeing every app's calls and moving the test clock (contract rule 43). */
  public static final String ROLE_ADMIN = "Callvert.Admin";
  /** Every role Callvert knows; what shared static tokens and the dev token hold. Add new roles here. */
  public static final Set<String> ALL_ROLES = Set.of(ROLE_INITIATE, ROLE_ACCESS_MEDIA, ROLE_SIMULATE, ROLE_ADMIN);
  /** What a token of {@code auth.appTokens} holds: every role but {@link #ROLE_ADMIN}. */
  public static final Set<String> APP_ROLES = Set.of(ROLE_INITIATE, ROLE_ACCESS_MEDIA, ROLE_SIMULATE);

  public static final String METHOD_DEV = "dev";
  public static final String METHOD_STATIC = "static";
  public static final String METHOD_JWT = "jwt";

  /** Default clock skew tolerated on {@code exp} and {@code nbf} ({@code auth.jwt.leewaySeconds} sets it). */
  public static final int CLOCK_SKEW_SECONDS = 60;

  /** Loads a user's app roles, the {@code roles} claim of a JWT or every role of a shared token. */
  public static final AuthorizationProvider ROLES = ApiRoles.PROVIDER;

  /**
   * JWT validation settings.
   *
   * @param jwksJson a JWKS document ({@code {"keys":[...]}}) or a single JWK, as text; nullable
   * @param publicKeyPem a {@code -----BEGIN PUBLIC KEY-----} PEM (RSA: RS256, EC: ES256/384/512, EdDSA); nullable
   * @param issuers accepted {@code iss} values; empty accepts any
   * @param audiences accepted {@code aud} values (any one must match); empty accepts any
   * @param leewaySeconds clock skew tolerated on {@code exp}, {@code nbf} and {@code iat} ({@code auth.jwt.leewaySeconds})
   */
  public record JwtSettings(String jwksJson, String publicKeyPem, List<String> issuers, List<String> audiences,
      int leewaySeconds) {
    public JwtSettings {
      issuers = issuers == null ? List.of() : List.copyOf(issuers);
      audiences = audiences == null ? List.of() : List.copyOf(audiences);
    }

    /** With the default leeway, {@value ApiAuthHandler#CLOCK_SKEW_SECONDS} s. */
    public JwtSettings(String jwksJson, String publicKeyPem, List<String> issuers, List<String> audiences) {
      this(jwksJson, publicKeyPem, issuers, audiences, CLOCK_SKEW_SECONDS);
    }
  }

  private final AuthenticationHandler chain;

  private ApiAuthHandler(AuthenticationHandler chain) {
    this.chain = chain;
  }

  /**
   * The handler for {@code auth}: static tokens, the development token when nothing else is
   * configured, and JWTs when {@code auth.jwt.*} is set (the JWKS file is read first).
   *
   * @param configSource where the options came from, named by a {@link ConfigException}
   */
  public static Future<ApiAuthHandler> fromOptions(Vertx vertx, AuthOptions auth, String configSource) {
    JwtOptions jwt = auth.jwt();
    if (!jwt.configured()) {
      return create(vertx, auth.tokens(), auth.appTokenMap(), !auth.hasRealCredentials(), AuthOptions.DEV_TOKEN, null);
    }
    Future<String> jwks = jwt.jwksFile() != null
        ? vertx.fileSystem().readFile(jwt.jwksFile()).map(b -> b.toString())
            .recover(e -> Future.failedFuture(new ConfigException("auth.jwt.jwksFile",
                "cannot read " + jwt.jwksFile() + ": " + e.getMessage(), configSource, e)))
        : Future.succeededFuture(jwt.jwks());
    String keySource = jwt.jwksFile() != null ? "auth.jwt.jwksFile" : jwt.jwks() != null ? "auth.jwt.jwks"
        : "auth.jwt.publicKeyPem";
    return jwks.compose(text -> create(vertx, auth.tokens(), auth.appTokenMap(), false, AuthOptions.DEV_TOKEN,
            new JwtSettings(text, jwt.publicKeyPem(), jwt.issuers(), jwt.audiences(),
                jwt.leewaySeconds()))
        .recover(e -> Future.failedFuture(e instanceof ConfigException ? e
            : new ConfigException(keySource, "unusable verification key: " + e.getMessage(), configSource, e))));
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
    return create(vertx, staticTokens, Map.of(), devTokenAllowed, devToken, jwt, System::currentTimeMillis);
  }

  /**
   * Creates the handler, with app tokens besides.
   *
   * @param appTokens the tokens of {@code auth.appTokens}: token → app name; each such caller is its app
   *                  and holds {@link #APP_ROLES}
   */
  public static Future<ApiAuthHandler> create(Vertx vertx, List<String> staticTokens, Map<String, String> appTokens,
      boolean devTokenAllowed, String devToken, JwtSettings jwt) {
    return create(vertx, staticTokens, appTokens, devTokenAllowed, devToken, jwt, System::currentTimeMillis);
  }

  /** Test seam: injectable clock (for the messages telling an expired token from a not yet valid one). */
  static Future<ApiAuthHandler> create(Vertx vertx, List<String> staticTokens, boolean devTokenAllowed,
      String devToken, JwtSettings jwt, LongSupplier clockMs) {
    return create(vertx, staticTokens, Map.of(), devTokenAllowed, devToken, jwt, clockMs);
  }

  private static Future<ApiAuthHandler> create(Vertx vertx, List<String> staticTokens, Map<String, String> appTokens,
      boolean devTokenAllowed, String devToken, JwtSettings jwt, LongSupplier clockMs) {
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
      Map<String, String> apps = appTokens == null ? Map.of() : Map.copyOf(appTokens);
      StaticTokens shared = new StaticTokens(statics, apps, devTokenAllowed ? devToken.strip() : null);
      ChainAuthHandler chain = ChainAuthHandler.any()
          .add(SimpleAuthenticationHandler.create().authenticate(ctx -> shared.authenticate(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))));
      if (jwt != null) {
        chain.add(JWTAuthHandler.create(new GraphJwtAuth(JwtKeys.jwtAuth(vertx, jwt), jwt, clockMs)));
      }

      if (devTokenAllowed) {
        LOG.warn("API authentication accepts the dev token: do not use this setting in production");
      }
      if (statics.isEmpty() && apps.isEmpty() && !devTokenAllowed && jwt == null) {
        LOG.warn("API authentication has no token configured: every API request will be rejected");
      } else {
        LOG.info("API authentication: {} static token(s), {} app token(s), dev token {}, JWT {}", statics.size(), apps.size(),
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
    LocalFailures.OnFailure refused = refused(onFailure);
    return ctx -> chain.handle(LocalFailures.view(ctx, refused, ctx.user()));
  }

  /**
   * {@link #handler} for Callvert's own router ({@code HttpApi}), whose failure handler asks
   * {@link LocalFailures#handled} first and whose next route calls {@link LocalFailures#passed}: at the top
   * level no view of the context is made ({@link LocalFailures#run}).
   */
  public Handler<RoutingContext> routerStep(BiConsumer<RoutingContext, ApiException> onFailure) {
    LocalFailures.OnFailure refused = refused(onFailure);
    return ctx -> LocalFailures.run(chain, ctx, refused, ctx.user());
  }

  private static LocalFailures.OnFailure refused(BiConsumer<RoutingContext, ApiException> onFailure) {
    return (real, status, failure) -> onFailure.accept(real, AuthErrors.unauthenticated(real, failure));
  }

  // ------------------------------------------------------------------ roles (see ApiRoles)

  /** The caller's app roles; empty if not authenticated. */
  public static Set<String> roles(RoutingContext ctx) {
    return ApiRoles.roles(ctx);
  }

  /** The app the caller is (contract rule 43); null if not authenticated. See {@link ApiRoles#app}. */
  public static String app(RoutingContext ctx) {
    return ApiRoles.app(ctx);
  }

  /**
   * Whose calls the caller may see (contract rule 43): null for every app's (a holder of
   * {@link #ROLE_ADMIN}), else its own {@link #app}. Fails closed: an unauthenticated context sees
   * no call (an app no call has).
   */
  public static String callScope(RoutingContext ctx) {
    if (ctx.user() == null) {
      return "";
    }
    return ApiRoles.holds(ctx, ROLE_ADMIN) ? null : app(ctx);
  }

  /** How the caller authenticated: {@link #METHOD_DEV}, {@link #METHOD_STATIC}, {@link #METHOD_JWT}; null if not. */
  public static String method(RoutingContext ctx) {
    return ApiRoles.method(ctx);
  }

  /** A JWT caller's verified claims; null for other callers. */
  public static JsonObject claims(RoutingContext ctx) {
    return ctx.user() == null || !METHOD_JWT.equals(method(ctx)) ? null : ApiRoles.claims(ctx.user());
  }

  /**
   * Throws {@link ApiException#forbidden} unless the caller holds at least one of {@code anyOf}
   * ({@link RoleBasedAuthorization}s, checked synchronously). Fails closed: a context this handler did
   * not authenticate holds no role.
   */
  public static void requireRole(RoutingContext ctx, String... anyOf) {
    ApiRoles.requireRole(ctx, anyOf);
  }

  /**
   * The same rule as an {@link AuthorizationHandler} to mount on a route; a refusal goes to
   * {@code onFailure} as the 403 {@link ApiException}.
   */
  public static Handler<RoutingContext> roleHandler(BiConsumer<RoutingContext, ApiException> onFailure, String... anyOf) {
    return ApiRoles.roleHandler(onFailure, anyOf);
  }
}
