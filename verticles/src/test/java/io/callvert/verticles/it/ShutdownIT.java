package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callvert.config.CallvertOptions;
import io.callvert.config.ShutdownOptions;
import io.callvert.verticles.CallvertVerticle;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.TestRuntime.Resp;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Received;
import io.callvert.verticles.testkit.WebhookReceiver.Reply;
import io.callvert.verticles.testkit.Wire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown (issue "Shutdown"): undeploying Callvert terminates every live call, each bot
 * hears about it before the undeploy completes, and no new call is accepted from the moment the
 * shutdown starts. Also the start-up guard against exposing the development token on a network.
 *
 * <p>Every test starts its own runtime: each one ends it.
 */
class ShutdownIT {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  @DisplayName("a start that fails (port taken) leaves no dispatcher consumer behind and deploys nothing")
  void failed_start_leaves_nothing_behind() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer squatter = vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1")
          .await(10, TimeUnit.SECONDS);
      CallvertOptions o = TestRuntime.testOptions();
      CallvertVerticle cv = new CallvertVerticle(o.withHttp(o.http().withPort(squatter.actualPort())));
      assertThatThrownBy(() -> vertx.deployVerticle(cv).await(30, TimeUnit.SECONDS)).hasMessageContaining("in use");
      assertThat(vertx.deploymentIDs()).isEmpty();
      String shard = io.callvert.verticles.Internals.dispatcherAddress(cv, "any-call");
      assertThatThrownBy(() -> vertx.eventBus().request(shard, new JsonObject().put("journal", "any-call"))
          .await(10, TimeUnit.SECONDS)).hasMessageContaining("No handlers");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("undeploy terminates every live call (established, establishing, incoming unanswered); each bot has its deleted/terminated notification before undeploy completes (resultInfo 503/0 is Callvert's choice)")
  void undeploy_terminates_live_calls() throws Exception {
    try (TestRuntime rt = TestRuntime.start(); WebhookReceiver bot = new WebhookReceiver(rt.vertx)) {
      String established = rt.createOutgoingCall(bot.url("/a"));
      rt.advance(500);
      bot.awaitOne(established, r -> "established".equals(r.resourceData().getString("state")));
      String establishing = rt.createOutgoingCall(bot.url("/b"));
      String incoming = rt.createIncomingCall(bot.url("/c"));
      bot.await(establishing, 1);
      bot.await(incoming, 1);
      String ended = rt.createOutgoingCall(bot.url("/d"));
      rt.delete("/v1.0/communications/calls/" + ended);
      bot.awaitOne(ended, r -> r.changeType().equals("deleted"));

      long t0 = System.nanoTime();
      rt.undeploy().await(30, TimeUnit.SECONDS);
      long tookMs = (System.nanoTime() - t0) / 1_000_000;

      // no waiting from here on: everything must already have arrived
      List<Received> received = bot.received();
      for (String id : List.of(established, establishing, incoming)) {
        List<Received> mine = received.stream().filter(r -> r.callId().equals(id)).toList();
        Received last = mine.get(mine.size() - 1);
        assertThat(last.changeType()).as(id).isEqualTo("deleted");
        assertThat(last.resourceData().getString("state")).isEqualTo("terminated");
        assertThat(last.resourceData().getJsonObject("resultInfo"))
            .isEqualTo(Wire.resultInfo(503, 0, "The call was ended because its Callvert node shut down."));
        assertThat(mine).extracting(Received::sequence).isSorted().doesNotHaveDuplicates();
      }
      assertThat(received.stream().filter(r -> r.callId().equals(ended))).hasSize(3);
      assertThat(tookMs).as("undeploy waits for deliveries, not for the whole grace period").isLessThan(5_000);
    }
  }

  @Test
  @DisplayName("embedded (router mounted in a host server): while shutdown flushes notifications and after it, new calls get 503 serviceNotAvailable; undeploy waits for the slow bot within shutdown.graceMs")
  void embedded_refuses_new_calls_during_and_after_shutdown() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      CallvertOptions base = TestRuntime.testOptions();
      CallvertOptions options = base.withHttp(base.http().withEnabled(false))
          .withShutdown(new ShutdownOptions(8_000))
          .withWebhook(base.webhook().withTimeoutMs(1_000));
      CallvertVerticle callvert = new CallvertVerticle(options);
      String deploymentId = vertx.deployVerticle(callvert).await(30, TimeUnit.SECONDS);
      Router host = Router.router(vertx);
      host.route("/embed/*").subRouter(callvert.router());
      HttpServer server = vertx.createHttpServer().requestHandler(host).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      String base0 = "http://127.0.0.1:" + server.actualPort() + "/embed";
      WebhookReceiver bot = new WebhookReceiver(vertx);

      Resp created = create(base0, bot.url());
      assertThat(created.status()).isEqualTo(201);
      String id = created.json().getString("id");
      assertThat(created.header("Location")).isEqualTo(base0 + "/v1.0/communications/calls/" + id);
      bot.await(id, 1);

      bot.script(Reply.hang()); // the terminated notification hangs until Callvert's 1 s timeout, then is retried
      Future<Void> undeploy = vertx.undeploy(deploymentId);
      bot.awaitAttempts(r -> r.callId().equals(id) && r.changeType().equals("deleted"), 1);
      assertThat(undeploy.isComplete()).isFalse();

      assertThat(Wire.assertError(create(base0, bot.url()), 503, "serviceNotAvailable").getString("message"))
          .contains("shutting down");

      long t0 = System.nanoTime();
      undeploy.await(30, TimeUnit.SECONDS);
      assertThat((System.nanoTime() - t0) / 1_000_000).as("drain ends with the retried delivery, well within graceMs")
          .isLessThan(4_000);
      assertThat(bot.received().stream().filter(r -> r.callId().equals(id) && r.changeType().equals("deleted"))).hasSize(1);
      assertThat(Wire.assertError(create(base0, bot.url()), 503, "serviceNotAvailable").getString("message"))
          .contains("shutting down");
      // the refused requests created no call: the bot heard of none but the first
      assertThat(bot.attempts()).allMatch(r -> r.callId().equals(id));
      assertThat(vertx.deploymentIDs()).isEmpty();
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private Resp create(String base, String callbackUri) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1.0/communications/calls"))
        .header("Authorization", "Bearer " + TestRuntime.TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(TestRuntime.outgoingCallBody(callbackUri, "+15550001").encode()))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Resp(r.statusCode(), r.headers(), r.body());
  }

  @Test
  @DisplayName("http.host 0.0.0.0 with only the development token refuses to start, naming the host and the keys to set")
  void non_loopback_without_credentials_refuses_to_start() {
    assertThatThrownBy(() -> TestRuntime.start(o -> o.withHttp(o.http().withHost("0.0.0.0"))))
        .isInstanceOf(IllegalStateException.class) // TestRuntime wraps the deployment failure
        .cause().isInstanceOfSatisfying(io.callvert.config.ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo("http.host");
          assertThat(e.source()).isEqualTo("CallvertOptions");
        })
        .hasMessageContaining("0.0.0.0")
        .hasMessageContaining("auth.tokens")
        .hasMessageContaining("auth.jwt");
  }

  @Test
  @DisplayName("http.host 0.0.0.0 with auth.tokens starts; the configured token works and the development token is refused")
  void non_loopback_with_tokens_starts() {
    try (TestRuntime rt = TestRuntime.start(o -> o.withHttp(o.http().withHost("0.0.0.0"))
        .withShutdown(new ShutdownOptions(500)) // the call's bot below does not exist: don't wait for it
        // a non-loopback bind refuses internal callback hosts (contract rule 37) unless allowed
        .withOutbound(o.outbound().withAllow(List.of("127.0.0.0/8")))
        .withAuth(o.auth().withTokens(List.of("s3cret-static-token"))))) {
      Resp dev = rt.get("/v1.0/communications/calls/" + java.util.UUID.randomUUID());
      Wire.assertError(dev, 401, "InvalidAuthenticationToken");
      Resp ok = rt.send(HttpRequest.newBuilder(rt.uri("/v1.0/communications/calls"))
          .header("Authorization", "Bearer s3cret-static-token").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(TestRuntime.outgoingCallBody("http://127.0.0.1:9/cb", "+15550001").encode())));
      assertThat(ok.status()).isEqualTo(201);
      JsonObject call = ok.json();
      assertThat(call.getString("state")).isEqualTo("establishing");
    }
  }
}
