package io.callvert.verticles.bench;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark 2, cancel-to-notification latency at a fixed offered load ({@code bench.latency.rate},
 * 2,000 cancels/s by default).
 *
 * <p>Every shared call first gets a running 120 s prompt. An open-loop generator then fires
 * {@code cancelMediaProcessing} at the fixed rate, each time on the call whose prompt has been
 * running longest (a FIFO of armed calls). <b>What is timed</b>: from the generator's tick that
 * fired the cancel (the request is written then, or waits for a free connection, which counts) to
 * the moment the sink has received the complete {@code deleted} notification of <em>that</em>
 * prompt, matched by the operation id in the notification body. Only cancels fired inside the
 * measured window are samples.
 *
 * <p>After its cancel is answered a call is re-armed with a new prompt on a separate set of
 * connections and goes to the back of the FIFO, so Callvert also serves ~2,000 playPrompt/s during
 * the run: the realistic prompt-then-cancel pattern. If the FIFO ever runs dry the offered load was
 * not delivered; that is reported as "starved".
 */
final class LatencyBench {

  private LatencyBench() {}

  static void run(BenchEnv env, Table table) {
    BenchConfig cfg = env.cfg;
    String[] calls = env.calls;
    Buffer playBody = BenchEnv.playPromptBody(env.longPrompt, "bench-long");
    String[] opOf = new String[calls.length];

    // 1. a running prompt on every call
    BenchMain.log("latency: arming " + calls.length + " calls with a running prompt");
    List<Load.Lane> setup = env.lanes(env.port, cfg.connections());
    long armFailures = Load.runAll(setup, calls.length, (lane, i) -> Load.expect(200,
            Load.send(lane.conn, HttpMethod.POST, BenchEnv.callPath(calls[i], "playPrompt"), BenchEnv.BEARER, playBody))
        .map(r -> opOf[i] = r.json().getString("id")), null, null);
    if (armFailures > 0) {
      throw new IllegalStateException(armFailures + " calls could not be armed");
    }

    // 2. the generator: pacing, cancel and re-arm connections, all on one driver event loop
    Context ctx = env.driverContexts.get(0);
    List<Load.Lane> cancelLanes = env.lanesOnOneLoop(env.port, cfg.connections(), ctx);
    List<Load.Lane> armLanes = env.lanesOnOneLoop(env.port, Math.max(1, cfg.connections() / 2), ctx);
    Load.Pool cancelPool = new Load.Pool(cancelLanes);
    Load.Pool armPool = new Load.Pool(armLanes);
    ArrayDeque<Integer> ready = new ArrayDeque<>(calls.length);
    for (int i = 0; i < calls.length; i++) {
      ready.add(i);
    }

    long start = System.nanoTime() + 50_000_000; // the generator starts within a tick of this
    long from = start + cfg.warmupNanos();
    long until = from + cfg.measureNanos();
    ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>();
    Samples samples = new Samples();
    AtomicLong measuredFired = new AtomicLong();
    AtomicLong starved = new AtomicLong();
    AtomicLong cancelErrors = new AtomicLong();
    AtomicLong armErrors = new AtomicLong();
    String[] lastError = {null};

    env.sink.listen((path, body, receivedAt) -> {
      JsonObject n = body.toJsonObject().getJsonArray("value").getJsonObject(0);
      if (!"deleted".equals(n.getString("changeType"))) {
        return;
      }
      Long firedAt = pending.remove(n.getJsonObject("resourceData").getString("id"));
      if (firedAt != null && firedAt >= from && firedAt < until) {
        synchronized (samples) {
          samples.add(receivedAt - firedAt);
        }
      }
    });

    AtomicLong inFlight = new AtomicLong(); // cancels and re-arms not yet answered
    java.util.function.IntConsumer arm = call -> armPool.with(conn ->
        Load.expect(200, Load.send(conn, HttpMethod.POST, BenchEnv.callPath(calls[call], "playPrompt"), BenchEnv.BEARER, playBody))
            .onComplete(ar -> {
              armPool.release(conn);
              inFlight.decrementAndGet();
              if (ar.succeeded()) {
                opOf[call] = ar.result().json().getString("id");
                ready.add(call);
              } else {
                armErrors.incrementAndGet();
                lastError[0] = ar.cause().getMessage();
              }
            }));

    BenchMain.log(String.format(Locale.ROOT, "latency: %d cancels/s open loop, %.0f s warm-up, %.0f s measured",
        cfg.latencyRate(), cfg.warmupSeconds(), cfg.seconds()));
    WindowStats stats = new WindowStats();
    ctx.owner().setTimer(Math.max(1, (from - System.nanoTime()) / 1_000_000), t -> stats.start());
    ctx.owner().setTimer(Math.max(1, (until - System.nanoTime()) / 1_000_000), t -> stats.stop());
    Load.sleepUntil(start);
    long fired;
    try {
      fired = Load.pace(env.driver, ctx, cfg.latencyRate(), until - System.nanoTime(), tick -> {
        Integer call = ready.poll();
        if (call == null) {
          if (tick >= from) {
            starved.incrementAndGet();
          }
          return;
        }
        String op = opOf[call];
        pending.put(op, tick);
        inFlight.addAndGet(2); // the cancel and the re-arm that follows it
        if (tick >= from && tick < until) {
          measuredFired.incrementAndGet();
        }
        cancelPool.with(conn -> Load.expect(200, Load.send(conn, HttpMethod.POST,
                BenchEnv.callPath(calls[call], "cancelMediaProcessing"), BenchEnv.BEARER, BenchEnv.CANCEL_BODY))
            .onComplete(ar -> {
              cancelPool.release(conn);
              inFlight.decrementAndGet();
              if (ar.succeeded()) {
                arm.accept(call);
              } else {
                inFlight.decrementAndGet(); // no re-arm
                cancelErrors.incrementAndGet();
                lastError[0] = ar.cause().getMessage();
                pending.remove(op);
                ready.add(call);
              }
            }));
      }).await((long) (cfg.seconds() + cfg.warmupSeconds()) + 60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("latency generator failed", e);
    }
    boolean all = Load.awaitCondition(() -> {
      synchronized (samples) {
        return samples.size() >= measuredFired.get();
      }
    }, 10_000);
    Samples.Sorted s;
    synchronized (samples) {
      s = samples.sorted();
    }
    env.sink.listen(null);

    // 3. leave every call idle again: once the last re-arms are answered, cancel what is armed
    Load.awaitCondition(() -> inFlight.get() == 0, 30_000);
    String[] idle = new String[calls.length];
    int[] k = {0};
    try {
      io.vertx.core.Future.<Void>future(p -> ctx.runOnContext(v -> {
        for (Integer c : ready) {
          idle[k[0]++] = calls[c];
        }
        ready.clear();
        p.complete();
      })).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Load.runAll(setup, k[0], (lane, i) -> Load.send(lane.conn, HttpMethod.POST,
        BenchEnv.callPath(idle[i], "cancelMediaProcessing"), BenchEnv.BEARER, BenchEnv.CANCEL_BODY), null, null);
    Load.close(setup);
    Load.close(cancelLanes);
    Load.close(armLanes);

    String b = "latency";
    table.add(Row.info(b, "cancel->notification p50 ms", s.ms(0.50)));
    table.add(Row.atMost(b, "cancel->notification p99 ms", s.ms(0.99), Double.NaN, 5, "ms"));
    table.add(Row.info(b, "cancel->notification p99.9 ms", s.ms(0.999)));
    table.add(Row.info(b, "cancels/s achieved", measuredFired.get() / cfg.seconds()));
    table.note(b, String.format(Locale.ROOT,
        "offered %d cancels/s (%d fired in total, %d in the window), %d samples%s; starved %d, cancel errors %d, "
            + "re-arm errors %d, max cancels waiting for a connection %d%s",
        cfg.latencyRate(), fired, measuredFired.get(), s.count(), all ? "" : " (MISSING notifications)",
        starved.get(), cancelErrors.get(), armErrors.get(), cancelPool.maxWaiting,
        lastError[0] == null ? "" : "; last error: " + lastError[0]));
    table.note(b, "window: " + stats);
  }
}
