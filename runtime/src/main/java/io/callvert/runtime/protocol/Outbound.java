package io.callvert.runtime.protocol;

import io.vertx.core.json.JsonObject;

/**
 * One notification leaving a call, with what delivery needs to know at the moment it was produced.
 *
 * @param callId      the call (delivery is ordered per call)
 * @param callbackUri where to POST it
 * @param audience    the bot's app id, the {@code aud} of the signing JWT; null for a notification that is not
 *                    signed with a Graph JWT (the ACS dialect's, contract rule 57 — ACS callbacks)
 * @param tenantId    the {@code tid} claim, may be null
 * @param gate        an operation or call id whose creating HTTP response must be written before this
 *                    notification may be sent (contract rule 7), or null
 * @param body        the body (Graph: a {@code commsNotifications}; ACS: one CloudEvent)
 * @param endsGate    whether this notification ends the operation its gate names, so the gate can be forgotten
 */
public record Outbound(String callId, String callbackUri, String audience, String tenantId, String gate, JsonObject body,
    boolean endsGate) {

  /** A notification that ends no gate (e.g. one re-delivered after a restart, whose gate is long released). */
  public Outbound(String callId, String callbackUri, String audience, String tenantId, String gate, JsonObject body) {
    this(callId, callbackUri, audience, tenantId, gate, body, false);
  }
}
