package io.callvert.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.callvert.config.CallvertOptions;
import io.callvert.config.DeliveryProfileOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The delivery profile from configuration ({@code webhook.profile.*}, here through the extension's options): every
 * test of the class gets it without {@code @Delivery}; a {@code @Nested} class shares the Callvert.
 */
@CallvertBotTest(options = ConfiguredProfileTest.GraphSeed6.class)
class ConfiguredProfileTest {

  /** Seed 6 duplicates a call's first notification. */
  static final class GraphSeed6 implements UnaryOperator<CallvertOptions> {
    @Override
    public CallvertOptions apply(CallvertOptions o) {
      return o.withWebhook(o.webhook().withProfile(DeliveryProfileOptions.graph(6).withMaxHoldMs(250)));
    }
  }

  private HttpServer webhook;

  @BeforeEach
  void webhook() throws IOException {
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    webhook.start();
  }

  @AfterEach
  void stop() {
    webhook.stop(0);
  }

  private void duplicatesTheFirstNotification(Callvert callvert) {
    BotCall call = callvert.callBot("http://127.0.0.1:" + webhook.getAddress().getPort() + "/callback");
    call.awaitNotification("call incoming");
    callvert.clock().runUntilIdle();
    assertThat(call.received()).extracting(Notification::summary).containsExactly("call incoming", "call incoming");
    assertThat(call.received()).extracting(Notification::sequence).containsExactly(1L, 1L);
    call.caller().hangUp();
    call.awaitEnded();
  }

  @Test
  void the_configured_profile_applies_without_an_annotation(Callvert callvert) {
    duplicatesTheFirstNotification(callvert);
  }

  @Nested
  class Inner {
    @Test
    void and_in_a_nested_class(Callvert callvert) {
      duplicatesTheFirstNotification(callvert);
    }
  }
}
