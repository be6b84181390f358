package io.callvert.config;

/**
 * OpenTelemetry tracing (JSON object {@code tracing}; contract rule 70 — Traces from request to webhook).
 *
 * @param enabled trace API requests, the call actor's handling and every webhook delivery attempt, default false; the
 *                exporter, endpoint and sampler come from the standard {@code OTEL_*} environment variables
 */
public record TracingOptions(boolean enabled) {

  public static final boolean DEFAULT_ENABLED = false;

  public static TracingOptions defaults() {
    return new TracingOptions(DEFAULT_ENABLED);
  }
}
