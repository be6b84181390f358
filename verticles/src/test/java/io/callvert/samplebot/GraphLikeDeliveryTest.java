package io.callvert.samplebot;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.DeliveryProfileMode;
import io.callvert.testing.BotCall;
import io.callvert.testing.Callvert;
import io.callvert.testing.CallvertBotTest;
import io.callvert.testing.Delivery;
import io.callvert.testing.Notification;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the Graph-like profile (seed 6) does to one call of the sample bot, shown: {@code established} before
 * {@code establishing}, duplicates, two notifications in one POST, and the signing key rolled over mid-call (so the bot
 * fetched the keys a second time) — and the bot still did the right thing. A fresh Callvert per test
 * ({@link CallvertBotTest.Lifecycle#PER_TEST}), because a key rolls over once per Callvert.
 */
@CallvertBotTest(lifecycle = CallvertBotTest.Lifecycle.PER_TEST)
@Delivery(value = DeliveryProfileMode.GRAPH, seed = 6)
class GraphLikeDeliveryTest {

  IvrBot bot;

  @BeforeEach
  void startBot(Callvert callvert) {
    bot = IvrBot.start(callvert.graphBaseUrl(), callvert.token(), callvert.jwksUrl(), callvert.appId());
  }

  @AfterEach
  void stopBot() {
    bot.close();
  }

  private static String jwks(Callvert callvert) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(callvert.jwksUrl())).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void the_bot_gets_what_graph_may_send_and_still_does_the_right_thing(Callvert callvert) throws Exception {
    BotCall call = callvert.callBot(bot.callbackUrl());
    call.awaitNotification("call established");
    call.caller().pressKeys("9");
    call.awaitEnded();
    callvert.clock().runUntilIdle();

    List<String> arrived = call.received().stream().map(Notification::summary).toList();
    assertThat(arrived.indexOf("call established")).isLessThan(arrived.indexOf("call establishing"));
    assertThat(call.received()).hasSizeGreaterThan(call.notifications().size()); // duplicates
    assertThat(call.timeline()).contains("one POST of").contains("[signed with the rolled-over key]");
    assertThat(bot.keyFetches()).isEqualTo(2); // an unknown key made the bot fetch the keys again
    assertThat(jwks(callvert)).containsPattern("(?s)\"kid\".*\"kid\""); // both keys published after the rollover
    assertThat(call.operations()).hasSize(1).allMatch(op -> op.cancelled()); // the menu, cut by the key, once
  }
}
