package io.callvert.verticles.call;

import io.vertx.core.Future;

/**
 * Timers on Callvert's clock. {@link #schedule} must be called on the context that should run the
 * task (a call verticle's); the task then runs on that context.
 */
public interface Scheduler {

  /**
   * One armed timer: the task itself, carrying what the scheduler keeps about it. A call keeps one armed for its whole
   * life (its keepAlive), so a timer is one object, with no wrapping lambda and no boxed id (heap per idle call,
   * docs/benchmarks.md). Subclass it in this package, or wrap a {@link Runnable} with {@link #of}.
   */
  abstract class Task implements io.vertx.core.Handler<Long> {

    /** The scheduler's id for it while armed. */
    long id;
    /** The system scheduler that armed it, which this task's Vert.x timer tells when it fires; null otherwise. */
    SystemScheduler armedBy;

    /** Runs on the context that armed it, once it is due. */
    abstract void run();

    /** The Vert.x timer fired. */
    @Override
    public final void handle(Long timerId) {
      SystemScheduler s = armedBy;
      if (s != null) {
        s.fired(this);
      }
      run();
    }

    static Task of(Runnable task) {
      return new Task() {
        @Override
        void run() {
          task.run();
        }
      };
    }
  }

  /** Runs {@code task} at clock time {@code dueAt}; {@link #cancel} disarms it. A task is armed once at a time. */
  void schedule(long dueAt, Task task);

  /** Runs {@code task} at clock time {@code dueAt}; returns it, for {@link #cancel}. */
  default Task schedule(long dueAt, Runnable task) {
    Task t = Task.of(task);
    schedule(dueAt, t);
    return t;
  }

  /** Disarms {@code task}; nothing happens if it fired or was cancelled already. */
  void cancel(Task task);

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
