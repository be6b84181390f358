package io.callvert.runtime.graph;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A Graph answer ready for the wire: what the HTTP edge writes.
 *
 * @param status      the HTTP status
 * @param body        the JSON body, or null for an empty response
 * @param location    the resource path for the {@code Location} header (made absolute by the edge), or null
 * @param release     the gate to open once the response is written (contract rule 7), or null
 * @param payload     a binary body (e.g. WAV), or null
 * @param contentType the content type of {@code payload}
 */
public record GraphResponse(int status, JsonObject body, String location, String release, Buffer payload,
    String contentType) {

  public static GraphResponse json(int status, JsonObject body) {
    return new GraphResponse(status, body, null, null, null, null);
  }

  public static GraphResponse empty(int status) {
    return new GraphResponse(status, null, null, null, null, null);
  }

  public static GraphResponse binary(Buffer payload, String contentType) {
    return new GraphResponse(200, null, null, null, payload, contentType);
  }

  public GraphResponse withLocation(String location, String release) {
    return new GraphResponse(status, body, location, release, payload, contentType);
  }
}
