package io.callvert.verticles;

import io.vertx.core.json.JsonObject;

/**
 * One notification as an in-process bot receives it from {@link CallvertClient#onNotification}: the
 * same {@code commsNotifications} body a webhook receives, with the call and its per-call sequence
 * number, and typed accessors for what bots read most.
 *
 * @param callId   the call it is about
 * @param sequence its position in the call's notifications, from 1
 * @param body     the {@code commsNotifications} body (one {@code commsNotification} in {@code value})
 */
public record CallvertNotification(String callId, long sequence, JsonObject body) {

  /** The {@code commsNotification} inside the body. */
  public JsonObject notification() {
    return body.getJsonArray("value").getJsonObject(0);
  }

  /** {@code created}, {@code updated} or {@code deleted}. */
  public String changeType() {
    return notification().getString("changeType");
  }

  /** The resource it is about, e.g. {@code /communications/calls/{id}/operations/{opId}}. */
  public String resourceUrl() {
    return notification().getString("resourceUrl");
  }

  /** The call or operation as it is now. */
  public JsonObject resourceData() {
    return notification().getJsonObject("resourceData");
  }

  /** The operation it is about, or null when it is about the call. */
  public String operationId() {
    String url = resourceUrl();
    int i = url == null ? -1 : url.indexOf("/operations/");
    return i < 0 ? null : url.substring(i + "/operations/".length());
  }

  /** The call's state when it is about the call ({@code established}, {@code terminated}…), else null. */
  public String callState() {
    return operationId() == null ? resourceData().getString("state") : null;
  }

  /** The operation's status when it is about an operation ({@code completed}, {@code failed}), else null. */
  public String operationStatus() {
    return operationId() != null ? resourceData().getString("status") : null;
  }

  /** The same notification in the shape listeners received before 0.2: {@code {callId, sequence, notification}}. */
  public JsonObject toJson() {
    return new JsonObject().put("callId", callId).put("sequence", sequence).put("notification", body);
  }

  static CallvertNotification fromTap(JsonObject tap) {
    return new CallvertNotification(tap.getString("callId"), tap.getLong("sequence"), tap.getJsonObject("notification"));
  }
}
