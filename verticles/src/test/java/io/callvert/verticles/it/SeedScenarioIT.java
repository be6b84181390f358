package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The scenario Callvert exists for: a prompt running, a record queued, then cancelMediaProcessing. */
@CallvertTest
class SeedScenarioIT {

  @Test
  @DisplayName("cancel with a prompt running and a record queued: 200 + Location + completed, then two terminal notifications in order")
  void cancel_prompt_running_and_record_queued(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = rt.createOutgoingCall(bot.url());
    rt.advance(500);
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));

    String prompt = media.tone("seed-3s.wav", 3000, 440);
    TestRuntime.Resp play = rt.post("/v1.0/communications/calls/" + callId + "/playPrompt", new JsonObject()
        .put("clientContext", "play-1")
        .put("prompts", new JsonArray().add(new JsonObject().put("@odata.type", "#microsoft.graph.mediaPrompt")
            .put("mediaInfo", new JsonObject().put("uri", prompt).put("resourceId", "seed-3s")))));
    assertThat(play.status()).isEqualTo(200);
    assertThat(play.json().getString("status")).isEqualTo("running");
    String playId = play.json().getString("id");

    TestRuntime.Resp record = rt.post("/v1.0/communications/calls/" + callId + "/recordResponse",
        new JsonObject().put("clientContext", "record-1").put("maxRecordDurationInSeconds", 10));
    assertThat(record.status()).isEqualTo(200);
    assertThat(record.json().getString("status")).isEqualTo("notStarted");
    String recordId = record.json().getString("id");

    // 1 s of the prompt plays (the virtual clock waits for the media fetch before it moves)
    rt.advance(1000);

    TestRuntime.Resp cancel = rt.post("/v1.0/communications/calls/" + callId + "/cancelMediaProcessing",
        new JsonObject().put("clientContext", "cancel-1"));
    assertThat(cancel.status()).isEqualTo(200);
    JsonObject op = cancel.json();
    assertThat(op.getString("@odata.type")).isEqualTo("#microsoft.graph.cancelMediaProcessingOperation");
    assertThat(op.getString("status")).isEqualTo("completed");
    assertThat(op.getJsonObject("resultInfo").getInteger("code")).isEqualTo(200);
    assertThat(op.getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(0);
    assertThat(cancel.header("Location")).isEqualTo(rt.baseUrl + "/v1.0/communications/calls/" + callId + "/operations/" + op.getString("id"));

    List<WebhookReceiver.Received> ends = bot.awaitMatching(r -> r.callId().equals(callId) && r.changeType().equals("deleted"), 2);
    Wire.assertSeedCancelled(ends.get(0).resourceData(), ends.get(1).resourceData(), playId, recordId);
    assertThat(ends.get(0).sequence()).isLessThan(ends.get(1).sequence());

    // what the caller heard stops exactly where the cancel cut the prompt
    TestRuntime.Resp heard = rt.get("/callvert/calls/" + callId + "/heard");
    assertThat(heard.status()).isEqualTo(200);
    long heardMs = (heard.bytes().length - 44) / 32;
    assertThat(heardMs).isBetween(980L, 1020L);
  }
}
