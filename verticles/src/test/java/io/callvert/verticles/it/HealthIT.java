package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callvert.config.HealthOptions;
import io.callvert.verticles.ops.Operations;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.TestRuntime.Resp;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Reply;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Liveness and readiness for schedulers (contract rules 71 and 72): {@code /health/live} and {@code /health/ready}
 * unauthenticated, in vertx-health-check's JSON, revealing nothing secret; readiness DOWN over the webhook backlog
 * limit and from the first step of a shutdown, before the port closes. Every test runs its own Callvert.
 */
class HealthIT {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static JsonObject check(JsonObject health, String id) {
    JsonArray checks = health.getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (id.equals(checks.getJsonObject(i).getString("id"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no check '" + id + "' in " + health.encode());
  }

  /** A GET without any Authorization header. */
  private HttpResponse<String> anonymousGet(TestRuntime rt, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(rt.uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("live and ready answer 200 UP without a token, name their checks and reveal no key, token or id")
  void live_and_ready_up() throws Exception {
    try (TestRuntime rt = TestRuntime.start()) {
      HttpResponse<String> live = anonymousGet(rt, "/health/live");
      assertThat(live.statusCode()).isEqualTo(200);
      JsonObject l = new JsonObject(live.body());
      assertThat(l.getString("status")).isEqualTo("UP");
      assertThat(check(l, "eventLoops").getJsonObject("data").getInteger("loops")).isPositive();

      HttpResponse<String> ready = anonymousGet(rt, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      JsonObject r = new JsonObject(ready.body());
      assertThat(r.getString("status")).isEqualTo("UP");
      for (String id : new String[] {"accepting", "http", "cluster", "signingKey", "webhookBacklog"}) {
        assertThat(check(r, id).getString("status")).as(id).isEqualTo("UP");
      }
      assertThat(check(r, "cluster").getJsonObject("data").getBoolean("clustered")).isFalse();
      String kid = rt.callvert.jwks().getJsonArray("keys").getJsonObject(0).getString("kid");
      for (String body : new String[] {live.body(), ready.body()}) {
        assertThat(body).doesNotContain(kid).doesNotContain(TestRuntime.TOKEN).doesNotContain("BEGIN")
            .doesNotContain("127.0.0.1");
      }
      // not clustered: the cluster view is this one node, its live calls and its key (contract rule 73 — The cluster view)
      JsonObject view = rt.get("/callvert/cluster").json();
      assertThat(view.getBoolean("clustered")).isFalse();
      assertThat(view.getJsonArray("members")).hasSize(1);
      assertThat(view.getJsonArray("members").getJsonObject(0).getJsonArray("keys").getList()).containsExactly(kid);
      // the old /health keeps answering as before
      Resp old = rt.get("/health");
      assertThat(old.status()).isEqualTo(200);
      assertThat(old.json().getString("status")).isEqualTo("UP");
    }
  }

  @Test
  @DisplayName("ready is 503 with webhookBacklog DOWN while more notifications wait than health.maxWebhookBacklog")
  void ready_down_over_backlog() throws Exception {
    try (TestRuntime rt = TestRuntime.start(o -> o.withHealth(HealthOptions.defaults().withMaxWebhookBacklog(1)))) {
      WebhookReceiver bot = new WebhookReceiver(rt.vertx);
      try {
        bot.script(Reply.hang()); // the first notification is held, the next one waits behind it
        String callId = rt.createOutgoingCall(bot.url());
        bot.awaitAttempts(r -> r.callId().equals(callId), 1);
        rt.advance(1_000); // the callee answers: "established" queues behind the held "establishing"
        rt.awaitJournal(callId, j -> j.size() >= 2);
        HttpResponse<String> ready = anonymousGet(rt, "/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonObject backlog = check(new JsonObject(ready.body()), "webhookBacklog");
        assertThat(backlog.getString("status")).isEqualTo("DOWN");
        assertThat(backlog.getJsonObject("data").getInteger("pending")).isGreaterThanOrEqualTo(2);
        assertThat(backlog.getJsonObject("data").getInteger("max")).isEqualTo(1);
        assertThat(anonymousGet(rt, "/health/live").statusCode()).isEqualTo(200); // alive, just not ready
      } finally {
        bot.clearScript();
        rt.undeploy().await(30, TimeUnit.SECONDS);
        bot.close();
      }
    }
  }

  @Test
  @DisplayName("on shutdown ready turns 503 first, live stays 200, and only health.unreadyDelayMs later the port closes")
  void ready_down_before_port_closes() throws Exception {
    TestRuntime rt = TestRuntime.start(o -> o.withHealth(HealthOptions.defaults().withUnreadyDelayMs(1_500)));
    try {
      Promise<JsonObject> unready = Promise.promise();
      rt.vertx.eventBus().<JsonObject>localConsumer(Operations.healthAddress("callvert"), m -> unready.tryComplete(m.body()))
          .completion().await(10, TimeUnit.SECONDS);
      var undeployed = rt.undeploy();
      JsonObject event = unready.future().await(10, TimeUnit.SECONDS);
      assertThat(event.getBoolean("ready")).isFalse();
      assertThat(undeployed.isComplete()).as("the port is still open").isFalse();

      HttpResponse<String> ready = anonymousGet(rt, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      JsonObject accepting = check(new JsonObject(ready.body()), "accepting");
      assertThat(accepting.getString("status")).isEqualTo("DOWN");
      assertThat(accepting.getJsonObject("data").getString("reason")).isEqualTo("shutting down");
      assertThat(anonymousGet(rt, "/health/live").statusCode()).isEqualTo(200);

      undeployed.await(30, TimeUnit.SECONDS);
      assertThatThrownBy(() -> anonymousGet(rt, "/health/ready")).isInstanceOf(java.io.IOException.class);
    } finally {
      rt.close();
    }
  }
}
