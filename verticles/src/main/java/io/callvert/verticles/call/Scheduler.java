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

  /**
   * Marks asynchronous work (a media fetch) whose result the call logic waits for. A virtual clock
   * does not move while such work is pending, so in virtual time the network is instantaneous and
   * tests are deterministic. Run the returned action exactly once when the work's result has been
   * handled. The system clock ignores holds.
   */
  Runnable hold();

  /** Moves a virtual clock forward, firing due timers in time order; fails for the system clock. */
  Future<Long> advance(long durationMs);

  /** Cancels every timer still pending (the instance is going away). */
  void cancelAll();

  /** How many timers are scheduled and have neither fired nor been cancelled (diagnostics). */
  int pendingTimers();

  /** The scheduler matching {@code clock}: real timers, or virtual ones a test advances. */
  static Scheduler forClock(io.vertx.core.Vertx vertx, io.callvert.runtime.clock.Clock clock) {
    return clock instanceof io.callvert.runtime.clock.VirtualClock vc ? new VirtualScheduler(vertx, vc) : new SystemScheduler(vertx);
  }
}
