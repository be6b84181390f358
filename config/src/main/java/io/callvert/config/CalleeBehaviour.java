package io.callvert.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * How a simulated callee reacts to an outgoing call. JSON values {@code "answer"}, {@code "busy"},
 * {@code "noAnswer"}, {@code "unreachable"} (parsed case-insensitively; {@code NO_ANSWER}/{@code no-answer} work too).
 */
public enum CalleeBehaviour {
  /** Answers after the configured delay. */
  ANSWER("answer"),
  /** Rejects the call as busy. */
  BUSY("busy"),
  /** Rings until the ring timeout, then the call ends unanswered. */
  NO_ANSWER("noAnswer"),
  /** The target cannot be reached; the call fails immediately. */
  UNREACHABLE("unreachable");

  private final String jsonValue;

  CalleeBehaviour(String jsonValue) {
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
  public static CalleeBehaviour fromJsonValue(String value) {
    return Enums.parse(values(), CalleeBehaviour::jsonValue, value);
  }

  /** All JSON values, in declaration order. */
  public static List<String> jsonValues() {
    return Enums.jsonValues(values(), CalleeBehaviour::jsonValue);
  }
}
