package io.callvert.runtime.graph;

import io.callvert.runtime.api.ApiException;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Normalises the identity objects a bot sends (participantInfo, invitationParticipantInfo,
 * identitySet, identity) so that everything Callvert echoes carries its {@code @odata.type}
 * (contract rule 3), and validates their shape (contract rule 4 — Unknown properties ignored, wrong ones rejected).
 */
public final class GraphShapes {

  private GraphShapes() {}

  private static final String[] IDENTITY_KINDS = {
      "user", "application", "applicationInstance", "device", "phone", "guest", "encrypted",
      "onPremises", "azureCommunicationServicesUser", "assertedIdentity"};

  static JsonObject participantInfo(JsonObject in, String path) {
    JsonObject out = in.copy();
    out.put("@odata.type", Graph.type("participantInfo"));
    normaliseIdentity(out, path);
    return out;
  }

  static JsonObject invitationParticipant(JsonObject identitySet) {
    return new JsonObject().put("@odata.type", Graph.type("invitationParticipantInfo")).put("identity", identitySet);
  }

  static JsonArray invitationTargets(JsonArray targets) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < targets.size(); i++) {
      Object t = targets.getValue(i);
      if (!(t instanceof JsonObject o)) {
        throw ApiException.invalidRequest("'targets[" + i + "]' must be an invitationParticipantInfo object.");
      }
      JsonObject copy = o.copy().put("@odata.type", Graph.type("invitationParticipantInfo"));
      normaliseIdentity(copy, "targets[" + i + "]");
      if (copy.getJsonObject("identity") == null) {
        throw ApiException.invalidRequest("'targets[" + i + "].identity' is required.");
      }
      out.add(copy);
    }
    return out;
  }

  static JsonObject application(String id, String displayName) {
    return new JsonObject().put("@odata.type", Graph.type("identitySet"))
        .put("application", new JsonObject().put("@odata.type", Graph.type("identity"))
            .put("id", id).put("displayName", displayName));
  }

  static JsonObject defaultCaller() {
    return new JsonObject().put("identity", new JsonObject()
        .put("phone", new JsonObject().put("id", "+15550100").put("displayName", "Simulated caller")))
        .put("languageId", "en-US").put("region", "local");
  }

  /** The id of the first identity of {@code kind} in an identitySet, or null. */
  static String identityId(JsonObject identitySet, String kind) {
    if (identitySet == null) {
      return null;
    }
    Object v = identitySet.getValue(kind);
    return v instanceof JsonObject o ? o.getString("id") : null;
  }

  /** The id callee rules are keyed by: phone number, user, application instance or application id. */
  static String targetId(JsonObject invitationParticipantInfo) {
    JsonObject identity = invitationParticipantInfo.getJsonObject("identity");
    for (String kind : IDENTITY_KINDS) {
      String id = identityId(identity, kind);
      if (id != null) {
        return id;
      }
    }
    return null;
  }

  private static void normaliseIdentity(JsonObject holder, String path) {
    Object identity = holder.getValue("identity");
    if (identity == null) {
      return;
    }
    if (!(identity instanceof JsonObject set)) {
      throw ApiException.invalidRequest("'" + path + ".identity' must be an identitySet object.");
    }
    if (set.getString("@odata.type") == null) {
      set.put("@odata.type", Graph.type("identitySet"));
    }
    for (String kind : IDENTITY_KINDS) {
      Object member = set.getValue(kind);
      if (member == null) {
        continue;
      }
      if (!(member instanceof JsonObject m)) {
        throw ApiException.invalidRequest("'" + path + ".identity." + kind + "' must be an identity object.");
      }
      if (m.getString("@odata.type") == null) {
        m.put("@odata.type", Graph.type("identity"));
      }
      Object idv = m.getValue("id");
      if (idv != null && !(idv instanceof String)) {
        throw ApiException.invalidRequest("'" + path + ".identity." + kind + ".id' must be a string.");
      }
    }
  }
}
