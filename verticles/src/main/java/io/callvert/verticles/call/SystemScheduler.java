package io.callvert.verticles.call;

import io.callvert.runtime.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real time: plain Vert.x timers, bound to the calling context (Vert.x also cancels a deployment's
 * context timers when it is undeployed). Pending ids are tracked for {@link #cancelAll}.
 */
final class SystemScheduler implements Scheduler {

  private final Vertx vertx;
  private final Set<Long> pending = ConcurrentHashMap.newKeySet();

  SystemScheduler(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public long schedule(long dueAt, Runnable task) {
    long delay = Math.max(1, dueAt - System.currentTimeMillis());
    long timerId = vertx.setTimer(delay, id -> {
      pending.remove(id);
      task.run();
    });
    pending.add(timerId);
    return timerId;
  }

  @Override
  public void cancel(long id) {
    pending.remove(id);
    vertx.cancelTimer(id);
  }

  @Override
  public void cancelAll() {
    for (Long id : List.copyOf(pending)) {
      cancel(id);
    }
  }

  @Override
  public int pendingTimers() {
    return pending.size();
  }

  @Override
  public Runnable hold() {
    return () -> { };
  }

  @Override
  public Future<Long> advance(long durationMs) {
    return Future.failedFuture(ApiException.invalidRequest(
        "The clock is the system clock; start Callvert with clock=virtual to advance time."));
  }
}
