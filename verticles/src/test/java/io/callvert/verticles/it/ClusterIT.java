package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.AuthOptions;
import io.callvert.config.CalleeOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.config.ClockMode;
import io.callvert.config.ClusterOptions;
import io.callvert.verticles.CallvertVerticle;
import io.callvert.verticles.boot.Cluster;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
 * Three clustered Vert.x nodes in one JVM (Hazelcast on loopback), each running Callvert: any node
 * serves any call with identical answers, notifications stay ordered, and a node that dies
 * abruptly has every call it owned reported terminated to its bot by a survivor.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  static final int BASE_PORT = 5811;
  static final String TOKEN_A = "cluster-app-a";
  static final String TOKEN_B = "cluster-app-b";
  static final List<Vertx> nodes = new ArrayList<>();
  /** Each node's cluster manager, kept from when its Vert.x was built (public API has no getter). */
  static final List<HazelcastClusterManager> managers = new ArrayList<>();
  static final List<String> urls = new ArrayList<>();
  static Vertx helper;
  static WebhookReceiver bot;
  static WavServer media;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void formCluster() throws Exception {
    helper = Vertx.vertx();
    bot = new WebhookReceiver(helper);
    media = new WavServer(helper);
    List<String> members = List.of("127.0.0.1:" + BASE_PORT, "127.0.0.1:" + (BASE_PORT + 1), "127.0.0.1:" + (BASE_PORT + 2));
    long t0 = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      CallvertOptions o = TestRuntime.testOptions()
          .withClock(ClockMode.SYSTEM)
          .withCallee(CalleeOptions.defaults().withAnswerDelayMs(20))
          .withCluster(ClusterOptions.defaults().withEnabled(true).withPort(BASE_PORT + i).withMembers(members))
          // the shared (admin) token the helpers use, and two apps (contract rule 43)
          .withAuth(new AuthOptions(List.of(TestRuntime.TOKEN), null, List.of("bot-a:" + TOKEN_A, "bot-b:" + TOKEN_B)));
      HazelcastClusterManager cm = Cluster.clusterManager(o.cluster());
      Vertx v = Cluster.vertx(o, new VertxOptions(), cm).await(60, TimeUnit.SECONDS);
      managers.add(cm);
      CallvertVerticle cv = new CallvertVerticle(o);
      v.deployVerticle(cv).await(30, TimeUnit.SECONDS);
      nodes.add(v);
      urls.add("http://127.0.0.1:" + cv.actualPort());
    }
    System.out.printf("cluster of 3 formed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assertThat(managers.get(0).getNodes()).hasSize(3);
  }

  @AfterAll
  static void stop() {
    for (Vertx v : nodes) {
      try {
        v.close().await(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // an abruptly killed node may already be closed
      }
    }
    helper.close();
  }

  @Test
  @Order(1)
  @DisplayName("a call created on node A is driven through B and C with the same answers and ordered notifications")
  void any_node_serves_any_call() {
    String callId = post(0, "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15557000")).json().getString("id");
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));

    String prompt = media.tone("cluster-20s.wav", 20_000, 440);
    Resp play = post(1, "/v1.0/communications/calls/" + callId + "/playPrompt", new JsonObject().put("clientContext", "p")
        .put("prompts", new JsonArray().add(new JsonObject().put("mediaInfo", new JsonObject().put("uri", prompt)))));
    assertThat(play.status).isEqualTo(200);
    String playId = play.json().getString("id");
    assertThat(play.location).isEqualTo(urls.get(1) + "/v1.0/communications/calls/" + callId + "/operations/" + playId);

    Resp record = post(2, "/beta/communications/calls/" + callId + "/recordResponse", new JsonObject().put("clientContext", "r"));
    assertThat(record.json().getString("status")).isEqualTo("notStarted");
    String recordId = record.json().getString("id");

    // the same operation, read through each node, is the same JSON
    JsonObject viaA = get(0, "/v1.0/communications/calls/" + callId + "/operations/" + playId).json();
    JsonObject viaB = get(1, "/v1.0/communications/calls/" + callId + "/operations/" + playId).json();
    JsonObject viaC = get(2, "/v1.0/communications/calls/" + callId + "/operations/" + playId).json();
    assertThat(viaB).isEqualTo(viaA);
    assertThat(viaC).isEqualTo(viaA);

    Resp cancel = post(2, "/v1.0/communications/calls/" + callId + "/cancelMediaProcessing", new JsonObject());
    assertThat(cancel.status).isEqualTo(200);
    assertThat(cancel.json().getString("status")).isEqualTo("completed");

    List<WebhookReceiver.Received> ends = bot.awaitMatching(r -> r.callId().equals(callId) && r.changeType().equals("deleted"), 2);
    assertThat(ends.get(0).resourceData().getString("id")).isEqualTo(playId);
    assertThat(ends.get(1).resourceData().getString("id")).isEqualTo(recordId);
    List<Long> seqs = bot.received().stream().filter(r -> r.callId().equals(callId)).map(WebhookReceiver.Received::sequence).toList();
    assertThat(seqs).isSorted().doesNotHaveDuplicates();

    // the journal and an unknown call look the same from every node
    assertThat(get(1, "/callvert/calls/" + callId + "/notifications").json().getJsonArray("value").size()).isGreaterThanOrEqualTo(4);
    assertThat(get(2, "/v1.0/communications/calls/" + java.util.UUID.randomUUID()).status).isEqualTo(404);
  }

  @Test
  @Order(2)
  @DisplayName("every node's JWKS holds every node's signing key: a notification sent by node A verifies with node B's JWKS")
  void jwks_covers_the_cluster() throws Exception {
    for (int node = 0; node < 3; node++) {
      assertThat(get(node, "/.well-known/jwks.json").json().getJsonArray("keys")).as("keys published by node %d", node).hasSize(3);
    }
    String callId = post(0, "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15557060")).json().getString("id");
    WebhookReceiver.Received established = bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
    String token = established.headers().get("authorization").substring("Bearer ".length());
    io.vertx.ext.auth.jwt.JWTAuthOptions jwtOptions = new io.vertx.ext.auth.jwt.JWTAuthOptions();
    for (Object k : get(1, "/.well-known/jwks.json").json().getJsonArray("keys")) {
      jwtOptions.addJwk((JsonObject) k);
    }
    io.vertx.ext.auth.User user = io.vertx.ext.auth.jwt.JWTAuth.create(helper, jwtOptions)
        .authenticate(new io.vertx.ext.auth.authentication.TokenCredentials(token)).await(10, TimeUnit.SECONDS);
    assertThat(user.principal().getString("aud")).isEqualTo("6f1e1b2a-1111-4222-8333-944455556666");
  }

  @Test
  @Order(3)
  @DisplayName("contract rule 69: any node's dashboard lists every node's calls, and its event stream gets every node's pushes")
  void dashboard_shows_every_nodes_calls() throws Exception {
    // node C's stream is open before the calls exist: their pushes come from the nodes that own them
    HttpResponse<java.util.stream.Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(urls.get(2) + "/callvert/events"))
        .header("Authorization", "Bearer " + TestRuntime.TOKEN).GET().build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.statusCode()).isEqualTo(200);
    String onA = post(0, "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15557080")).json().getString("id");
    String onB = post(1, "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15557081")).json().getString("id");
    java.util.Set<String> wanted = new java.util.HashSet<>(List.of(onA, onB));
    java.util.concurrent.CompletableFuture.runAsync(() -> {
      java.util.Iterator<String> lines = stream.body().iterator();
      while (!wanted.isEmpty() && lines.hasNext()) {
        String line = lines.next();
        wanted.removeIf(line::contains);
      }
    }).get(20, TimeUnit.SECONDS);
    stream.body().close();

    for (int node = 0; node < 3; node++) {
      JsonObject page = get(node, "/callvert/calls?state=all&limit=500").json();
      List<String> ids = page.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")).toList();
      assertThat(ids).as("node %d lists both calls", node).contains(onA, onB);
      assertThat(page.getJsonArray("nodes")).as("node %d asked every member", node).hasSize(3);
      JsonObject a = page.getJsonArray("items").stream().map(JsonObject.class::cast).filter(c -> c.getString("id").equals(onA)).findFirst().orElseThrow();
      assertThat(a.getString("node")).isEqualTo(managers.get(0).getNodeId());
    }
    // a call's timeline reads through any node (from the node that holds it)
    Resp timeline = get(2, "/callvert/calls/" + onA + "/timeline");
    assertThat(timeline.status).isEqualTo(200);
    assertThat(timeline.json().getJsonArray("entries").stream().map(o -> ((JsonObject) o).getString("kind")))
        .contains("request", "notification", "attempt");
    JsonObject one = get(2, "/callvert/calls?q=" + onB).json();
    assertThat(one.getInteger("total")).isEqualTo(1);
    assertThat(one.getJsonArray("items").getJsonObject(0).getString("node")).isEqualTo(managers.get(1).getNodeId());
  }

  @Test
  @Order(3)
  @DisplayName("a recording made on the owner node downloads through any node, with its token only")
  void recordings_download_through_any_node() throws Exception {
    String callId = post(0, "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15557050")).json().getString("id");
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
    String opId = post(1, "/v1.0/communications/calls/" + callId + "/recordResponse", new JsonObject()
        .put("maxRecordDurationInSeconds", 1).put("playBeep", false)).json().getString("id");
    assertThat(post(2, "/callvert/calls/" + callId + "/speech", new JsonObject().put("durationMs", 2000)).status).isEqualTo(202);
    JsonObject done = bot.awaitOne(callId, r -> r.resourceUrl().endsWith("/operations/" + opId)).resourceData();
    assertThat(done.getString("status")).isEqualTo("completed");
    String location = done.getString("recordingLocation");
    String path = URI.create(location).getRawPath();
    assertThat(path).isEqualTo("/callvert/calls/" + callId + "/recordings/" + path.substring(path.lastIndexOf('/') + 1));

    for (int node = 0; node < 3; node++) {
      HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(URI.create(urls.get(node) + path))
          .header("Authorization", "Bearer " + done.getString("recordingAccessToken")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(ok.statusCode()).as("download through node %d", node).isEqualTo(200);
      assertThat(ok.body().length).isEqualTo(44 + 1000 * 32); // one second of 16 kHz PCM16 + the WAV header
      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(urls.get(node) + path))
          .header("Authorization", "Bearer wrong").GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).as("wrong token through node %d", node).isEqualTo(401);
    }
  }

  @Test
  @Order(3)
  @DisplayName("contract rule 87: a media ticket for a call another node owns is 421 misdirectedRequest naming the owner node (header and message); the owner gives it, its URL on the owner")
  void media_ticket_comes_from_the_calls_node() throws Exception {
    String callId = post(0, "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15557060")).json().getString("id");
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
    String owner = get(0, "/callvert/cluster").json().getString("node");
    assertThat(owner).isEqualTo(managers.get(0).getNodeId());
    for (int node = 1; node < 3; node++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(urls.get(node) + "/callvert/calls/" + callId + "/media-ticket"))
          .header("Authorization", "Bearer " + TestRuntime.TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("node %d: %s", node, r.body()).isEqualTo(421);
      assertThat(r.headers().firstValue("Callvert-Owner-Node")).contains(owner);
      JsonObject error = new JsonObject(r.body()).getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("misdirectedRequest");
      assertThat(error.getString("message")).contains(owner);
    }
    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(urls.get(0) + "/callvert/calls/" + callId + "/media-ticket"))
        .header("Authorization", "Bearer " + TestRuntime.TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(new JsonObject(ok.body()).getString("url")).startsWith(urls.get(0).replace("http:", "ws:") + "/callvert/calls/" + callId + "/media?ticket=");
    // an unknown call is 404 through every node, as before
    assertThat(http.send(HttpRequest.newBuilder(URI.create(urls.get(1) + "/callvert/calls/" + java.util.UUID.randomUUID() + "/media-ticket"))
        .header("Authorization", "Bearer " + TestRuntime.TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(3)
  @DisplayName("apps across nodes: app B gets 404 on app A's call through every node (the owner node checks forwarded commands and journals); A and the admin reach it anywhere; a recording under another call's id is 404 through every node")
  void apps_are_isolated_across_nodes() throws Exception {
    String callId = sendAs(TOKEN_A, HttpRequest.newBuilder(URI.create(urls.get(0) + "/v1.0/communications/calls"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(TestRuntime.outgoingCallBody(bot.url(), "+15557080").encode()))).json().getString("id");
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
    for (int node = 0; node < 3; node++) {
      for (String path : List.of("/v1.0/communications/calls/" + callId, "/callvert/calls/" + callId + "/notifications",
          "/callvert/calls/" + callId + "/heard")) {
        Resp b = sendAs(TOKEN_B, HttpRequest.newBuilder(URI.create(urls.get(node) + path)).GET());
        assertThat(b.status).as("app B, node %d, %s: %s", node, path, b.body).isEqualTo(404);
        assertThat(b.json().getJsonObject("error").getString("message")).isEqualTo("Call not found.");
        assertThat(sendAs(TOKEN_A, HttpRequest.newBuilder(URI.create(urls.get(node) + path)).GET()).status)
            .as("app A, node %d, %s", node, path).isEqualTo(200);
        assertThat(get(node, path).status).as("admin, node %d, %s", node, path).isEqualTo(200);
      }
      Resp hangup = sendAs(TOKEN_B, HttpRequest.newBuilder(URI.create(urls.get(node) + "/v1.0/communications/calls/" + callId)).DELETE());
      assertThat(hangup.status).as("app B's DELETE through node %d", node).isEqualTo(404);
    }
    assertThat(sendAs(TOKEN_A, HttpRequest.newBuilder(URI.create(urls.get(2) + "/v1.0/communications/calls/" + callId)).DELETE()).status)
        .isEqualTo(204);

    // a recording of one call, asked for under another call's id (owned by another node, or this one): 404 everywhere
    String recorded = post(0, "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15557081")).json().getString("id");
    bot.awaitOne(recorded, r -> "established".equals(r.resourceData().getString("state")));
    String opId = post(1, "/v1.0/communications/calls/" + recorded + "/recordResponse", new JsonObject()
        .put("maxRecordDurationInSeconds", 1).put("playBeep", false)).json().getString("id");
    JsonObject done = bot.awaitOne(recorded, r -> r.resourceUrl().endsWith("/operations/" + opId)).resourceData();
    String location = URI.create(done.getString("recordingLocation")).getRawPath();
    String recordingId = location.substring(location.lastIndexOf('/') + 1);
    for (int owner = 0; owner < 3; owner++) {
      String other = post(owner, "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+1555709" + owner)).json().getString("id");
      for (int node = 0; node < 3; node++) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(urls.get(node) + "/callvert/calls/" + other + "/recordings/" + recordingId))
            .header("Authorization", "Bearer " + done.getString("recordingAccessToken")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("under a call of node %d, through node %d", owner, node).isEqualTo(404);
      }
    }
  }

  @Test
  @Order(4)
  @DisplayName("node loss: every call the dead node owned is reported terminated (500/9100) with its running operation failed (500/9101)")
  void node_loss_is_reported() {
    int dead = 2;
    List<String> owned = new ArrayList<>();
    List<String> ops = new ArrayList<>();
    String prompt = media.tone("cluster-60s.wav", 60_000, 330);
    for (int i = 0; i < 3; i++) {
      String callId = post(dead, "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+1555710" + i)).json().getString("id");
      bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
      Resp play = post(0, "/v1.0/communications/calls/" + callId + "/playPrompt", new JsonObject()
          .put("prompts", new JsonArray().add(new JsonObject().put("mediaInfo", new JsonObject().put("uri", prompt)))));
      owned.add(callId);
      ops.add(play.json().getString("id"));
    }

    long killedAt = System.currentTimeMillis();
    managers.get(dead).getHazelcastInstance().getLifecycleService().terminate();

    for (int i = 0; i < owned.size(); i++) {
      String callId = owned.get(i);
      String opId = ops.get(i);
      WebhookReceiver.Received opEnd = bot.awaitOne(callId, r -> r.resourceUrl().endsWith("/operations/" + opId));
      assertThat(opEnd.resourceData().getString("status")).isEqualTo("failed");
      assertThat(opEnd.resourceData().getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(9101);
      WebhookReceiver.Received end = bot.awaitOne(callId, r -> "terminated".equals(r.resourceData().getString("state")));
      assertThat(end.resourceData().getJsonObject("resultInfo").getInteger("code")).isEqualTo(500);
      assertThat(end.resourceData().getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(9100);
      assertThat(end.receivedAt()).isGreaterThanOrEqualTo(opEnd.receivedAt());
      assertThat(get(0, "/v1.0/communications/calls/" + callId).status).isEqualTo(404);
    }
    long detected = System.currentTimeMillis() - killedAt;
    System.out.printf("node loss reported to the bot %d ms after the kill%n", detected);
    assertThat(detected).isLessThan(10_000);
  }

  // ------------------------------------------------------------------ HTTP helpers

  record Resp(int status, String location, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  static Resp post(int node, String path, JsonObject body) {
    return send(HttpRequest.newBuilder(URI.create(urls.get(node) + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  static Resp get(int node, String path) {
    return send(HttpRequest.newBuilder(URI.create(urls.get(node) + path)).GET());
  }

  static Resp send(HttpRequest.Builder b) {
    return sendAs(TestRuntime.TOKEN, b);
  }

  static Resp sendAs(String token, HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = http.send(b.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      return new Resp(r.statusCode(), r.headers().firstValue("Location").orElse(null), r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
