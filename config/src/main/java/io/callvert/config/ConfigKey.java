package io.callvert.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One leaf of the options tree, as data: its dotted path, type, default and description. The environment variable
 * and system property names are computed from the path.
 *
 * @param path dotted camelCase path, e.g. {@code http.maxBodyBytes}
 * @param type value type, drives the coercion of env/sysprop strings
 * @param nullable whether the value may be unset ({@code null}); an empty env/sysprop string unsets it
 * @param allowedValues JSON values of an {@link Type#ENUM} key, empty otherwise
 * @param defaultValue default as a JSON value ({@code null}, Boolean, Number, String, JsonArray or JsonObject)
 * @param defaultText default as rendered in documentation
 * @param description one-line description
 */
public record ConfigKey(String path, Type type, boolean nullable, List<String> allowedValues, Object defaultValue,
    String defaultText, String description) {

  /** Value types of leaf keys. */
  public enum Type {
    /** {@code true}/{@code false} (case-insensitive in env/sysprops). */
    BOOLEAN,
    /** 32-bit integer. */
    INT,
    /** 64-bit integer. */
    LONG,
    /** String. */
    STRING,
    /** One of {@link ConfigKey#allowedValues()} (case-insensitive in env/sysprops). */
    ENUM,
    /** JSON array of strings; comma-separated in env/sysprops (trimmed, empty items dropped, "" = empty list). */
    STRING_LIST,
    /** JSON object; a JSON object string in env/sysprops ("" = empty object). */
    JSON_OBJECT
  }

  /** Validates the path and copies {@code allowedValues}. */
  public ConfigKey {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    allowedValues = List.copyOf(allowedValues == null ? List.of() : allowedValues);
    if (!path.matches("[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)*")) {
      throw new IllegalArgumentException("not a dotted camelCase path: " + path);
    }
  }

  /** The default as a JSON value; arrays and objects are fresh copies. */
  @Override
  public Object defaultValue() {
    if (defaultValue instanceof JsonObject) {
      return ((JsonObject) defaultValue).copy();
    }
    if (defaultValue instanceof JsonArray) {
      return ((JsonArray) defaultValue).copy();
    }
    return defaultValue;
  }

  /**
   * The environment variable: {@code CALLVERT_} + the path with '.' and every camelCase word boundary as '_',
   * upper-cased ({@code calls.keepAliveTimeoutMs} = {@code CALLVERT_CALLS_KEEP_ALIVE_TIMEOUT_MS}).
   */
  public String envName() {
    StringBuilder sb = new StringBuilder("CALLVERT");
    for (String segment : path.split("\\.")) {
      sb.append('_');
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        if (i > 0 && Character.isUpperCase(c) && !Character.isUpperCase(segment.charAt(i - 1))) {
          sb.append('_');
        }
        sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString();
  }

  /** The system property: {@code callvert.} + the exact path ({@code callvert.http.maxBodyBytes}). */
  public String sysPropName() {
    return "callvert." + path;
  }

  /**
   * Converts an env/sysprop string to this key's JSON value. Range and format checks are left to the records.
   *
   * @throws ConfigException naming {@link #path()} when the string does not fit the type
   */
  public Object coerce(String raw) {
    Objects.requireNonNull(raw, "raw");
    String s = raw.trim();
    switch (type) {
      case BOOLEAN:
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
          return Boolean.valueOf(s.toLowerCase(Locale.ROOT));
        }
        throw new ConfigException(path, "must be true or false, got " + Check.show(raw));
      case INT:
        try {
          return Integer.valueOf(s);
        } catch (NumberFormatException e) {
          throw new ConfigException(path, "must be a 32-bit integer, got " + Check.show(raw));
        }
      case LONG:
        try {
          return Long.valueOf(s);
        } catch (NumberFormatException e) {
          throw new ConfigException(path, "must be an integer, got " + Check.show(raw));
        }
      case STRING:
        return nullable && s.isEmpty() ? null : raw;
      case ENUM:
        for (String allowed : allowedValues) {
          if (Enums.normalize(allowed).equals(Enums.normalize(s))) {
            return allowed;
          }
        }
        throw new ConfigException(path,
            "must be one of " + String.join(", ", allowedValues) + ", got " + Check.show(raw));
      case STRING_LIST:
        JsonArray list = new JsonArray();
        for (String item : s.split(",")) {
          if (!item.isBlank()) {
            list.add(item.trim());
          }
        }
        return list;
      case JSON_OBJECT:
        if (s.isEmpty()) {
          return new JsonObject();
        }
        try {
          return new JsonObject(s);
        } catch (DecodeException | ClassCastException e) {
          throw new ConfigException(path, "must be a JSON object, got " + Check.show(raw));
        }
      default:
        throw new IllegalStateException("unhandled type " + type);
    }
  }
}
