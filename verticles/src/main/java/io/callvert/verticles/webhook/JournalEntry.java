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
  /**
   * What the delivery profile sees it as (contract rules 77-79), as {@link #kind()}: its ordinal, or -1 for a body
   * that is not a Graph notification, which the profile leaves alone (contract rule 78). A byte, not a reference:
   * together with the short {@link #lastStatus} and the rare fields in {@link Extra} it keeps an entry at 72 bytes.
   */
  private final byte kind;
  private final byte[] body;
  final long enqueuedAt;
  String state = PENDING;
  int attempts;
  /** The bot's status on the last attempt, 0 when none came (for the dashboard's timeline); HTTP statuses fit. */
  private short lastStatus;
  long firstAttemptAt;
  /** What few entries need (a profile's plan, a batch, a trace, a failed attempt's error); null until one does. */
  private Extra extra;

  /**
   * The fields of an entry that most entries never use, made on first use: an idle call keeps its journal for its
   * whole life, and with strict delivery, tracing off and every POST answered, none of these is ever set (heap per
   * idle call, docs/benchmarks.md).
   */
  static final class Extra {
    /** What the delivery profile chose for it (contract rules 77-79), null until it chose. */
    DeliveryProfile.Plan plan;
    boolean holdDone;
    boolean delayDone;
    boolean duplicated;
    boolean rolledOver;
    /** The notification sent in the same POST, after this one (a batch of the Graph-like profile), or null. */
    JournalEntry rider;
    /** The span that caused this notification (contract rule 70 — Traces from request to webhook), or null. */
    io.opentelemetry.context.Context trace;
    /** The traceparent of the attempt in flight, or null. */
    String traceparent;
    /** Why the last attempt failed, or null. */
    String lastError;
  }

  JournalEntry(long sequence, Outbound outbound, long enqueuedAt) {
    this.sequence = sequence;
    this.callbackUri = outbound.callbackUri();
    this.audience = outbound.audience();
    this.tenantId = outbound.tenantId();
    this.gate = outbound.gate();
    this.endsGate = gate != null && outbound.endsGate();
    this.body = encode(outbound.body());
    this.enqueuedAt = enqueuedAt;
    DeliveryProfile.Kind k = kindOf(outbound.body());
    this.kind = (byte) (k == null ? -1 : k.ordinal());
  }

  /** The rare fields, made now if this is the first use of one. */
  Extra extra() {
    if (extra == null) {
      extra = new Extra();
    }
    return extra;
  }

  /** The rare fields, or null when none was used yet. */
  Extra extraIfMade() {
    return extra;
  }

  /** What the profile sees this notification as; null: not a Graph notification (contract rule 78). */
  DeliveryProfile.Kind kind() {
    return kind < 0 ? null : KINDS[kind];
  }

  private static final DeliveryProfile.Kind[] KINDS = DeliveryProfile.Kind.values();

  int lastStatus() {
    return lastStatus;
  }

  void lastStatus(int status) {
    this.lastStatus = (short) status;
  }

  String lastError() {
    return extra == null ? null : extra.lastError;
  }

  void lastError(String error) {
    if (error != null || extra != null) {
      extra().lastError = error;
    }
  }

  JournalEntry rider() {
    return extra == null ? null : extra.rider;
  }

  /** Whether the profile signs this one with the rolled-over key (contract rule 79). */
  boolean rolledOver() {
    return extra != null && extra.rolledOver;
  }

  io.opentelemetry.context.Context trace() {
    return extra == null ? null : extra.trace;
  }

  void trace(io.opentelemetry.context.Context trace) {
    if (trace != null || extra != null) {
      extra().trace = trace;
    }
  }

  String traceparent() {
    return extra == null ? null : extra.traceparent;
  }

  void traceparent(String traceparent) {
    if (traceparent != null || extra != null) {
      extra().traceparent = traceparent;
    }
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
    JournalEntry rider = rider();
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
        .put("lastError", lastError()).put("notification", notification());
  }
}
