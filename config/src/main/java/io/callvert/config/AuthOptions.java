package io.callvert.config;

import java.util.List;

/**
 * Authentication of API callers (JSON object {@code auth}).
 *
 * @param tokens static bearer tokens that are accepted; default empty. Never echoed by {@link #toString()}
 * @param jwt JWT bearer token verification; {@code null} = defaults (not configured)
 */
public record AuthOptions(List<String> tokens, JwtOptions jwt) {

  /**
   * Well-known development token, like Azurite's account key: public knowledge, only for local development when no
   * real credentials are configured.
   */
  public static final String DEV_TOKEN = "callvert-dev-token";

  /** Validates; {@code null} tokens = empty, {@code null} jwt = defaults. */
  public AuthOptions {
    tokens = Check.strings("auth.tokens", tokens);
    jwt = jwt == null ? JwtOptions.defaults() : jwt;
  }

  public static AuthOptions defaults() {
    return new AuthOptions(List.of(), JwtOptions.defaults());
  }

  /** Whether static tokens or a JWT key source are configured (i.e. the dev token is not needed). */
  public boolean hasRealCredentials() {
    return !tokens.isEmpty() || jwt.configured();
  }

  public AuthOptions withTokens(List<String> tokens) {
    return new AuthOptions(tokens, jwt);
  }

  public AuthOptions withJwt(JwtOptions jwt) {
    return new AuthOptions(tokens, jwt);
  }

  /** Redacts the tokens. */
  @Override
  public String toString() {
    return "AuthOptions[tokens=<" + tokens.size() + " redacted>, jwt=" + jwt + "]";
  }
}
