package io.callvert.runtime.call;

import io.vertx.core.json.JsonObject;

/** Expected wire shapes, written out literally so the tests do not reuse the code they check. */
final class Payloads {

  private Payloads() {}

  static final String NS = "#microsoft.graph.";
  static final String OK = "Action completed successfully.";
  static final String CANCELLED = "Action failed, the operation was cancelled.";
  static final String CALL_ENDED = "Action failed, the call ended.";
  static final String PROMPT_FAILED = "Action failed, the prompt could not be played.";

  static JsonObject resultInfo(int code, int subcode, String message) {
    return new JsonObject()
        .put("@odata.type", NS + "resultInfo")
        .put("code", code)
        .put("subcode", subcode)
        .put("message", message);
  }

  static JsonObject playOp(String opId, String clientContext, String status, JsonObject resultInfo, String reason) {
    return new JsonObject()
        .put("@odata.type", NS + "playPromptOperation")
        .put("id", opId)
        .put("clientContext", clientContext)
        .put("status", status)
        .put("resultInfo", resultInfo)
        .put("completionReason", reason);
  }

  static JsonObject recordOp(String opId, String clientContext, String status, JsonObject resultInfo, String reason,
      String location, String token) {
    return new JsonObject()
        .put("@odata.type", NS + "recordOperation")
        .put("id", opId)
        .put("clientContext", clientContext)
        .put("status", status)
        .put("resultInfo", resultInfo)
        .put("completionReason", reason)
        .put("recordingLocation", location)
        .put("recordingAccessToken", token);
  }

  static JsonObject dtmfOp(String opId, String clientContext, String status, JsonObject resultInfo, String reason) {
    return new JsonObject()
        .put("@odata.type", NS + "sendDtmfTonesOperation")
        .put("id", opId)
        .put("clientContext", clientContext)
        .put("status", status)
        .put("resultInfo", resultInfo)
        .put("completionReason", reason);
  }

  /** A {@code commsNotifications} body holding one notification about {@code path}. */
  static JsonObject notification(String changeType, String path, JsonObject resourceData) {
    return new JsonObject()
        .put("@odata.type", NS + "commsNotifications")
        .put("value", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("@odata.type", NS + "commsNotification")
            .put("changeType", changeType)
            .put("resourceUrl", path)
            .put("resource", "/app" + path.substring("/communications".length()))
            .put("resourceData", resourceData)));
  }

  /** The terminal {@code deleted} notification of an operation: its JSON plus {@code @odata.id}. */
  static JsonObject opDeleted(String path, JsonObject op) {
    return notification("deleted", path, op.copy().put("@odata.id", path));
  }

  /** The short call object of state notifications. */
  static JsonObject callState(String callId, String state) {
    String path = "/communications/calls/" + callId;
    return new JsonObject()
        .put("@odata.type", NS + "call")
        .put("@odata.id", path)
        .put("id", callId)
        .put("state", state);
  }
}
