package io.callvert.verticles.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Benchmark 3, capacity: how many established calls, each with a tone subscription, one node
 * holds in {@code -Xmx1g}; heap per idle call; call set-up rate.
 *
 * <p>By default it runs in a forked JVM ({@code java -Xms1g -Xmx1g -XX:+ExitOnOutOfMemoryError <bench.jvm flags> -cp
 * <this classpath> BenchMain capacity-child}) with a fresh Callvert, sink and driver, so the heap limit
 * is Callvert's (plus the small driver) and nothing from other benchmarks is in it. With
 * {@code bench.capacity.fork=false} (the CI smoke run) it runs in-process, where its heap figure is
 * only indicative.
 *
 * <p>Two phases, so that running out of memory still leaves figures behind:
 * <ol>
 *   <li><b>measure</b>, after a JIT warm-up of twice {@code bench.warmup} on a throwaway instance
 *       ({@link #warmUp}): {@code min(bench.capacity.calls, bench.capacity.measureCalls)} calls
 *       (20,000 by default), the first 10% (at most 5,000) as the heap baseline; the rest are
 *       created by the closed loop ({@code bench.connections} connections) and <b>set-up rate</b> =
 *       those calls / (time from
 *       the first create request to the sink receiving the last one's {@code established}
 *       notification). Every call then gets {@code subscribeToTone}, and <b>heap per idle call</b> =
 *       (heap used after {@code System.gc()} now − heap used after {@code System.gc()} once the
 *       warm-up calls were established and subscribed) / the calls created since, from the
 *       MemoryMXBean; the driver holds no per-call state at either point.
 *   <li><b>fill</b>: batches of 5,000 more calls (created, established, subscribed) until
 *       {@code bench.capacity.calls} or the first failure (error status, request timeout, or the JVM
 *       dying of {@code OutOfMemoryError}); the figure is the number of calls established and
 *       subscribed in completed batches.
 * </ol>
 */
final class CapacityBench {

  private CapacityBench() {}

  static final int FILL_BATCH = 5_000;
  static final int WARM_BATCH = 1_000;

  /** Phase 1's figures. */
  record Measure(int calls, int warmCalls, double heapBytesPerCall, double setupPerSecond, long subscribeFailures,
      String failure) {

    JsonObject toJson() {
      return new JsonObject().put("calls", calls).put("warmCalls", warmCalls).put("heapBytesPerCall", heapBytesPerCall)
          .put("setupPerSecond", setupPerSecond).put("subscribeFailures", subscribeFailures).put("failure", failure);
    }

    static Measure fromJson(JsonObject j) {
      return new Measure(j.getInteger("calls"), j.getInteger("warmCalls"), j.getDouble("heapBytesPerCall"), j.getDouble("setupPerSecond"),
          j.getLong("subscribeFailures"), j.getString("failure"));
    }
  }

  static void run(BenchConfig cfg, BenchEnv envOrNull, Table table) {
    String b = "capacity";
    int measureCalls = Math.min(cfg.capacityCalls(), cfg.capacityMeasureCalls());
    Measure m;
    int calls;
    String stoppedBy;
    if (cfg.capacityFork()) {
      Forked f = forked(cfg);
      m = f.measure;
      calls = f.calls;
      stoppedBy = f.stoppedBy;
      table.add(Row.atLeast(b, "established calls (+tone sub)", calls, 100_000, "in -Xmx1g"));
    } else {
      warmUp(cfg);
      List<Load.Lane> lanes = envOrNull.lanes(envOrNull.port, cfg.connections());
      try {
        m = measure(envOrNull, lanes, measureCalls);
        AtomicReference<String> failure = new AtomicReference<>(m.failure());
        calls = m.failure() != null ? m.calls() : fill(envOrNull, lanes, m.calls(), cfg.capacityCalls(), failure, null);
        stoppedBy = failure.get();
      } finally {
        Load.close(lanes);
      }
      table.add(Row.info(b, "established calls (+tone sub)", calls));
    }
    double heap = m == null ? Double.NaN : m.heapBytesPerCall();
    double setup = m == null ? Double.NaN : m.setupPerSecond();
    table.add(Row.atMost(b, "heap bytes per idle call", heap, Double.NaN, 5 * 1024, "B"));
    table.add(Row.atLeast(b, "set-up calls/s", setup, 5_000, "/s"));
    table.note(b, String.format(Locale.ROOT, "%s; target %d calls; JIT warm-up %.0f s on a throwaway instance; heap and set-up measured over %s calls after the first %s; %s%s",
        cfg.capacityFork() ? "forked JVM -Xms/-Xmx" + cfg.capacityHeap() : "in-process (heap figure indicative only)",
        cfg.capacityCalls(), cfg.capacityWarmupSeconds(), m == null ? "?" : Integer.toString(m.calls() - m.warmCalls()),
        m == null ? "?" : Integer.toString(m.warmCalls()),
        stoppedBy == null ? "no failure" : "stopped by: " + stoppedBy,
        m == null || m.subscribeFailures() == 0 ? "" : "; subscribe failures " + m.subscribeFailures()));
  }

  /**
   * Warms the JIT up on a throwaway Callvert (with its own sink and driver) in this JVM, for
   * {@link BenchConfig#capacityWarmupSeconds()} (twice {@code bench.warmup}): batches of calls
   * created, established, subscribed and hung up.
   * Measuring straight after start-up measured the compiler: on 2 cores C1/C2 took 26-30% of the
   * CPU of the first seconds (async-profiler), with ~100 compilations/s still after 5 s. A
   * throwaway instance, closed before the measured one starts, leaves the compiled code behind and
   * none of its calls, so the heap figures below are unaffected by the warm-up.
   */
  static int warmUp(BenchConfig cfg) {
    if (cfg.capacityWarmupSeconds() <= 0) {
      return 0;
    }
    BenchMain.log(String.format(Locale.ROOT, "capacity: JIT warm-up on a throwaway Callvert, %.0f s", cfg.capacityWarmupSeconds()));
    int n = 0;
    try (BenchEnv warm = BenchEnv.start(cfg)) {
      List<Load.Lane> lanes = warm.lanes(warm.port, cfg.connections());
      try {
        long until = System.nanoTime() + (long) (cfg.capacityWarmupSeconds() * 1e9);
        AtomicReference<String> failure = new AtomicReference<>();
        while (failure.get() == null && System.nanoTime() < until) {
          String[] ids = warm.createCalls(lanes, WARM_BATCH, true, failure, null);
          subscribe(lanes, ids, failure);
          Load.runAll(lanes, ids.length, (lane, i) -> Load.expect(204,
              Load.send(lane.conn, HttpMethod.DELETE, "/v1.0/communications/calls/" + ids[i], BenchEnv.BEARER, null)),
              null, e -> failure.compareAndSet(null, "hang-up: " + e.getMessage()));
          n += ids.length;
        }
        if (failure.get() != null) {
          throw new IllegalStateException("capacity warm-up failed: " + failure.get());
        }
      } finally {
        Load.close(lanes);
      }
    }
    BenchMain.log("capacity: JIT warm-up done, " + n + " calls");
    return n;
  }

  /**
   * Phase 1 on {@code env}'s Callvert (after {@link #warmUp}): set-up rate and heap per idle call
   * over {@code n} calls. The heap baseline is taken after a first tenth of the calls exist, so
   * that what the first calls initialise once (connection pools to the sink, lazily built caches)
   * is not charged to every call.
   */
  static Measure measure(BenchEnv env, List<Load.Lane> lanes, int n) {
    AtomicReference<String> failure = new AtomicReference<>();
    int warm = Math.max(1, Math.min(n / 10, 5_000));
    BenchMain.log("capacity: first " + warm + " calls");
    String[] first = env.createCalls(lanes, warm, true, failure, null);
    long subscribeFailures = subscribe(lanes, first, failure);
    int warmCalls = first.length;
    first = null;
    long before = heapAfterGc();
    BenchMain.log("capacity: set-up rate and heap over " + (n - warm) + " calls");
    long t0 = System.nanoTime();
    String[] rest = failure.get() != null ? new String[0] : env.createCalls(lanes, n - warm, true, failure, null);
    double setupRate = rest.length / ((System.nanoTime() - t0) / 1e9);
    subscribeFailures += subscribe(lanes, rest, failure);
    int measured = rest.length;
    rest = null;
    long after = heapAfterGc();
    return new Measure(warmCalls + measured, warmCalls, (after - before) / (double) measured, setupRate,
        subscribeFailures, failure.get());
  }

  /** Phase 2: batches of calls until {@code target} calls or a failure; returns the calls held. */
  static int fill(BenchEnv env, List<Load.Lane> lanes, int have, int target, AtomicReference<String> failure,
      java.util.function.IntConsumer progress) {
    int calls = have;
    while (calls < target && failure.get() == null) {
      int batch = Math.min(FILL_BATCH, target - calls);
      String[] ids = env.createCalls(lanes, batch, true, failure, null);
      subscribe(lanes, ids, failure);
      if (failure.get() == null) {
        calls += ids.length;
        if (progress != null) {
          progress.accept(calls);
        }
      }
    }
    return calls;
  }

  private static long subscribe(List<Load.Lane> lanes, String[] ids, AtomicReference<String> failure) {
    Buffer sub = new JsonObject().put("clientContext", "bench-tones").toBuffer();
    return Load.runAll(lanes, ids.length, (lane, i) -> Load.expect(200,
            Load.send(lane.conn, HttpMethod.POST, BenchEnv.callPath(ids[i], "subscribeToTone"), BenchEnv.BEARER, sub)),
        null, e -> failure.compareAndSet(null, "subscribeToTone: " + e.getMessage()));
  }

  static long heapAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Load.pause(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  // ------------------------------------------------------------------ the forked JVM

  private static final String MEASURE = "CAPACITY-MEASURE ";
  private static final String PROGRESS = "CAPACITY-PROGRESS ";
  private static final String RESULT = "CAPACITY-RESULT ";

  /** Entry point of the forked JVM: one measure line, progress lines, one result line, on stdout. */
  static void child(BenchConfig cfg) {
    warmUp(cfg);
    try (BenchEnv env = BenchEnv.start(cfg)) {
      List<Load.Lane> lanes = env.lanes(env.port, cfg.connections());
      Measure m = measure(env, lanes, Math.min(cfg.capacityCalls(), cfg.capacityMeasureCalls()));
      System.out.println(MEASURE + m.toJson().encode());
      AtomicReference<String> failure = new AtomicReference<>(m.failure());
      int calls = m.failure() != null ? m.calls()
          : fill(env, lanes, m.calls(), cfg.capacityCalls(), failure, n -> System.out.println(PROGRESS + n));
      System.out.println(RESULT + new JsonObject().put("calls", calls).put("failure", failure.get()).encode());
      System.out.flush();
    }
  }

  private record Forked(Measure measure, int calls, String stoppedBy) {}

  private static Forked forked(BenchConfig cfg) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // a fixed heap, as a server runs: -Xms = -Xmx
    List<String> cmd = new ArrayList<>(List.of(java, "-Xms" + cfg.capacityHeap(), "-Xmx" + cfg.capacityHeap(), "-XX:+ExitOnOutOfMemoryError",
        "-Djava.net.preferIPv4Stack=true"));
    cmd.addAll(BenchMain.gcFlags());
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      cmd.add("-Dlogback.configurationFile=" + logback);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(), "capacity-child",
        "capacity.calls=" + cfg.capacityCalls(), "capacity.measureCalls=" + cfg.capacityMeasureCalls(),
        "connections=" + cfg.connections(), "metrics=" + cfg.metrics(), "warmup=" + cfg.warmupSeconds()));
    BenchMain.log("capacity: forking " + String.join(" ", cmd.subList(0, cmd.indexOf("-cp"))) + " ... capacity-child");
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      Measure measure = null;
      Integer calls = null;
      String stoppedBy = null;
      int progress = 0;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith(MEASURE)) {
            measure = Measure.fromJson(new JsonObject(line.substring(MEASURE.length())));
            progress = measure.calls();
            BenchMain.log(String.format(Locale.ROOT, "capacity: %d calls, %.0f heap bytes per call, %.0f set-ups/s",
                measure.calls(), measure.heapBytesPerCall(), measure.setupPerSecond()));
          } else if (line.startsWith(PROGRESS)) {
            progress = Integer.parseInt(line.substring(PROGRESS.length()).trim());
            BenchMain.log("capacity: " + progress + " calls established and subscribed");
          } else if (line.startsWith(RESULT)) {
            JsonObject j = new JsonObject(line.substring(RESULT.length()));
            calls = j.getInteger("calls");
            stoppedBy = j.getString("failure");
          } else {
            System.err.println("[capacity-child] " + line);
          }
        }
      }
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
      if (calls == null) {
        calls = progress;
        stoppedBy = "the forked JVM ended (exit " + p.exitValue() + ") in the batch after " + progress
            + " calls (OutOfMemoryError ends it with exit 3)";
      }
      return new Forked(measure, calls, stoppedBy);
    } catch (Exception e) {
      throw new IllegalStateException("capacity fork failed: " + e.getMessage(), e);
    }
  }
}
