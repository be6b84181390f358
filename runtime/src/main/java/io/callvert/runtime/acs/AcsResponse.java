package io.callvert.runtime.acs;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An ACS answer ready for the wire.
 *
 * @param status  the HTTP status, exactly what the SDK expects (contract rule 51 — ACS statuses)
 * @param body    the JSON body, or null for none
 * @param callId  the call the gates belong to, or null when there are none
 * @param release the gates to open once the response is written (contract rule 7), possibly empty
 */
public record AcsResponse(int status, JsonObject body, String callId, List<String> release) {

  public AcsResponse {
    release = List.copyOf(release);
  }

  public static AcsResponse of(int status, JsonObject body) {
    return new AcsResponse(status, body, null, List.of());
  }

  public static AcsResponse of(int status, JsonObject body, String callId, String... release) {
    return new AcsResponse(status, body, callId, List.of(release));
  }
}
