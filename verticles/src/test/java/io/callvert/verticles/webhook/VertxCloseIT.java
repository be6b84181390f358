package io.callvert.verticles.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Received;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The webhook shards are a top-level deployment of their own (see {@link WebhookDispatchers}):
 * when the host closes its whole Vert.x without undeploying Callvert first, Vert.x undeploys the
 * shards and Callvert's root at the same time, and the shards must still deliver the final
 * notifications the call verticles hand them as they stop.
 */
class VertxCloseIT {

  @Test
  @DisplayName("vertx.close() with Callvert still deployed: every live call's bot still gets its terminated notification")
  void closing_vertx_delivers_the_final_notifications() throws Exception {
    Vertx botVertx = Vertx.vertx();
    TestRuntime rt = TestRuntime.start();
    try (WebhookReceiver bot = new WebhookReceiver(botVertx)) {
      String established = rt.createOutgoingCall(bot.url("/a"));
      rt.advance(500);
      bot.awaitOne(established, r -> "established".equals(r.resourceData().getString("state")));
      String incoming = rt.createIncomingCall(bot.url("/b"));
      bot.await(incoming, 1);

      rt.vertx.close().await(30, TimeUnit.SECONDS);

      // no waiting from here on: the close completes after the shards were drained
      List<Received> received = bot.received();
      for (String id : List.of(established, incoming)) {
        List<Received> mine = received.stream().filter(r -> r.callId().equals(id)).toList();
        Received last = mine.get(mine.size() - 1);
        assertThat(last.changeType()).as(id).isEqualTo("deleted");
        assertThat(last.resourceData().getString("state")).as(id).isEqualTo("terminated");
      }
    } finally {
      rt.vertx.close().await(30, TimeUnit.SECONDS);
      botVertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
