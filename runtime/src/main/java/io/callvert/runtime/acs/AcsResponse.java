package io.callvert.runtime.acs;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An ACS answer ready for the wire.
 *
 * @param status  the HTTP status, exactly what the SDK expects (contract rule 51 — ACS statuses)
 * @param body    the JSON body, or null for none
 * @param release the gates to open once the response is written (contract rule 7), possibly empty
 */
public record AcsResponse(int status, JsonObject body, List<String> release) {

  public AcsResponse {
    release = List.copyOf(release);
  }

  public static AcsResponse of(int status, JsonObject body, String... release) {
    return new AcsResponse(status, body, List.of(release));
  }
}
