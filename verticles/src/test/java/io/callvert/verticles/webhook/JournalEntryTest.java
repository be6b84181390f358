package io.callvert.verticles.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.protocol.Outbound;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A journal entry keeps what every notification needs and nothing more: the rarely used fields (profile, batch,
 * trace, a failed attempt's error) live in an object made on first use, because an idle call keeps its entries for
 * life (heap per idle call, docs/benchmarks.md).
 */
class JournalEntryTest {

  private static JsonObject graphCall(String state) {
    return new JsonObject().put("value", new JsonArray().add(new JsonObject().put("resourceData",
        new JsonObject().put("@odata.type", "#microsoft.graph.call").put("state", state))));
  }

  private static JournalEntry entry(JsonObject body) {
    return new JournalEntry(7, new Outbound("c", "http://127.0.0.1/cb", "aud", "tid", null, body), 1_000L);
  }

  @Test
  @DisplayName("a plain delivery (strict, untraced, answered 2xx) never makes the rare part")
  void plain_delivery_makes_no_extra() {
    JournalEntry e = entry(graphCall("established"));
    e.trace(null);
    e.traceparent(null);
    e.lastError(null);
    e.lastStatus(202);
    e.attempts++;
    assertThat(e.extraIfMade()).isNull();
    assertThat(e.rider()).isNull();
    assertThat(e.rolledOver()).isFalse();
    assertThat(e.lastError()).isNull();
    assertThat(e.lastStatus()).isEqualTo(202);
    assertThat(e.toJson().getString("lastError")).isNull();
  }

  @Test
  @DisplayName("a failed attempt's error is kept, shown and cleared like a field")
  void last_error_round_trip() {
    JournalEntry e = entry(graphCall("established"));
    e.lastError("POST http://127.0.0.1/cb failed: connection refused");
    e.lastStatus(503);
    assertThat(e.extraIfMade()).isNotNull();
    assertThat(e.lastError()).isEqualTo("POST http://127.0.0.1/cb failed: connection refused");
    assertThat(e.toJson().getString("lastError")).isEqualTo(e.lastError());
    assertThat(e.lastStatus()).isEqualTo(503);
    e.lastError(null);
    assertThat(e.lastError()).isNull();
  }

  @Test
  @DisplayName("the profile's kind is read from the body: Graph call states, other Graph notifications, not Graph")
  void kind_from_body() {
    assertThat(entry(graphCall("establishing")).kind()).isEqualTo(DeliveryProfile.Kind.ESTABLISHING);
    assertThat(entry(graphCall("terminated")).kind()).isEqualTo(DeliveryProfile.Kind.TERMINATED);
    assertThat(entry(graphCall("established")).kind()).isEqualTo(DeliveryProfile.Kind.OTHER);
    JsonObject operation = new JsonObject().put("value", new JsonArray().add(new JsonObject().put("resourceData",
        new JsonObject().put("@odata.type", "#microsoft.graph.playPromptOperation"))));
    assertThat(entry(operation).kind()).isEqualTo(DeliveryProfile.Kind.OTHER);
    JsonObject cloudEvent = new JsonObject().put("type", "Microsoft.Communication.CallConnected");
    assertThat(entry(cloudEvent).kind()).isNull(); // an ACS CloudEvent: no profile applies (contract rule 78)
  }
}
