package io.callvert.runtime.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The answer of a call to one request.
 *
 * @param status      HTTP status
 * @param body        JSON body, or null for an empty response
 * @param location    resource path for the {@code Location} header (made absolute by the HTTP layer), or null
 * @param release     the gate id to release once the response is written (contract rule 7), or null
 * @param payload     a binary body (e.g. WAV), or null
 * @param contentType content type of {@code payload}
 */
public record CallReply(int status, JsonObject body, String location, String release, Buffer payload, String contentType) {

  public static CallReply json(int status, JsonObject body) {
    return new CallReply(status, body, null, null, null, null);
  }

  public static CallReply empty(int status) {
    return new CallReply(status, null, null, null, null, null);
  }

  public static CallReply binary(Buffer payload, String contentType) {
    return new CallReply(200, null, null, null, payload, contentType);
  }

  public CallReply withLocation(String location, String release) {
    return new CallReply(status, body, location, release, payload, contentType);
  }
}
