package io.callvert.verticles.webhook;

import io.callvert.runtime.protocol.Outbound;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;

/**
 * One journaled notification of a call, and its delivery state (what {@code GET
 * /callvert/calls/{id}/notifications} shows). It keeps the encoded body only, not the JSON tree: a
 * call's journal lives as long as the call plus retention, so its entries must be small.
 */
final class JournalEntry {

  static final String PENDING = "pending";
  static final String DELIVERING = "delivering";
  static final String DELIVERED = "delivered";
  static final String DEAD_LETTERED = "deadLettered";

  final long sequence;
  final String callbackUri;
  final String audience;
  final String tenantId;
  final String gate;
  /** The notification that ends the operation its gate names (that gate can then be forgotten). */
  final boolean endsGate;
  private final byte[] body;
  final long enqueuedAt;
  String state = PENDING;
  int attempts;
  String lastError;
  /** The bot's status on the last attempt, 0 when none came (for the dashboard's timeline). */
  int lastStatus;
  long firstAttemptAt;
  /**
   * The delivery profile's view of it (contract rules 77-79): what it is about (null: not a Graph notification, which
   * the profile leaves alone, contract rule 78), and what the profile chose.
   */
  final DeliveryProfile.Kind kind;
  DeliveryProfile.Plan plan;
  boolean holdDone;
  boolean delayDone;
  boolean duplicated;
  boolean rolledOver;
  /** The notification sent in the same POST, after this one (a batch of the Graph-like profile), or null. */
  JournalEntry rider;
  /** The span that caused this notification (contract rule 70 — Traces from request to webhook), or null; and the traceparent of the attempt in flight. */
  io.opentelemetry.context.Context trace;
  String traceparent;

  JournalEntry(long sequence, Outbound outbound, long enqueuedAt) {
    this.sequence = sequence;
    this.callbackUri = outbound.callbackUri();
    this.audience = outbound.audience();
    this.tenantId = outbound.tenantId();
    this.gate = outbound.gate();
    this.endsGate = gate != null && outbound.endsGate();
    this.body = encode(outbound.body());
    this.enqueuedAt = enqueuedAt;
    this.kind = kindOf(outbound.body());
  }

  /** Null for a body that is not a Graph {@code commsNotifications} (an ACS CloudEvent): no profile applies to it. */
  private static DeliveryProfile.Kind kindOf(JsonObject body) {
    if (!(body.getValue("value") instanceof io.vertx.core.json.JsonArray value) || value.isEmpty()
        || !(value.getValue(0) instanceof JsonObject first)) {
      return null;
    }
    JsonObject data = first.getJsonObject("resourceData");
    if (data == null || !"#microsoft.graph.call".equals(data.getString("@odata.type"))) {
      return DeliveryProfile.Kind.OTHER;
    }
    return switch (String.valueOf(data.getString("state"))) {
      case "establishing" -> DeliveryProfile.Kind.ESTABLISHING;
      case "terminated" -> DeliveryProfile.Kind.TERMINATED;
      default -> DeliveryProfile.Kind.OTHER;
    };
  }

  /** Encoded once, straight to bytes ({@code toBuffer().getBytes()} copied them twice more). */
  private static byte[] encode(JsonObject json) {
    try {
      return DatabindCodec.mapper().writeValueAsBytes(json.getMap());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new EncodeException("Failed to encode a notification: " + e.getMessage(), e);
    }
  }

  /**
   * The body to POST: a fresh copy of the journal's bytes per attempt ({@link Buffer#buffer(byte[])}
   * copies; the webhook benchmark shows no difference from the zero-copy wrap of Vert.x's internal
   * {@code BufferInternal}, see {@link WebhookPost}).
   */
  Buffer payload() {
    if (rider != null) { // one commsNotifications body holding both (contract rule 78)
      JsonObject both = notification();
      both.getJsonArray("value").addAll(rider.notification().getJsonArray("value"));
      return both.toBuffer();
    }
    return Buffer.buffer(body);
  }

  JsonObject notification() {
    return new JsonObject(Buffer.buffer(body));
  }

  JsonObject toJson() {
    return new JsonObject().put("sequence", sequence).put("state", state).put("attempts", attempts)
        .put("lastError", lastError).put("notification", notification());
  }
}
