package io.callvert.verticles.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The load side of {@code verticles/scripts/live-bench.sh}: N concurrent live media streams against one
 * Callvert node (a separate process). It places N calls, waits until they are established, opens one media
 * socket per call (ticket, upgrade), sends the caller's 640-byte frame every 20 ms on each socket, and plays
 * a 60 s prompt on every call, so each stream carries rendered prompt audio both ways. After the warm-up it
 * measures one window: the server's own outbound frame lateness (GET /callvert/media/stats, reset at the
 * window's start: how long after its due time each frame was handed to its socket), the server process's
 * CPU time (/proc/PID/stat), and the frames each stream received.
 *
 * <pre>
 * java -cp verticles/target/callvert.jar:verticles/target/test-classes io.callvert.verticles.bench.LiveBench \
 *   BASE_URL CALLBACK_URL PROMPT_URL STREAMS WARMUP_S DURATION_S SERVER_PID
 * </pre>
 */
public final class LiveBench {

  private static final String TOKEN = "callvert-dev-token";
  private static final int CONCURRENCY = 32;

  /** Netty's native transport if it is on the class path (the fat jar has none: NIO), as for the server. */
  private final Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
  private final HttpClient http;
  private final String base;

  private LiveBench(String base) {
    this.base = base;
    // idle connections are dropped before the server's read deadline closes them (contract rule 47: 10 s)
    this.http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(CONCURRENCY));
  }

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String callback = args[1];
    String prompt = args[2];
    int streams = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    int duration = Integer.parseInt(args[5]);
    long pid = Long.parseLong(args[6]);
    LiveBench b = new LiveBench(base);
    try {
      b.run(callback, prompt, streams, warmup, duration, pid);
    } finally {
      b.vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private void run(String callback, String prompt, int n, int warmup, int duration, long pid) throws Exception {
    List<String> ids = inBatches(n, i -> request(HttpMethod.POST, "/v1.0/communications/calls", new JsonObject()
        .put("callbackUri", callback)
        .put("targets", new JsonArray().add(new JsonObject().put("identity",
            new JsonObject().put("phone", new JsonObject().put("id", "+1555" + (100000 + i))))))
        .put("requestedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig")))
        .map(j -> j.getString("id")));
    for (int round = 0; ; round++) { // the simulated callees answer after 500 ms
      List<String> states = inBatches(n, i -> request(HttpMethod.GET, "/v1.0/communications/calls/" + ids.get(i), null)
          .map(j -> j.getString("state")));
      long established = states.stream().filter("established"::equals).count();
      if (established == n) {
        break;
      }
      if (round > 60) {
        throw new IllegalStateException("only " + established + " of " + n + " calls established");
      }
      vertx.timer(500, TimeUnit.MILLISECONDS).await(); // the callees answer on the server's clock: ask again
    }
    System.err.println("live-bench: " + n + " calls established" + (vertx.isNativeTransportEnabled() ? " (load generator on native transport)" : ""));
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(n + 16)
        .setConnectTimeout(30_000));
    AtomicLong received = new AtomicLong();
    AtomicLong malformed = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    java.util.Map<Short, java.util.concurrent.atomic.AtomicInteger> closes = new java.util.concurrent.ConcurrentHashMap<>();
    // each socket lives on one of a few event-loop contexts, and each context sends its own sockets' frames
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    List<io.vertx.core.Context> contexts = new ArrayList<>();
    List<List<WebSocket>> perLoop = new ArrayList<>();
    for (int i = 0; i < loops; i++) {
      contexts.add(vertx.getOrCreateContext());
      perLoop.add(new java.util.concurrent.CopyOnWriteArrayList<>());
    }
    List<WebSocket> sockets = inBatches(n, i -> request(HttpMethod.POST, "/callvert/calls/" + ids.get(i) + "/media-ticket", null)
        .compose(t -> {
          io.vertx.core.Promise<WebSocket> p = io.vertx.core.Promise.promise();
          contexts.get(i % loops).runOnContext(v -> ws.connect(new io.vertx.core.http.WebSocketConnectOptions()
              .setAbsoluteURI(t.getString("url"))).onComplete(p));
          return p.future().recover(e -> Future.failedFuture(new IllegalStateException("call " + i + ": " + e, e)));
        })
        .map(s -> {
          s.binaryMessageHandler(f -> {
            if (f.length() == 640) { // the one check every frame gets: its size (the content is the server's business)
              received.incrementAndGet();
            } else {
              malformed.incrementAndGet();
            }
          });
          s.textMessageHandler(t -> { });
          s.closeHandler(v -> closes.computeIfAbsent(s.closeStatusCode() == null ? (short) -1 : s.closeStatusCode(),
              k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet());
          perLoop.get(i % loops).add(s);
          return s;
        }));
    System.err.println("live-bench: " + n + " media sockets open");
    Buffer voice = Buffer.buffer(new byte[640]);
    // like independent callers, each socket sends at its own instant of the 20 ms period (one of 20 phases, a
    // 1 ms timer per loop), not every socket of a loop in one burst
    List<Long> senders = new ArrayList<>();
    for (int l = 0; l < loops; l++) {
      List<List<WebSocket>> byPhase = new ArrayList<>();
      for (int p = 0; p < 20; p++) {
        byPhase.add(new ArrayList<>());
      }
      List<WebSocket> mine = perLoop.get(l);
      for (int k = 0; k < mine.size(); k++) {
        byPhase.get(k % 20).add(mine.get(k));
      }
      int[] next = {0};
      long[] nextDue = {System.nanoTime()};
      io.vertx.core.Promise<Long> timer = io.vertx.core.Promise.promise();
      // the timer only wakes the loop: what is sent follows the clock (a periodic timer's firings are not a clock:
      // on Netty's native epoll transport a 1 ms timer fired ~1,180 times a second, 59 frames/s per caller), every
      // phase due by now once; a loop more than 1 s behind drops that time instead of bursting
      contexts.get(l).runOnContext(v -> timer.complete(vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        if (now - nextDue[0] > 1_000_000_000L) {
          nextDue[0] = now;
        }
        while (nextDue[0] <= now) {
          List<WebSocket> due = byPhase.get(next[0]);
          due.forEach(s -> s.writeBinaryMessage(voice));
          sent.addAndGet(due.size());
          next[0] = (next[0] + 1) % 20;
          nextDue[0] += 1_000_000L;
        }
      })));
      senders.add(timer.future().await(10, TimeUnit.SECONDS));
    }
    JsonObject play = new JsonObject().put("clientContext", "live-bench").put("prompts", new JsonArray()
        .add(promptOf(prompt)).add(promptOf(prompt)));
    inBatches(n, i -> request(HttpMethod.POST, "/v1.0/communications/calls/" + ids.get(i) + "/playPrompt", play));

    System.err.println("live-bench: prompts playing; warming up");
    vertx.timer(warmup, TimeUnit.SECONDS).await(); // the warm-up window
    stats(true);
    long cpu0 = cpuTicks(pid);
    long self0 = cpuTicks(ProcessHandle.current().pid());
    long rx0 = received.get();
    long tx0 = sent.get();
    long t0 = System.nanoTime();
    vertx.timer(duration, TimeUnit.SECONDS).await(); // the measured window
    JsonObject s = stats(true);
    long cpu1 = cpuTicks(pid);
    long self1 = cpuTicks(ProcessHandle.current().pid());
    double seconds = (System.nanoTime() - t0) / 1e9;
    long rx = received.get() - rx0;
    long tx = sent.get() - tx0;
    senders.forEach(vertx::cancelTimer);
    if (!closes.isEmpty()) {
      System.out.println("sockets closed by the server during the run, by close code: " + closes);
    }

    double cpuSeconds = (cpu1 - cpu0) / (double) clockTicks();
    double cores = cpuSeconds / seconds;
    JsonObject late = s.getJsonObject("latenessUs");
    System.out.printf("streams=%d open=%d window=%.1fs frames_sent=%d frames_received=%d (%.1f/s per stream) skipped=%d"
        + " dropped=%d malformed=%d%n", n, s.getInteger("openSockets"), seconds, s.getLong("frames"), rx, rx / seconds / n,
        s.getLong("skippedFrames"), s.getLong("droppedFrames", 0L), malformed.get());
    System.out.printf("lateness_ms p50=%.1f p99=%.1f p99.9=%.1f max=%.1f%n", late.getLong("p50") / 1000.0,
        late.getLong("p99") / 1000.0, late.getLong("p999") / 1000.0, late.getLong("max") / 1000.0);
    System.out.printf("server_cpu=%.2f cores (%.0f%% of %d) cpu_per_stream=%.3f%% of a core (%.1f us per stream-second)%n",
        cores, 100 * cores / Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors(),
        100 * cores / n, cpuSeconds * 1e6 / seconds / n);
    System.out.printf("load_generator_cpu=%.2f cores, caller frames sent %.1f/s per stream%n",
        (self1 - self0) / (double) clockTicks() / seconds, tx / seconds / n);
    System.out.println("RESULT " + n + " " + late.getLong("p99") / 1000.0 + " " + String.format("%.3f", 100 * cores / n));
    sockets.forEach(WebSocket::close);
  }

  private static JsonObject promptOf(String uri) {
    return new JsonObject().put("@odata.type", "#microsoft.graph.mediaPrompt")
        .put("mediaInfo", new JsonObject().put("@odata.type", "#microsoft.graph.mediaInfo").put("uri", uri));
  }

  private JsonObject stats(boolean reset) throws Exception {
    return request(HttpMethod.GET, "/callvert/media/stats" + (reset ? "?reset=true" : ""), null).await(30, TimeUnit.SECONDS);
  }

  /** Runs {@code op(i)} for i in [0, n), at most {@value #CONCURRENCY} at a time; their results in order. */
  private <T> List<T> inBatches(int n, Function<Integer, Future<T>> op) throws Exception {
    List<T> out = new ArrayList<>(n);
    for (int from = 0; from < n; from += CONCURRENCY) {
      List<Future<T>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + CONCURRENCY); i++) {
        batch.add(op.apply(i));
      }
      Future.all(batch).await(60, TimeUnit.SECONDS);
      batch.forEach(f -> out.add(f.result()));
    }
    return out;
  }

  private Future<JsonObject> request(HttpMethod method, String path, JsonObject body) {
    RequestOptions o = new RequestOptions().setMethod(method).setAbsoluteURI(base + path).setIdleTimeout(20_000)
        .putHeader("Authorization", "Bearer " + TOKEN).putHeader("Content-Type", "application/json");
    long t0 = System.nanoTime();
    return http.request(o).compose(r -> body == null ? r.send() : r.send(body.toBuffer()))
        .compose(r -> r.body().map(b -> check(r, b)))
        .onFailure(e -> System.err.println("live-bench: " + method + " " + path + " failed after "
            + (System.nanoTime() - t0) / 1_000_000 + " ms: " + e));
  }

  private static JsonObject check(HttpClientResponse r, Buffer b) {
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(r.request().getURI() + ": " + r.statusCode() + " " + b);
    }
    return b.length() == 0 ? new JsonObject() : b.toJsonObject();
  }

  private static long cpuTicks(long pid) throws Exception {
    String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").trim().split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15 of the whole line)
  }

  private static long clockTicks() {
    return 100; // USER_HZ on Linux
  }
}
