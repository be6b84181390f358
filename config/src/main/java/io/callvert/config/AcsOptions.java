package io.callvert.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Base64;

/**
 * The ACS Call Automation dialect (JSON object {@code acs}, contract rules 48–59).
 *
 * @param accessKey the base64 access key that HMAC-signs ACS requests ({@code endpoint=…;accesskey=<it>}); unset: the
 *     well-known development key {@link #DEV_ACCESS_KEY}, accepted only while Callvert listens on loopback (as the
 *     development bearer token). Never echoed by {@link #toString()}
 * @param clockSkewSeconds how far an {@code x-ms-date} may be from Callvert's clock (the SDK's retries resend the
 *     first date), 0 to 3600, default 600
 * @param repeatabilityCacheSize most {@code Repeatability-Request-ID}s remembered, oldest forgotten first; 0 turns
 *     repeatability off (every request is carried out); default 10000
 * @param repeatabilityTtlMs how long a {@code Repeatability-Request-ID} and its first answer are remembered, default
 *     600000 (10 minutes)
 * @param incomingCallUri where the IncomingCall event of a simulated call to the ACS app goes (the app's Event Grid
 *     webhook); a simulator request may name its own; unset: the request must
 */
public record AcsOptions(String accessKey, int clockSkewSeconds, int repeatabilityCacheSize, long repeatabilityTtlMs,
    String incomingCallUri) {

  /** The well-known development access key (base64 of {@code callvert-acs-development-access-key}). */
  public static final String DEV_ACCESS_KEY =
      Base64.getEncoder().encodeToString("callvert-acs-development-access-key".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  public static final int DEFAULT_CLOCK_SKEW_SECONDS = 600;
  public static final int DEFAULT_REPEATABILITY_CACHE_SIZE = 10_000;
  public static final long DEFAULT_REPEATABILITY_TTL_MS = 600_000L;

  /** Validates. */
  public AcsOptions {
    accessKey = Check.blankToNull(accessKey);
    if (accessKey != null) {
      try {
        if (Base64.getDecoder().decode(accessKey.strip()).length == 0) {
          throw new IllegalArgumentException("empty");
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException("acs.accessKey", "must be a non-empty base64 key (the accesskey of an ACS connection string)");
      }
      accessKey = accessKey.strip();
    }
    Check.range("acs.clockSkewSeconds", clockSkewSeconds, 0, 3600);
    Check.range("acs.repeatabilityCacheSize", repeatabilityCacheSize, 0, 10_000_000);
    Check.positive("acs.repeatabilityTtlMs", repeatabilityTtlMs);
    incomingCallUri = Check.blankToNull(incomingCallUri);
  }

  public static AcsOptions defaults() {
    return new AcsOptions(null, DEFAULT_CLOCK_SKEW_SECONDS, DEFAULT_REPEATABILITY_CACHE_SIZE, DEFAULT_REPEATABILITY_TTL_MS, null);
  }

  /** The key requests must be signed with: the configured one, else the development key. */
  @JsonIgnore
  public String effectiveAccessKey() {
    return accessKey != null ? accessKey : DEV_ACCESS_KEY;
  }

  public AcsOptions withAccessKey(String accessKey) {
    return new AcsOptions(accessKey, clockSkewSeconds, repeatabilityCacheSize, repeatabilityTtlMs, incomingCallUri);
  }

  public AcsOptions withRepeatabilityCacheSize(int size) {
    return new AcsOptions(accessKey, clockSkewSeconds, size, repeatabilityTtlMs, incomingCallUri);
  }

  public AcsOptions withIncomingCallUri(String uri) {
    return new AcsOptions(accessKey, clockSkewSeconds, repeatabilityCacheSize, repeatabilityTtlMs, uri);
  }

  /** Redacts the key. */
  @Override
  public String toString() {
    return "AcsOptions[accessKey=" + (accessKey == null ? "<dev key>" : "<redacted>") + ", clockSkewSeconds="
        + clockSkewSeconds + ", repeatabilityCacheSize=" + repeatabilityCacheSize + ", repeatabilityTtlMs="
        + repeatabilityTtlMs + ", incomingCallUri=" + incomingCallUri + "]";
  }
}
