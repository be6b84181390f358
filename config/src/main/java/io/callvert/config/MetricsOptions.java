package io.callvert.config;


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

}
