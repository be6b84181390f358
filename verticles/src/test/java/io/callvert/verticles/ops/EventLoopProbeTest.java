package io.callvert.verticles.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.HealthOptions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Liveness sees a blocked event loop (contract rule 71 — Liveness). The fault is real: one event loop runs code that does not
 * return (it spins) until the probe reports that loop stalled beyond the threshold; liveness is then DOWN, naming
 * the stall, and the loop is released. Nothing waits on a timer: the spinning ends on the probe's observation, the
 * test on the loop's report.
 */
class EventLoopProbeTest {

  @Test
  @DisplayName("a loop blocked beyond health.maxLoopStallMs makes liveness DOWN; before that it is UP")
  void blocked_loop_is_seen() throws Exception {
    Vertx vertx = Vertx.vertx();
    HealthOptions options = HealthOptions.defaults().withMaxLoopStallMs(200);
    EventLoopProbe probe = new EventLoopProbe(options.maxLoopStallMs());
    CompletableFuture<Status> whileBlocked = new CompletableFuture<>();
    CompletableFuture<Void> release = new CompletableFuture<>();
    try {
      probe.start(vertx).await(10, TimeUnit.SECONDS);
      assertThat(Health.liveness(probe, options).isOk()).isTrue();
      Context loop = vertx.getOrCreateContext();
      loop.runOnContext(v -> {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (probe.longestStallMs() < options.maxLoopStallMs() && System.nanoTime() < giveUp) {
          Thread.onSpinWait(); // the blocking handler under test
        }
        whileBlocked.complete(Health.liveness(probe, options));
        while (!release.isDone() && System.nanoTime() < giveUp) {
          Thread.onSpinWait();
        }
      });
      Status status = whileBlocked.get(30, TimeUnit.SECONDS);
      assertThat(status.isOk()).isFalse();
      assertThat(status.getData().getLong("longestStallMs")).isGreaterThanOrEqualTo(200);
      assertThat(status.getData().getInteger("loops")).isEqualTo(probe.loops());
    } finally {
      release.complete(null);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
