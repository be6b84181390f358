package io.callvert.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Typed, strict reads from one JSON object of the options tree. A missing key or JSON {@code null} yields the default;
 * a value of the wrong type is a {@link ConfigException} naming the dotted key. Unknown keys are ignored.
 */
final class JsonReader {

  private final JsonObject json;
  private final String prefix;

  JsonReader(JsonObject json, String prefix) {
    this.json = json == null ? new JsonObject() : json;
    this.prefix = prefix;
  }

  String path(String field) {
    return prefix.isEmpty() ? field : prefix + "." + field;
  }

  Object raw(String field) {
    return json.getValue(field);
  }

  JsonObject object(String field) {
    Object v = raw(field);
    if (v == null) {
      return new JsonObject();
    }
    if (v instanceof JsonObject) {
      return (JsonObject) v;
    }
    throw new ConfigException(path(field), "must be an object, got " + Check.show(v));
  }

  boolean bool(String field, boolean def) {
    Object v = raw(field);
    if (v == null) {
      return def;
    }
    if (v instanceof Boolean) {
      return (Boolean) v;
    }
    throw new ConfigException(path(field), "must be a boolean (true/false), got " + Check.show(v));
  }

  long longValue(String field, long def) {
    Object v = raw(field);
    if (v == null) {
      return def;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger && ((BigInteger) v).bitLength() < 64) {
      return ((BigInteger) v).longValue();
    }
    throw new ConfigException(path(field), "must be an integer, got " + Check.show(v));
  }

  int intValue(String field, int def) {
    long v = longValue(field, def);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new ConfigException(path(field), "must be a 32-bit integer, got " + v);
    }
    return (int) v;
  }

  String string(String field, String def) {
    Object v = raw(field);
    if (v == null) {
      return def;
    }
    if (v instanceof String) {
      return (String) v;
    }
    throw new ConfigException(path(field), "must be a string, got " + Check.show(v));
  }

  List<String> strings(String field, List<String> def) {
    Object v = raw(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof JsonArray)) {
      throw new ConfigException(path(field), "must be an array of strings, got " + Check.show(v));
    }
    List<String> out = new ArrayList<>();
    for (Object item : (JsonArray) v) {
      if (!(item instanceof String)) {
        throw new ConfigException(path(field), "must be an array of strings, got element " + Check.show(item));
      }
      out.add((String) item);
    }
    return out;
  }

  <E extends Enum<E>> E enumValue(String field, E def, Function<String, E> parser) {
    String s = string(field, null);
    if (s == null) {
      return def;
    }
    try {
      return parser.apply(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path(field), e.getMessage());
    }
  }
}
