package io.callvert.verticles.auth;

import io.callvert.runtime.api.ApiException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.security.SignatureException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the API's authentication and authorization answer with, in Graph's wording: 401
 * {@code InvalidAuthenticationToken} (through {@link ApiException#unauthenticated}) and 403
 * {@code Authorization_RequestDenied} (through {@link ApiException#forbidden}). The messages are
 * part of the wire (contract, "Authentication"): change none of them.
 */
final class AuthErrors {

  private static final Logger LOG = LoggerFactory.getLogger(AuthErrors.class);

  private AuthErrors() {}

  static ApiException bearerMissing() {
    return ApiException.unauthenticated("Bearer token missing.");
  }

  static ApiException notBearer() {
    return ApiException.unauthenticated("Authorization header must use the Bearer scheme.");
  }

  static ApiException unknownToken() {
    return ApiException.unauthenticated("Access token validation failure: unknown token.");
  }

  static ApiException malformedToken() {
    return ApiException.unauthenticated("Access token validation failure: malformed token.");
  }

  static ApiException expClaimMissing() {
    return ApiException.unauthenticated("Access token validation failure: exp claim missing.");
  }

  static ApiException expired() {
    return ApiException.unauthenticated("Access token has expired.");
  }

  static ApiException notYetValid() {
    return ApiException.unauthenticated("Access token is not yet valid.");
  }

  static ApiException issuerMismatch() {
    return ApiException.unauthenticated("Access token validation failure: issuer mismatch.");
  }

  /** What vertx-auth-jwt refused a token for, in Graph's words. */
  static ApiException jwtRefused(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    if (cause instanceof NoSuchKeyIdException) {
      return ApiException.unauthenticated("Access token validation failure: signing key not found.");
    }
    if (cause instanceof SignatureException || message.contains("Signature verification failed")) {
      return ApiException.unauthenticated("Access token validation failure: invalid signature.");
    }
    if (message.startsWith("Invalid JWT audience")) {
      return ApiException.unauthenticated("Access token validation failure: audience mismatch.");
    }
    if (message.startsWith("Invalid JWT issuer")) {
      return issuerMismatch();
    }
    return ApiException.unauthenticated("Access token validation failure: invalid token.");
  }

  /**
   * The 401 for what the authentication chain failed with: the provider's own error, or what is
   * wrong with the header when the JWT handler refused it itself (absent, another scheme, not a
   * token).
   */
  static ApiException unauthenticated(RoutingContext ctx, Throwable failure) {
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
    try {
      String token = StaticTokens.bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
      return ApiException.unauthenticated("Access token validation failure: "
          + (GraphJwtAuth.looksLikeJwt(token) ? "invalid token." : "unknown token."));
    } catch (ApiException headerProblem) {
      return headerProblem;
    }
  }

  /** The 403 for a caller holding none of {@code anyOf}. */
  static ApiException forbidden(String... anyOf) {
    return ApiException.forbidden("Missing role: one of " + Arrays.toString(anyOf) + " is required.");
  }
}
