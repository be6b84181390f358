package io.callvert.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * How notifications are delivered (contract rules 77-79). JSON/env values {@code "strict"} and {@code "graph"}
 * (case-insensitive).
 */
public enum DeliveryProfileMode {
  /** In order, once, promptly: stronger than Graph promises (the default). */
  STRICT("strict"),
  /**
   * What Graph's documentation allows: {@code establishing}/{@code established} out of order, duplicates, delays,
   * several notifications in one POST, a signing-key rollover mid-call; seeded, so a failure replays.
   */
  GRAPH("graph");

  private final String jsonValue;

  DeliveryProfileMode(String jsonValue) {
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
  public static DeliveryProfileMode fromJsonValue(String value) {
    return Enums.parse(values(), DeliveryProfileMode::jsonValue, value);
  }

  /** All JSON values, in declaration order. */
  public static List<String> jsonValues() {
    return Enums.jsonValues(values(), DeliveryProfileMode::jsonValue);
  }
}
