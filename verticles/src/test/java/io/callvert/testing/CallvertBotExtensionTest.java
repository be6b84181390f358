package io.callvert.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.callvert.config.DeliveryProfileMode;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The extension itself, with the simplest bots: a webhook that accepts everything and does nothing (so a test can
 * wait for something that never comes), and plain HTTP requests standing in for a bot in another process (the handle
 * gives it URLs only). Shows what a failed assertion says.
 */
@CallvertBotTest
class CallvertBotExtensionTest {

  private HttpServer webhook;
  private final AtomicInteger failures = new AtomicInteger();

  @BeforeEach
  void webhook() throws IOException {
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 202, -1);
      exchange.close();
    });
    webhook.start();
  }

  @AfterEach
  void stop() {
    webhook.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + webhook.getAddress().getPort() + "/callback";
  }

  @Test
  void a_failed_await_says_what_was_expected_what_the_bot_received_and_the_timeline(Callvert callvert) {
    callvert.timeout(Duration.ofMillis(500));
    BotCall call = callvert.callBot(url()); // this bot never answers

    assertThatThrownBy(() -> call.awaitNotification("call established"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Call " + call.id() + ": expected the bot to receive \"call established\" within 500 ms,"
            + " but it did not happen.")
        .hasMessageContaining("received: [#1 call incoming]")
        .hasMessageContaining("Delivery profile: strict.")
        .hasMessageContaining("Timeline of call " + call.id())
        .hasMessageContaining("caller          calls the bot at " + url())
        .hasMessageContaining("Callvert → bot  POST #1 call incoming → delivered (attempt 1)");
    endWhileTheWebhookListens(callvert, call);
  }

  /** Ends a call the bot never answered, so that stopping Callvert has nothing left to deliver to a closed webhook. */
  private static void endWhileTheWebhookListens(Callvert callvert, BotCall call) {
    callvert.timeout(Duration.ofSeconds(10));
    call.caller().hangUp();
    call.awaitEnded();
  }

  @Test
  void a_wrong_sequence_names_the_first_difference_and_both_lists(Callvert callvert) {
    BotCall call = callvert.callBot(url());

    assertThatThrownBy(() -> call.assertNotifications("call established"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("Call " + call.id() + ": notification 1 should be \"call established\" but was"
            + " \"call incoming\".\n  expected: [call established]\n  received: [#1 call incoming]\n")
        .hasMessageContaining("Timeline of call");
    endWhileTheWebhookListens(callvert, call);
  }

  @Test
  @Delivery(value = DeliveryProfileMode.GRAPH, seed = 42)
  void under_the_graph_profile_the_message_names_the_seed_to_replay(Callvert callvert) {
    callvert.timeout(Duration.ofMillis(500));
    BotCall call = callvert.callBot(url());

    assertThatThrownBy(() -> call.awaitNotification("call established"))
        .hasMessageContaining("Delivery profile: graph, seed 42 (replay with @Delivery(value = GRAPH, seed = 42)).");
    endWhileTheWebhookListens(callvert, call);
  }

  @Test
  void a_bot_elsewhere_needs_only_the_urls_and_the_test_clock_drives_its_call(Callvert callvert) throws Exception {
    String body = "{\"callbackUri\":\"" + url() + "\",\"targets\":[{\"identity\":{\"phone\":{\"id\":\"+15550100\"}}}],"
        + "\"requestedModalities\":[\"audio\"],\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}}";
    HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(callvert.graphBaseUrl() + "/communications/calls"))
        .header("Authorization", "Bearer " + callvert.token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(201);

    BotCall call = callvert.awaitCall(); // the call the "bot" placed
    assertThat(created.body()).contains(call.id());
    call.awaitNotification("call establishing");
    callvert.clock().advance(Duration.ofSeconds(1)); // the simulated callee answers
    call.awaitNotification("call established");
    call.caller().hangUp();
    assertThat(call.awaitEnded().summary()).isEqualTo("call terminated 200/4097");
    call.assertNotifications("call establishing", "call established", "call terminated 200/4097");
  }

  @Test
  void run_until_idle_returns_once_a_failed_delivery_was_retried_and_delivered(Callvert callvert) {
    failures.set(2);
    BotCall call = callvert.callBot(url());
    callvert.clock().runUntilIdle();

    assertThat(call.notifications()).extracting(Notification::summary).containsExactly("call incoming");
    assertThat(call.failedDeliveries()).hasSize(2).allMatch(f -> f.startsWith("#1 call incoming: HTTP 503"));
    call.caller().hangUp();
    call.awaitEnded();
  }

  @Test
  void waiting_from_an_event_loop_is_refused_with_a_clear_error(Callvert callvert) throws Exception {
    io.vertx.core.Vertx other = io.vertx.core.Vertx.vertx();
    try {
      java.util.concurrent.CompletableFuture<Throwable> thrown = new java.util.concurrent.CompletableFuture<>();
      other.runOnContext(v -> {
        try {
          callvert.callBot(url());
          thrown.complete(null);
        } catch (Throwable t) {
          thrown.complete(t);
        }
      });
      assertThat(thrown.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not from a Vert.x event loop");
    } finally {
      other.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void the_acs_connection_string_signs_requests_callvert_accepts(Callvert callvert) throws Exception {
    String cs = callvert.acsConnectionString();
    assertThat(cs).startsWith("endpoint=" + callvert.baseUrl() + "/;accesskey=");
    String key = cs.substring(cs.indexOf(";accesskey=") + ";accesskey=".length());

    // signed as the ACS SDKs sign (contract rule 49), with the JDK alone: an unknown call is 404, not 401
    assertThat(acsGet(callvert, key, "/calling/callConnections/" + java.util.UUID.randomUUID())).isEqualTo(404);
    String wrongKey = java.util.Base64.getEncoder().encodeToString("not-the-key".getBytes(StandardCharsets.US_ASCII));
    assertThat(acsGet(callvert, wrongKey, "/calling/callConnections/" + java.util.UUID.randomUUID())).isEqualTo(401);
  }

  private static int acsGet(Callvert callvert, String key, String path) throws Exception {
    String target = path + "?api-version=2026-03-12";
    java.net.URI uri = java.net.URI.create(callvert.baseUrl() + target);
    String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
    String hash = java.util.Base64.getEncoder().encodeToString(
        java.security.MessageDigest.getInstance("SHA-256").digest(new byte[0]));
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(key), "HmacSHA256"));
    String toSign = "GET\n" + target + "\n" + date + ";" + uri.getHost() + ":" + uri.getPort() + ";" + hash;
    String signature = java.util.Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
    java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(uri).GET()
        .header("x-ms-date", date).header("x-ms-content-sha256", hash)
        .header("Authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + signature)
        .build();
    return java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
