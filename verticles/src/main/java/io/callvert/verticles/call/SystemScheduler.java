package io.callvert.verticles.call;

import io.callvert.runtime.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real time: plain Vert.x timers, bound to the calling context (Vert.x also cancels a deployment's
 * context timers when it is undeployed). Pending tasks are tracked for {@link #cancelAll}.
 */
final class SystemScheduler implements Scheduler {

  private final Vertx vertx;
  /** Armed and not yet fired or cancelled: keyed by the task itself, so no boxed id per timer. */
  private final Set<Task> pending = ConcurrentHashMap.newKeySet();

  SystemScheduler(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void schedule(long dueAt, Task task) {
    long delay = Math.max(1, dueAt - System.currentTimeMillis());
    task.armedBy = this;
    pending.add(task);
    task.id = vertx.setTimer(delay, task); // the task is its own handler: see Task#handle
  }

  /** {@code task}'s timer fired (it runs next). */
  void fired(Task task) {
    pending.remove(task);
  }

  @Override
  public void cancel(Task task) {
    if (pending.remove(task)) {
      vertx.cancelTimer(task.id);
    }
  }

  @Override
  public void cancelAll() {
    for (Task task : List.copyOf(pending)) {
      cancel(task);
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
