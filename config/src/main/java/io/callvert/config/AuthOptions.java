package io.callvert.config;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Authentication of API callers (JSON object {@code auth}).
 *
 * @param tokens shared static bearer tokens: each holds every role, {@code Callvert.Admin} included (sees every
 *     app's calls); default empty. Never echoed by {@link #toString()}
 * @param jwt JWT bearer token verification; {@code null} = defaults (not configured)
 * @param appTokens bearer tokens of apps, each {@code <app>:<token>} (the app a name of letters, digits, {@code . _ -};
 *     the token everything after the first colon): such a caller is that app, sees only its own calls and holds
 *     every role but {@code Callvert.Admin} (contract rule 43); default empty. Never echoed by {@link #toString()}
 */
public record AuthOptions(List<String> tokens, JwtOptions jwt, List<String> appTokens) {

  private static final Pattern APP_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /**
   * Well-known development token, like Azurite's account key: public knowledge, only for local development when no
   * real credentials are configured.
   */
  public static final String DEV_TOKEN = "callvert-dev-token";

  /** Validates; {@code null} tokens = empty, {@code null} jwt = defaults. */
  public AuthOptions {
    tokens = Check.strings("auth.tokens", tokens);
    jwt = jwt == null ? JwtOptions.defaults() : jwt;
    appTokens = Check.strings("auth.appTokens", appTokens);
    Set<String> shared = new HashSet<>();
    tokens.forEach(t -> shared.add(t.strip()));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < appTokens.size(); i++) {
      String entry = appTokens.get(i);
      int colon = entry.indexOf(':');
      // the entry's text is never quoted back: it holds a secret
      if (colon < 0 || !APP_NAME.matcher(entry.substring(0, colon).strip()).matches()) {
        throw new ConfigException("auth.appTokens", "entry " + i + " must be <app>:<token>, the app of 1 to 128 letters, digits, '.', '_' or '-'");
      }
      String token = entry.substring(colon + 1).strip();
      if (token.isEmpty()) {
        throw new ConfigException("auth.appTokens", "entry " + i + " has no token after the colon");
      }
      if (!seen.add(token) || shared.contains(token)) {
        throw new ConfigException("auth.appTokens", "entry " + i + "'s token is already given to another app or in auth.tokens");
      }
    }
  }

  public AuthOptions(List<String> tokens, JwtOptions jwt) {
    this(tokens, jwt, List.of());
  }

  public static AuthOptions defaults() {
    return new AuthOptions(List.of(), JwtOptions.defaults(), List.of());
  }

  /** Whether static tokens, app tokens or a JWT key source are configured (i.e. the dev token is not needed). */
  public boolean hasRealCredentials() {
    return !tokens.isEmpty() || !appTokens.isEmpty() || jwt.configured();
  }

  /** {@link #appTokens()} as token → app name. */
  public Map<String, String> appTokenMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String entry : appTokens) {
      int colon = entry.indexOf(':');
      map.put(entry.substring(colon + 1).strip(), entry.substring(0, colon).strip());
    }
    return map;
  }

  public AuthOptions withTokens(List<String> tokens) {
    return new AuthOptions(tokens, jwt, appTokens);
  }

  public AuthOptions withJwt(JwtOptions jwt) {
    return new AuthOptions(tokens, jwt, appTokens);
  }

  public AuthOptions withAppTokens(List<String> appTokens) {
    return new AuthOptions(tokens, jwt, appTokens);
  }

  /** Redacts the tokens. */
  @Override
  public String toString() {
    return "AuthOptions[tokens=<" + tokens.size() + " redacted>, jwt=" + jwt + ", appTokens=<" + appTokens.size() + " redacted>]";
  }
}
