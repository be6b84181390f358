package io.callvert.runtime.protocol;

import io.vertx.core.json.JsonObject;

/**
 * One notification leaving a call, with what delivery needs to know at the moment it was produced.
 *
 * @param callId      the call (delivery is ordered per call)
 * @param callbackUri where to POST it
 * @param audience    the bot's app id, the {@code aud} of the signing JWT
 * @param tenantId    the {@code tid} claim, may be null
 * @param gate        an operation or call id whose creating HTTP response must be written before this
 *                    notification may be sent (contract rule 7), or null
 * @param body        the {@code commsNotifications} body
 */
public record Outbound(String callId, String callbackUri, String audience, String tenantId, String gate, JsonObject body) {
}
