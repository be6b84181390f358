package io.callvert.verticles.call;

import io.callvert.runtime.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Real time: plain Vert.x timers, bound to the calling context. */
final class SystemScheduler implements Scheduler {

  private final Vertx vertx;

  SystemScheduler(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public long schedule(long dueAt, Runnable task) {
    long delay = Math.max(1, dueAt - System.currentTimeMillis());
    return vertx.setTimer(delay, id -> task.run());
  }

  @Override
  public void cancel(long id) {
    vertx.cancelTimer(id);
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
