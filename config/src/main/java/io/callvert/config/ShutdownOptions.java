package io.callvert.config;

import io.vertx.core.json.JsonObject;

/**
 * Graceful shutdown (JSON object {@code shutdown}).
 *
 * @param graceMs how long shutdown waits for in-flight requests and notifications, default 10 s; 0 = no wait
 */
public record ShutdownOptions(long graceMs) {

  public static final long DEFAULT_GRACE_MS = 10_000L;

  /** Validates. */
  public ShutdownOptions {
    Check.nonNegative("shutdown.graceMs", graceMs);
  }

  public static ShutdownOptions defaults() {
    return new ShutdownOptions(DEFAULT_GRACE_MS);
  }

  /** Reads the {@code shutdown} object; missing keys are defaults. */
  public static ShutdownOptions fromJson(JsonObject json) {
    return new ShutdownOptions(new JsonReader(json, "shutdown").longValue("graceMs", DEFAULT_GRACE_MS));
  }

  public JsonObject toJson() {
    return new JsonObject().put("graceMs", graceMs);
  }
}
