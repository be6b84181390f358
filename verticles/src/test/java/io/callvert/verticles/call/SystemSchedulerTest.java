package io.callvert.verticles.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The system scheduler's timers are their tasks (one object per armed timer, heap per idle call): a task runs once on
 * the context that armed it, a cancelled one never runs, and every armed task is counted until it fires or is
 * cancelled.
 */
@ExtendWith(VertxExtension.class)
class SystemSchedulerTest {

  @Test
  @DisplayName("a task fires once on its context; a cancelled one never does; pending counts both until then")
  void fires_once_and_cancel_disarms(Vertx vertx, VertxTestContext test) {
    SystemScheduler scheduler = new SystemScheduler(vertx);
    AtomicInteger cancelledRuns = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    vertx.runOnContext(v -> {
      var context = Vertx.currentContext();
      long now = System.currentTimeMillis();
      Scheduler.Task cancelled = scheduler.schedule(now + 5, cancelledRuns::incrementAndGet);
      scheduler.schedule(now + 60, () -> test.verify(() -> {
        runs.incrementAndGet();
        assertThat(Vertx.currentContext()).isSameAs(context);
        assertThat(cancelledRuns).hasValue(0); // due 55 ms earlier, on the same event loop: it would have run
        assertThat(scheduler.pendingTimers()).isZero();
        scheduler.cancel(cancelled); // a second cancel, and a cancel after the fact, change nothing
        assertThat(scheduler.pendingTimers()).isZero();
        test.completeNow();
      }));
      test.verify(() -> assertThat(scheduler.pendingTimers()).isEqualTo(2));
      scheduler.cancel(cancelled);
      test.verify(() -> assertThat(scheduler.pendingTimers()).isEqualTo(1));
    });
  }

  @Test
  @DisplayName("cancelAll disarms every pending task")
  void cancel_all(Vertx vertx, VertxTestContext test) {
    SystemScheduler scheduler = new SystemScheduler(vertx);
    AtomicInteger runs = new AtomicInteger();
    vertx.runOnContext(v -> {
      long now = System.currentTimeMillis();
      scheduler.schedule(now + 5, runs::incrementAndGet);
      scheduler.schedule(now + 10, runs::incrementAndGet);
      scheduler.cancelAll();
      test.verify(() -> assertThat(scheduler.pendingTimers()).isZero());
      // a later timer on the same event loop: by the time it fires, the cancelled ones would have
      vertx.setTimer(60, t -> test.verify(() -> {
        assertThat(runs).hasValue(0);
        test.completeNow();
      }));
    });
  }
}
