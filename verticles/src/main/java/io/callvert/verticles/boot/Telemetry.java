package io.callvert.verticles.boot;

import io.callvert.config.CallvertOptions;
import io.callvert.verticles.ops.Tracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.Map;

/**
 * The fat jar's OpenTelemetry (contract rule 70 — Traces from request to webhook): with {@code tracing.enabled}, an
 * SDK configured by OpenTelemetry's autoconfigure from the standard {@code OTEL_*} environment variables and
 * {@code otel.*} system properties (exporter, endpoint, sampler, resource, propagators); Callvert only sets
 * defaults they override: service name {@code callvert}, no metrics or logs exporter (metrics are Prometheus'). The
 * Vert.x instance traces with it (vertx-opentelemetry), and Callvert's own spans use it.
 */
final class Telemetry {

  private final OpenTelemetrySdk sdk;

  private Telemetry(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  /** Builds the SDK when tracing is on and puts it into {@code vertxOptions}; does nothing otherwise. */
  static Telemetry configure(CallvertOptions options, VertxOptions vertxOptions) {
    if (!options.tracing().enabled()) {
      return new Telemetry(null);
    }
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> Map.of(
            "otel.service.name", "callvert",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none"))
        .disableShutdownHook() // Main closes it after Vert.x, so the last spans are exported
        .build()
        .getOpenTelemetrySdk();
    vertxOptions.setTracingOptions(new OpenTelemetryOptions());
    return new Telemetry(sdk);
  }

  /** The tracer the Vert.x instance is built with (vertx-opentelemetry on this SDK), or null without tracing. */
  VertxTracerFactory tracer() {
    return sdk == null ? null : new OpenTelemetryTracingFactory(sdk);
  }

  /** Tells Callvert deployed on {@code vertx} which OpenTelemetry to use. */
  void register(Vertx vertx) {
    if (sdk != null) {
      Tracing.register(vertx, sdk);
    }
  }

  /** Exports what is left and shuts the SDK down. */
  void close() {
    if (sdk != null) {
      sdk.close();
    }
  }
}
