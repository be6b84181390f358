package io.callvert.runtime.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A request addressed to one call, as the HTTP layer (or the embedded Java API) sends it over the
 * event bus to the call's verticle, possibly through another node's ingress.
 *
 * <p>Treated as immutable: senders never touch {@code body} or {@code payload} after sending, which
 * is what lets the local codec pass the instance through without copying.
 *
 * @param callId  canonical call id
 * @param action  lower-case action name (see {@code CallSession#handle})
 * @param body    JSON body, or null
 * @param baseUrl scheme, host and mount prefix of the original request
 * @param payload binary body (caller speech WAV), or null
 */
public record CallRequest(String callId, String action, JsonObject body, String baseUrl, Buffer payload) {
}
