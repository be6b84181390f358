package io.callvert.verticles.call;

import io.vertx.core.Future;

/**
 * Timers on Callvert's clock. {@link #schedule} must be called on the context that should run the
 * task (a call verticle's); the task then runs on that context.
 */
public interface Scheduler {

  /** Runs {@code task} at clock time {@code dueAt}; returns an id for {@link #cancel}. */
  long schedule(long dueAt, Runnable task);

  void cancel(long id);

  /** Moves a virtual clock forward, firing due timers in time order; fails for the system clock. */
  Future<Long> advance(long durationMs);
}
