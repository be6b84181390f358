package io.callvert.verticles.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The driver of {@code verticles/scripts/soak.sh}: a bounded, paced mixed load against a Callvert
 * fat jar that the script started (its port and pid are the arguments), for N minutes, sampling the
 * server's heap after a full GC every 30 s.
 *
 * <p>Bot side, all on 127.0.0.1, in this JVM: a healthy webhook receiver ({@link BenchSink}, 202
 * at once), four sick ones (slow: 202 after 2 s; always 500; always 429 with {@code Retry-After: 1};
 * TCP reset on every connection) and a prompt server ({@link BenchWavServer}). Every {@code 1/rate}
 * seconds a call's life starts: created (80% outgoing Graph calls, 20% simulated incoming calls the
 * bot answers; 80% with the healthy callback, 5% with each sick one), polled until established,
 * then playPrompt, caller speech, recordResponse, caller tones, cancelMediaProcessing, a long prompt
 * cancelled again, and a hang-up (half by the bot, DELETE; half by the caller). At most
 * {@code maxInFlight} lives run at once; a start that would exceed it is skipped and counted.
 *
 * <p>Prints one row per sample, then the verdict; exits 1 if the heap after GC grew (second-half
 * mean over first-half mean above 1.15, over the samples after {@code warmupMs}: retention filling
 * up, which grows the heap by design) or Callvert answered any 5xx.
 *
 * <pre>args: port pid minutes [rate/s] [maxInFlight] [warmupMs] [token]</pre>
 */
public final class Soak {

  static final double FLAT = 1.15;
  static final long SAMPLE_MS = 30_000;

  final int port;
  final long pid;
  final String bearer;
  final Vertx vertx;
  final HttpClientAgent client;
  final BenchSink healthy;
  final BenchWavServer wav;
  final String shortPrompt;
  final String longPrompt;
  final String[] sick = new String[4];
  final List<AutoCloseable> closers = new ArrayList<>();

  final LongAdder sent = new LongAdder();
  final LongAdder fiveXx = new LongAdder();
  final LongAdder otherNon2xx = new LongAdder();
  final LongAdder transportErrors = new LongAdder();
  final LongAdder started = new LongAdder();
  final LongAdder completed = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder skipped = new LongAdder();
  final AtomicInteger inFlight = new AtomicInteger();
  final LongAdder sickHits = new LongAdder();
  volatile String lastProblem;

  Soak(int port, long pid, String token) throws Exception {
    this.port = port;
    this.pid = pid;
    this.bearer = "Bearer " + token;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(48).setMaxWaitQueueSize(-1));
    this.healthy = new BenchSink(vertx, 2);
    this.healthy.trust(get("/.well-known/jwks.json").toJsonObject());
    this.wav = new BenchWavServer(vertx);
    this.shortPrompt = wav.tone("prompt-1s.wav", 1_000);
    this.longPrompt = wav.tone("prompt-60s.wav", 60_000);
    sick[0] = sickServer("slow", req -> vertx.setTimer(2_000, t -> req.response().setStatusCode(202).end()));
    sick[1] = sickServer("500", req -> req.response().setStatusCode(500).end("sick"));
    sick[2] = sickServer("429", req -> req.response().setStatusCode(429).putHeader("Retry-After", "1").end());
    sick[3] = resetServer();
  }

  private Buffer get(String uri) throws Exception {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(uri))
        .compose(r -> r.send()).compose(r -> r.body()).await(10, TimeUnit.SECONDS);
  }

  private String sickServer(String name, io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> h) throws Exception {
    HttpServer s = vertx.createHttpServer().requestHandler(req -> {
      sickHits.increment();
      req.body().onComplete(ar -> h.handle(req));
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    closers.add(s::close);
    return "http://127.0.0.1:" + s.actualPort() + "/" + name;
  }

  /** Accepts connections and resets each at once (SO_LINGER 0): a receiver that crashes mid-request. */
  private String resetServer() throws Exception {
    ServerSocket ss = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    closers.add(ss);
    Thread t = new Thread(() -> {
      while (!ss.isClosed()) {
        try (Socket s = ss.accept()) {
          sickHits.increment();
          s.setSoLinger(true, 0);
        } catch (Exception e) {
          // closed, or the peer gave up: next
        }
      }
    }, "soak-reset-receiver");
    t.setDaemon(true);
    t.start();
    return "http://127.0.0.1:" + ss.getLocalPort() + "/reset";
  }

  /** One request to Callvert; counts it and its status class. Fails unless the status is 2xx. */
  Future<JsonObject> req(HttpMethod method, String uri, JsonObject body) {
    sent.increment();
    RequestOptions o = new RequestOptions().setMethod(method).setURI(uri).putHeader("Authorization", bearer)
        .setTimeout(30_000);
    if (body != null) {
      o.putHeader("Content-Type", "application/json");
    }
    return client.request(o)
        .compose(r -> body == null ? r.send() : r.send(body.toBuffer()))
        .compose(r -> r.body().map(b -> {
          int s = r.statusCode();
          if (s >= 500) {
            fiveXx.increment();
          } else if (s >= 300) {
            otherNon2xx.increment();
          }
          if (s >= 300) {
            throw new Load.Unexpected(method + " " + uri + " -> " + s + " " + b);
          }
          return b.length() == 0 ? new JsonObject() : b.toJsonObject();
        }), e -> {
          if (!(e instanceof Load.Unexpected)) {
            transportErrors.increment();
          }
          return Future.failedFuture(e);
        });
  }

  static String graph(String id, String action) {
    return "/v1.0/communications/calls/" + id + (action == null ? "" : "/" + action);
  }

  Future<Void> sleep(long ms) {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(Math.max(1, ms), t -> p.complete());
    return p.future();
  }

  Future<Void> awaitState(String id, String state, long deadline) {
    return req(HttpMethod.GET, graph(id, null), null).compose(c -> {
      if (state.equals(c.getString("state"))) {
        return Future.succeededFuture();
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture(new Load.Unexpected("call " + id + " not " + state + " but " + c.getString("state")));
      }
      return sleep(200).compose(v -> awaitState(id, state, deadline));
    });
  }

  static JsonObject prompt(String uri, String resourceId) {
    return new JsonObject().put("clientContext", "soak")
        .put("prompts", new JsonArray().add(new JsonObject().put("@odata.type", "#microsoft.graph.mediaPrompt")
            .put("mediaInfo", new JsonObject().put("@odata.type", "#microsoft.graph.mediaInfo")
                .put("uri", uri).put("resourceId", resourceId))));
  }

  static final JsonObject MEDIA = new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig");

  /** One call's whole life. */
  Future<Void> life(long n) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    int slot = (int) (n % 20);
    String callback = slot < 4 ? sick[slot] : healthy.url("/cb");
    boolean incoming = n % 5 == 4;
    Future<String> created;
    if (incoming) {
      created = req(HttpMethod.POST, "/callvert/calls", new JsonObject().put("callbackUri", callback))
          .map(c -> c.getString("id"))
          .compose(id -> req(HttpMethod.POST, graph(id, "answer"), new JsonObject().put("callbackUri", callback)
              .put("acceptedModalities", new JsonArray().add("audio")).put("mediaConfig", MEDIA)).map(id));
    } else {
      created = req(HttpMethod.POST, "/v1.0/communications/calls", new JsonObject()
          .put("@odata.type", "#microsoft.graph.call")
          .put("callbackUri", callback)
          .put("targets", new JsonArray().add(new JsonObject().put("identity",
              new JsonObject().put("phone", new JsonObject().put("id", "+1555" + (1000 + n % 9000))))))
          .put("requestedModalities", new JsonArray().add("audio"))
          .put("mediaConfig", MEDIA))
          .map(c -> c.getString("id"));
    }
    return created.compose(id -> awaitState(id, "established", System.currentTimeMillis() + 15_000)
        .compose(v -> req(HttpMethod.POST, graph(id, "playPrompt"), prompt(shortPrompt, "soak-short")))
        .compose(v -> req(HttpMethod.POST, "/callvert/calls/" + id + "/speech", new JsonObject().put("durationMs", 1_500)))
        .compose(v -> req(HttpMethod.POST, graph(id, "recordResponse"), new JsonObject().put("clientContext", "soak")
            .put("maxRecordDurationInSeconds", 2).put("initialSilenceTimeoutInSeconds", 2).put("playBeep", true)))
        .compose(v -> req(HttpMethod.POST, "/callvert/calls/" + id + "/tones", new JsonObject().put("tones", "12#")))
        .compose(v -> sleep(1_000 + rnd.nextInt(2_000)))
        .compose(v -> req(HttpMethod.POST, graph(id, "cancelMediaProcessing"), new JsonObject().put("clientContext", "soak")))
        .compose(v -> req(HttpMethod.POST, graph(id, "playPrompt"), prompt(longPrompt, "soak-long")))
        .compose(v -> sleep(300 + rnd.nextInt(700)))
        .compose(v -> req(HttpMethod.POST, graph(id, "cancelMediaProcessing"), new JsonObject().put("clientContext", "soak")))
        .compose(v -> n % 2 == 0
            ? req(HttpMethod.DELETE, graph(id, null), null)
            : req(HttpMethod.POST, "/callvert/calls/" + id + "/hangup", null))
        .compose(v -> awaitState(id, "terminated", System.currentTimeMillis() + 15_000)))
        .mapEmpty();
  }

  /** Callvert's live calls, from its Prometheus gauge ({@code -1} when metrics are off). */
  long liveCalls() {
    try {
      String text = get("/metrics").toString(StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("(?m)^callvert_calls_live\\{[^}]*\\} ([0-9.eE+]+)").matcher(text);
      return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  /** Heap in use right after a full GC, in MB: {@code jcmd GC.run}, then the used columns of {@code jstat -gc}. */
  double heapAfterGcMb() throws Exception {
    run("jcmd", String.valueOf(pid), "GC.run");
    List<String> out = run("jstat", "-gc", String.valueOf(pid));
    String[] head = out.get(0).trim().split("\\s+");
    String[] vals = out.get(1).trim().split("\\s+");
    double kb = 0;
    for (int i = 0; i < head.length; i++) {
      if (head[i].equals("S0U") || head[i].equals("S1U") || head[i].equals("EU") || head[i].equals("OU")) {
        kb += Double.parseDouble(vals[i]);
      }
    }
    return kb / 1024;
  }

  static List<String> run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        lines.add(l);
      }
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + lines);
    }
    return lines;
  }

  int soak(double minutes, double rate, int maxInFlight, long warmupMs) throws Exception {
    long durationMs = (long) (minutes * 60_000);
    AtomicLong next = new AtomicLong();
    long t0 = System.currentTimeMillis();
    // paced starts: a 10 ms timer starts every life that is due since t0 (rate × elapsed)
    long timer = vertx.setPeriodic(10, id -> {
      long due = (long) ((System.currentTimeMillis() - t0) * rate / 1000);
      while (next.get() < due) {
        long n = next.getAndIncrement();
        if (inFlight.get() >= maxInFlight) {
          skipped.increment();
          continue;
        }
        inFlight.incrementAndGet();
        started.increment();
        life(n).onComplete(ar -> {
          inFlight.decrementAndGet();
          if (ar.succeeded()) {
            completed.increment();
          } else {
            failed.increment();
            lastProblem = String.valueOf(ar.cause().getMessage());
          }
        });
      }
    });
    System.out.printf(Locale.ROOT, "soak: %.1f min, %.0f calls/s, at most %d in flight; Callvert pid %d on port %d%n",
        minutes, rate, maxInFlight, pid, port);
    String fmt = "%6s %10s %11s %9s %8s %5s %10s %9s %9s %8s%n";
    System.out.printf(Locale.ROOT, fmt, "minute", "live_calls", "heap_mb", "requests", "calls", "5xx", "healthy_rx",
        "sick_hits", "failed", "skipped");
    List<Double> heap = new ArrayList<>();
    List<Double> at = new ArrayList<>();
    for (long s = SAMPLE_MS; s <= durationMs; s += SAMPLE_MS) {
      Load.sleepUntil(System.nanoTime() + (t0 + s - System.currentTimeMillis()) * 1_000_000);
      long live = liveCalls();
      double h = heapAfterGcMb();
      heap.add(h);
      at.add(s / 60_000.0);
      System.out.printf(Locale.ROOT, fmt, String.format(Locale.ROOT, "%.1f", s / 60_000.0), live,
          String.format(Locale.ROOT, "%.1f", h), sent.sum(), completed.sum(), fiveXx.sum(), healthy.received(),
          sickHits.sum(), failed.sum(), skipped.sum());
    }
    vertx.cancelTimer(timer);
    // let the lives in flight finish (each is bounded by its own deadlines)
    Load.awaitCondition(() -> inFlight.get() == 0, 60_000);

    // steady state: once retention is full (the first warmupMs fill it; the heap grows with it by design)
    List<Double> steady = new ArrayList<>();
    for (int i = 0; i < heap.size(); i++) {
      if (at.get(i) * 60_000 > warmupMs) {
        steady.add(heap.get(i));
      }
    }
    int half = steady.size() / 2;
    double first = steady.subList(0, half).stream().mapToDouble(d -> d).average().orElse(Double.NaN);
    double second = steady.subList(steady.size() - half, steady.size()).stream().mapToDouble(d -> d).average().orElse(Double.NaN);
    double ratio = second / first;
    int allHalf = heap.size() / 2;
    double allFirst = heap.subList(0, allHalf).stream().mapToDouble(d -> d).average().orElse(Double.NaN);
    double allSecond = heap.subList(heap.size() - allHalf, heap.size()).stream().mapToDouble(d -> d).average().orElse(Double.NaN);
    boolean flat = half > 0 && ratio <= FLAT;
    boolean no5xx = fiveXx.sum() == 0;
    System.out.println();
    System.out.printf(Locale.ROOT, "calls: %d started, %d completed, %d failed, %d skipped (over %d in flight); "
            + "requests: %d, 5xx: %d, other non-2xx: %d, transport errors: %d%n",
        started.sum(), completed.sum(), failed.sum(), skipped.sum(), maxInFlight, sent.sum(), fiveXx.sum(),
        otherNon2xx.sum(), transportErrors.sum());
    System.out.printf(Locale.ROOT, "notifications: healthy receiver %d (%d signature-verified), sick receivers hit %d times%n",
        healthy.received(), healthy.signedVerified(), sickHits.sum());
    if (lastProblem != null) {
      System.out.println("last failed call: " + lastProblem);
    }
    System.out.printf(Locale.ROOT, "heap after GC, every sample (warm-up included): first half %.1f MB, second half %.1f MB, "
        + "ratio %.3f; min %.1f MB, max %.1f MB%n", allFirst, allSecond, allSecond / allFirst,
        heap.stream().mapToDouble(d -> d).min().orElse(Double.NaN), heap.stream().mapToDouble(d -> d).max().orElse(Double.NaN));
    System.out.printf(Locale.ROOT, "heap after GC, steady state (%d samples after the %.1f-minute warm-up): first half %.1f MB, second half %.1f MB, ratio %.3f (flat <= %.2f): %s%n",
        steady.size(), warmupMs / 60_000.0, first, second, ratio, FLAT, flat ? "FLAT" : "GROWING");
    System.out.printf(Locale.ROOT, "5xx: %d: %s%n", fiveXx.sum(), no5xx ? "OK" : "FAIL");
    return flat && no5xx ? 0 : 1;
  }

  void close() {
    for (AutoCloseable c : closers) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    vertx.close();
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Soak port pid minutes [rate/s] [maxInFlight] [warmupMs] [token]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    long pid = Long.parseLong(args[1]);
    double minutes = Double.parseDouble(args[2]);
    double rate = args.length > 3 ? Double.parseDouble(args[3]) : 20;
    int maxInFlight = args.length > 4 ? Integer.parseInt(args[4]) : 400;
    long warmupMs = args.length > 5 ? Long.parseLong(args[5]) : 120_000;
    String token = args.length > 6 ? args[6] : "callvert-dev-token";
    Soak soak = new Soak(port, pid, token);
    int rc;
    try {
      rc = soak.soak(minutes, rate, maxInFlight, warmupMs);
    } finally {
      soak.close();
    }
    System.exit(rc);
  }
}
