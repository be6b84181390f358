package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard cannot rot (contract rule 76 — Metric names and the dashboard): after one call with a prompt, a retried and a dead-lettered
 * notification, every metric the dashboard queries is on {@code GET /metrics} (the cluster panels' metrics are
 * checked on a clustered node by ClusterOpsIT), and Callvert's series follow Prometheus naming: snake case,
 * counters ending {@code _total}, durations in {@code _seconds}, and no label named {@code instance} or {@code job}.
 */
class GrafanaDashboardIT {

  @Test
  @DisplayName("every metric the dashboard queries is on /metrics after a call; Callvert's names follow Prometheus conventions")
  void dashboard_metrics_exist() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setJvmMetricsEnabled(true).setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))));
    try (TestRuntime rt = TestRuntime.start(vertx, o -> o)) {
      WebhookReceiver bot = new WebhookReceiver(vertx);
      WavServer media = new WavServer(vertx);
      String callId = rt.createOutgoingCall(bot.url());
      rt.advance(1_000);
      bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
      bot.script(Reply.of(503), Reply.of(400)); // the prompt's completion: retried once, then dead-lettered
      rt.post("/v1.0/communications/calls/" + callId + "/playPrompt", new JsonObject().put("prompts", new JsonArray()
          .add(new JsonObject().put("mediaInfo", new JsonObject().put("uri", media.tone("dash.wav", 200, 440))))));
      rt.advance(1_000);
      rt.awaitJournal(callId, j -> j.stream().map(JsonObject.class::cast)
          .anyMatch(e -> "deadLettered".equals(e.getString("state"))));
      rt.post("/callvert/calls/" + callId + "/hangup", null);
      bot.awaitOne(callId, r -> "terminated".equals(r.resourceData().getString("state")));

      TestRuntime.Resp metrics = rt.get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      String scrape = metrics.text();
      List<String> needed = Dashboard.metrics().stream().filter(m -> !m.startsWith("callvert_cluster_")).toList();
      assertThat(needed).contains("callvert_calls_live", "callvert_operations_ended_total", "callvert_notifications_total",
          "callvert_notification_retries_total", "callvert_notification_delivery_seconds", "callvert_event_loop_lag_seconds");
      assertThat(needed).allSatisfy(m -> assertThat(Dashboard.exposes(scrape, m)).as(m + " on /metrics").isTrue());
      assertThat(scrape).contains("callvert_operations_ended_total{callvert=\"callvert\",kind=\"play_prompt\",outcome=\"completed\",status=\"completed\"}");

      Matcher series = Pattern.compile("(?m)^(callvert_[^{ ]+)(\\{[^}]*\\})?").matcher(scrape);
      while (series.find()) {
        String name = series.group(1);
        String labels = series.group(2) == null ? "" : series.group(2);
        assertThat(name).matches("callvert_[a-z0-9_]+");
        assertThat(labels).doesNotContain("instance=").doesNotContain("job=");
      }
      for (String counter : List.of("callvert_calls", "callvert_notifications", "callvert_notification_retries",
          "callvert_operations_ended")) {
        assertThat(scrape).contains("# TYPE " + counter + "_total counter");
      }
      assertThat(scrape).contains("# TYPE callvert_notification_delivery_seconds summary")
          .contains("# TYPE callvert_event_loop_lag_seconds gauge");
    } finally {
      vertx.close();
    }
  }
}
