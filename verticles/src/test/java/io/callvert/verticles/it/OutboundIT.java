package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.action;
import static io.callvert.verticles.it.MediaItSupport.awaitEnd;
import static io.callvert.verticles.it.MediaItSupport.establishedCall;
import static io.callvert.verticles.it.MediaItSupport.playBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CallvertOptions;
import io.callvert.config.InternalAddresses;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requests Callvert makes on a bot's behalf (contract rule 37 — Outbound host policy, and rule 41 — Outbound
 * deadlines, limits and pools): the host policy at create time and after DNS, on 302s and prompt fetches; total
 * deadlines; the prompt size limit checked while reading; the preFetchMedia bound; and that slow receivers and
 * hanging prompts on the same host and port do not delay a healthy call's notifications. 127.0.0.1 only.
 */
class OutboundIT {

  /** A Callvert that refuses internal addresses but allows 127.0.0.1, where this test's servers listen. */
  private static TestRuntime strict(UnaryOperator<CallvertOptions> more) {
    return TestRuntime.start(o -> more.apply(o.withOutbound(o.outbound()
        .withInternalAddresses(InternalAddresses.DENY).withAllow(List.of("127.0.0.1/32")))));
  }

  /** A server on 127.0.0.1 answering with {@code handler}. */
  private static HttpServer server(Vertx vertx, Consumer<HttpServerRequest> handler) throws Exception {
    return vertx.createHttpServer().requestHandler(handler::accept).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  private static void assertRefused(TestRuntime.Resp r, String field) {
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("invalidRequest");
    assertThat(error.getString("message")).startsWith("'" + field + "' is refused by the outbound host policy: ")
        .contains("outbound.internalAddresses");
  }

  @Test
  @DisplayName("callbackUri on an internal address, in any spelling (decimal, hex, octal, IPv6, IPv4-mapped), is a 400 invalidRequest naming the field and why, on create, answer and redirect")
  void callback_refused_at_create() {
    try (TestRuntime rt = strict(UnaryOperator.identity())) {
      // java.net.URI takes no host from dotted forms whose last part starts with a digit but is not dotted decimal:
      // refused as not absolute, so they cannot slip through either
      for (String host : List.of("0251.0376.0251.0376", "0xa9.0xfe.0xa9.0xfe", "169.254.43518")) {
        TestRuntime.Resp r = rt.post("/callvert/calls", new JsonObject().put("callbackUri", "http://" + host + "/cb"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().getJsonObject("error").getString("message")).startsWith("'callbackUri' must be an absolute http(s) URI");
      }
      for (String host : List.of("169.254.169.254", "2852039166", "0xA9FEA9FE", "[fd00:ec2::254]",
          "[fd00::1]", "10.0.0.1", "127.0.0.2:22", "[::1]", "[::ffff:169.254.169.254]", "0.0.0.0", "192.168.1.10")) {
        String uri = "http://" + host + "/cb";
        assertRefused(rt.post("/callvert/calls", new JsonObject().put("callbackUri", uri)), "callbackUri");
        assertRefused(rt.post("/v1.0/communications/calls", TestRuntime.outgoingCallBody(uri, "+15550001")), "callbackUri");
      }
      assertThat(rt.post("/callvert/calls", new JsonObject().put("callbackUri", "http://127.0.0.1:9/cb")).status()).isEqualTo(201);
      String incoming = rt.createIncomingCall("http://127.0.0.1:9/cb");
      assertRefused(rt.post("/v1.0/communications/calls/" + incoming + "/answer", new JsonObject()
          .put("callbackUri", "http://0xA9FEA9FE/cb").put("acceptedModalities", new JsonArray().add("audio"))
          .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig"))), "callbackUri");
      assertRefused(rt.post("/v1.0/communications/calls/" + incoming + "/redirect", new JsonObject()
          .put("callbackUri", "http://10.1.1.1/cb").put("targets", new JsonArray().add(new JsonObject().put("identity",
              new JsonObject().put("phone", new JsonObject().put("id", "+15550002")))))), "callbackUri");
    }
  }

  @Test
  @DisplayName("a callback host name is checked after DNS: one resolving to an internal address is dead-lettered (lastError says why, no retry); allowed by name, it is delivered to the checked address with the name in Host")
  void callback_checked_after_dns() throws Exception {
    try (TestRuntime rt = TestRuntime.start(o -> o.withOutbound(o.outbound().withInternalAddresses(InternalAddresses.DENY)));
         WebhookReceiver bot = new WebhookReceiver(rt.vertx)) {
      // 'vm' names 127.0.0.1 in /etc/hosts here; any name resolving to loopback does
      String name = java.net.InetAddress.getLocalHost().getHostName();
      org.junit.jupiter.api.Assumptions.assumeTrue(java.net.InetAddress.getByName(name).isLoopbackAddress()
          || java.net.InetAddress.getByName(name).isSiteLocalAddress(), "the host name resolves to an internal address");
      String id = rt.createIncomingCall("http://" + name + ":" + bot.url().replaceAll(".*:(\\d+).*", "$1") + "/cb");
      JsonArray journal = rt.awaitJournal(id, j -> !j.isEmpty() && "deadLettered".equals(j.getJsonObject(0).getString("state")));
      assertThat(journal.getJsonObject(0).getString("lastError")).contains("refused by the outbound host policy")
          .contains("resolves to").contains("outbound.internalAddresses");
      assertThat(journal.getJsonObject(0).getInteger("attempts")).isEqualTo(1);
      assertThat(bot.received()).isEmpty();
    }
    String allowed = java.net.InetAddress.getLocalHost().getHostName();
    try (TestRuntime rt = TestRuntime.start(o -> o.withOutbound(o.outbound().withInternalAddresses(InternalAddresses.DENY)
        .withAllow(List.of(allowed))));
         WebhookReceiver bot = new WebhookReceiver(rt.vertx)) {
      String name = java.net.InetAddress.getLocalHost().getHostName();
      String port = bot.url().replaceAll(".*:(\\d+).*", "$1");
      String id = rt.createIncomingCall("http://" + name + ":" + port + "/cb");
      WebhookReceiver.Received r = bot.await(id, 1).get(0);
      assertThat(r.headers().get("host")).isEqualTo(name + ":" + port);
    }
  }

  @Test
  @DisplayName("a 302 to an internal address is checked like the first target: dead-lettered, lastError names the policy")
  void redirect_target_checked() {
    try (TestRuntime rt = strict(UnaryOperator.identity()); WebhookReceiver bot = new WebhookReceiver(rt.vertx)) {
      bot.script(new WebhookReceiver.Reply(302, Map.of("Location", "http://169.254.169.254/latest/meta-data/")));
      String id = rt.createIncomingCall(bot.url());
      JsonArray journal = rt.awaitJournal(id, j -> !j.isEmpty() && "deadLettered".equals(j.getJsonObject(0).getString("state")));
      assertThat(journal.getJsonObject(0).getString("lastError"))
          .contains("POST http://169.254.169.254/latest/meta-data/ refused by the outbound host policy")
          .contains("cloud metadata");
    }
  }

  @Test
  @DisplayName("a prompt on an internal address fails like a fetch failure (400/8511), the detail naming the policy; a preFetchMedia list beyond media.maxPreFetchMedia is a 400")
  void prompt_refused_and_prefetch_bounded() {
    try (TestRuntime rt = strict(o -> o.withMedia(o.media().withMaxPreFetchMedia(3)));
         WebhookReceiver bot = new WebhookReceiver(rt.vertx)) {
      String callId = establishedCall(rt, bot);
      String opId = action(rt, callId, "playPrompt", playBody("meta", "http://2852039166/x.wav")).json().getString("id");
      rt.advance(0);
      JsonObject end = awaitEnd(bot, callId, opId).resourceData();
      assertThat(end.getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(8511);
      assertThat(end.getJsonObject("resultInfo").getString("detail")).isEqualTo("http://2852039166/x.wav is refused by the "
          + "outbound host policy: 169.254.169.254 is a cloud metadata address, refused by outbound.internalAddresses");

      JsonArray four = new JsonArray();
      for (int i = 0; i < 4; i++) {
        four.add(new JsonObject().put("uri", "http://127.0.0.1:9/" + i + ".wav").put("resourceId", "r" + i));
      }
      JsonObject body = TestRuntime.outgoingCallBody(bot.url(), "+15550001");
      body.getJsonObject("mediaConfig").put("preFetchMedia", four);
      TestRuntime.Resp r = rt.post("/v1.0/communications/calls", body);
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("invalidRequest");
      assertThat(r.json().getJsonObject("error").getString("message"))
          .isEqualTo("'mediaConfig.preFetchMedia' may hold at most 3 mediaInfo (media.maxPreFetchMedia), got 4.");
      four.remove(3);
      assertThat(rt.post("/v1.0/communications/calls", body).status()).isEqualTo(201);
    }
  }

  @Test
  @DisplayName("preFetchMedia is fetched with at most media.preFetchConcurrency downloads at a time")
  void prefetch_concurrency_bounded() throws Exception {
    try (TestRuntime rt = TestRuntime.start(o -> o.withMedia(o.media().withPreFetchConcurrency(2)));
         WebhookReceiver bot = new WebhookReceiver(rt.vertx)) {
      AtomicLong open = new AtomicLong();
      AtomicLong most = new AtomicLong();
      AtomicLong served = new AtomicLong();
      java.util.concurrent.CompletableFuture<Void> allServed = new java.util.concurrent.CompletableFuture<>();
      HttpServer media = server(rt.vertx, req -> {
        most.accumulateAndGet(open.incrementAndGet(), Math::max);
        rt.vertx.setTimer(50, t -> {
          open.decrementAndGet();
          if (served.incrementAndGet() == 10) {
            allServed.complete(null);
          }
          req.response().setStatusCode(404).end();
        });
      });
      JsonArray items = new JsonArray();
      for (int i = 0; i < 10; i++) {
        items.add(new JsonObject().put("uri", "http://127.0.0.1:" + media.actualPort() + "/p" + i + ".wav"));
      }
      JsonObject body = TestRuntime.outgoingCallBody(bot.url(), "+15550001");
      body.getJsonObject("mediaConfig").put("preFetchMedia", items);
      assertThat(rt.post("/v1.0/communications/calls", body).status()).isEqualTo(201);
      allServed.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(served.get()).isEqualTo(10);
      assertThat(most.get()).isEqualTo(2);
      media.close();
    }
  }

  @Test
  @DisplayName("media.fetchTimeoutMs and webhook.timeoutMs are total deadlines: a server trickling a byte every 100 ms is cut at the deadline")
  void deadlines_are_total() throws Exception {
    try (TestRuntime rt = TestRuntime.start(o -> o.withMedia(o.media().withFetchTimeoutMs(1000))
        .withWebhook(o.webhook().withTimeoutMs(1000).withRetryBudgetMs(0)));
         WebhookReceiver bot = new WebhookReceiver(rt.vertx)) {
      HttpServer trickle = server(rt.vertx, req -> {
        req.response().setChunked(true).putHeader("Content-Type", "audio/wav").writeHead();
        long[] timer = {0};
        timer[0] = rt.vertx.setPeriodic(100, t -> {
          if (req.response().closed()) {
            rt.vertx.cancelTimer(timer[0]);
          } else {
            req.response().write(Buffer.buffer(new byte[] {'R'}));
          }
        });
      });
      String base = "http://127.0.0.1:" + trickle.actualPort();
      String callId = establishedCall(rt, bot);
      String opId = action(rt, callId, "playPrompt", playBody("trickle", base + "/slow.wav")).json().getString("id");
      long t0 = System.currentTimeMillis();
      rt.advance(0);
      long took = System.currentTimeMillis() - t0;
      JsonObject end = awaitEnd(bot, callId, opId).resourceData();
      assertThat(end.getJsonObject("resultInfo").getString("detail")).startsWith("timed out fetching " + base + "/slow.wav");
      assertThat(took).isBetween(900L, 3000L);

      String id = rt.createIncomingCall(base + "/cb");
      long t1 = System.currentTimeMillis();
      JsonArray journal = rt.awaitJournal(id, j -> !j.isEmpty() && "deadLettered".equals(j.getJsonObject(0).getString("state")));
      assertThat(System.currentTimeMillis() - t1).isLessThan(3000);
      assertThat(journal.getJsonObject(0).getString("lastError")).contains("no complete response within 1000 ms");
      trickle.close();
    }
  }

  @Test
  @DisplayName("media.maxPromptBytes stops reading: a declared Content-Length beyond it is refused before the body, an endless chunked body is cut once past it")
  void prompt_size_checked_while_reading() throws Exception {
    int limit = 100_000;
    try (TestRuntime rt = TestRuntime.start(o -> o.withMedia(o.media().withMaxPromptBytes(limit)));
         WebhookReceiver bot = new WebhookReceiver(rt.vertx)) {
      AtomicLong written = new AtomicLong();
      HttpServer big = server(rt.vertx, req -> {
        if (req.path().startsWith("/declared")) {
          req.response().putHeader("Content-Length", Long.toString(104_857_600L)).write(Buffer.buffer(new byte[1024]));
          return; // never sends the rest
        }
        req.response().setChunked(true);
        Buffer chunk = Buffer.buffer(new byte[16 * 1024]);
        Runnable[] pump = {null};
        // at most 16 chunks per turn of the event loop, so the server sees the client's reset
        // between turns (one long loop would write the whole 100 MB before noticing it)
        pump[0] = () -> {
          for (int i = 0; i < 16 && !req.response().closed() && !req.response().writeQueueFull()
              && written.get() < 104_857_600L; i++) {
            req.response().write(chunk);
            written.addAndGet(chunk.length());
          }
          if (req.response().closed() || written.get() >= 104_857_600L) {
            return;
          }
          if (req.response().writeQueueFull()) {
            req.response().drainHandler(v -> pump[0].run());
          } else {
            rt.vertx.getOrCreateContext().runOnContext(v -> pump[0].run());
          }
        };
        pump[0].run();
      });
      String base = "http://127.0.0.1:" + big.actualPort();
      for (String path : List.of("/declared.wav", "/endless.wav")) {
        String callId = establishedCall(rt, bot);
        String opId = action(rt, callId, "playPrompt", playBody("big", base + path)).json().getString("id");
        rt.advance(0);
        JsonObject end = awaitEnd(bot, callId, opId).resourceData();
        assertThat(end.getJsonObject("resultInfo").getString("detail"))
            .isEqualTo(base + path + " is larger than media.maxPromptBytes (" + limit + " bytes)");
      }
      // the server could queue a few MB into socket buffers before the reset; nowhere near the 100 MB it offered
      assertThat(written.get()).isLessThan(20L * 1024 * 1024);
      big.close();
    }
  }

  @Test
  @DisplayName("head-of-line: with 20 receivers answering after 2 s and prompts that hang on the same host and port, a healthy call's notification p99 stays at most 100 ms")
  void healthy_call_not_delayed_by_slow_neighbours() throws Exception {
    try (TestRuntime rt = TestRuntime.start(o -> o.withWebhook(o.webhook().withTimeoutMs(10_000))
        .withMedia(o.media().withFetchTimeoutMs(10_000)));
         WebhookReceiver bot = new WebhookReceiver(rt.vertx)) {
      Map<String, java.util.concurrent.CompletableFuture<Long>> arrived = new ConcurrentHashMap<>();
      HttpServer shared = server(rt.vertx, req -> {
        if (req.path().startsWith("/hang")) {
          return; // a prompt that never comes
        }
        req.body().onSuccess(b -> {
          if (req.path().startsWith("/slow")) {
            rt.vertx.setTimer(2000, t -> req.response().setStatusCode(202).end());
          } else {
            String callId = new JsonObject(b).getJsonArray("value").getJsonObject(0).getString("resourceUrl")
                .replaceAll(".*/calls/([^/]+).*", "$1");
            arrived.computeIfAbsent(callId, k -> new java.util.concurrent.CompletableFuture<>()).complete(System.nanoTime());
            req.response().setStatusCode(202).end();
          }
        });
      });
      String base = "http://127.0.0.1:" + shared.actualPort();
      // 20 prompts that hang, fetched from the same host and port (more than media.maxConnections would allow)
      String player = establishedCall(rt, bot);
      for (int i = 0; i < 20; i++) {
        action(rt, player, "playPrompt", playBody("hang" + i, base + "/hang/" + i + ".wav"));
      }
      for (int i = 0; i < 20; i++) {
        rt.createIncomingCall(base + "/slow/" + i);
      }
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long sent = System.nanoTime();
        String id = rt.createIncomingCall(base + "/healthy/" + i);
        long at = arrived.computeIfAbsent(id, k -> new java.util.concurrent.CompletableFuture<>())
            .get(5, java.util.concurrent.TimeUnit.SECONDS);
        latencies.add((at - sent) / 1_000_000);
      }
      Collections.sort(latencies);
      long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
      System.out.println("OutboundIT head-of-line: healthy notification latency ms (sorted) " + latencies + ", p99 " + p99);
      assertThat(p99).isLessThanOrEqualTo(100);
      shared.close();
    }
  }
}
