package io.callvert.verticles.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Contract rule 5's envelope and every Graph shape are written by JsonOut: byte for byte what JsonObject.toBuffer() writes. */
class JsonOutTest {

  @Test
  void writes_the_same_bytes_as_toBuffer() {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      big.append("prompt-").append(i).append(' ');
    }
    JsonObject json = new JsonObject()
        .put("@odata.type", "#microsoft.graph.commsOperation")
        .put("id", "0f8fad5b-d9cb-469f-a165-70867728950e")
        .put("status", "completed")
        .put("clientContext", "é\u00e8 \"quoted\" \\ / \n\t\u0001 ☎ 𝄞")
        .put("resultInfo", new JsonObject().put("code", 200).put("subcode", 5001L).put("message", (String) null))
        .put("ratio", 0.25).put("big", 12345678901234L).put("flag", true)
        .put("at", Instant.parse("2026-12-05T01:02:03.456Z"))
        .put("list", new JsonArray().add(1).add("two").add(new JsonObject()).add(new JsonArray()).addNull())
        .put("long", big.toString());
    assertThat(JsonOut.encode(json).getBytes()).isEqualTo(json.toBuffer().getBytes());
    assertThat(JsonOut.encode(new JsonObject()).toString()).isEqualTo("{}");
  }
}
