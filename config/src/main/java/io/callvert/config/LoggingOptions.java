package io.callvert.config;

/**
 * Logging of the fat jar (JSON object {@code logging}); an embedder's own logging configuration is left alone.
 *
 * @param format {@code text} (default) or {@code json}: one JSON object per line (contract rule 74 — Logs a machine can
 *               read)
 */
public record LoggingOptions(LogFormat format) {

  public static final LogFormat DEFAULT_FORMAT = LogFormat.TEXT;

  /** {@code null} is the default. */
  public LoggingOptions {
    format = format == null ? DEFAULT_FORMAT : format;
  }

  public static LoggingOptions defaults() {
    return new LoggingOptions(DEFAULT_FORMAT);
  }
}
