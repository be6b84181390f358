package io.callvert.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/** The fat jar's log line format. JSON/env values {@code "text"} and {@code "json"} (case-insensitive). */
public enum LogFormat {
  /** One human-readable line per event. */
  TEXT("text"),
  /** One JSON object per line (logstash-logback-encoder), with the call's MDC fields (contract rule 74 — Logs a machine can read). */
  JSON("json");

  private final String jsonValue;

  LogFormat(String jsonValue) {
    this.jsonValue = jsonValue;
  }

  /** The value used in JSON, YAML, environment variables and system properties. */
  @JsonValue
  public String jsonValue() {
    return jsonValue;
  }

  /** Parses a JSON value case-insensitively (also accepts the constant name). */
  @JsonCreator
  public static LogFormat fromJsonValue(String value) {
    return Enums.parse(values(), LogFormat::jsonValue, value);
  }

  /** All JSON values, in declaration order. */
  public static List<String> jsonValues() {
    return Enums.jsonValues(values(), LogFormat::jsonValue);
  }
}
