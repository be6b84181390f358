package io.callvert.verticles.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Benchmark 1, API throughput, two figures, each against the bare-route ceiling:
 *
 * <ol>
 *   <li><b>api.cancel</b>: {@code POST .../cancelMediaProcessing} on the shared established calls,
 *       which are idle (no media running), a uniformly random call per request, closed loop over
 *       {@code bench.connections} connections. Latency of one request = from just before the
 *       driver issues it to the end of its response body, on the driver's event loop.
 *   <li><b>api.pairs</b>: {@code playPrompt} (a 120 s prompt, cached by Callvert after the first
 *       fetch) then {@code cancelMediaProcessing} on the same call; one pair is one iteration and
 *       its latency covers both requests. Each lane owns a disjoint slice of the calls, so a call
 *       never has two pairs in flight. Every pair makes Callvert deliver the prompt's signed
 *       {@code deleted} notification to the sink; the notifications delivered during the window
 *       are reported next to the pair rate, and the sink verifies their signatures.
 * </ol>
 */
final class ApiBench {

  private ApiBench() {}

  static void run(BenchEnv env, Table table) {
    BenchConfig cfg = env.cfg;
    String[] calls = env.calls;
    String[] cancelPaths = new String[calls.length];
    String[] playPaths = new String[calls.length];
    for (int i = 0; i < calls.length; i++) {
      cancelPaths[i] = BenchEnv.callPath(calls[i], "cancelMediaProcessing");
      playPaths[i] = BenchEnv.callPath(calls[i], "playPrompt");
    }
    Buffer playBody = BenchEnv.playPromptBody(env.longPrompt, "bench-long");

    // Capture what Callvert answers, for the ceiling to replay (on a call the loops use too: harmless).
    List<Load.Lane> capture = env.lanes(env.port, 1);
    Load.Resp play = env.call(capture.get(0), HttpMethod.POST, playPaths[0], playBody);
    Load.Resp cancel = env.call(capture.get(0), HttpMethod.POST, cancelPaths[0], BenchEnv.CANCEL_BODY);
    Load.close(capture);
    if (play.status() != 200 || cancel.status() != 200) {
      throw new IllegalStateException("capture failed: playPrompt " + play.status() + ", cancel " + cancel.status() + " " + cancel.body());
    }
    CeilingServer ceiling = CeilingServer.start(env.vertx, Map.of(
        "cancelMediaProcessing", CeilingServer.Canned.of(cancel),
        "playPrompt", CeilingServer.Canned.of(play)));
    try {
      cancelOnIdleCalls(env, cfg, table, ceiling, cancelPaths);
      pairs(env, cfg, table, ceiling, playPaths, cancelPaths, playBody);
    } finally {
      ceiling.close();
    }
  }

  private static void cancelOnIdleCalls(BenchEnv env, BenchConfig cfg, Table table, CeilingServer ceiling, String[] paths) {
    Load.Step step = lane -> Load.expect(200,
        Load.send(lane.conn, HttpMethod.POST, paths[lane.random.nextInt(paths.length)], BenchEnv.BEARER, BenchEnv.CANCEL_BODY));

    Jfr jfr = new Jfr(cfg.jfrFile());
    jfr.prepare();
    BenchMain.log("api.cancel: ceiling (bare route), " + cfg.connections() + " connections");
    WindowStats topStats = new WindowStats();
    Load.Result top = closedLoop(env, ceiling.port, step, cfg, topStats::start, topStats::stop);
    BenchMain.log("api.cancel: Callvert, " + paths.length + " idle calls, " + cfg.connections() + " connections");
    WindowStats cvStats = new WindowStats();
    Load.Result cv = closedLoop(env, env.port, step, cfg, () -> {
      cvStats.start();
      jfr.start();
    }, () -> {
      jfr.stop();
      cvStats.stop();
    });

    String b = "api.cancel";
    table.add(Row.atLeastRatio(b, "req/s", cv.perSecond(), top.perSecond(), 0.50));
    table.add(Row.info(b, "p50 ms", cv.latency().ms(0.50), top.latency().ms(0.50)));
    table.add(Row.atMost(b, "p99 ms", cv.latency().ms(0.99), top.latency().ms(0.99), 10, "ms"));
    table.add(Row.info(b, "p99.9 ms", cv.latency().ms(0.999), top.latency().ms(0.999)));
    errors(table, b, cv, top);
    table.note(b, "Callvert window: " + cvStats + "; ceiling window: " + topStats);
    if (jfr.path != null) {
      table.note(b, "JFR recording of Callvert's measured window: " + jfr.path);
    }
  }

  private static void pairs(BenchEnv env, BenchConfig cfg, Table table, CeilingServer ceiling,
      String[] playPaths, String[] cancelPaths, Buffer playBody) {
    int lanes = Math.min(cfg.connections(), playPaths.length);
    LongAdder plays = new LongAdder();
    // Lane i owns calls i, i + lanes, i + 2*lanes, ...: no call ever has two pairs in flight.
    Load.Step step = lane -> {
      int slots = (playPaths.length - lane.index + lanes - 1) / lanes;
      int call = lane.index + lanes * lane.random.nextInt(slots);
      return Load.expect(200, Load.send(lane.conn, HttpMethod.POST, playPaths[call], BenchEnv.BEARER, playBody))
          .compose(r -> {
            plays.increment();
            return Load.expect(200, Load.send(lane.conn, HttpMethod.POST, cancelPaths[call], BenchEnv.BEARER, BenchEnv.CANCEL_BODY));
          });
    };

    BenchMain.log("api.pairs: ceiling (bare route)");
    WindowStats topStats = new WindowStats();
    Load.Result top = closedLoop(env, ceiling.port, step, cfg, topStats::start, topStats::stop);
    plays.reset();

    BenchMain.log("api.pairs: Callvert, playPrompt+cancel pairs, notifications to the sink");
    BenchSink sink = env.sink;
    long receivedBefore = sink.received();
    long verifiedBefore = sink.signedVerified();
    long unsignedBefore = sink.unsigned();
    long[] window = new long[2];
    WindowStats cvStats = new WindowStats();
    Load.Result cv = closedLoop(env, env.port, step, cfg, () -> {
      window[0] = sink.received();
      cvStats.start();
    }, () -> {
      window[1] = sink.received();
      cvStats.stop();
    });
    // Every successful playPrompt ends in exactly one deleted notification; wait for the backlog.
    long expected = receivedBefore + plays.sum();
    long backlog = expected - window[1];
    long t0 = System.nanoTime();
    boolean drained = Load.awaitCondition(() -> sink.received() >= expected, 60_000);
    double drainMs = (System.nanoTime() - t0) / 1e6;
    Load.awaitCondition(() -> sink.signedVerified() - verifiedBefore >= plays.sum(), 5_000);

    String b = "api.pairs";
    double delivered = (window[1] - window[0]) / cv.seconds();
    table.add(Row.info(b, "pairs/s", cv.perSecond(), top.perSecond()));
    table.add(Row.info(b, "pair p50 ms", cv.latency().ms(0.50), top.latency().ms(0.50)));
    table.add(Row.info(b, "pair p99 ms", cv.latency().ms(0.99), top.latency().ms(0.99)));
    table.add(Row.info(b, "pair p99.9 ms", cv.latency().ms(0.999), top.latency().ms(0.999)));
    table.add(Row.info(b, "notifications/s delivered", delivered));
    errors(table, b, cv, top);
    table.note(b, String.format(java.util.Locale.ROOT,
        "%d prompts played and cancelled; %d deleted notifications delivered, %d with a verified signature, %d unsigned; "
            + "backlog at window end %d, %s in %.0f ms", plays.sum(), sink.received() - receivedBefore,
        sink.signedVerified() - verifiedBefore, sink.unsigned() - unsignedBefore, backlog,
        drained ? "drained" : "NOT drained", drainMs));
    table.note(b, "Callvert window: " + cvStats + "; ceiling window: " + topStats);
  }

  private static Load.Result closedLoop(BenchEnv env, int port, Load.Step step, BenchConfig cfg,
      Runnable atStart, Runnable atEnd) {
    List<Load.Lane> lanes = env.lanes(port, cfg.connections());
    try {
      return Load.closedLoop(lanes, step, cfg.warmupNanos(), cfg.measureNanos(), atStart, atEnd);
    } finally {
      Load.close(lanes);
    }
  }

  private static void errors(Table table, String b, Load.Result cv, Load.Result top) {
    if (cv.errors() > 0 || top.errors() > 0) {
      table.note(b, "errors in window: Callvert " + cv.errors() + ", ceiling " + top.errors() + "; last: "
          + (cv.lastError() != null ? cv.lastError() : top.lastError()));
    }
  }

  /**
   * An optional JFR recording of one measured window: the JDK's "default" settings (low overhead)
   * with CPU sampling every millisecond instead of every 20 ms (on 2 saturated cores the sampler
   * gets about one sample in ten it asks for). Starting JFR the first time retransforms JDK
   * classes and deoptimises the code that inlined them, which cost two thirds of the throughput of
   * the window it was started in; so {@link #prepare} starts an identical recording long before the
   * window (its first use pays that cost during the warm-up of the runs before), and the window's own
   * recording replaces it.
   */
  static final class Jfr {
    final Path path;
    private jdk.jfr.Recording early;
    private jdk.jfr.Recording recording;

    Jfr(String file) {
      this.path = file == null || file.isBlank() ? null : Path.of(file).toAbsolutePath();
    }

    private static jdk.jfr.Recording newRecording() throws java.io.IOException, java.text.ParseException {
      java.util.Map<String, String> settings =
          new java.util.HashMap<>(jdk.jfr.Configuration.getConfiguration("default").getSettings());
      settings.put("jdk.ExecutionSample#period", "1 ms");
      jdk.jfr.Recording r = new jdk.jfr.Recording(settings);
      r.setName("callvert-bench");
      return r;
    }

    void prepare() {
      if (path == null) {
        return;
      }
      try {
        early = newRecording();
        early.start();
      } catch (Exception e) {
        BenchMain.log("JFR not started: " + e.getMessage());
      }
    }

    void start() {
      if (path == null) {
        return;
      }
      try {
        recording = newRecording();
        recording.start();
        if (early != null) {
          early.stop();
          early.close();
          early = null;
        }
      } catch (Exception e) {
        BenchMain.log("JFR not started: " + e.getMessage());
      }
    }

    void stop() {
      if (recording == null) {
        return;
      }
      try {
        recording.stop();
        recording.dump(path);
        recording.close();
        BenchMain.log("JFR recording written to " + path);
      } catch (Exception e) {
        BenchMain.log("JFR not written: " + e.getMessage());
      }
    }
  }
}
