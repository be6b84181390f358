package io.callvert.verticles.bench;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Benchmark 4, media timing: {@code bench.media.prompts} prompts (10,000 by default), one per
 * established call, all playing at once, each a WAV of known duration (8 durations from
 * {@code bench.media.minMs}, 3 s by default, to 2.17 × that). Prompts are started by an open-loop
 * generator at {@code bench.media.rate} per second (5,000/s: all 10,000 start within 2 s, before
 * the shortest one can end), so at the last start every prompt is playing.
 *
 * <p><b>What is timed</b>: lateness = the sink's receipt of the prompt's {@code deleted}
 * (completedSuccessfully) notification − (the moment the driver fired its {@code playPrompt} +
 * the WAV's duration). The start is the bot's request, not Callvert's internal start of playback
 * (which the API does not expose), so lateness includes the playPrompt round trip; that round
 * trip's p99 is reported next to it. WAVs are fetched and cached by Callvert before the run, and a
 * smaller round of short prompts warms the path up first.
 */
final class MediaBench {

  private MediaBench() {}

  static void run(BenchEnv env, Table table) {
    BenchConfig cfg = env.cfg;
    int prompts = Math.min(cfg.mediaPrompts(), env.calls.length);
    int[] durations = new int[8];
    String[] uris = new String[durations.length];
    for (int k = 0; k < durations.length; k++) {
      durations[k] = cfg.mediaMinMs() + k * (cfg.mediaMinMs() / 6);
      uris[k] = env.wav.tone("media-" + durations[k] + "ms.wav", durations[k]);
    }
    // cached by Callvert before anything is timed
    List<Load.Lane> one = env.lanes(env.port, 1);
    for (int k = 0; k < durations.length; k++) {
      env.playAndCancel(one.get(0), env.calls[0], uris[k], "media-" + durations[k]);
    }
    String shortUri = env.wav.tone("media-warmup-200ms.wav", 200);
    env.playAndCancel(one.get(0), env.calls[0], shortUri, "media-warmup");
    Load.close(one);

    int warm = Math.max(50, prompts / 10);
    BenchMain.log("media: warm-up round, " + warm + " prompts of 200 ms");
    round(env, warm, new int[] {200}, new String[] {shortUri}, "media-warmup");

    BenchMain.log(String.format(Locale.ROOT, "media: %d concurrent prompts of %d..%d ms, started at %d/s",
        prompts, durations[0], durations[durations.length - 1], cfg.mediaRate()));
    WindowStats stats = new WindowStats().start();
    Outcome o = round(env, prompts, durations, uris, "media");
    stats.stop();

    String b = "media";
    table.add(Row.info(b, "completion lateness p50 ms", o.lateness.ms(0.50)));
    table.add(Row.atMost(b, "completion lateness p99 ms", o.lateness.ms(0.99), Double.NaN, 5, "ms"));
    table.add(Row.info(b, "completion lateness max ms", o.lateness.maxMs()));
    table.add(Row.info(b, "prompts playing at once", o.peakConcurrent));
    table.note(b, String.format(Locale.ROOT,
        "%d prompts, %d completions received (%d not completedSuccessfully, %d start errors); playPrompt round trip "
            + "p50 %.2f ms, p99 %.2f ms; min lateness %.2f ms (start = bot's request)%s",
        prompts, o.lateness.count(), o.notCompleted, o.startErrors, o.api.ms(0.5), o.api.ms(0.99), o.lateness.minMs(),
        o.lastError == null ? "" : "; last error: " + o.lastError));
    table.note(b, "from first start to last completion: " + stats);
  }

  record Outcome(Samples.Sorted lateness, Samples.Sorted api, long peakConcurrent, long notCompleted, long startErrors,
      String lastError) {}

  /** Starts {@code n} prompts on calls 0..n-1 at the configured rate and waits for every completion. */
  private static Outcome round(BenchEnv env, int n, int[] durations, String[] uris, String resourcePrefix) {
    BenchConfig cfg = env.cfg;
    String[] calls = env.calls;
    Buffer[] bodies = new Buffer[durations.length];
    for (int k = 0; k < durations.length; k++) {
      bodies[k] = BenchEnv.playPromptBody(uris[k], resourcePrefix + "-" + durations[k]);
    }
    long[] firedAt = new long[n];
    ConcurrentHashMap<String, Integer> byOp = new ConcurrentHashMap<>(n * 2);
    Samples lateness = new Samples();
    Samples api = new Samples();
    LongAdder notCompleted = new LongAdder();
    AtomicLong startErrors = new AtomicLong();
    String[] lastError = {null};

    env.sink.listen((path, body, receivedAt) -> {
      JsonObject note = body.toJsonObject().getJsonArray("value").getJsonObject(0);
      if (!"deleted".equals(note.getString("changeType"))) {
        return;
      }
      JsonObject op = note.getJsonObject("resourceData");
      Integer i = byOp.remove(op.getString("id"));
      if (i == null) {
        return;
      }
      if (!"completedSuccessfully".equals(op.getString("completionReason"))) {
        notCompleted.increment();
      }
      long late = receivedAt - firedAt[i] - durations[i % durations.length] * 1_000_000L;
      synchronized (lateness) {
        lateness.add(late);
      }
    });

    Context ctx = env.driverContexts.get(0);
    List<Load.Lane> lanes = env.lanesOnOneLoop(env.port, cfg.connections(), ctx);
    Load.Pool pool = new Load.Pool(lanes);
    int[] next = {0};
    long durationNanos = (long) Math.ceil(n * 1e9 / cfg.mediaRate()) + 2_000_000;
    try {
      Load.pace(env.driver, ctx, cfg.mediaRate(), durationNanos, tick -> {
        int i = next[0]++;
        if (i >= n) {
          return;
        }
        firedAt[i] = tick;
        pool.with(conn -> Load.expect(200, Load.send(conn, HttpMethod.POST,
                BenchEnv.callPath(calls[i], "playPrompt"), BenchEnv.BEARER, bodies[i % bodies.length]))
            .onComplete(ar -> {
              pool.release(conn);
              if (ar.succeeded()) {
                api.add(System.nanoTime() - tick);
                byOp.put(ar.result().json().getString("id"), i);
              } else {
                startErrors.incrementAndGet();
                lastError[0] = ar.cause().getMessage();
              }
            }));
      }).await(durationNanos / 1_000_000_000L + 60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("media generator failed", e);
    }
    long longest = durations[durations.length - 1];
    long expected = Math.min(n, next[0]) - startErrors.get();
    Load.awaitCondition(() -> {
      synchronized (lateness) {
        return lateness.size() >= expected;
      }
    }, longest + 30_000);
    env.sink.listen(null);
    Load.close(lanes);

    // prompts still playing when the last one started: should be all of them
    long lastStart = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      lastStart = Math.max(lastStart, firedAt[i]);
    }
    long concurrent = 0;
    for (int i = 0; i < n; i++) {
      if (firedAt[i] + durations[i % durations.length] * 1_000_000L > lastStart) {
        concurrent++;
      }
    }
    Samples.Sorted l;
    synchronized (lateness) {
      l = lateness.sorted();
    }
    Samples.Sorted a;
    try {
      a = io.vertx.core.Future.<Samples.Sorted>future(p -> ctx.runOnContext(v -> p.complete(api.sorted())))
          .await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new Outcome(l, a, concurrent, notCompleted.sum(), startErrors.get(), lastError[0]);
  }
}
