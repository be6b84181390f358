package io.callvert.verticles.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An ask to a call of this node (LocalAsks; docs/architecture.md#asking-a-call): answered once, on the asker's
 * context; a call that does not answer fails it with Vert.x's TIMEOUT; a call that ended before taking it answers
 * from its final state; undeploy fails what is open. The clock is the test's: timeouts are asserted by moving it,
 * and the sweep is run by the test (no waiting on wall-clock time).
 */
@ExtendWith(VertxExtension.class)
class LocalAsksTest {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final Reply ENDED = io.callvert.runtime.call.CallRejected.callNotFound().toReply();

  @Test
  void an_ask_is_answered_once_on_the_askers_context(Vertx vertx, VertxTestContext test) {
    AtomicLong now = new AtomicLong();
    LocalAsks asks = new LocalAsks(vertx, 1_000, now::get);
    Reply reply = new CallProtocol.Done();
    vertx.eventBus().<LocalAsks.Ask>localConsumer("call.a", m -> {
      m.body().answer(reply);
      m.body().answer(new CallProtocol.Done()); // a second answer is ignored
    }).completion().onComplete(test.succeeding(registered -> {
      Context asker = vertx.getOrCreateContext();
      asker.runOnContext(v -> asks.ask("call.a", "a", CallProtocol.GET_CALL, LOCAL).onComplete(test.succeeding(r -> test.verify(() -> {
        assertThat(r).isSameAs(reply);
        assertThat(Vertx.currentContext()).isSameAs(asker);
        asks.sweep(a -> ENDED);
        assertThat(asks.openCount()).isZero();
        test.completeNow();
      }))));
    }));
  }

  @Test
  void an_unanswered_ask_times_out_as_request_reply_would(Vertx vertx, VertxTestContext test) {
    AtomicLong now = new AtomicLong(5_000);
    LocalAsks asks = new LocalAsks(vertx, 1_000, now::get);
    vertx.eventBus().<LocalAsks.Ask>localConsumer("call.stuck", m -> { /* a call that never answers */ })
        .completion().onComplete(test.succeeding(registered -> {
          asks.ask("call.stuck", "stuck", CallProtocol.GET_CALL, LOCAL).onComplete(test.failing(e -> test.verify(() -> {
            assertThat(e).isInstanceOf(ReplyException.class);
            assertThat(((ReplyException) e).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
            assertThat(NodeErrors.failure(e).status()).isEqualTo(504);
            test.completeNow();
          })));
          vertx.runOnContext(v -> {
            now.addAndGet(999);
            asks.sweep(a -> null); // live, and not yet due: nothing happens
            assertThat(asks.openCount()).isEqualTo(1);
            now.addAndGet(1);
            asks.sweep(a -> null);
          });
        }));
  }

  @Test
  void an_ask_a_call_dropped_as_it_ended_is_answered_from_its_final_state(Vertx vertx, VertxTestContext test) {
    AtomicLong now = new AtomicLong();
    LocalAsks asks = new LocalAsks(vertx, 10_000, now::get);
    // no consumer: Vert.x drops the message, as it does for a call whose consumer went just before
    asks.ask("call.gone", "gone", CallProtocol.GET_CALL, LOCAL).onComplete(test.succeeding(r -> test.verify(() -> {
      assertThat(r).isSameAs(ENDED);
      test.completeNow();
    })));
    vertx.runOnContext(v -> {
      asks.sweep(a -> ENDED); // within the grace: the call may still answer
      assertThat(asks.openCount()).isEqualTo(1);
      now.addAndGet(LocalAsks.GRACE_MS);
      asks.sweep(a -> a.callId.equals("gone") ? ENDED : null);
    });
  }

  @Test
  void answered_asks_behind_a_slow_one_are_dropped_at_the_next_sweep(Vertx vertx, VertxTestContext test) {
    AtomicLong now = new AtomicLong();
    LocalAsks asks = new LocalAsks(vertx, 10_000, now::get);
    vertx.eventBus().<LocalAsks.Ask>localConsumer("call.mixed", m -> {
      if (!m.body().callId.equals("slow")) {
        m.body().answer(new CallProtocol.Done());
      }
    }).completion().onComplete(test.succeeding(registered -> {
      asks.ask("call.mixed", "slow", CallProtocol.GET_CALL, LOCAL); // never answered: it stays at the head
      Future.all(asks.ask("call.mixed", "a", CallProtocol.GET_CALL, LOCAL), asks.ask("call.mixed", "b", CallProtocol.GET_CALL, LOCAL))
          .onComplete(test.succeeding(both -> vertx.runOnContext(v -> test.verify(() -> {
            now.addAndGet(LocalAsks.GRACE_MS);
            asks.sweep(a -> null); // every call still live
            assertThat(asks.openCount()).isEqualTo(1);
            assertThat(asks.queued()).isEqualTo(1);
            test.completeNow();
          }))));
    }));
  }

  @Test
  void closing_fails_every_open_ask(Vertx vertx, VertxTestContext test) {
    LocalAsks asks = new LocalAsks(vertx, 10_000, () -> 0);
    MessageConsumer<LocalAsks.Ask> silent = vertx.eventBus().localConsumer("call.silent", m -> { });
    silent.completion().onComplete(test.succeeding(registered -> {
      asks.ask("call.silent", "silent", CallProtocol.GET_CALL, LOCAL).onComplete(test.failing(e -> test.verify(() -> {
        assertThat(e).isSameAs(NodeErrors.UNDEPLOYED);
        test.completeNow();
      })));
      asks.close(NodeErrors.UNDEPLOYED);
    }));
  }
}
