package io.callvert.verticles.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Load generation with Vert.x's own HTTP client, from the driver's Vert.x instance (never
 * Callvert's). Every connection is a plain keep-alive HTTP/1.1 connection carrying one request at a
 * time (no pipelining), so "64 connections" means at most 64 requests in flight.
 *
 * <ul>
 *   <li>{@link #closedLoop}: each lane sends its next request as soon as the previous response is
 *       complete; throughput is what the server sustains at that concurrency.
 *   <li>{@link #pace}: an open-loop generator that fires at a fixed rate whatever the responses do,
 *       for latency at a fixed offered load.
 * </ul>
 */
final class Load {

  private Load() {}

  /** A complete response. */
  record Resp(int status, MultiMap headers, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }
  }

  /** Signals a response that was not the expected one; counted as an error, not as a completion. */
  static final class Unexpected extends RuntimeException {
    Unexpected(String message) {
      super(message, null, false, false);
    }
  }

  /** One connection and the state of the loop that drives it, confined to the connection's event loop. */
  static final class Lane {
    final int index;
    final Context context;
    final HttpClientConnection conn;
    final SplittableRandom random;
    /** Totals over every closed loop this lane ran. */
    long completed;
    long errors;
    String lastError;

    Lane(int index, Context context, HttpClientConnection conn) {
      this.index = index;
      this.context = context;
      this.conn = conn;
      this.random = new SplittableRandom(0x5eed + index);
    }
  }

  /** One iteration of a closed loop: its future completes when the lane may send again. */
  interface Step {
    Future<?> run(Lane lane);
  }

  /** What a closed loop measured inside its window. */
  record Result(long completed, long errors, double seconds, Samples.Sorted latency, String lastError) {
    double perSecond() {
      return completed / seconds;
    }
  }

  /** Opens {@code n} connections to {@code 127.0.0.1:port}, spread round-robin over {@code contexts}. */
  static List<Lane> connect(HttpClientAgent client, int port, int n, List<Context> contexts) {
    List<Future<HttpClientConnection>> opened = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Context ctx = contexts.get(i % contexts.size());
      opened.add(Future.future(p -> ctx.runOnContext(v ->
          client.connect(new HttpConnectOptions().setHost("127.0.0.1").setPort(port)).onComplete(p))));
    }
    try {
      Future.all(opened).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not open " + n + " connections to port " + port, e);
    }
    List<Lane> lanes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lanes.add(new Lane(i, contexts.get(i % contexts.size()), opened.get(i).result()));
    }
    return lanes;
  }

  static void close(List<Lane> lanes) {
    for (Lane l : lanes) {
      l.conn.close();
    }
  }

  /** Sends one request on {@code conn} and reads the whole response. Call on the connection's context. */
  static Future<Resp> send(HttpClientConnection conn, HttpMethod method, String uri, String bearer, Buffer json) {
    RequestOptions o = new RequestOptions().setMethod(method).setURI(uri);
    if (bearer != null) {
      o.putHeader("Authorization", bearer);
    }
    if (json != null) {
      o.putHeader("Content-Type", "application/json");
    }
    return conn.request(o)
        .compose(req -> json == null ? req.send() : req.send(json))
        .compose(resp -> resp.body().map(b -> new Resp(resp.statusCode(), resp.headers(), b)));
  }

  /** {@link #send} that fails with {@link Unexpected} unless the status is {@code expected}. */
  static Future<Resp> expect(int expected, Future<Resp> f) {
    return f.compose(r -> r.status() == expected ? Future.succeededFuture(r)
        : Future.failedFuture(new Unexpected("HTTP " + r.status() + " " + r.body().toString())));
  }

  /**
   * Runs {@code step} on every lane in a closed loop for {@code warmupNanos + measureNanos}.
   * Only iterations that <em>complete</em> inside the measured window count: their number over the
   * window length is the throughput, and each one's latency (from just before the step started to
   * its completion, on the lane's event loop) is a sample. {@code atWindowStart}/{@code atWindowEnd}
   * run on the calling thread at the window's edges (snapshots, profiling).
   */
  static Result closedLoop(List<Lane> lanes, Step step, long warmupNanos, long measureNanos,
      Runnable atWindowStart, Runnable atWindowEnd) {
    long begin = System.nanoTime();
    long from = begin + warmupNanos;
    long until = from + measureNanos;
    List<LaneRun> runs = new ArrayList<>();
    List<Future<Void>> done = new ArrayList<>();
    for (Lane lane : lanes) {
      LaneRun run = new LaneRun(lane, step, from, until);
      runs.add(run);
      done.add(run.finished.future());
      lane.context.runOnContext(v -> run.iterate());
    }
    sleepUntil(from);
    if (atWindowStart != null) {
      atWindowStart.run();
    }
    sleepUntil(until);
    if (atWindowEnd != null) {
      atWindowEnd.run();
    }
    try {
      Future.all(done).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("closed loop did not finish: " + e.getMessage(), e);
    }
    long completed = 0;
    long errors = 0;
    Samples all = new Samples();
    String lastError = null;
    for (LaneRun run : runs) {
      completed += run.completed;
      errors += run.errors;
      all.addAll(run.samples);
      lastError = run.lastError != null ? run.lastError : lastError;
      run.lane.completed += run.completed;
      run.lane.errors += run.errors;
    }
    return new Result(completed, errors, measureNanos / 1e9, all.sorted(), lastError);
  }

  /** The closed loop of one lane; touched only on the lane's event loop until {@link #finished}. */
  private static final class LaneRun {
    final Lane lane;
    final Step step;
    final long from;
    final long until;
    final Samples samples = new Samples();
    final Promise<Void> finished = Promise.promise();
    long completed;
    long errors;
    String lastError;

    LaneRun(Lane lane, Step step, long from, long until) {
      this.lane = lane;
      this.step = step;
      this.from = from;
      this.until = until;
    }

    void iterate() {
      long start = System.nanoTime();
      if (start >= until) {
        finished.complete();
        return;
      }
      Future<?> f;
      try {
        f = step.run(lane);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        long end = System.nanoTime();
        boolean inWindow = end >= from && end < until;
        if (ar.succeeded()) {
          if (inWindow) {
            completed++;
            samples.add(end - start);
          }
        } else {
          if (inWindow) {
            errors++;
          }
          lastError = String.valueOf(ar.cause().getMessage());
          // a failing server must not turn the lane into a busy loop
          lane.context.owner().setTimer(1, t -> iterate());
          return;
        }
        iterate();
      });
    }
  }

  /**
   * Open loop at a fixed rate: a 1 ms periodic timer on {@code ctx} works out how many sends are
   * due since the start ({@code rate × elapsed}) and calls {@code fire} once for each, passing the
   * {@link System#nanoTime()} of the tick that found it due; the caller stamps its measurement
   * with that value, so time a request then spends waiting for a free connection counts against
   * the server (no coordinated omission). Timer jitter of the generator itself is not counted.
   * Completes after {@code durationNanos} with the number of sends fired.
   */
  static Future<Long> pace(Vertx vertx, Context ctx, double perSecond, long durationNanos, LongConsumer fire) {
    Promise<Long> done = Promise.promise();
    ctx.runOnContext(v -> {
      long t0 = System.nanoTime();
      long[] fired = {0};
      vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        long elapsed = Math.min(now - t0, durationNanos);
        long due = (long) (elapsed * perSecond / 1e9);
        while (fired[0] < due) {
          fired[0]++;
          fire.accept(now);
        }
        if (now - t0 >= durationNanos) {
          vertx.cancelTimer(id);
          done.complete(fired[0]);
        }
      });
    });
    return done.future();
  }

  /**
   * Connections on one context handed out one request at a time; a request that finds none free
   * waits in FIFO order. Confined to that context.
   */
  static final class Pool {
    private final ArrayDeque<HttpClientConnection> free = new ArrayDeque<>();
    private final ArrayDeque<java.util.function.Consumer<HttpClientConnection>> waiting = new ArrayDeque<>();
    int maxWaiting;

    Pool(List<Lane> lanes) {
      for (Lane l : lanes) {
        free.add(l.conn);
      }
    }

    /** Runs {@code use} with a connection now or once one is released; {@code use} must release it. */
    void with(java.util.function.Consumer<HttpClientConnection> use) {
      HttpClientConnection c = free.poll();
      if (c != null) {
        use.accept(c);
      } else {
        waiting.add(use);
        maxWaiting = Math.max(maxWaiting, waiting.size());
      }
    }

    void release(HttpClientConnection c) {
      java.util.function.Consumer<HttpClientConnection> next = waiting.poll();
      if (next != null) {
        next.accept(c);
      } else {
        free.add(c);
      }
    }
  }

  /**
   * Runs {@code task(lane, i)} for i = 0..n-1, each lane taking the next index when its previous
   * task completed, until all are done or {@code stop} says so. Returns the number of failed tasks;
   * {@code onFailure} sees each failure (on a lane's event loop).
   */
  static long runAll(List<Lane> lanes, int n, java.util.function.BiFunction<Lane, Integer, Future<?>> task,
      java.util.function.BooleanSupplier stop, java.util.function.Consumer<Throwable> onFailure) {
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    List<Future<Void>> done = new ArrayList<>();
    for (Lane lane : lanes) {
      Promise<Void> finished = Promise.promise();
      done.add(finished.future());
      lane.context.runOnContext(v -> runNext(lane, n, task, stop, onFailure, next, failures, finished));
    }
    try {
      Future.all(done).await(30, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("tasks did not finish: " + e.getMessage(), e);
    }
    return failures.get();
  }

  private static void runNext(Lane lane, int n, java.util.function.BiFunction<Lane, Integer, Future<?>> task,
      java.util.function.BooleanSupplier stop, java.util.function.Consumer<Throwable> onFailure,
      java.util.concurrent.atomic.AtomicInteger next, java.util.concurrent.atomic.AtomicLong failures, Promise<Void> finished) {
    int i = stop != null && stop.getAsBoolean() ? n : next.getAndIncrement();
    if (i >= n) {
      finished.complete();
      return;
    }
    Future<?> f;
    try {
      f = task.apply(lane, i);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.failed()) {
        failures.incrementAndGet();
        if (onFailure != null) {
          onFailure.accept(ar.cause());
        }
      }
      runNext(lane, n, task, stop, onFailure, next, failures, finished);
    });
  }

  static void sleepUntil(long nanoTime) {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, 50_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Polls {@code condition} until true or {@code timeoutMs}; returns whether it became true. */
  static boolean awaitCondition(java.util.function.BooleanSupplier condition, long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      pause(2);
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Benchmark pacing (polling a counter, letting a GC settle): the measuring thread waits a little
   * on purpose. Tests never use this: they await events.
   */
  static void pause(long ms) {
    java.util.concurrent.locks.LockSupport.parkNanos(ms * 1_000_000);
  }
}
