package io.callvert.verticles.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.AuthOptions;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.RawHttp;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The JSON behind the dashboard and the page's development-token hand-out, without a browser (docs/ui.md,
 * contract rules 65–69).
 */
@CallvertTest
class UiApiIT {

  private static int port(TestRuntime rt) {
    return URI.create(rt.baseUrl).getPort();
  }

  private static RawHttp.Response rawGet(TestRuntime rt, String path, String host) {
    return RawHttp.exchange(port(rt), "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  }

  @Test
  @DisplayName("contract rule 65: the development token goes to a loopback page only, never to a rebound or remote Host, never when real credentials are set")
  void development_token_only_to_loopback(TestRuntime rt) {
    for (String host : List.of("127.0.0.1:" + port(rt), "localhost:" + port(rt), "[::1]:" + port(rt))) {
      RawHttp.Response r = rawGet(rt, "/callvert/ui/session", host);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().getString("token")).as(host).isEqualTo(AuthOptions.DEV_TOKEN);
      assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    }
    RawHttp.Response rebound = rawGet(rt, "/callvert/ui/session", "attacker.example:" + port(rt));
    assertThat(rebound.status()).isEqualTo(200);
    assertThat(rebound.json().getValue("token")).isNull();
    assertThat(rebound.json().getString("reason")).contains("loopback");

    try (TestRuntime secured = TestRuntime.start(o -> o.withAuth(new AuthOptions(List.of("a-real-shared-token"), null, List.of())))) {
      RawHttp.Response r = rawGet(secured, "/callvert/ui/session", "127.0.0.1:" + port(secured));
      assertThat(r.json().getValue("token")).isNull();
      assertThat(r.json().getString("reason")).contains("needs a token");
    }
  }

  @Test
  @DisplayName("the pages load without a token, from the classpath, with a strict Content-Security-Policy; /callvert/ui redirects to ui/")
  void pages_load_without_a_token(TestRuntime rt) {
    for (String page : List.of("/callvert/ui/", "/callvert/ui/index.html", "/callvert/ui/phone.html", "/callvert/ui/dashboard.js",
        "/callvert/ui/phone.js", "/callvert/ui/pcm-worklet.js", "/callvert/ui/common.js", "/callvert/ui/app.css")) {
      TestRuntime.Resp r = rt.send(HttpRequest.newBuilder(rt.uri(page)).GET());
      assertThat(r.status()).as(page).isEqualTo(200);
      assertThat(r.header("Content-Security-Policy")).as(page).contains("default-src 'self'").contains("script-src 'self'");
      assertThat(r.text()).as("no CDN, no absolute URL").doesNotContain("http://").doesNotContain("https://cdn");
    }
    TestRuntime.Resp redirect = rt.send(HttpRequest.newBuilder(rt.uri("/callvert/ui")).GET());
    assertThat(redirect.status()).isEqualTo(302);
    assertThat(redirect.header("Location")).isEqualTo("ui/");
    assertThat(rt.send(HttpRequest.newBuilder(rt.uri("/callvert/ui/nothing.html")).GET()).status()).isEqualTo(404);

    // ui.enabled=false: no pages, the JSON stays
    try (TestRuntime off = TestRuntime.start(o -> o.withUi(new io.callvert.config.UiOptions(false, 10, 10, 250)))) {
      assertThat(off.get("/callvert/ui/index.html").status()).isEqualTo(404);
      assertThat(off.get("/callvert/calls").status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("GET /callvert/calls: pages and filters on the server; bad parameters are 400 in the envelope")
  void list_pages_filters_and_refuses_bad_parameters(TestRuntime rt, WebhookReceiver bot) {
    String a = rt.createOutgoingCall(bot.url("/list-a"));
    String b = rt.createIncomingCall(bot.url("/list-b"));
    JsonObject page = rt.get("/callvert/calls?state=live&limit=500").json();
    JsonArray items = page.getJsonArray("items");
    JsonObject callA = items.stream().map(JsonObject.class::cast).filter(c -> c.getString("id").equals(a)).findFirst().orElseThrow();
    assertThat(callA.getString("direction")).isEqualTo("outgoing");
    assertThat(callA.getString("state")).isEqualTo("establishing");
    assertThat(callA.getString("callbackHost")).isEqualTo("127.0.0.1:" + URI.create(bot.url()).getPort());
    assertThat(callA.getString("app")).isEqualTo("dev");
    assertThat(callA.getLong("createdAt")).isPositive();
    assertThat(callA.getInteger("running")).isZero();
    assertThat(callA.getString("node")).isEqualTo("local");
    assertThat(page.getInteger("total")).isGreaterThanOrEqualTo(2);

    JsonObject one = rt.get("/callvert/calls?q=" + b.substring(0, 18)).json();
    assertThat(one.getInteger("total")).isEqualTo(1);
    assertThat(one.getJsonArray("items").getJsonObject(0).getString("direction")).isEqualTo("incoming");
    JsonObject second = rt.get("/callvert/calls?limit=1&offset=1").json();
    assertThat(second.getJsonArray("items")).hasSize(1);
    assertThat(second.getInteger("offset")).isEqualTo(1);

    for (String bad : List.of("state=ringing", "limit=0", "limit=501", "offset=-1", "offset=abc", "limit=1.5",
        "offset=100001", "q=" + "x".repeat(201))) {
      TestRuntime.Resp r = rt.get("/callvert/calls?" + bad);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("code")).as(bad).isEqualTo("invalidRequest");
    }
    assertThat(rt.get("/callvert/calls/" + a + "/timeline").status()).isEqualTo(200);
    assertThat(rt.get("/callvert/calls/00000000-0000-0000-0000-000000000000/timeline").status()).isEqualTo(404);
    assertThat(rt.get("/callvert/calls/00000000-0000-0000-0000-000000000000/waveform").status()).isEqualTo(404);
    assertThat(rt.get("/callvert/calls/" + a + "/waveform?buckets=0").status()).isEqualTo(400);
    assertThat(rt.send(HttpRequest.newBuilder(rt.uri("/callvert/calls")).GET()).status()).as("no token").isEqualTo(401);
  }

  @Test
  @DisplayName("contract rule 43 holds on the dashboard: an app lists, reads and streams only its own calls")
  void an_app_sees_only_its_calls(WebhookReceiver bot) {
    try (TestRuntime rt = TestRuntime.start(o -> o.withAuth(new AuthOptions(List.of(), null, List.of("app-a:token-a", "app-b:token-b"))))) {
      TestRuntime.Resp created = rt.send(HttpRequest.newBuilder(rt.uri("/callvert/calls")).header("Authorization", "Bearer token-a")
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("callbackUri", bot.url("/apps")).encode())));
      assertThat(created.status()).isEqualTo(201);
      String callId = created.json().getString("id");
      JsonObject asA = list(rt, "token-a");
      JsonObject asB = list(rt, "token-b");
      assertThat(asA.getInteger("total")).isEqualTo(1);
      assertThat(asA.getJsonArray("items").getJsonObject(0).getString("app")).endsWith("app-a");
      assertThat(asB.getInteger("total")).isZero();
      assertThat(get(rt, "/callvert/calls/" + callId + "/timeline", "token-b").status()).isEqualTo(404);
      assertThat(get(rt, "/callvert/calls/" + callId + "/timeline", "token-a").status()).isEqualTo(200);
      assertThat(get(rt, "/callvert/calls/" + callId + "/waveform", "token-b").status()).isEqualTo(404);
    }
  }

  /**
   * Re-reads the call's timeline until it has recorded {@code count} entries (kept or dropped), each read sent when
   * the previous answer fell short (paced by the round trip, as {@code TestRuntime.whenJournal}); at most 10 s.
   */
  private static void awaitRecorded(TestRuntime rt, String callId, int count) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      JsonObject t = rt.get("/callvert/calls/" + callId + "/timeline").json();
      long recorded = t.getLong("dropped") + t.getJsonArray("entries").size();
      if (recorded >= count) {
        return;
      }
      assertThat(System.currentTimeMillis()).as("timeline of %s never recorded %d entries: %s", callId, count, t.encodePrettily())
          .isLessThan(deadline);
    }
  }

  private static JsonObject list(TestRuntime rt, String token) {
    return get(rt, "/callvert/calls", token).json();
  }

  private static TestRuntime.Resp get(TestRuntime rt, String path, String token) {
    return rt.send(HttpRequest.newBuilder(rt.uri(path)).header("Authorization", "Bearer " + token).GET());
  }

  @Test
  @DisplayName("contract rule 67: a timeline's request entries name who asked, the exact path (any id spelling), the status and the operation")
  void timeline_requests_are_exact(WebhookReceiver bot) {
    try (TestRuntime rt = TestRuntime.start()) {
      String callId = rt.createOutgoingCall(bot.url("/exact"));
      rt.advance(600);
      bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
      String upper = "/v1.0/communications/calls/" + callId.toUpperCase() + "/keepAlive";
      assertThat(rt.post(upper, null).status()).isEqualTo(200);
      TestRuntime.Resp cancel = rt.post("/beta/communications/calls/" + callId + "/cancelMediaProcessing", new JsonObject());
      assertThat(cancel.status()).isEqualTo(200);
      String operationId = cancel.json().getString("id");
      assertThat(rt.post("/callvert/calls/" + callId + "/hangup", null).status()).isIn(200, 202, 204);

      List<JsonObject> requests = rt.get("/callvert/calls/" + callId + "/timeline").json().getJsonArray("entries").stream()
          .map(JsonObject.class::cast).filter(e -> "request".equals(e.getString("kind"))).toList();
      assertThat(requests).extracting(e -> e.getString("who") + " " + e.getString("method") + " " + e.getString("path")
          + " " + e.getInteger("status")).containsExactly(
          "bot POST /v1.0/communications/calls 201",
          "bot POST " + upper + " 200",
          "bot POST /beta/communications/calls/" + callId + "/cancelMediaProcessing 200",
          "caller POST /callvert/calls/" + callId + "/hangup " + requests.get(3).getInteger("status"));
      assertThat(requests.get(2).getString("operationId")).isEqualTo(operationId);
      assertThat(requests.get(1).containsKey("operationId")).isFalse();
      assertThat(requests).allSatisfy(e -> assertThat(e.getLong("latencyMs")).isNotNegative());
    }
  }

  @Test
  @DisplayName("contract rule 67: a call's timeline keeps at most ui.timelineLimit entries (oldest dropped and counted), and at most ui.timelineCalls calls keep one")
  void timeline_is_bounded(WebhookReceiver bot) {
    try (TestRuntime rt = TestRuntime.start(o -> o.withUi(o.ui().withTimelineLimit(4).withTimelineCalls(2)))) {
      String callId = rt.createOutgoingCall(bot.url("/bounded"));
      rt.advance(600);
      bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
      rt.awaitJournal(callId, j -> j.size() == 2 && j.stream().allMatch(e -> "delivered".equals(((JsonObject) e).getString("state"))));
      // the second delivery attempt is recorded when the dispatcher has the bot's answer, which may be after the
      // test saw the notification: wait for create + 2 notifications + 2 attempts before the requests
      awaitRecorded(rt, callId, 5);
      for (int i = 0; i < 3; i++) {
        assertThat(rt.post("/v1.0/communications/calls/" + callId + "/keepAlive", null).status()).isEqualTo(200);
      }
      JsonObject t = rt.get("/callvert/calls/" + callId + "/timeline").json();
      JsonArray entries = t.getJsonArray("entries");
      assertThat(t.getInteger("limit")).isEqualTo(4);
      assertThat(entries).hasSize(4);
      // create + 2 notifications + 2 attempts + 3 keepAlive requests = 8 recorded, 4 kept: the newest
      assertThat(t.getLong("dropped")).isEqualTo(4);
      assertThat(entries.getJsonObject(3).getString("path")).endsWith("/keepAlive");
      assertThat(entries.getJsonObject(0).getLong("seq")).isEqualTo(5);
      assertThat(t.getBoolean("kept")).isTrue();

      // ui.timelineCalls = 2: two newer calls take the first call's place; it says so, and the call itself is unharmed
      String second = rt.createOutgoingCall(bot.url("/bounded"));
      String third = rt.createOutgoingCall(bot.url("/bounded"));
      JsonObject first = rt.get("/callvert/calls/" + callId + "/timeline").json();
      assertThat(first.getBoolean("kept")).isFalse();
      assertThat(first.getJsonArray("entries")).isEmpty();
      assertThat(rt.get("/callvert/calls/" + third + "/timeline").json().getBoolean("kept")).isTrue();
      assertThat(rt.get("/callvert/calls/" + second + "/timeline").json().getBoolean("kept")).isTrue();
      assertThat(rt.get("/v1.0/communications/calls/" + callId).json().getString("state")).isEqualTo("established");
    }
  }

  @Test
  @DisplayName("contract rule 68: GET /callvert/events streams server-sent events: a new call is pushed in a batch within the push interval")
  void events_stream_pushes_new_calls(TestRuntime rt, WebhookReceiver bot, VertxTestContext ctx) {
    Checkpoint pushed = ctx.checkpoint();
    String[] callId = new String[1];
    StringBuilder seen = new StringBuilder();
    rt.vertx.createHttpClient(new HttpClientOptions())
        .request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(rt.baseUrl + "/callvert/events")
            .putHeader("Authorization", "Bearer " + TestRuntime.TOKEN))
        .compose(req -> req.send())
        .onComplete(ctx.succeeding(resp -> {
          ctx.verify(() -> assertThat(resp.getHeader("Content-Type")).startsWith("text/event-stream"));
          resp.handler(chunk -> {
            seen.append(chunk.toString());
            if (callId[0] == null) {
              // the stream is open: now create the call, off the event loop
              callId[0] = "";
              rt.vertx.executeBlocking(() -> callId[0] = rt.createOutgoingCall(bot.url("/events")), false);
            } else if (!callId[0].isEmpty() && seen.indexOf("event: calls\ndata: ") >= 0 && seen.indexOf(callId[0]) >= 0) {
              pushed.flag();
              resp.request().connection().close();
            }
          });
        }));
  }
}
