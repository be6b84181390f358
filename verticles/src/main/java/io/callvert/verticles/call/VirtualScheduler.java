package io.callvert.verticles.call;

import io.callvert.runtime.clock.VirtualClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Timers on a {@link VirtualClock}: nothing fires until {@link #advance} moves the clock; then due
 * timers fire one at a time in (time, creation) order, each on its own context, and the next one
 * fires only after the previous task has run. So a 45-minute keepAlive timeout or a two-minute
 * recording takes milliseconds and runs exactly the code paths of real time.
 */
final class VirtualScheduler implements Scheduler {

  private record Key(long dueAt, long id) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = Long.compare(dueAt, o.dueAt);
      return c != 0 ? c : Long.compare(id, o.id);
    }
  }

  private record Entry(Context context, Task task) {}

  private final Vertx vertx;
  private final VirtualClock clock;
  private final TreeMap<Key, Entry> due = new TreeMap<>();
  private final Map<Long, Key> byId = new HashMap<>();
  private long nextId = 1;
  private Future<Long> advancing = Future.succeededFuture();
  private int holds;
  private final java.util.List<Runnable> whenIdle = new java.util.ArrayList<>();

  VirtualScheduler(Vertx vertx, VirtualClock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  @Override
  public synchronized void schedule(long dueAt, Task task) {
    Context ctx = vertx.getOrCreateContext();
    long id = nextId++;
    task.id = id;
    Key key = new Key(dueAt, id);
    due.put(key, new Entry(ctx, task));
    byId.put(id, key);
  }

  @Override
  public synchronized void cancel(Task task) {
    Key key = byId.remove(task.id);
    if (key != null) {
      due.remove(key);
    }
  }

  @Override
  public Runnable hold() {
    synchronized (this) {
      holds++;
    }
    java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (!released.compareAndSet(false, true)) {
        return;
      }
      java.util.List<Runnable> ready;
      synchronized (this) {
        holds--;
        if (holds > 0 || whenIdle.isEmpty()) {
          return;
        }
        ready = new java.util.ArrayList<>(whenIdle);
        whenIdle.clear();
      }
      ready.forEach(Runnable::run);
    };
  }

  @Override
  public synchronized void cancelAll() {
    due.clear();
    byId.clear();
  }

  @Override
  public synchronized int pendingTimers() {
    return due.size();
  }

  /** Runs {@code r} once no asynchronous work holds the clock. */
  private void whenIdle(Runnable r) {
    synchronized (this) {
      if (holds > 0) {
        whenIdle.add(r);
        return;
      }
    }
    r.run();
  }

  /** Advances are serialised: a second advance starts where the first one ended. */
  @Override
  public synchronized Future<Long> advance(long durationMs) {
    Future<Long> result = advancing.transform(ignored -> {
      long target = clock.now() + durationMs;
      return fireUntil(target).map(v -> {
        clock.set(target);
        return target;
      });
    });
    advancing = result;
    return result;
  }

  /** Fires due timers one by one; each next step starts from the previous task's context (flat stack). */
  private Future<Void> fireUntil(long target) {
    Promise<Void> done = Promise.promise();
    step(target, done);
    return done.future();
  }

  private void step(long target, Promise<Void> done) {
    whenIdle(() -> stepNow(target, done));
  }

  private void stepNow(long target, Promise<Void> done) {
    Map.Entry<Key, Entry> next;
    synchronized (this) {
      next = due.firstEntry();
      if (next == null || next.getKey().dueAt() > target) {
        done.complete();
        return;
      }
      due.remove(next.getKey());
      byId.remove(next.getKey().id());
    }
    clock.set(next.getKey().dueAt());
    Entry entry = next.getValue();
    entry.context().runOnContext(v -> {
      try {
        entry.task().run();
      } finally {
        step(target, done);
      }
    });
  }
}
