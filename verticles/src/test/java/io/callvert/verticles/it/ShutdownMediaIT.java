package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.action;
import static io.callvert.verticles.it.MediaItSupport.opPath;
import static io.callvert.verticles.it.MediaItSupport.playBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Rule 8 when Callvert itself stops: every running or queued media and DTMF operation still gets
 * its one terminal notification (410/8509), before its call's terminated notification. The bot
 * and the media server live on their own Vert.x so that they outlive the runtime.
 */
class ShutdownMediaIT {

  static Vertx outside;
  static TestRuntime rt;
  static WebhookReceiver bot;
  static WavServer media;

  @BeforeAll
  static void start() {
    outside = Vertx.vertx();
    bot = new WebhookReceiver(outside);
    media = new WavServer(outside);
    rt = TestRuntime.start();
  }

  @AfterAll
  static void stop() throws Exception {
    bot.close();
    media.close();
    outside.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("undeploying Callvert ends every live operation with exactly one 410/8509 notification, then the call's terminated notification")
  void shutdown_ends_operations() {
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
    rt.close();

    for (String[] op : ops) {
      List<WebhookReceiver.Received> ends = bot.awaitMatching(r -> r.resourceUrl().equals(opPath(op[0], op[1])), 1);
      assertThat(ends).hasSize(1);
      JsonObject data = ends.get(0).resourceData();
      assertThat(data.getString("status")).isEqualTo("failed");
      assertThat(data.getJsonObject("resultInfo").getInteger("code")).isEqualTo(410);
      assertThat(data.getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(8509);
    }
    for (String callId : calls) {
      WebhookReceiver.Received terminated = MediaItSupport.awaitTerminated(bot, callId);
      List<WebhookReceiver.Received> all = bot.received().stream().filter(r -> r.callId().equals(callId)).toList();
      assertThat(all.get(all.size() - 1)).isSameAs(terminated);
      for (int i = 0; i < all.size(); i++) {
        assertThat(all.get(i).sequence()).isEqualTo(i + 1L);
      }
    }
  }
}
