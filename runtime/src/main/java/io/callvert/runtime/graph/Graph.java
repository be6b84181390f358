package io.callvert.runtime.graph;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Graph wire shapes that Callvert emits: {@code @odata.type} values, {@code resultInfo} objects and
 * the {@code commsNotifications} envelope. Every object carries its {@code @odata.type} with the
 * leading {@code #} (contract rule 3).
 */
public final class Graph {

  private Graph() {}

  public static final String NS = "#microsoft.graph.";

  /** {@code #microsoft.graph.<name>}. */
  public static String type(String name) {
    return NS + name;
  }

  public static JsonObject resultInfo(int code, int subcode, String message) {
    return new JsonObject()
        .put("@odata.type", NS + "resultInfo")
        .put("code", code)
        .put("subcode", subcode)
        .put("message", message);
  }

  /** Relative resource path of a call, as used in {@code resourceUrl} and {@code @odata.id}. */
  public static String callPath(String callId) {
    return "/communications/calls/" + callId;
  }

  public static String operationPath(String callId, String opId) {
    return "/communications/calls/" + callId + "/operations/" + opId;
  }

  /**
   * One {@code commsNotifications} body holding one {@code commsNotification}. {@code resource} is
   * the legacy {@code /app/...} twin that older bots read; {@code resourceUrl} is current Graph.
   */
  public static JsonObject notification(String changeType, String resourcePath, JsonObject resourceData) {
    JsonObject n = new JsonObject()
        .put("@odata.type", NS + "commsNotification")
        .put("changeType", changeType)
        .put("resourceUrl", resourcePath)
        .put("resource", "/app" + resourcePath.substring("/communications".length()))
        .put("resourceData", resourceData);
    return new JsonObject()
        .put("@odata.type", NS + "commsNotifications")
        .put("value", new JsonArray().add(n));
  }
}
