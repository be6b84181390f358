package io.callvert.runtime.acs;

import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * ACS communication identifiers (contract rule 50 — ACS identifiers): the SDK sends {@code kind} in
 * {@code targets} but not in {@code playTo} or {@code targetParticipant}, so the kind is inferred from the one
 * sub-object present; a given {@code kind} must agree with it. Normalised, every identifier has {@code kind},
 * {@code rawId} and its sub-object; a phone's rawId is {@code 4:+E164}.
 */
public final class AcsIdentifiers {

  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

  private AcsIdentifiers() {}

  /**
   * The identifier model at {@code path}, normalised.
   *
   * @throws io.callvert.runtime.api.ApiException 400 when it is not exactly one known identifier
   */
  public static JsonObject normalize(Object value, String path) {
    if (!(value instanceof JsonObject in)) {
      throw AcsErrors.badRequest("'" + path + "' must be a communication identifier object.");
    }
    String kind = null;
    JsonObject sub = null;
    for (String k : new String[] {"phoneNumber", "communicationUser", "microsoftTeamsUser", "microsoftTeamsApp"}) {
      Object v = in.getValue(k);
      if (v == null) {
        continue;
      }
      if (!(v instanceof JsonObject o) || sub != null) {
        throw AcsErrors.badRequest("'" + path + "' must hold exactly one of phoneNumber, communicationUser,"
            + " microsoftTeamsUser, microsoftTeamsApp.");
      }
      kind = k;
      sub = o;
    }
    if (sub == null) {
      throw AcsErrors.badRequest("'" + path + "' must hold one of phoneNumber, communicationUser, microsoftTeamsUser,"
          + " microsoftTeamsApp" + (in.containsKey("teamsExtensionUser") ? " (teamsExtensionUser is not supported)." : "."));
    }
    Object given = in.getValue("kind");
    if (given != null && !(given instanceof String g && g.equalsIgnoreCase(kind))) {
      throw AcsErrors.badRequest("'" + path + ".kind' is " + given + " but the identifier is a " + kind + ".");
    }
    String rawId = switch (kind) {
      case "phoneNumber" -> "4:" + required(sub, "value", path + ".phoneNumber.value", E164, "an E.164 number like +15550100");
      case "communicationUser" -> required(sub, "id", path + ".communicationUser.id", null, null);
      case "microsoftTeamsUser" -> "8:orgid:" + required(sub, "userId", path + ".microsoftTeamsUser.userId", null, null);
      default -> "28:orgid:" + required(sub, "appId", path + ".microsoftTeamsApp.appId", null, null);
    };
    return new JsonObject().put("kind", kind).put("rawId", rawId).put(kind, sub.copy());
  }

  private static String required(JsonObject sub, String field, String path, Pattern pattern, String expected) {
    Object v = sub.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw AcsErrors.badRequest("'" + path + "' is required and must be a string.");
    }
    if (pattern != null && !pattern.matcher(s).matches()) {
      throw AcsErrors.badRequest("'" + path + "' must be " + expected + ", got '" + s + "'.");
    }
    return s;
  }

  /** A phone number identifier. */
  public static JsonObject phone(String e164) {
    return normalize(new JsonObject().put("phoneNumber", new JsonObject().put("value", e164)), "phoneNumber");
  }

  /** A communication user identifier. */
  public static JsonObject user(String id) {
    return normalize(new JsonObject().put("communicationUser", new JsonObject().put("id", id)), "communicationUser");
  }

  /** What the simulated callee rules ({@code callee.targets}) key a normalised identifier by: the number or the id. */
  public static String calleeKey(JsonObject id) {
    return switch (id.getString("kind")) {
      case "phoneNumber" -> id.getJsonObject("phoneNumber").getString("value");
      case "communicationUser" -> id.getJsonObject("communicationUser").getString("id");
      case "microsoftTeamsUser" -> id.getJsonObject("microsoftTeamsUser").getString("userId");
      default -> id.getJsonObject("microsoftTeamsApp").getString("appId");
    };
  }
}
