package io.callvert.verticles.ops;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Watches the event loops (contract rule 71 — Liveness): one small verticle per event loop (Vert.x hands a
 * deployment's instances out over its loops in turn) runs a periodic timer and notes when it last ran and how late.
 * A loop that has not run its timer for {@code health.maxLoopStallMs} is blocked or stuck, and liveness says so;
 * how late the timers fire is the event-loop lag metric ({@code callvert_event_loop_lag_seconds}).
 */
final class EventLoopProbe {

  private final int loops;
  private final long periodMs;
  private final AtomicLongArray lastTick;
  private final AtomicLongArray lagNanos;
  private volatile boolean stopped;

  EventLoopProbe(long maxStallMs) {
    this.loops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    this.periodMs = Math.max(10, Math.min(200, maxStallMs / 5));
    this.lastTick = new AtomicLongArray(loops);
    this.lagNanos = new AtomicLongArray(loops);
  }

  /** Deploys the probes as children of the calling context's deployment (undeployed with it). */
  Future<String> start(Vertx vertx) {
    long now = System.nanoTime();
    for (int i = 0; i < loops; i++) {
      lastTick.set(i, now);
    }
    AtomicInteger next = new AtomicInteger();
    return vertx.deployVerticle(() -> new Probe(next.getAndIncrement()), new DeploymentOptions().setInstances(loops));
  }

  int loops() {
    return loops;
  }

  /** The longest any loop has now gone without running its timer, in ms (0 once stopped). */
  long longestStallMs() {
    if (stopped) {
      return 0;
    }
    long now = System.nanoTime();
    long worst = 0;
    for (int i = 0; i < loops; i++) {
      worst = Math.max(worst, now - lastTick.get(i));
    }
    return Math.max(0, worst / 1_000_000 - periodMs);
  }

  /** How late the latest timers of the loops fired: the worst, in seconds. */
  double lagSeconds() {
    long worst = 0;
    for (int i = 0; i < loops; i++) {
      worst = Math.max(worst, lagNanos.get(i));
    }
    return worst / 1e9;
  }

  private final class Probe extends VerticleBase {
    private final int index;

    Probe(int index) {
      this.index = index;
    }

    @Override
    public Future<?> start() {
      lastTick.set(index, System.nanoTime());
      vertx.setPeriodic(periodMs, id -> {
        long now = System.nanoTime();
        long expected = lastTick.get(index) + periodMs * 1_000_000;
        lagNanos.set(index, Math.max(0, now - expected));
        lastTick.set(index, now);
      });
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      stopped = true; // shutting down: a loop that no longer ticks is not a stuck loop
      return Future.succeededFuture();
    }
  }
}
