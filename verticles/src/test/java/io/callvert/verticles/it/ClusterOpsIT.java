package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.AuthOptions;
import io.callvert.config.CalleeOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.config.ClockMode;
import io.callvert.config.ClusterOptions;
import io.callvert.verticles.CallvertVerticle;
import io.callvert.verticles.boot.Cluster;
import io.callvert.verticles.metrics.CallvertMetrics;
import io.callvert.verticles.testkit.LogLines;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A cluster you can see (contract rule 75 — Membership you can see): {@code GET /callvert/cluster} lists the members, their calls and their
 * signing keys; every join and leave is logged and counted, and so is what the surviving reporter did about a lost
 * node. Three nodes on Hazelcast ports 5801–5803 (ClusterIT uses others), each with its own Prometheus registry.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterOpsIT {

  static final int BASE_PORT = 5801;
  static final String APP_TOKEN = "ops-app-token";
  static final List<Vertx> nodes = new ArrayList<>();
  static final List<HazelcastClusterManager> managers = new ArrayList<>();
  static final List<CallvertVerticle> callverts = new ArrayList<>();
  static final List<String> urls = new ArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();
  static LogLines logs;
  static Vertx helper;
  static WebhookReceiver bot;

  @BeforeAll
  static void formCluster() throws Exception {
    logs = new LogLines();
    helper = Vertx.vertx();
    bot = new WebhookReceiver(helper);
    List<String> members = List.of("127.0.0.1:" + BASE_PORT, "127.0.0.1:" + (BASE_PORT + 1), "127.0.0.1:" + (BASE_PORT + 2));
    for (int i = 0; i < 3; i++) {
      CallvertOptions o = TestRuntime.testOptions()
          .withClock(ClockMode.SYSTEM)
          .withCallee(CalleeOptions.defaults().withAnswerDelayMs(20))
          .withCluster(ClusterOptions.defaults().withEnabled(true).withPort(BASE_PORT + i).withMembers(members))
          .withAuth(new AuthOptions(List.of(TestRuntime.TOKEN), null, List.of("ops-app:" + APP_TOKEN)));
      HazelcastClusterManager cm = Cluster.clusterManager(o.cluster());
      VertxOptions vo = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
          .setRegistryName("cluster-ops-it-" + i).setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
      Vertx v = Cluster.vertx(o, vo, cm).await(60, TimeUnit.SECONDS);
      CallvertVerticle cv = new CallvertVerticle(o);
      v.deployVerticle(cv).await(30, TimeUnit.SECONDS);
      managers.add(cm);
      nodes.add(v);
      callverts.add(cv);
      urls.add("http://127.0.0.1:" + cv.actualPort());
    }
  }

  @AfterAll
  static void stop() {
    for (Vertx v : nodes) {
      try {
        v.close().await(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the killed node may already be closed
      }
    }
    helper.close();
    logs.close();
  }

  static String nodeId(int i) {
    return managers.get(i).getNodeId();
  }

  static double count(int node, String name, String tagKey, String tagValue) {
    MeterRegistry r = CallvertMetrics.registryOf(nodes.get(node));
    var search = r.find(name);
    if (tagKey != null) {
      search = search.tag(tagKey, tagValue);
    }
    Counter c = search.counter();
    return c == null ? 0 : c.count();
  }

  @Test
  @Order(1)
  @DisplayName("every join was logged and counted: the first node saw the two others join")
  void joins_logged_and_counted() throws Exception {
    for (int i = 1; i < 3; i++) {
      String id = nodeId(i);
      logs.when(m -> m.startsWith("cluster node " + id + " joined")).await(10, TimeUnit.SECONDS);
    }
    assertThat(count(0, "callvert.cluster.membership.changes", "change", "joined")).isEqualTo(2.0);
    assertThat(CallvertMetrics.registryOf(nodes.get(0)).find("callvert.cluster.members").gauge().value()).isEqualTo(3.0);
  }

  @Test
  @Order(2)
  @DisplayName("GET /callvert/cluster lists the members, each with its calls and the kid of its signing key; admins only")
  void cluster_view() throws Exception {
    String callId = post(1, "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15558100"))
        .getString("id");
    HttpResponse<String> r = get(0, "/callvert/cluster", TestRuntime.TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject view = new JsonObject(r.body());
    assertThat(view.getBoolean("clustered")).isTrue();
    assertThat(view.getString("node")).isEqualTo(nodeId(0));
    JsonArray members = view.getJsonArray("members");
    assertThat(members).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonObject m = member(members, nodeId(i));
      assertThat(m.getBoolean("self")).isEqualTo(i == 0);
      String kid = callverts.get(i).jwks().getJsonArray("keys").getJsonObject(0).getString("kid");
      assertThat(m.getJsonArray("keys").getList()).containsExactly(kid);
    }
    JsonObject owner = member(members, nodeId(1));
    assertThat(owner.getInteger("calls")).isEqualTo(1);
    assertThat(owner.getJsonArray("callIds").getList()).containsExactly(callId);
    assertThat(member(members, nodeId(0)).getInteger("calls")).isZero();
    // it names every app's calls: an app's own token is not enough (contract rule 43)
    HttpResponse<String> app = get(0, "/callvert/cluster", APP_TOKEN);
    assertThat(app.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(app.body()).getJsonObject("error").getString("code")).isNotBlank();
    assertThat(get(0, "/callvert/cluster", null).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(3)
  @DisplayName("a lost node: one line and the metrics say which calls the reporter ended, which bots it told and how long it took")
  void node_loss_logged_and_counted() throws Exception {
    int dead = 2;
    String lost = nodeId(dead);
    String callId = post(dead, "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15558101"))
        .getString("id");
    bot.awaitOne(callId, n -> "established".equals(n.resourceData().getString("state")));
    managers.get(dead).getHazelcastInstance().getLifecycleService().terminate();

    String line = logs.when(m -> m.startsWith("cluster node " + lost + " left: this node ended"))
        .await(20, TimeUnit.SECONDS).getFormattedMessage();
    assertThat(line).contains("ended its 1 call(s)").contains("told 1 bot(s)").contains("withdrew 1 signing key(s)");
    bot.awaitOne(callId, n -> "terminated".equals(n.resourceData().getString("state")));
    int reporter = -1;
    for (int i = 0; i < 2; i++) {
      if (count(i, "callvert.cluster.lost.calls.ended", null, null) > 0) {
        reporter = i;
      }
    }
    assertThat(reporter).as("the reporter counted the call it ended").isNotNegative();
    assertThat(count(reporter, "callvert.cluster.lost.calls.ended", null, null)).isEqualTo(1.0);
    assertThat(count(reporter, "callvert.cluster.lost.bots.told", null, null)).isEqualTo(1.0);
    assertThat(CallvertMetrics.registryOf(nodes.get(reporter)).find("callvert.cluster.node.loss.handling").timer().count())
        .isEqualTo(1);
    int other = 1 - reporter;
    logs.when(m -> m.startsWith("cluster node " + lost + " left: another node reports")).await(20, TimeUnit.SECONDS);
    for (int i = 0; i < 2; i++) {
      assertThat(count(i, "callvert.cluster.membership.changes", "change", "left")).as("node " + i).isEqualTo(1.0);
    }
    assertThat(count(other, "callvert.cluster.lost.calls.ended", null, null)).isZero();
    JsonObject view = new JsonObject(get(0, "/callvert/cluster", TestRuntime.TOKEN).body());
    assertThat(view.getJsonArray("members")).hasSize(2);
  }

  @Test
  @Order(4)
  @DisplayName("the dashboard's cluster panels query metrics a clustered node exposes")
  void dashboard_cluster_metrics_exist() {
    String scrape = ((io.micrometer.prometheusmetrics.PrometheusMeterRegistry) CallvertMetrics.registryOf(nodes.get(0))).scrape();
    java.util.List<String> cluster = Dashboard.metrics().stream().filter(m -> m.startsWith("callvert_cluster_")).toList();
    assertThat(cluster).isNotEmpty();
    assertThat(cluster).allSatisfy(m -> assertThat(Dashboard.exposes(scrape, m)).as(m).isTrue());
  }

  static JsonObject member(JsonArray members, String node) {
    for (int i = 0; i < members.size(); i++) {
      if (node.equals(members.getJsonObject(i).getString("node"))) {
        return members.getJsonObject(i);
      }
    }
    throw new AssertionError("no member " + node + " in " + members.encode());
  }

  static JsonObject post(int node, String path, JsonObject body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(urls.get(node) + path))
        .header("Authorization", "Bearer " + TestRuntime.TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body());
  }

  static HttpResponse<String> get(int node, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(urls.get(node) + path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
