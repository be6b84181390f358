package io.callvert.verticles.bench;

import io.callvert.config.HttpOptions;
import io.callvert.config.WebhookOptions;
import io.callvert.runtime.graph.Graph;
import io.callvert.runtime.protocol.Outbound;
import io.callvert.verticles.CallvertVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Benchmark 5, webhook delivery: notifications per second that reach the sink.
 *
 * <p><b>How notifications are produced</b>: injected straight into the dispatcher as
 * {@link Outbound} messages on its local event-bus address ({@link CallvertVerticle#dispatcherAddress(String)}: the shard that owns each call),
 * so the figure is the dispatcher's (per-call FIFO, journal, signing, its WebClient) and not the
 * API's. {@code bench.webhook.slots} simulated calls each keep exactly one notification in flight:
 * when the sink has received a slot's notification, the next one for that slot is injected. All
 * carry the same realistic body (a playPrompt operation's {@code deleted} notification).
 *
 * <p>Three runs: Callvert with signing (production), a second Callvert instance with
 * {@code webhook.signingEnabled=false}, and the <b>ceiling</b>: a bare {@link WebClient} created like
 * Callvert's (same options and pool size, on one event loop of Callvert's Vert.x) posting the same
 * bytes (body, headers, the same bearer token) with the same number in flight, each slot posting
 * again as soon as its previous response is in. The ceiling is measured twice, with and without
 * the Authorization header, against the signed and unsigned figures.
 */
final class WebhookBench {

  private WebhookBench() {}

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  static void run(BenchEnv env, Table table) {
    BenchConfig cfg = env.cfg;
    int slots = cfg.webhookSlots();
    String appId = WebhookOptions.DEFAULT_APP_ID;
    String callPath = Graph.callPath("00000000-0000-4000-8000-00000000be0c");
    String opPath = callPath + "/operations/00000000-0000-4000-8000-0000000000a1";
    JsonObject body = Graph.notification("deleted", opPath, new JsonObject()
        .put("@odata.type", Graph.type("playPromptOperation")).put("id", "00000000-0000-4000-8000-0000000000a1")
        .put("clientContext", "bench-play").put("status", "completed")
        .put("resultInfo", Graph.resultInfo(200, 0, "Action completed successfully."))
        .put("completionReason", "completedSuccessfully").put("@odata.id", opPath));
    String[] callIds = new String[slots];
    String[] uris = new String[slots];
    for (int i = 0; i < slots; i++) {
      callIds[i] = "bench-webhook-" + i;
      uris[i] = env.sink.url("/wh/" + i);
    }

    // signed: the production instance
    BenchMain.log("webhook: Callvert, signed, " + slots + " in flight");
    WindowStats[] stats = {new WindowStats(), new WindowStats(), new WindowStats(), new WindowStats()};
    double signed = injected(env, env.callvert, callIds, uris, appId, body, stats[0]);
    forget(env.vertx, env.callvert, callIds);
    String token = io.callvert.verticles.Internals.signer(env.callvert).token(appId, BenchEnv.TENANT);
    BenchMain.log("webhook: ceiling, bare WebClient, same bytes, signed");
    double signedTop = bareClient(env, uris, body.toBuffer(), "Bearer " + token, stats[1]);

    // unsigned: a second instance with signing off
    BenchMain.log("webhook: Callvert, signing off");
    CallvertVerticle unsignedCv = new CallvertVerticle(BenchEnv.productionOptions(false)
        .withHttp(HttpOptions.defaults().withPort(0).withEnabled(false))
        .withWebhook(WebhookOptions.defaults().withSigningEnabled(false)), "callvert-unsigned");
    double unsigned;
    try {
      String id = env.vertx.deployVerticle(unsignedCv).await(30, TimeUnit.SECONDS);
      try {
        unsigned = injected(env, unsignedCv, callIds, uris, appId, body, stats[2]);
      } finally {
        env.vertx.undeploy(id).await(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("unsigned run failed: " + e.getMessage(), e);
    }
    BenchMain.log("webhook: ceiling, bare WebClient, same bytes, unsigned");
    double unsignedTop = bareClient(env, uris, body.toBuffer(), null, stats[3]);

    String b = "webhook";
    table.add(Row.atLeastRatio(b, "signed notifications/s", signed, signedTop, 0.50));
    table.add(Row.info(b, "unsigned notifications/s", unsigned, unsignedTop));
    table.note(b, "notifications injected into the dispatcher (Outbound messages on its event-bus address), "
        + slots + " simulated calls with one notification in flight each; body " + body.toBuffer().length() + " bytes");
    table.note(b, "windows: signed " + stats[0] + "; its ceiling " + stats[1] + "; unsigned " + stats[2]
        + "; its ceiling " + stats[3]);
  }

  /** Sink counter for one run: notifications on /wh/ paths, with the window snapshots. */
  private static LongAdder countWebhooks(BenchEnv env, java.util.function.IntConsumer onSlot) {
    LongAdder n = new LongAdder();
    env.sink.listen((path, buf, t) -> {
      if (path.startsWith("/wh/")) {
        n.increment();
        if (onSlot != null) {
          onSlot.accept(Integer.parseInt(path, 4, path.length(), 10));
        }
      }
    });
    return n;
  }

  private static double injected(BenchEnv env, CallvertVerticle cv, String[] callIds, String[] uris, String appId, JsonObject body,
      WindowStats stats) {
    BenchConfig cfg = env.cfg;
    long[] stopAt = {Long.MAX_VALUE};
    LongAdder[] counter = new LongAdder[1];
    java.util.function.IntConsumer inject = i -> env.vertx.eventBus().send(io.callvert.verticles.Internals.dispatcherAddress(cv, callIds[i]),
        new Outbound(callIds[i], uris[i], appId, BenchEnv.TENANT, null, body), LOCAL);
    counter[0] = countWebhooks(env, i -> {
      if (System.nanoTime() < stopAt[0]) {
        inject.accept(i);
      }
    });
    return measure(env, cfg, counter[0], stopAt, () -> {
      for (int i = 0; i < callIds.length; i++) {
        inject.accept(i);
      }
    }, stats);
  }

  /** Warm-up, then the window; returns deliveries per second in the window. Waits for the run to drain. */
  private static double measure(BenchEnv env, BenchConfig cfg, LongAdder counter, long[] stopAt, Runnable kickOff,
      WindowStats stats) {
    long start = System.nanoTime();
    long from = start + cfg.warmupNanos();
    long until = from + cfg.measureNanos();
    stopAt[0] = until;
    kickOff.run();
    Load.sleepUntil(from);
    long c0 = counter.sum();
    stats.start();
    Load.sleepUntil(until);
    long c1 = counter.sum();
    stats.stop();
    // let what is in flight land before the next run starts
    long[] last = {-1};
    Load.awaitCondition(() -> {
      long now = counter.sum();
      boolean quiet = now == last[0];
      last[0] = now;
      if (!quiet) {
        Load.pause(100);
      }
      return quiet;
    }, 30_000);
    env.sink.listen(null);
    return (c1 - c0) / cfg.seconds();
  }

  /** Drops the simulated calls' delivery queues and journals from the dispatcher. */
  private static void forget(Vertx vertx, CallvertVerticle cv, String[] callIds) {
    for (String id : callIds) {
      vertx.eventBus().send(io.callvert.verticles.Internals.dispatcherAddress(cv, id), new io.callvert.verticles.webhook.DispatcherMessage.Forget(id), LOCAL);
    }
  }

  private static double bareClient(BenchEnv env, String[] uris, Buffer body, String authorization, WindowStats stats) {
    BenchConfig cfg = env.cfg;
    Context ctx = BenchEnv.newContext(env.vertx);
    WebClient[] client = new WebClient[1];
    try {
      Future.<Void>future(p -> ctx.runOnContext(v -> {
        client[0] = WebClient.create(env.vertx, new WebClientOptions()
                .setUserAgent("Callvert/" + CallvertVerticle.version()).setKeepAlive(true).setFollowRedirects(false),
            new PoolOptions().setHttp1MaxSize(WebhookOptions.DEFAULT_MAX_CONNECTIONS));
        p.complete();
      })).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    long[] stopAt = {Long.MAX_VALUE};
    long[] sequence = {0};
    LongAdder counter = countWebhooks(env, null);
    Runnable[] post = new Runnable[uris.length];
    for (int i = 0; i < uris.length; i++) {
      String uri = uris[i];
      int slot = i;
      post[i] = () -> {
        var req = client[0].postAbs(uri).timeout(WebhookOptions.DEFAULT_TIMEOUT_MS).followRedirects(false)
            .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
            .putHeader("X-Callvert-Sequence", Long.toString(++sequence[0]))
            .putHeader("X-Callvert-Attempt", "1");
        if (authorization != null) {
          req.putHeader(HttpHeaders.AUTHORIZATION.toString(), authorization);
        }
        req.sendBuffer(body).onComplete(ar -> {
          if (System.nanoTime() < stopAt[0]) {
            post[slot].run();
          }
        });
      };
    }
    double rate = measure(env, cfg, counter, stopAt, () -> ctx.runOnContext(v -> {
      for (Runnable r : post) {
        r.run();
      }
    }), stats);
    client[0].close();
    return rate;
  }
}
