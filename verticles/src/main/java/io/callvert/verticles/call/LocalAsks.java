package io.callvert.verticles.call;

import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Asking a call of this node: the command goes over the event bus to the call's local consumer inside an
 * {@link Ask}, which carries where its reply goes. Vert.x's request/reply would register a reply consumer, set a
 * timer and send a reply message on every ask (with the timer's cancel, ~6% of the cancel path's CPU); an ask costs
 * one message and one task on the asker's context instead.
 *
 * <p>What request/reply guaranteed still holds (docs/architecture.md#asking-a-call):
 * <ul>
 *   <li>an ask not answered within {@code http.requestTimeoutMs} fails with Vert.x's {@link ReplyFailure#TIMEOUT}
 *       (504 {@code timeout} at the edge), found by one periodic sweep per Callvert instance, oldest first;
 *   <li>an ask that reached a call as it ended (its consumer gone: Vert.x drops such a message) is answered from the
 *       call's final state, as a request that found no consumer was, once it has waited {@value #GRACE_MS} ms;
 *   <li>an ask is answered once, on the context it was asked from, and at undeploy every open ask fails.
 * </ul>
 */
final class LocalAsks {

  /** How often open asks are looked at. */
  static final long SWEEP_MS = 250;
  /** How long an ask to a call that is no longer live may wait for the call's own answer before its final state answers. */
  static final long GRACE_MS = 500;

  /** A command for a call and where its reply goes; answered at most once (the flag), whoever answers first. */
  static final class Ask extends AtomicBoolean {
    final String callId;
    final Command command;
    final long askedAtMs;
    private final Context replyTo;
    private final Promise<Reply> reply = Promise.promise();

    Ask(String callId, Command command, Context replyTo, long askedAtMs) {
      this.callId = callId;
      this.command = command;
      this.replyTo = replyTo;
      this.askedAtMs = askedAtMs;
    }

    /** The call's answer; ignored when the ask was already answered (timed out). */
    void answer(Reply r) {
      if (compareAndSet(false, true)) {
        replyTo.runOnContext(v -> reply.complete(r));
      }
    }

    /** The ask failed: as a failed request/reply would (a {@link ReplyException}, read by {@link NodeErrors#failure}). */
    void fail(Throwable failure) {
      if (compareAndSet(false, true)) {
        replyTo.runOnContext(v -> reply.fail(failure));
      }
    }

    boolean answered() {
      return get();
    }
  }

  private final Vertx vertx;
  private final long timeoutMs;
  private final LongSupplier nowMs;
  /** Open asks, oldest first (every ask has the same timeout, so they also expire in this order). */
  private final Queue<Ask> open = new ConcurrentLinkedQueue<>();
  private long sweeper = -1;

  LocalAsks(Vertx vertx, long timeoutMs, LongSupplier nowMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.nowMs = nowMs;
    io.callvert.runtime.protocol.Codecs.registerLocalOnly(vertx.eventBus(), Ask.class);
  }

  /** Starts the sweep; {@code finalAnswer} answers an ask from its call's final state (null: the call is still live). */
  void start(Function<Ask, Reply> finalAnswer) {
    sweeper = vertx.setPeriodic(SWEEP_MS, id -> sweep(finalAnswer));
  }

  /** Sends {@code command} to the call's consumer at {@code address}; the future completes on the caller's context. */
  Future<Reply> ask(String address, String callId, Command command, DeliveryOptions options) {
    Ask a = new Ask(callId, command, vertx.getOrCreateContext(), nowMs.getAsLong());
    open.add(a);
    vertx.eventBus().send(address, a, options);
    return a.reply.future();
  }

  /**
   * Drops the answered asks (at the head, and behind an older open one), fails the expired ones, and answers from
   * their final state the asks of calls that ended.
   */
  void sweep(Function<Ask, Reply> finalAnswer) {
    long now = nowMs.getAsLong();
    Ask head;
    while ((head = open.peek()) != null && (head.answered() || now - head.askedAtMs >= timeoutMs)) {
      open.poll();
      if (!head.answered()) {
        head.fail(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting " + timeoutMs + "(ms) for call "
            + head.callId + " to answer " + head.command.getClass().getSimpleName()));
      }
    }
    for (Iterator<Ask> it = open.iterator(); it.hasNext(); ) {
      Ask a = it.next();
      if (now - a.askedAtMs < GRACE_MS) {
        break; // younger ones follow
      }
      if (a.answered()) {
        it.remove(); // behind an older open ask (a call slow to answer): gone now, not walked again
        continue;
      }
      Reply last = finalAnswer.apply(a);
      if (last != null) {
        a.answer(last);
      }
    }
  }

  /** At undeploy: the sweep stops and every open ask fails with {@code failure}. */
  void close(Throwable failure) {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
    Ask a;
    while ((a = open.poll()) != null) {
      a.fail(failure);
    }
  }

  /** Asks still kept, answered or not (for tests). */
  int queued() {
    return open.size();
  }

  /** Asks still open (for tests and the node's view). */
  int openCount() {
    int n = 0;
    for (Ask a : open) {
      n += a.answered() ? 0 : 1;
    }
    return n;
  }
}
