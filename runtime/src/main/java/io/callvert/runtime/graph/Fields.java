package io.callvert.runtime.graph;

import io.callvert.runtime.api.ApiException;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Typed reads of request bodies (contract rule 4): unknown properties are ignored, {@code null}
 * counts as absent, and a known property of the wrong type or out of range is a 400
 * {@code invalidRequest} whose message names the field.
 */
public final class Fields {

  private Fields() {}

  public static String string(JsonObject body, String field, String path) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiException.invalidRequest("'" + path + "' must be a string.");
    }
    return s;
  }

  public static String requiredString(JsonObject body, String field, String path) {
    String s = string(body, field, path);
    if (s == null || s.isBlank()) {
      throw ApiException.invalidRequest("'" + path + "' is required.");
    }
    return s;
  }

  public static String clientContext(JsonObject body) {
    String cc = string(body, "clientContext", "clientContext");
    if (cc != null && cc.length() > 256) {
      throw ApiException.invalidRequest("'clientContext' must be at most 256 characters, got " + cc.length() + ".");
    }
    return cc;
  }

  public static Boolean bool(JsonObject body, String field, String path) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Boolean b)) {
      throw ApiException.invalidRequest("'" + path + "' must be a boolean.");
    }
    return b;
  }

  /** An integer within [min, max]; {@code def} when absent. Fractional numbers are rejected. */
  public static int intInRange(JsonObject body, String field, int def, int min, int max) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ApiException.invalidRequest("'" + field + "' must be an integer.");
    }
    double d = n.doubleValue();
    if (d < min || d > max) {
      throw ApiException.invalidRequest("'" + field + "' must be between " + min + " and " + max + ", got " + n + ".");
    }
    return (int) d;
  }

  public static JsonObject object(JsonObject body, String field, String path) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw ApiException.invalidRequest("'" + path + "' must be an object.");
    }
    return o;
  }

  public static JsonArray array(JsonObject body, String field, String path) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw ApiException.invalidRequest("'" + path + "' must be an array.");
    }
    return a;
  }

  /** An absolute http(s) URI. Graph requires https for callbacks; Callvert also accepts http for local bots. */
  public static String httpUri(String value, String path) {
    try {
      java.net.URI u = new java.net.URI(value);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
        throw ApiException.invalidRequest("'" + path + "' must be an absolute http(s) URI, got '" + value + "'.");
      }
      if (u.getPort() > 65535) {
        throw ApiException.invalidRequest("'" + path + "' has port " + u.getPort() + "; ports range from 0 to 65535.");
      }
      return value;
    } catch (java.net.URISyntaxException e) {
      throw ApiException.invalidRequest("'" + path + "' is not a valid URI: " + e.getMessage());
    }
  }

  /**
   * A callback URI: absolute http(s), or {@code local:<name>} for bots embedded in the same JVM
   * that take notifications in-process (no HTTP delivery).
   */
  public static String callbackUri(String value, String path) {
    if (value.regionMatches(true, 0, "local:", 0, 6) && value.length() > 6) {
      return value;
    }
    return httpUri(value, path);
  }

  /** Strips an optional {@code #microsoft.graph.} prefix and compares case-insensitively. */
  public static boolean isODataType(JsonObject o, String name) {
    String t = o == null ? null : o.getString("@odata.type");
    if (t == null) {
      return false;
    }
    String s = t.startsWith("#") ? t.substring(1) : t;
    if (s.regionMatches(true, 0, "microsoft.graph.", 0, 16)) {
      s = s.substring(16);
    }
    return s.equalsIgnoreCase(name);
  }
}
