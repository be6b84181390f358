package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.action;
import static io.callvert.verticles.it.MediaItSupport.opPath;
import static io.callvert.verticles.it.MediaItSupport.playBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contract rule 8 — Exactly one ending per operation when Callvert itself stops: every running or queued media and DTMF operation still gets
 * its one terminal notification (410/8509), before its call's terminated notification. Undeploying
 * Callvert drains its notifications (shutdown.graceMs), so the bot and the media server of the
 * fixture, which live on the same Vert.x, are still there to receive them; the fixture closes that
 * Vert.x after the class.
 */
@CallvertTest
class ShutdownMediaIT {

  @Test
  @DisplayName("undeploying Callvert ends every live operation with exactly one 410/8509 notification, then the call's terminated notification")
  void shutdown_ends_operations(TestRuntime rt, WebhookReceiver bot, WavServer media, VertxTestContext ctx) {
    String prompt = media.tone("shutdown-5s.wav", 5000, 440);
    List<String> calls = new ArrayList<>();
    List<String[]> ops = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String callId = MediaItSupport.establishedCall(rt, bot);
      calls.add(callId);
      ops.add(new String[] {callId, action(rt, callId, "playPrompt", playBody("s" + i, prompt)).json().getString("id")});
      ops.add(new String[] {callId, action(rt, callId, "recordResponse", new JsonObject()).json().getString("id")});
      ops.add(new String[] {callId, action(rt, callId, "sendDtmfTones", new JsonObject()
          .put("tones", new JsonArray().add("tone1").add("tone2")).put("delayBetweenTonesMs", 5000)).json().getString("id")});
      ops.add(new String[] {callId, action(rt, callId, "playPrompt", playBody("hang" + i, media.url("/hang/shutdown-" + i))).json().getString("id")});
    }
    rt.advance(1000); // prompts mid-play (the never-answering prompts are queued, not yet fetched)
    // and one call whose prompt is still being fetched
    String fetching = MediaItSupport.establishedCall(rt, bot);
    calls.add(fetching);
    ops.add(new String[] {fetching, action(rt, fetching, "playPrompt", playBody("fetching", media.url("/hang/shutdown-fetch"))).json().getString("id")});

    // every checkpoint first: the context completes as soon as all that exist are flagged
    List<Checkpoint> ended = ops.stream().map(op -> ctx.checkpoint()).toList();
    Checkpoint drained = ctx.checkpoint();
    for (int i = 0; i < ops.size(); i++) {
      String path = opPath(ops.get(i)[0], ops.get(i)[1]);
      Checkpoint once = ended.get(i); // strict: a second terminal notification fails the test
      bot.onReceived(r -> r.resourceUrl().equals(path), r -> ctx.verify(() -> {
        JsonObject data = r.resourceData();
        assertThat(r.changeType()).isEqualTo("deleted");
        assertThat(data.getString("status")).isEqualTo("failed");
        assertThat(data.getJsonObject("resultInfo").getInteger("code")).isEqualTo(410);
        assertThat(data.getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(8509);
        once.flag();
      }));
    }
    // undeploy completes once every notification was delivered: from then on nothing is awaited
    rt.undeploy().onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      for (String[] op : ops) {
        assertThat(bot.received()).filteredOn(r -> r.resourceUrl().equals(opPath(op[0], op[1]))).hasSize(1);
      }
      for (String callId : calls) {
        List<WebhookReceiver.Received> all = bot.received().stream().filter(r -> r.callId().equals(callId)).toList();
        WebhookReceiver.Received last = all.get(all.size() - 1);
        assertThat(last.changeType()).as("the last notification of %s", callId).isEqualTo("deleted");
        assertThat(last.resourceUrl()).isEqualTo("/communications/calls/" + callId);
        assertThat(last.resourceData().getString("state")).isEqualTo("terminated");
        for (int i = 0; i < all.size(); i++) {
          assertThat(all.get(i).sequence()).isEqualTo(i + 1L);
        }
      }
      drained.flag();
    })));
  }
}
