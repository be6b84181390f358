package io.callvert.samplebot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.callvert.testing.BotCall;
import io.callvert.testing.Callvert;
import io.callvert.testing.CallvertBotTest;
import io.callvert.testing.Operation;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sample IVR bot's tests, written as a bot developer writes them with Callvert's JUnit 5 extension: every branch
 * of the menu, the caller hanging up mid-prompt, and a webhook that fails once. They run twice: under the strict
 * delivery profile ({@link IvrBotStrictTest}) and under the Graph-like one ({@link IvrBotGraphProfileTest}), whose
 * duplicates, reordering, delays, batches and signing-key rollover the bot must survive. Nothing here sleeps: each
 * step awaits the notification that proves the bot got there (the bot acts before it acknowledges a notification).
 */
@CallvertBotTest
abstract class IvrBotTest {

  IvrBot bot;

  @BeforeEach
  void startBot(Callvert callvert) {
    bot = IvrBot.start(callvert.graphBaseUrl(), callvert.token(), callvert.jwksUrl(), callvert.appId());
  }

  @AfterEach
  void stopBot() {
    bot.close();
  }

  /** A call to the bot, answered, with the menu playing and keys listened for. */
  BotCall menuPlaying(Callvert callvert) {
    BotCall call = callvert.callBot(bot.callbackUrl());
    call.awaitNotification("call established");
    return call;
  }

  @Test
  void pressing_1_plays_sales_then_hangs_up(Callvert callvert) {
    BotCall call = menuPlaying(callvert);
    callvert.clock().advance(Duration.ofSeconds(1)); // the caller listens to the menu for a second
    call.caller().pressKeys("1");
    call.awaitOperationWithContext("menu");          // cancelled: the bot has moved on to sales
    callvert.clock().advance(Duration.ofSeconds(1)); // the sales prompt plays to its end

    call.awaitEnded();
    call.assertNotifications("call incoming", "call establishing", "call established", "tone 1",
        "playPromptOperation failed 400/8508", "playPromptOperation completed", "call terminating",
        "call terminated 200/7000");
    assertThat(call.operations()).extracting(Operation::clientContext, Operation::status)
        .containsExactly(tuple("menu", "failed"), tuple("sales", "completed"));
    assertThat(call.heard().cutPoints()).containsExactly(1_000L); // the menu, where the key cut it
  }

  @Test
  void pressing_2_records_a_message(Callvert callvert) {
    BotCall call = menuPlaying(callvert);
    call.caller().pressKeys("2");
    call.awaitOperationWithContext("menu");
    callvert.clock().advance(Duration.ofMillis(1_500)); // "leave a message after the beep", beep
    call.caller().speak(Duration.ofSeconds(2));
    callvert.clock().advance(Duration.ofSeconds(2));
    call.caller().pressKeys("#"); // a stop tone ends the recording

    Operation message = call.awaitOperationWithContext("message");
    assertThat(message.completed()).isTrue();
    callvert.clock().advance(Duration.ofSeconds(1)); // goodbye
    call.awaitEnded();
    assertThat(call.operations()).extracting(Operation::clientContext, Operation::status)
        .containsExactly(tuple("menu", "failed"), tuple("message", "completed"), tuple("goodbye", "completed"));
    assertThat(bot.recordingLocation(call.id())).contains("/recordings/");
  }

  @Test
  void pressing_9_hangs_up_at_once(Callvert callvert) {
    BotCall call = menuPlaying(callvert);
    call.caller().pressKeys("9");

    call.awaitEnded();
    assertThat(call.operations()).extracting(Operation::clientContext, Operation::cancelled)
        .containsExactly(tuple("menu", true));
    assertThat(call.notifications()).last().matches(n -> n.matches("call terminated 200/7000"));
  }

  @Test
  void another_key_plays_the_menu_again(Callvert callvert) {
    BotCall call = menuPlaying(callvert);
    call.caller().pressKeys("5");
    call.awaitOperationWithContext("menu");            // the first menu, cut by the key
    callvert.clock().advance(Duration.ofSeconds(1));
    call.caller().pressKeys("1");                      // understood this time
    call.awaitOperation("playPromptOperation", 2);     // the second menu, cut by it
    callvert.clock().advance(Duration.ofSeconds(1));
    call.awaitEnded();
    assertThat(call.operations()).extracting(Operation::clientContext, Operation::status)
        .containsExactly(tuple("menu", "failed"), tuple("menu", "failed"), tuple("sales", "completed"));
  }

  @Test
  void no_answer_plays_the_menu_twice_then_goodbye(Callvert callvert) {
    BotCall call = menuPlaying(callvert);
    callvert.clock().advance(Duration.ofSeconds(3));
    call.awaitOperation("playPromptOperation", 1);
    callvert.clock().advance(Duration.ofSeconds(3));
    call.awaitOperation("playPromptOperation", 2);
    callvert.clock().advance(Duration.ofSeconds(1));

    call.awaitEnded();
    assertThat(call.operations()).extracting(Operation::clientContext, Operation::status)
        .containsExactly(tuple("menu", "completed"), tuple("menu", "completed"), tuple("goodbye", "completed"));
    assertThat(call.heard().durationMs()).isEqualTo(3_000 + 3_000 + 1_000);
    assertThat(call.heard().cutPoints()).isEmpty();
  }

  @Test
  void the_caller_hanging_up_mid_prompt_ends_the_call(Callvert callvert) {
    BotCall call = menuPlaying(callvert);
    callvert.clock().advance(Duration.ofMillis(1_200));
    call.caller().hangUp();

    call.awaitNotification("call terminated 200/4097");
    callvert.clock().runUntilIdle();
    assertThat(call.heard().cutPoints()).containsExactly(1_200L);
    assertThat(call.notifications()).last().matches(n -> n.matches("call terminated 200/4097"));
  }

  @Test
  void a_webhook_that_fails_once_still_gets_every_notification(Callvert callvert) {
    bot.failNextNotification();
    BotCall call = menuPlaying(callvert); // "call incoming" is refused once (500), then redelivered
    call.caller().pressKeys("9");

    call.awaitEnded();
    assertThat(call.failedDeliveries()).hasSize(1).first().asString().startsWith("#1 call incoming: HTTP 500");
    assertThat(call.notifications()).extracting(n -> n.summary().split(" ")[0] + " " + n.summary().split(" ")[1])
        .startsWith("call incoming", "call establishing", "call established");
  }
}
