package io.callvert.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Validation helpers for the records' compact constructors. Every failure is a {@link ConfigException} naming the key. */
final class Check {

  private Check() {
  }

  static int port(String key, int port) {
    if (port < 0 || port > 65535) {
      throw new ConfigException(key, "must be 0..65535, got " + port);
    }
    return port;
  }

  static long positive(String key, long value) {
    if (value <= 0) {
      throw new ConfigException(key, "must be > 0, got " + value);
    }
    return value;
  }

  static long nonNegative(String key, long value) {
    if (value < 0) {
      throw new ConfigException(key, "must be >= 0, got " + value);
    }
    return value;
  }

  static long atLeast(String key, long value, long min) {
    if (value < min) {
      throw new ConfigException(key, "must be >= " + min + ", got " + value);
    }
    return value;
  }

  static long range(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException(key, "must be " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  static String nonBlank(String key, String value) {
    if (value.isBlank()) {
      throw new ConfigException(key, "must not be blank");
    }
    return value;
  }

  /** A host name or IP literal: non-blank, no whitespace. No DNS lookup. */
  static String host(String key, String value) {
    nonBlank(key, value);
    if (value.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(key, "must be a host name or IP address, got " + show(value));
    }
    return value;
  }

  /** Nullable strings: blank means unset. */
  static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * Absolute http(s) URL without query, fragment or user info; a trailing '/' is removed so that paths can be appended.
   * {@code null}/blank stay unset.
   */
  static String baseUrl(String key, String value) {
    String v = blankToNull(value);
    if (v == null) {
      return null;
    }
    String problem = "must be an absolute http(s) URL without query or fragment, got " + show(v);
    URI uri;
    try {
      uri = new URI(v.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(key, problem);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawQuery() != null
        || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new ConfigException(key, problem);
    }
    String s = uri.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  /** Unmodifiable copy; {@code null} = empty; entries must be non-blank. Values are not echoed (they may be secrets). */
  static List<String> strings(String key, List<String> list) {
    if (list == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(list.size());
    int i = 0;
    for (String s : list) {
      if (s == null || s.isBlank()) {
        throw new ConfigException(key, "entry " + i + " must not be blank");
      }
      out.add(s);
      i++;
    }
    return List.copyOf(out);
  }

  /** Renders a value for an error message: strings quoted, JSON encoded, long values shortened. */
  static String show(Object value) {
    String s;
    if (value == null) {
      return "null";
    } else if (value instanceof CharSequence) {
      s = "'" + value + "'";
    } else if (value instanceof JsonObject) {
      s = ((JsonObject) value).encode();
    } else if (value instanceof JsonArray) {
      s = ((JsonArray) value).encode();
    } else {
      s = String.valueOf(value);
    }
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
