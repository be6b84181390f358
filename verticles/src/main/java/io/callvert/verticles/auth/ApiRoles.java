package io.callvert.verticles.auth;

import io.callvert.runtime.api.ApiException;
import io.callvert.verticles.http.LocalFailures;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.AuthorizationProvider;
import io.vertx.ext.auth.authorization.OrAuthorization;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthorizationHandler;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Role authorization and what an authenticated caller is: a vertx-auth {@link User} whose app
 * roles are {@link RoleBasedAuthorization}s loaded by {@link #PROVIDER} (the {@code roles} claim of
 * a JWT, every role for a static or dev token), and whose attribute {@value #METHOD_ATTRIBUTE}
 * says how it authenticated. The public entry points are on {@link ApiAuthHandler}.
 */
final class ApiRoles {

  /** User attribute naming how the caller authenticated. */
  static final String METHOD_ATTRIBUTE = "callvert.method";
  /** Principal field of a static or dev token's user: its app (see {@link #app}). */
  static final String APP_FIELD = "callvert.app";

  /** Loads a user's app roles, the {@code roles} claim of a JWT or every role of a shared token. */
  static final AuthorizationProvider PROVIDER = new AuthorizationProvider() {
    @Override
    public String getId() {
      return "callvert-roles";
    }

    @Override
    public Future<Void> getAuthorizations(User user) {
      Set<Authorization> roles = new HashSet<>();
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

  private ApiRoles() {}

  /** A caller authenticated by {@code method}, holding the roles of {@code principal}. */
  static User user(String method, JsonObject principal) {
    User user = User.create(principal, new JsonObject().put(METHOD_ATTRIBUTE, method));
    PROVIDER.getAuthorizations(user);
    return user;
  }

  /** {@code user}, verified by {@code method}, with its roles loaded. */
  static User authenticated(User user, String method) {
    user.attributes().put(METHOD_ATTRIBUTE, method);
    PROVIDER.getAuthorizations(user);
    return user;
  }

  /** The verified claims of a JWT user (the principal for other users). */
  static JsonObject claims(User user) {
    JsonObject token = user.attributes().getJsonObject("accessToken");
    return token != null ? token : user.principal();
  }

  static Set<String> roles(RoutingContext ctx) {
    User user = ctx.user();
    if (user == null) {
      return Set.of();
    }
    Set<String> roles = new HashSet<>();
    user.authorizations().forEach(PROVIDER.getId(), a -> {
      if (a instanceof RoleBasedAuthorization r) {
        roles.add(r.getRole());
      }
    });
    return Set.copyOf(roles);
  }

  /**
   * The app a caller is (contract rule 43): {@code token:<app>} for a token of {@code auth.appTokens},
   * {@code static} for the shared tokens of {@code auth.tokens}, {@code dev} for the development token,
   * and for a JWT its tenant ({@code tid}) and application ({@code appid}, else {@code azp}, else
   * {@code sub}), written unambiguously as {@code jwt:<length of tid>:<tid>:<app>} (a claim that is absent
   * or not a string counts as empty). Null when not authenticated.
   */
  static String app(RoutingContext ctx) {
    User user = ctx.user();
    if (user == null) {
      return null;
    }
    if (!ApiAuthHandler.METHOD_JWT.equals(user.attributes().getString(METHOD_ATTRIBUTE))) {
      return user.principal().getString(APP_FIELD);
    }
    JsonObject claims = claims(user);
    String app = string(claims, "appid");
    if (app.isEmpty()) {
      app = string(claims, "azp");
    }
    if (app.isEmpty()) {
      app = string(claims, "sub");
    }
    String tid = string(claims, "tid");
    return "jwt:" + tid.length() + ":" + tid + ":" + app; // length-prefixed: no two (tid, app) pairs meet
  }

  private static String string(JsonObject claims, String name) {
    return claims.getValue(name) instanceof String s ? s : "";
  }

  /** Whether the caller holds {@code role} (loaded by {@link #PROVIDER}); no set is built. */
  static boolean holds(RoutingContext ctx, String role) {
    User user = ctx.user();
    if (user == null) {
      return false;
    }
    boolean[] held = {false};
    user.authorizations().forEach(PROVIDER.getId(), a -> held[0] |= a instanceof RoleBasedAuthorization r && role.equals(r.getRole()));
    return held[0];
  }

  static String method(RoutingContext ctx) {
    return ctx.user() == null ? null : ctx.user().attributes().getString(METHOD_ATTRIBUTE);
  }

  /**
   * Passes when the caller holds one of {@code anyOf}, the same test as {@link #roleHandler}'s
   * {@link OrAuthorization} of {@link RoleBasedAuthorization}s, without building one per request.
   */
  static void requireRole(RoutingContext ctx, String... anyOf) {
    if (anyOf.length == 0) {
      throw new IllegalArgumentException("a role check needs at least one role");
    }
    for (String role : anyOf) {
      if (holds(ctx, role)) {
        return;
      }
    }
    throw AuthErrors.forbidden(anyOf);
  }

  static Handler<RoutingContext> roleHandler(BiConsumer<RoutingContext, ApiException> onFailure, String... anyOf) {
    AuthorizationHandler authorization = AuthorizationHandler.create(anyOf(anyOf)).addAuthorizationProvider(PROVIDER);
    ApiException refusal = AuthErrors.forbidden(anyOf);
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
}
