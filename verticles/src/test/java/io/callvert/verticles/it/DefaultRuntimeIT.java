package io.callvert.verticles.it;

import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The usual black-box setup: one Callvert with the test defaults (virtual clock, random port), a
 * bot receiving webhooks and a WAV server, started once per test class and stopped after it.
 * Classes that need other options set up their own.
 */
abstract class DefaultRuntimeIT {

  static TestRuntime rt;
  static WebhookReceiver bot;
  static WavServer media;

  @BeforeAll
  static void startRuntime() {
    rt = TestRuntime.start();
    bot = new WebhookReceiver(rt.vertx);
    media = new WavServer(rt.vertx);
  }

  @AfterAll
  static void stopRuntime() {
    rt.close();
    media.close();
    bot.close();
  }
}
