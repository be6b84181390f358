package io.callvert.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * Whether outbound requests made on a bot's behalf (notifications, prompt and preFetch media) may reach
 * internal addresses: loopback, private, link-local (cloud metadata), unique-local, unspecified and the like.
 * JSON/env values {@code "auto"}, {@code "allow"}, {@code "deny"} (case-insensitive).
 */
public enum InternalAddresses {
  /** Allowed when {@code http.host} is loopback (a developer's machine), denied otherwise. */
  AUTO("auto"),
  /** Always allowed (only {@code outbound.deny} refuses). */
  ALLOW("allow"),
  /** Always denied unless {@code outbound.allow} names them. */
  DENY("deny");

  private final String jsonValue;

  InternalAddresses(String jsonValue) {
    this.jsonValue = jsonValue;
  }

  @JsonValue
  public String jsonValue() {
    return jsonValue;
  }

  @JsonCreator
  public static InternalAddresses fromJsonValue(String value) {
    return Enums.parse(values(), InternalAddresses::jsonValue, value);
  }

  public static List<String> jsonValues() {
    return Enums.jsonValues(values(), InternalAddresses::jsonValue);
  }
}
