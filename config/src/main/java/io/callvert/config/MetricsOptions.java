package io.callvert.config;

import io.vertx.core.json.JsonObject;

/**
 * Metrics (JSON object {@code metrics}).
 *
 * @param enabled collect and expose metrics, default true
 */
public record MetricsOptions(boolean enabled) {

  public static final boolean DEFAULT_ENABLED = true;

  public static MetricsOptions defaults() {
    return new MetricsOptions(DEFAULT_ENABLED);
  }

  /** Reads the {@code metrics} object; missing keys are defaults. */
  public static MetricsOptions fromJson(JsonObject json) {
    return new MetricsOptions(new JsonReader(json, "metrics").bool("enabled", DEFAULT_ENABLED));
  }

  public JsonObject toJson() {
    return new JsonObject().put("enabled", enabled);
  }
}
