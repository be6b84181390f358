package io.callvert.verticles.bench;

import io.callvert.verticles.CallvertVerticle;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Callvert's benchmark suite (issue 6): starts Callvert in its production configuration, a webhook
 * sink and a WAV server on loopback, runs the selected benchmarks, each with warm-up, and prints one
 * table in which every figure stands next to its ceiling measured in the same run.
 *
 * <pre>
 * mvn -B -q -Pbench -pl verticles -am verify -DskipTests                      # everything
 * mvn -B -q -Pbench -pl verticles -am verify -DskipTests -Dbench.only=api,latency -Dbench.seconds=5
 * </pre>
 *
 * <p>Selection and sizes come from system properties {@code bench.*} or {@code key=value}
 * arguments; see {@link BenchConfig}. The benchmarks are documented on their classes:
 * {@link ApiBench}, {@link LatencyBench}, {@link MediaBench}, {@link WebhookBench},
 * {@link CapacityBench}.
 */
public final class BenchMain {

  private BenchMain() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("capacity-child")) {
      String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
      CapacityBench.child(BenchConfig.fromSystemProperties(BenchConfig.defaults(), rest));
      System.exit(0);
    }
    BenchConfig cfg = BenchConfig.fromSystemProperties(BenchConfig.defaults(), args);
    Table table = run(cfg);
    System.out.println();
    System.out.println(table.render(header(cfg)));
    System.out.flush();
    System.exit(0);
  }

  /** Runs the selected benchmarks; a benchmark that throws leaves a note, and the others still run. */
  static Table run(BenchConfig cfg) {
    Table table = new Table();
    boolean sharedCalls = cfg.runs("api") || cfg.runs("latency") || cfg.runs("media");
    if (sharedCalls && cfg.calls() < cfg.connections()) {
      throw new IllegalArgumentException("bench.calls (" + cfg.calls() + ") must be at least bench.connections ("
          + cfg.connections() + ")");
    }
    // Each benchmark measures its own scenario from a fresh Callvert: the operations and journals
    // one benchmark leaves behind (hundreds of thousands) must not weigh on the next one's GC.
    inFreshEnv(cfg, "api", true, table, env -> ApiBench.run(env, table));
    inFreshEnv(cfg, "latency", true, table, env -> LatencyBench.run(env, table));
    inFreshEnv(cfg, "media", true, table, env -> MediaBench.run(env, table));
    inFreshEnv(cfg, "webhook", false, table, env -> WebhookBench.run(env, table));
    if (cfg.capacityFork()) {
      guarded(cfg, "capacity", table, () -> CapacityBench.run(cfg, null, table));
    } else {
      inFreshEnv(cfg, "capacity", false, table, env -> CapacityBench.run(cfg, env, table));
    }
    return table;
  }

  /** Runs benchmark {@code name} (when selected) against a Callvert of its own, started and stopped around it. */
  private static void inFreshEnv(BenchConfig cfg, String name, boolean withCalls, Table table,
      java.util.function.Consumer<BenchEnv> bench) {
    if (!cfg.runs(name)) {
      return;
    }
    log("starting Callvert (production configuration), sink, WAV server and driver for " + name);
    try (BenchEnv env = BenchEnv.start(cfg)) {
      if (withCalls) {
        log("establishing " + cfg.calls() + " calls");
        long t0 = System.nanoTime();
        env.establishSharedCalls(cfg.calls());
        log(String.format(Locale.ROOT, "%d calls established in %.1f s", env.calls.length, (System.nanoTime() - t0) / 1e9));
      }
      guarded(cfg, name, table, () -> bench.accept(env));
    }
  }


  private static void guarded(BenchConfig cfg, String name, Table table, Runnable benchmark) {
    if (!cfg.runs(name)) {
      return;
    }
    long t0 = System.nanoTime();
    try {
      benchmark.run();
    } catch (RuntimeException e) {
      log(name + " FAILED: " + e);
      e.printStackTrace();
      table.note(name, "FAILED: " + e);
    }
    log(String.format(Locale.ROOT, "%s done in %.1f s", name, (System.nanoTime() - t0) / 1e9));
  }

  static String header(BenchConfig cfg) {
    Runtime rt = Runtime.getRuntime();
    return String.format(Locale.ROOT,
        "Callvert %s benchmark, %s%nJDK %s (%s), %d CPUs, max heap %d MiB, JVM flags %s, load generator in the same JVM "
            + "(separate Vert.x instance), all on loopback%n"
            + "windows %.1f s after %.1f s warm-up; %d connections; %d calls; ceilings measured in this run%n",
        CallvertVerticle.version(), ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
        System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.availableProcessors(),
        rt.maxMemory() >> 20, String.join(" ", gcFlags()), cfg.seconds(), cfg.warmupSeconds(), cfg.connections(), cfg.calls());
  }

  /**
   * The collector and generation flags this JVM was started with ({@code bench.jvm}): printed in the
   * header, and handed on to the capacity fork so that every figure comes from the same settings.
   */
  static java.util.List<String> gcFlags() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-Xmn") || a.startsWith("-XX:") && !a.startsWith("-XX:StartFlightRecording")
            && !a.startsWith("-XX:+ExitOnOutOfMemoryError"))
        .toList();
  }

  static void log(String message) {
    System.err.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
  }
}
