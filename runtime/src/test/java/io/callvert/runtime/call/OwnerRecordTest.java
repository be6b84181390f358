package io.callvert.runtime.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.protocol.Outbound;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The events a call's owner record yields when its node is gone: lost in a cluster (contract rule 22 — Node loss) or
 * restarted (contract rule 42 — A restarted node ends its calls), as the Graph dialect renders them.
 */
class OwnerRecordTest {

  private static final Notification.Delivery TO = new Notification.Delivery("c-1", "https://bot.example/cb", "app", "t");

  private static OwnerRecord record(CallState state) {
    return new OwnerRecord("graph", TO, state, List.of(
        new OwnerRecord.LiveOperation("op-play", OperationKind.PLAY_PROMPT, "ctx-play"),
        new OwnerRecord.LiveOperation("op-rec", OperationKind.RECORD, "ctx-rec")));
  }

  private static JsonObject data(Notification n) {
    Outbound o = CallDriver.GRAPH.render(n);
    assertThat(o.gate()).isNull();
    assertThat(o.callbackUri()).isEqualTo(TO.callbackUri());
    return o.body().getJsonArray("value").getJsonObject(0);
  }

  @Test
  @DisplayName("restart: each live operation failed 503/9103 in queue order, then the call terminated 503/9102")
  void restarted_events() {
    List<Notification> events = record(CallState.ESTABLISHED).restartedEvents();
    assertThat(events).hasSize(3);

    JsonObject play = data(events.get(0));
    assertThat(play.getString("changeType")).isEqualTo("deleted");
    assertThat(play.getString("resourceUrl")).isEqualTo("/communications/calls/c-1/operations/op-play");
    JsonObject playData = play.getJsonObject("resourceData");
    assertThat(playData.getString("status")).isEqualTo("failed");
    assertThat(playData.getString("clientContext")).isEqualTo("ctx-play");
    assertThat(playData.getString("completionReason")).isEqualTo("unknown");
    assertThat(playData.getJsonObject("resultInfo").getMap()).containsEntry("code", 503).containsEntry("subcode", 9103)
        .containsEntry("message", "Action failed, the call's Callvert node restarted.");

    JsonObject rec = data(events.get(1)).getJsonObject("resourceData");
    assertThat(rec.getString("completionReason")).isEqualTo("unspecifiedError");
    assertThat(rec.getString("recordingLocation")).isEmpty();
    assertThat(rec.getString("recordingAccessToken")).isEmpty();

    JsonObject call = data(events.get(2));
    assertThat(call.getString("changeType")).isEqualTo("deleted");
    assertThat(call.getString("resourceUrl")).isEqualTo("/communications/calls/c-1");
    assertThat(call.getJsonObject("resourceData").getString("state")).isEqualTo("terminated");
    assertThat(call.getJsonObject("resourceData").getJsonObject("resultInfo").getMap()).containsEntry("code", 503)
        .containsEntry("subcode", 9102).containsEntry("message", "The call was ended because its Callvert node restarted.");
  }

  @Test
  @DisplayName("node loss keeps its own codes (500/9101, 500/9100); a call already terminated yields nothing")
  void lost_events_and_terminated() {
    List<Notification> lost = record(CallState.ESTABLISHED).lostEvents();
    assertThat(data(lost.get(0)).getJsonObject("resourceData").getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(9101);
    assertThat(data(lost.get(2)).getJsonObject("resourceData").getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(9100);
    assertThat(record(CallState.TERMINATED).restartedEvents()).isEmpty();
    assertThat(record(CallState.TERMINATED).lostEvents()).isEmpty();
  }
}
