package io.callvert.verticles.bench;

import io.callvert.config.AuthOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.config.HttpOptions;
import io.callvert.config.MetricsOptions;
import io.callvert.config.ShutdownOptions;
import io.callvert.verticles.CallvertVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything a run needs, on loopback, in this JVM:
 *
 * <ul>
 *   <li>Callvert in its production configuration, in its own Vert.x instance: own HTTP server,
 *       auth on with a static token ({@code auth.tokens}, not the dev token), notification signing
 *       on (RS256, generated key), system clock, production defaults for everything else. Two
 *       deviations, both about the <em>simulation</em>, not the runtime: {@code callee.answerDelayMs=0}
 *       (simulated callees answer at once, so set-up rate measures Callvert, not a configured
 *       delay) and recordings in a temporary directory. Metrics only with {@code bench.metrics=true}.
 *   <li>A driver Vert.x instance (2 event loops) for everything on the bot's side: the load
 *       generator's HTTP connections, the webhook sink and the WAV server.
 * </ul>
 */
final class BenchEnv implements AutoCloseable {

  /** The static API token of this run; random so that nothing else can guess it. */
  static final String TOKEN = "bench-" + UUID.randomUUID();
  static final String BEARER = "Bearer " + TOKEN;
  static final String TENANT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  static final String BOT_APP_ID = "6f1e1b2a-1111-4222-8333-944455556666";
  static final int DRIVER_EVENT_LOOPS = 2;
  private static final byte[] ESTABLISHED = "\"established\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  final BenchConfig cfg;
  final Vertx vertx;
  final CallvertVerticle callvert;
  final String deploymentId;
  final int port;
  final Vertx driver;
  final HttpClientAgent client;
  final List<Context> driverContexts = new ArrayList<>();
  final BenchSink sink;
  final BenchWavServer wav;
  /** Long prompt for benchmarks that cancel it: it never completes on its own during a run. */
  final String longPrompt;

  /** Established calls shared by the API, latency and media benchmarks (all idle between benchmarks). */
  String[] calls = new String[0];

  private BenchEnv(BenchConfig cfg, Vertx vertx, CallvertVerticle callvert, String deploymentId, Vertx driver) {
    this.cfg = cfg;
    this.vertx = vertx;
    this.callvert = callvert;
    this.deploymentId = deploymentId;
    this.port = callvert.actualPort();
    this.driver = driver;
    for (int i = 0; i < DRIVER_EVENT_LOOPS; i++) {
      driverContexts.add(newContext(driver));
    }
    this.client = driver.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false));
    this.sink = new BenchSink(driver, DRIVER_EVENT_LOOPS);
    this.sink.trust(callvert.jwks());
    this.wav = new BenchWavServer(driver);
    this.longPrompt = wav.tone("long-120s.wav", 120_000);
  }

  /** Callvert's production configuration (see the class comment for the two simulation settings). */
  static CallvertOptions productionOptions(boolean metrics) {
    CallvertOptions d = CallvertOptions.defaults();
    try {
      // the load generator keeps its connections across phases, idle for longer than the read deadline between them
      // (contract rule 47 closes such a connection; real clients reconnect): a long deadline keeps its per-request
      // bookkeeping in the measurement without closing the lanes
      return d.withHttp(HttpOptions.defaults().withPort(0).withRequestReadTimeoutMs(600_000))
          .withAuth(AuthOptions.defaults().withTokens(List.of(TOKEN)))
          .withCallee(d.callee().withAnswerDelayMs(0))
          .withMedia(d.media().withRecordingsDir(Files.createTempDirectory("callvert-bench-recordings").toString()))
          .withShutdown(new ShutdownOptions(2_000))
          .withMetrics(new MetricsOptions(metrics));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static BenchEnv start(BenchConfig cfg) {
    VertxOptions vo = new VertxOptions();
    if (cfg.metrics()) {
      vo.setMetricsOptions(new io.vertx.micrometer.MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
          .setPrometheusOptions(new io.vertx.micrometer.VertxPrometheusOptions().setEnabled(true)));
    }
    Vertx vertx = Vertx.vertx(vo);
    Vertx driver = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(DRIVER_EVENT_LOOPS));
    CallvertVerticle callvert = new CallvertVerticle(productionOptions(cfg.metrics()));
    try {
      String id = vertx.deployVerticle(callvert).await(60, TimeUnit.SECONDS);
      return new BenchEnv(cfg, vertx, callvert, id, driver);
    } catch (Exception e) {
      vertx.close();
      driver.close();
      throw new IllegalStateException("Callvert did not start: " + e.getMessage(), e);
    }
  }

  /**
   * A new event-loop context of {@code v}, on the next event loop round-robin. (From a non-Vert.x
   * thread {@code getOrCreateContext()} is sticky and would keep returning one context; each deployment
   * gets an event loop of its own, round-robin, so an empty verticle's context is a new one.)
   */
  static Context newContext(Vertx v) {
    final class Anchor extends io.vertx.core.AbstractVerticle {
      Context context() {
        return context;
      }
    }
    Anchor anchor = new Anchor();
    try {
      v.deployVerticle(anchor).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("no event-loop context: " + e.getMessage(), e);
    }
    return anchor.context();
  }

  /** {@code n} connections to Callvert (or the ceiling at {@code toPort}), over the driver's event loops. */
  List<Load.Lane> lanes(int toPort, int n) {
    return Load.connect(client, toPort, n, driverContexts);
  }

  /** All {@code n} connections on a single driver event loop (for open-loop generators, which are confined). */
  List<Load.Lane> lanesOnOneLoop(int toPort, int n, Context ctx) {
    return Load.connect(client, toPort, n, List.of(ctx));
  }

  static String callPath(String callId, String action) {
    return "/v1.0/communications/calls/" + callId + "/" + action;
  }

  /** The body a bot sends to place a call to a simulated phone; notifications go to the sink. */
  Buffer outgoingCallBody() {
    return new JsonObject()
        .put("@odata.type", "#microsoft.graph.call")
        .put("callbackUri", sink.url("/cb"))
        .put("source", new JsonObject().put("identity", new JsonObject().put("application",
            new JsonObject().put("id", BOT_APP_ID).put("displayName", "Bench bot"))))
        .put("targets", new JsonArray().add(new JsonObject().put("identity",
            new JsonObject().put("phone", new JsonObject().put("id", "+15550001")))))
        .put("requestedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig"))
        .put("tenantId", TENANT)
        .toBuffer();
  }

  static Buffer playPromptBody(String uri, String resourceId) {
    return new JsonObject().put("clientContext", "bench-play")
        .put("prompts", new JsonArray().add(new JsonObject().put("@odata.type", "#microsoft.graph.mediaPrompt")
            .put("mediaInfo", new JsonObject().put("@odata.type", "#microsoft.graph.mediaInfo")
                .put("uri", uri).put("resourceId", resourceId))))
        .toBuffer();
  }

  static final Buffer CANCEL_BODY = new JsonObject().put("clientContext", "bench-cancel").toBuffer();

  /**
   * Creates up to {@code n} calls and waits until the sink has each one's {@code established}
   * notification. Stops creating at the first failure (capacity) when {@code stopOnFailure}.
   *
   * @return the ids of the calls created, in no particular order; {@code failure} gets the first failure
   */
  String[] createCalls(List<Load.Lane> lanes, int n, boolean stopOnFailure, AtomicReference<String> failure,
      java.util.function.IntConsumer progress) {
    LongAdder established = new LongAdder();
    sink.listen((path, body, t) -> {
      if (BenchSink.contains(body, ESTABLISHED)) {
        established.increment();
        if (progress != null) {
          progress.accept(established.intValue());
        }
      }
    });
    Buffer body = outgoingCallBody();
    String[] ids = new String[n];
    LongAdder created = new LongAdder();
    Load.runAll(lanes, n, (lane, i) -> Load.expect(201,
            Load.send(lane.conn, HttpMethod.POST, "/v1.0/communications/calls", BEARER, body))
        .map(r -> {
          // the id from the Location header (…/communications/calls/{id}), not from parsing the body
          String location = r.headers().get("Location");
          ids[i] = location.substring(location.lastIndexOf('/') + 1);
          created.increment();
          return null;
        }),
        () -> stopOnFailure && failure.get() != null,
        e -> failure.compareAndSet(null, e.getMessage()));
    long want = created.sum();
    boolean all = Load.awaitCondition(() -> established.sum() >= want, 60_000 + want);
    sink.listen(null);
    if (!all) {
      failure.compareAndSet(null, "only " + established.sum() + " of " + want + " established notifications arrived");
    }
    List<String> ok = new ArrayList<>((int) want);
    for (String id : ids) {
      if (id != null) {
        ok.add(id);
      }
    }
    return ok.toArray(new String[0]);
  }

  /** Establishes the shared calls, and fetches the long prompt once so that Callvert has it cached. */
  void establishSharedCalls(int n) {
    List<Load.Lane> lanes = lanes(port, cfg.connections());
    try {
      AtomicReference<String> failure = new AtomicReference<>();
      calls = createCalls(lanes, n, false, failure, null);
      if (calls.length < n) {
        throw new IllegalStateException("only " + calls.length + " of " + n + " calls were created: " + failure.get());
      }
      Load.Lane l = lanes.get(0);
      playAndCancel(l, calls[0], longPrompt, "bench-long");
    } finally {
      Load.close(lanes);
    }
  }

  /** Plays a prompt on a call and cancels it at once, synchronously (warms Callvert's media cache). */
  void playAndCancel(Load.Lane lane, String callId, String uri, String resourceId) {
    try {
      Future.<Void>future(p -> lane.context.runOnContext(v ->
          Load.expect(200, Load.send(lane.conn, HttpMethod.POST, callPath(callId, "playPrompt"), BEARER, playPromptBody(uri, resourceId)))
              .compose(r -> Load.expect(200, Load.send(lane.conn, HttpMethod.POST, callPath(callId, "cancelMediaProcessing"), BEARER, CANCEL_BODY)))
              .<Void>mapEmpty().onComplete(p)))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("play+cancel failed: " + e.getMessage(), e);
    }
  }

  /** One request from the calling (non-Vert.x) thread, for set-up and captures. */
  Load.Resp call(Load.Lane lane, HttpMethod method, String uri, Buffer body) {
    try {
      return Future.<Load.Resp>future(p -> lane.context.runOnContext(v ->
          Load.send(lane.conn, method, uri, BEARER, body).onComplete(p))).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + uri + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    sink.listen(null);
    try {
      client.close().await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("[bench] Callvert's Vert.x did not close cleanly: " + e.getMessage());
    }
    try {
      driver.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("[bench] driver Vert.x did not close cleanly: " + e.getMessage());
    }
  }
}
