package io.callvert.verticles.auth;

import io.callvert.runtime.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The static API tokens and the development token: an {@link AuthenticationProvider} for
 * {@link TokenCredentials}, compared in constant time. A shared static token ({@code auth.tokens}) or
 * the dev token holds every role ({@link ApiAuthHandler#ALL_ROLES}, {@code Callvert.Admin} included);
 * an app token ({@code auth.appTokens}) is its app and holds {@link ApiAuthHandler#APP_ROLES}.
 */
final class StaticTokens implements AuthenticationProvider {

  private static final String BEARER = "Bearer";

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

  private final List<byte[]> staticDigests = new ArrayList<>();
  private final List<byte[]> appDigests = new ArrayList<>();
  private final byte[] devDigest;
  /**
   * The users these tokens authenticate, made once: a token always stands for the same caller, and building its
   * user (principal, attributes, role set) on every request was ~5% of the cancel path. Nothing changes a user
   * after it is made (its roles are loaded here, so no authorization handler loads them again), so the event loops
   * share them.
   */
  private final User staticUser;
  private final User devUser;
  private final List<User> appUsers = new ArrayList<>();

  StaticTokens(List<String> statics, String devToken) {
    this(statics, Map.of(), devToken);
  }

  /** @param appTokens token → app name */
  StaticTokens(List<String> statics, Map<String, String> appTokens, String devToken) {
    statics.forEach(t -> staticDigests.add(sha256(t)));
    appTokens.forEach((token, app) -> {
      appDigests.add(sha256(token));
      appUsers.add(ApiRoles.user(ApiAuthHandler.METHOD_STATIC, new JsonObject()
          .put("roles", new JsonArray(List.copyOf(ApiAuthHandler.APP_ROLES))).put(ApiRoles.APP_FIELD, "token:" + app)));
    });
    this.devDigest = devToken == null ? null : sha256(devToken);
    this.staticUser = sharedUser(ApiAuthHandler.METHOD_STATIC, "static");
    this.devUser = sharedUser(ApiAuthHandler.METHOD_DEV, "dev");
  }

  private static User sharedUser(String method, String app) {
    return ApiRoles.user(method, new JsonObject().put("roles", new JsonArray(List.copyOf(ApiAuthHandler.ALL_ROLES)))
        .put(ApiRoles.APP_FIELD, app));
  }

  /** The token of a Bearer {@code Authorization} header; throws the 401 when there is none. */
  static String bearer(String header) {
    if (header == null || header.isBlank()) {
      throw AuthErrors.bearerMissing();
    }
    header = header.strip();
    int space = header.indexOf(' ');
    String scheme = space < 0 ? header : header.substring(0, space);
    if (!BEARER.equalsIgnoreCase(scheme)) {
      throw AuthErrors.notBearer();
    }
    String token = space < 0 ? "" : header.substring(space + 1).strip();
    if (token.isEmpty()) {
      throw AuthErrors.bearerMissing();
    }
    return token;
  }

  /** Authenticates the token of an {@code Authorization} header. */
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
      return Future.failedFuture(AuthErrors.unknownToken());
    }
    byte[] presented = sha256(token.getToken());
    // Comparing digests makes every comparison the same length; no early exit across tokens.
    boolean isStatic = false;
    for (byte[] candidate : staticDigests) {
      isStatic |= MessageDigest.isEqual(candidate, presented);
    }
    User app = null;
    for (int i = 0; i < appDigests.size(); i++) {
      if (MessageDigest.isEqual(appDigests.get(i), presented) && app == null) {
        app = appUsers.get(i);
      }
    }
    boolean isDev = devDigest != null && MessageDigest.isEqual(devDigest, presented);
    if (app != null && !isStatic) {
      return Future.succeededFuture(app);
    }
    if (!isStatic && !isDev) {
      return Future.failedFuture(AuthErrors.unknownToken());
    }
    return Future.succeededFuture(isStatic ? staticUser : devUser);
  }

  private static byte[] sha256(String value) {
    return SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8));
  }
}
