package io.callvert.verticles.auth;

import io.callvert.runtime.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vertx-auth-jwt's {@link JWTAuth} (built by {@link JwtKeys}) with Graph's error messages, a
 * required {@code exp}, several accepted issuers, and no exception escaping for a malformed claim
 * (e.g. a string {@code exp}). A JWT caller holds the app roles of its {@code roles} claim.
 */
final class GraphJwtAuth implements JWTAuth {

  private static final Logger LOG = LoggerFactory.getLogger(GraphJwtAuth.class);

  private final JWTAuth delegate;
  private final Set<String> issuers;
  private final LongSupplier clockMs;
  private final int leewaySeconds;

  GraphJwtAuth(JWTAuth delegate, ApiAuthHandler.JwtSettings settings, LongSupplier clockMs) {
    this.delegate = delegate;
    // a single issuer is checked by the library (JwtKeys); several are checked here
    this.issuers = settings.issuers().size() > 1 ? Set.copyOf(settings.issuers()) : Set.of();
    this.clockMs = clockMs;
    this.leewaySeconds = settings.leewaySeconds();
  }

  /** Three dot-separated parts, the first two non-empty: worth handing to the JWT verifier. */
  static boolean looksLikeJwt(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    return first > 0 && second > first + 1 && token.indexOf('.', second + 1) < 0;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials token) || !looksLikeJwt(token.getToken())) {
      return Future.failedFuture(AuthErrors.unknownToken());
    }
    Future<User> verified;
    try {
      verified = delegate.authenticate(credentials);
    } catch (RuntimeException malformed) { // e.g. a time claim that is not a number
      LOG.debug("JWT rejected: {}", malformed.toString());
      return Future.failedFuture(AuthErrors.malformedToken());
    }
    return verified.transform(ar -> {
      if (ar.failed()) {
        LOG.debug("JWT rejected: {}", ar.cause().toString());
        return Future.failedFuture(AuthErrors.jwtRefused(ar.cause()));
      }
      User user = ar.result();
      ApiException problem = checkTime(user);
      if (problem == null && !issuers.isEmpty()
          && !(ApiRoles.claims(user).getValue("iss") instanceof String iss && issuers.contains(iss))) {
        problem = AuthErrors.issuerMismatch();
      }
      if (problem != null) {
        return Future.failedFuture(problem);
      }
      return Future.succeededFuture(ApiRoles.authenticated(user, ApiAuthHandler.METHOD_JWT));
    });
  }

  /** The library's time rule ({@link User#expired(int)}, with leeway), an {@code exp} required, Graph's wording. */
  private ApiException checkTime(User user) {
    JsonObject claims = ApiRoles.claims(user);
    if (!(claims.getValue("exp") instanceof Number exp)) {
      return AuthErrors.expClaimMissing();
    }
    if (!user.expired(leewaySeconds)) {
      return null;
    }
    long now = Math.floorDiv(clockMs.getAsLong(), 1000L);
    return now - leewaySeconds >= exp.longValue() ? AuthErrors.expired() : AuthErrors.notYetValid();
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
