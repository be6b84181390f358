package io.callvert.config;

import java.security.PrivateKey;
import java.util.Optional;

/**
 * Delivery of change notifications to the bot's callback URI (JSON object {@code webhook}).
 *
 * @param signingEnabled sign notifications with a Bot Framework style JWT ({@code Authorization: Bearer}), default true
 * @param issuer {@code iss} claim of notification tokens, default {@code https://api.botframework.com}
 * @param appId {@code aud} claim of notification tokens (the bot's application id), default
 *     {@value #DEFAULT_APP_ID}
 * @param signingKeyPem nullable PKCS#8 PEM private key signing the tokens (RSA of at least 2048 bits: RS256; EC P-256,
 *     P-384 or P-521: ES256, ES384, ES512; Ed25519: EdDSA); {@code null} = generated at start.
 *     Literal {@code \n} sequences are turned into newlines. Never echoed by {@link #toString()}
 * @param tokenLifetimeMs lifetime of a notification token, default and maximum 300000 (5 min)
 * @param timeoutMs total deadline of one delivery attempt (DNS, connect, request and the whole response), default 5 s
 * @param backoffInitialMs first retry delay, default 500 ms
 * @param backoffMaxMs retry delay cap, default 30 s, at least {@code backoffInitialMs}
 * @param retryBudgetMs how long a notification is retried before it is dead-lettered, default 24 h; 0 = no retries
 * @param causalityGateMs how long an operation notification waits for the HTTP response that created the operation to be written (contract rule 7 — No notification before its answer), default 5 s; 0 = no wait
 * @param maxConnections connections of the notification HTTP client per destination host and port, default 64
 * @param minRetryDelayMs the shortest wait before retrying a failed notification, whatever the bot's
 *     {@code Retry-After} or the backoff says, default 100 ms; 0 = no minimum
 * @param profile the delivery profile (contract rules 77-79): strict by default; {@code null} = the default
 */
public record WebhookOptions(boolean signingEnabled, String issuer, String appId, String signingKeyPem,
    long tokenLifetimeMs, long timeoutMs, long backoffInitialMs, long backoffMaxMs, long retryBudgetMs,
    long causalityGateMs, int maxConnections, long minRetryDelayMs, DeliveryProfileOptions profile) {

  public static final boolean DEFAULT_SIGNING_ENABLED = true;
  public static final String DEFAULT_ISSUER = "https://api.botframework.com";
  /** Fixed, documented placeholder bot application id ("c411" ~ "call"); set your real app id for production. */
  public static final String DEFAULT_APP_ID = "00000000-0000-0000-0000-00000000c411";
  /** Upper bound of {@link #tokenLifetimeMs()}: 5 minutes. */
  public static final long MAX_TOKEN_LIFETIME_MS = 300_000L;
  public static final long DEFAULT_TOKEN_LIFETIME_MS = MAX_TOKEN_LIFETIME_MS;
  public static final long DEFAULT_TIMEOUT_MS = 5_000L;
  public static final long DEFAULT_BACKOFF_INITIAL_MS = 500L;
  public static final long DEFAULT_BACKOFF_MAX_MS = 30_000L;
  public static final long DEFAULT_RETRY_BUDGET_MS = 86_400_000L;
  public static final long DEFAULT_CAUSALITY_GATE_MS = 5_000L;
  public static final int DEFAULT_MAX_CONNECTIONS = 64;
  public static final long DEFAULT_MIN_RETRY_DELAY_MS = 100L;

  /** Validates (the signing key must parse); {@code null} issuer/appId mean the defaults. */
  public WebhookOptions {
    issuer = issuer == null ? DEFAULT_ISSUER : Check.nonBlank("webhook.issuer", issuer);
    appId = appId == null ? DEFAULT_APP_ID : Check.nonBlank("webhook.appId", appId);
    signingKeyPem = Pem.normalize(signingKeyPem);
    if (signingKeyPem != null) {
      Pem.privateKey("webhook.signingKeyPem", signingKeyPem);
    }
    Check.range("webhook.tokenLifetimeMs", tokenLifetimeMs, 1, MAX_TOKEN_LIFETIME_MS);
    Check.positive("webhook.timeoutMs", timeoutMs);
    Check.positive("webhook.backoffInitialMs", backoffInitialMs);
    Check.positive("webhook.backoffMaxMs", backoffMaxMs);
    if (backoffMaxMs < backoffInitialMs) {
      throw new ConfigException("webhook.backoffMaxMs",
          "must be >= webhook.backoffInitialMs (" + backoffInitialMs + "), got " + backoffMaxMs);
    }
    Check.nonNegative("webhook.retryBudgetMs", retryBudgetMs);
    Check.nonNegative("webhook.causalityGateMs", causalityGateMs);
    Check.positive("webhook.maxConnections", maxConnections);
    Check.nonNegative("webhook.minRetryDelayMs", minRetryDelayMs);
    profile = profile == null ? DeliveryProfileOptions.defaults() : profile;
  }

  public static WebhookOptions defaults() {
    return new WebhookOptions(DEFAULT_SIGNING_ENABLED, DEFAULT_ISSUER, DEFAULT_APP_ID, null, DEFAULT_TOKEN_LIFETIME_MS,
        DEFAULT_TIMEOUT_MS, DEFAULT_BACKOFF_INITIAL_MS, DEFAULT_BACKOFF_MAX_MS, DEFAULT_RETRY_BUDGET_MS,
        DEFAULT_CAUSALITY_GATE_MS, DEFAULT_MAX_CONNECTIONS, DEFAULT_MIN_RETRY_DELAY_MS, DeliveryProfileOptions.defaults());
  }

  /** {@link #signingKeyPem()} parsed, if set ({@code empty} = the runtime generates a key at start). */
  public Optional<PrivateKey> signingKey() {
    return signingKeyPem == null
        ? Optional.empty()
        : Optional.of(Pem.privateKey("webhook.signingKeyPem", signingKeyPem));
  }

  /** Redacts the signing key. */
  @Override
  public String toString() {
    return "WebhookOptions[signingEnabled=" + signingEnabled + ", issuer=" + issuer + ", appId=" + appId
        + ", signingKeyPem=" + (signingKeyPem == null ? "null" : "<redacted>") + ", tokenLifetimeMs=" + tokenLifetimeMs
        + ", timeoutMs=" + timeoutMs + ", backoffInitialMs=" + backoffInitialMs + ", backoffMaxMs=" + backoffMaxMs
        + ", retryBudgetMs=" + retryBudgetMs + ", causalityGateMs=" + causalityGateMs + ", maxConnections="
        + maxConnections + ", minRetryDelayMs=" + minRetryDelayMs + ", profile=" + profile + "]";
  }

  public WebhookOptions withSigningEnabled(boolean signingEnabled) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withIssuer(String issuer) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withAppId(String appId) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withSigningKeyPem(String signingKeyPem) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withTokenLifetimeMs(long tokenLifetimeMs) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withTimeoutMs(long timeoutMs) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withBackoffInitialMs(long backoffInitialMs) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withBackoffMaxMs(long backoffMaxMs) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withRetryBudgetMs(long retryBudgetMs) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withCausalityGateMs(long causalityGateMs) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withMaxConnections(int maxConnections) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withMinRetryDelayMs(long minRetryDelayMs) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }

  public WebhookOptions withProfile(DeliveryProfileOptions profile) {
    return new WebhookOptions(signingEnabled, issuer, appId, signingKeyPem, tokenLifetimeMs, timeoutMs, backoffInitialMs, backoffMaxMs, retryBudgetMs, causalityGateMs, maxConnections, minRetryDelayMs, profile);
  }
}
