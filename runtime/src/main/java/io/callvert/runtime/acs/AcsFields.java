package io.callvert.runtime.acs;

import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.graph.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Typed reads of ACS request fields; every refusal is a 400 naming the field (contract rule 52 — ACS errors). */
final class AcsFields {

  private AcsFields() {}

  static String string(JsonObject body, String field, String path) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw AcsErrors.badRequest("'" + path + "' must be a string.");
    }
    return s;
  }

  static String requiredString(JsonObject body, String field, String path) {
    String s = string(body, field, path);
    if (s == null || s.isBlank()) {
      throw AcsErrors.badRequest("'" + path + "' is required.");
    }
    return s;
  }

  static boolean bool(JsonObject body, String field, String path, boolean def) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Boolean b)) {
      throw AcsErrors.badRequest("'" + path + "' must be true or false.");
    }
    return b;
  }

  /** An integer from {@code min} to {@code max}, {@code def} when absent. */
  static int integer(JsonObject body, String field, String path, int def, int min, int max) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min
        || n.doubleValue() > max) {
      throw AcsErrors.badRequest("'" + path + "' must be an integer from " + min + " to " + max + ", got " + v + ".");
    }
    return n.intValue();
  }

  static JsonObject object(JsonObject body, String field, String path) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw AcsErrors.badRequest("'" + path + "' must be an object.");
    }
    return o;
  }

  static JsonArray array(JsonObject body, String field, String path) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw AcsErrors.badRequest("'" + path + "' must be an array.");
    }
    return a;
  }

  /** An absolute http(s) URI (as Graph's rules 33 and 34 check them), in ACS's error words. */
  static String httpUri(String value, String path) {
    try {
      return Fields.httpUri(value, path);
    } catch (ApiException e) {
      throw AcsErrors.badRequest(e.getMessage());
    }
  }

  static String callbackUri(String value, String path) {
    try {
      return Fields.callbackUri(value, path);
    } catch (ApiException e) {
      throw AcsErrors.badRequest(e.getMessage());
    }
  }
}
