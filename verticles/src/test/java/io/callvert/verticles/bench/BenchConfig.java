package io.callvert.verticles.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What to run and how big. Read from system properties {@code bench.*}, overridden by arguments
 * {@code key=value} (with or without the {@code bench.} prefix); a bare argument such as
 * {@code api,latency} selects benchmarks like {@code bench.only}.
 *
 * @param only benchmarks to run: any of {@link #ALL}
 * @param seconds measured window of each timed benchmark
 * @param warmupSeconds unmeasured load before each window (same load, same connections)
 * @param calls established calls the API, latency and media benchmarks work on
 * @param connections HTTP connections of the closed-loop load (and of the open-loop pool)
 * @param latencyRate offered cancels per second of the cancel-to-notification benchmark
 * @param mediaPrompts concurrent prompts of the media-timing benchmark (at most {@code calls})
 * @param mediaRate prompts started per second in the media-timing benchmark
 * @param mediaMinMs shortest prompt of the media-timing benchmark; the others are 500 ms apart
 * @param capacityCalls calls the capacity benchmark tries to establish
 * @param capacityMeasureCalls calls over which set-up rate and heap per call are measured (the first ones)
 * @param capacityFork run capacity in a forked JVM with {@code -Xmx<capacityHeap>} (else in-process)
 * @param capacityHeap the forked JVM's heap
 * @param webhookSlots notifications kept in flight by the webhook benchmark (one per simulated call)
 * @param metrics run Vert.x with Micrometer/Prometheus metrics, as the fat jar does
 * @param jfrFile when set, a JFR recording (profile settings) of the api.cancel measured window
 */
record BenchConfig(Set<String> only, double seconds, double warmupSeconds, int calls, int connections,
    int latencyRate, int mediaPrompts, int mediaRate, int mediaMinMs, int capacityCalls, int capacityMeasureCalls,
    boolean capacityFork, String capacityHeap, int webhookSlots, boolean metrics, String jfrFile) {

  static final List<String> ALL = List.of("api", "latency", "media", "webhook", "capacity");

  /** The issue's sizes: 10 s windows, 10,000 calls, 64 connections, 100,000 calls in -Xmx1g. */
  static BenchConfig defaults() {
    return new BenchConfig(new LinkedHashSet<>(ALL), 10, 15, 10_000, 64, 2_000, 10_000, 5_000, 3_000,
        100_000, 20_000, true, "1g", 256, false, "");
  }

  /** Seconds-long runs with small sizes: proves every benchmark still produces numbers (CI). */
  static BenchConfig smoke() {
    return new BenchConfig(new LinkedHashSet<>(ALL), 1, 0.5, 200, 16, 200, 200, 1_000, 600,
        2_000, 2_000, false, "1g", 32, false, "");
  }

  static BenchConfig fromSystemProperties(BenchConfig base, String[] args) {
    Map<String, String> kv = new java.util.HashMap<>();
    System.getProperties().forEach((k, v) -> {
      String key = String.valueOf(k);
      String value = String.valueOf(v);
      // an unset Maven property arrives as its literal ${...}: treat it as absent
      if (key.startsWith("bench.") && !value.startsWith("${")) {
        kv.put(key.substring("bench.".length()), value);
      }
    });
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 0) {
        kv.put("only", a);
      } else {
        String key = a.substring(0, eq);
        kv.put(key.startsWith("bench.") ? key.substring("bench.".length()) : key, a.substring(eq + 1));
      }
    }
    return base.with(kv);
  }

  BenchConfig with(Map<String, String> kv) {
    Set<String> o = only;
    String sel = kv.getOrDefault("only", "").trim();
    if (!sel.isEmpty() && !sel.equalsIgnoreCase("all")) {
      o = new LinkedHashSet<>();
      for (String s : sel.split(",")) {
        String name = s.trim().toLowerCase(Locale.ROOT);
        if (!ALL.contains(name)) {
          throw new IllegalArgumentException("unknown benchmark '" + name + "'; known: " + ALL);
        }
        o.add(name);
      }
    }
    return new BenchConfig(o,
        dbl(kv, "seconds", seconds), dbl(kv, "warmup", warmupSeconds),
        integer(kv, "calls", calls), integer(kv, "connections", connections),
        integer(kv, "latency.rate", latencyRate), integer(kv, "media.prompts", mediaPrompts),
        integer(kv, "media.rate", mediaRate), integer(kv, "media.minMs", mediaMinMs),
        integer(kv, "capacity.calls", capacityCalls), integer(kv, "capacity.measureCalls", capacityMeasureCalls),
        Boolean.parseBoolean(kv.getOrDefault("capacity.fork", Boolean.toString(capacityFork))),
        kv.getOrDefault("capacity.heap", capacityHeap), integer(kv, "webhook.slots", webhookSlots),
        Boolean.parseBoolean(kv.getOrDefault("metrics", Boolean.toString(metrics))),
        kv.getOrDefault("jfr", jfrFile).trim());
  }

  boolean runs(String benchmark) {
    return only.contains(benchmark);
  }

  long warmupNanos() {
    return (long) (warmupSeconds * 1e9);
  }

  /**
   * The capacity benchmark's JIT warm-up on its throwaway instance: twice {@link #warmupSeconds}.
   * Set-up is the most code-heavy path (deploy, two signed notifications, the sink): in the
   * async-profiler profile of the set-up window after a 15 s warm-up, C1/C2 still took ~19% of the
   * CPU (4,673–5,057 calls/s over four runs); after 30 s the rate settles (6,344).
   */
  double capacityWarmupSeconds() {
    return 2 * warmupSeconds;
  }

  long measureNanos() {
    return (long) (seconds * 1e9);
  }

  private static double dbl(Map<String, String> kv, String key, double dflt) {
    String v = kv.get(key);
    return v == null || v.isBlank() ? dflt : Double.parseDouble(v.trim());
  }

  private static int integer(Map<String, String> kv, String key, int dflt) {
    String v = kv.get(key);
    return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim().replace("_", ""));
  }
}
