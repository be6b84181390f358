package io.callvert.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * Time source of the runtime. JSON/env values {@code "system"} and {@code "virtual"} (case-insensitive).
 */
public enum ClockMode {
  /** Wall-clock time; timers really elapse. */
  SYSTEM("system"),
  /** Virtual time that only advances when told to (deterministic tests). */
  VIRTUAL("virtual");

  private final String jsonValue;

  ClockMode(String jsonValue) {
    this.jsonValue = jsonValue;
  }

  /** The value used in JSON, YAML, environment variables and system properties. */
  @JsonValue
  public String jsonValue() {
    return jsonValue;
  }

  /**
   * Parses a JSON value case-insensitively (also accepts the constant name).
   *
   * @throws IllegalArgumentException listing the allowed values
   */
  @JsonCreator
  public static ClockMode fromJsonValue(String value) {
    return Enums.parse(values(), ClockMode::jsonValue, value);
  }

  /** All JSON values, in declaration order. */
  public static List<String> jsonValues() {
    return Enums.jsonValues(values(), ClockMode::jsonValue);
  }
}
