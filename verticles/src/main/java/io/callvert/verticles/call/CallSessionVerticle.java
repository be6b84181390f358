package io.callvert.verticles.call;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.callvert.runtime.call.CallRejected;
import io.callvert.runtime.call.CallSession;
import io.callvert.runtime.call.Effects;
import io.callvert.runtime.call.MediaRef;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.call.OwnerRecord;
import io.callvert.runtime.call.TimerKey;
import io.callvert.runtime.protocol.Outbound;
import io.callvert.verticles.ops.CallLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call, one verticle: it owns the call's {@link CallSession} (media queue, operations, timers)
 * and is the only thing that touches it. Commands arrive on a local-only event-bus address; timer
 * ticks and media results are re-entered on this verticle's context, so every input is handled
 * one at a time, in order, and the events it produces leave in that order.
 *
 * <p>A thin adapter: the decisions are the session's; this class carries out its {@link Effects},
 * rendering events in the dialect that created the call.
 */
final class CallSessionVerticle extends VerticleBase implements Effects {

  private static final Logger log = LoggerFactory.getLogger(CallSessionVerticle.class);

  private final CallManager manager;
  private final String callId;
  private final Function<Notification, Outbound> dialect;
  private CallSession session;
  private MessageConsumer<Object> consumer;
  /** The call's armed timers, newest first: a few at most, so a short list rather than a map (heap per idle call). */
  private Armed timers;
  private boolean ended;
  /** The span that created each live operation, so its later notifications join its trace (contract rule 70 — Traces from request to webhook). */
  private final CallTraces traces;
  /** The actor's span while a command is handled (null otherwise). */
  private io.opentelemetry.api.trace.Span handling;
  private boolean retired;
  /** The owner record last written to the cluster directory (cluster only). */
  private OwnerRecord publishedOwner;
  /** The owner record last kept in the durable store (store.dir only, contract rule 42). */
  private OwnerRecord storedOwner;
  /** The live caller's media socket, while one is attached (contract rule 61); touched on this context only. */
  private LiveSink live;

  CallSessionVerticle(CallManager manager, String callId, Function<Notification, Outbound> dialect) {
    this.manager = manager;
    this.callId = callId;
    this.dialect = dialect;
    this.traces = CallTraces.of(manager.tracing().enabled(), callId);
  }

  void attach(CallSession session) {
    this.session = session;
    // the manager writes the first record when it creates the call; without a cluster none is ever published, and an
    // idle call keeps no copy (heap per idle call)
    this.publishedOwner = manager.clustered() ? session.ownerRecord() : null;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(manager.callAddress(callId), this::onCommand);
    Future<Void> stored = storeOwnerRecord(); // before the call's first notification; the call is answered once kept
    session.start();
    afterInput();
    return stored == null ? consumer.completion() : Future.all(consumer.completion(), stored);
  }

  /**
   * Undeployed with its Callvert instance: a call still live ends now, and the bot is told. (A call
   * verticle undeploys itself only once its call has ended, so a live call stopping means the
   * instance is going down: new calls are refused from here on, before the root verticle's own
   * stop runs.)
   */
  @Override
  public Future<?> stop() {
    if (!ended) {
      manager.stopAccepting();
      session.handle(io.callvert.runtime.call.CallProtocol.SHUTDOWN);
      retired = true;
      manager.retention().retireOnShutdown(callId, session);
    }
    cancelTimers();
    return Future.succeededFuture();
  }

  /** A message for the call: an {@link LocalAsks.Ask} (answered), or a {@link Command} told one way (no answer). */
  private void onCommand(Message<Object> msg) {
    LocalAsks.Ask ask = msg.body() instanceof LocalAsks.Ask a ? a : null;
    Command command = ask != null ? ask.command : (Command) msg.body();
    // contract rules 70 and 74: the actor's span for this command, and the call's MDC while it is handled
    io.opentelemetry.api.trace.Span span = manager.tracing().startCall(msg.headers(), callId, command.getClass().getSimpleName());
    try (CallLog.Scope mdc = CallLog.open(callId, span);
        io.opentelemetry.context.Scope current = span == null ? null : span.makeCurrent()) {
      handling = span;
      handleCommand(ask, command, span);
    } finally {
      handling = null;
      if (span != null) {
        span.end();
      }
    }
  }

  private void handleCommand(LocalAsks.Ask ask, Command command, io.opentelemetry.api.trace.Span span) {
    Reply reply;
    try {
      reply = session.handle(command);
    } catch (CallRejected e) {
      reply = e.toReply();
    } catch (RuntimeException e) {
      log.error("call {}: unexpected failure handling {}", callId, command.getClass().getSimpleName(), e);
      if (ask != null) {
        ask.fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, "Unexpected failure while handling "
            + command.getClass().getSimpleName() + "; see the Callvert log for call " + callId + "."));
      }
      afterInput();
      return;
    }
    traces.replied(callId, command, reply, span);
    Future<Void> recorded = both(publishOwnerRecord(), storeOwnerRecord());
    Reply answer = reply;
    if (ask == null) {
      // told, not asked: nobody waits for the answer
    } else if (recorded == null) {
      ask.answer(answer);
    } else {
      // in a cluster, an operation is answered once the directory knows it: a survivor can then
      // always report it if this node dies (contract rule 22 — Node loss)
      recorded.onComplete(ar -> ask.answer(answer));
    }
    afterInput();
  }

  /**
   * Cluster only: writes the call's owner record (callback, live operations) to the directory when
   * it changed; returns the write, or null when there was nothing to write.
   */
  private Future<Void> publishOwnerRecord() {
    if (!manager.clustered() || ended) {
      return null;
    }
    OwnerRecord owner = session.ownerRecord();
    if (owner.equals(publishedOwner)) {
      return null;
    }
    publishedOwner = owner;
    return manager.publishOwner(callId, owner).otherwiseEmpty();
  }

  /**
   * Store only: keeps the call's owner record in the durable store when it changed, so that a restarted node can end
   * the call and its live operations (contract rule 42 — A restarted node ends its calls); returns the write (complete
   * once committed), or null when there was nothing to write. An ended call's record is forgotten by its shard.
   */
  private Future<Void> storeOwnerRecord() {
    if (!manager.durable() || ended) {
      return null;
    }
    OwnerRecord owner = session.ownerRecord();
    if (owner.equals(storedOwner)) {
      return null;
    }
    storedOwner = owner;
    return manager.storeOwner(callId, owner).otherwiseEmpty();
  }

  private static Future<Void> both(Future<Void> a, Future<Void> b) {
    return a == null ? b : b == null ? a : Future.all(a, b).mapEmpty();
  }

  /** After every input: a call that ended is retired (kept readable) and its verticle undeployed. */
  private void afterInput() {
    manager.observer().changed(session);
    publishOwnerRecord();
    storeOwnerRecord();
    if (ended && !retired) {
      retired = true;
      cancelTimers();
      manager.retention().retire(callId, session);
      vertx.undeploy(deploymentID());
    }
  }

  private void cancelTimers() {
    for (Armed a = timers; a != null; a = a.next) {
      manager.scheduler().cancel(a);
    }
    timers = null;
  }

  /** One armed timer of this call: its own Vert.x timer handler (no lambda, no boxed id per timer). */
  private final class Armed extends Scheduler.Task {
    final TimerKey key;
    Armed next;

    Armed(TimerKey key, Armed next) {
      this.key = key;
      this.next = next;
    }

    @Override
    void run() {
      if (unarm(key) != this) {
        return; // replaced or cancelled in the meantime
      }
      try (CallLog.Scope mdc = CallLog.open(callId, null)) {
        session.onTimer(key);
        afterInput();
      }
    }
  }

  /** Takes {@code key}'s timer off the list and returns it (null if none is armed); the caller cancels it if need be. */
  private Armed unarm(TimerKey key) {
    Armed prev = null;
    for (Armed a = timers; a != null; prev = a, a = a.next) {
      if (a.key.equals(key)) {
        if (prev == null) {
          timers = a.next;
        } else {
          prev.next = a.next;
        }
        a.next = null;
        return a;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ effects

  @Override
  public void notify(Notification notification) {
    manager.metrics().eventOut(notification.event());
    Outbound out = dialect.apply(notification);
    if (out == null) { // a dialect may have no notification for an event (ACS: no "connecting" event)
      return;
    }
    if (traces.on()) {
      manager.dispatch(out, traces.causeOf(notification, handling));
    } else {
      manager.dispatch(out);
    }
    if (live != null) {
      live.event(notification.event());
    }
  }

  @Override
  public void feed(io.callvert.runtime.call.CallerFeed event) {
    if (live != null) {
      live.feed(event);
    }
  }

  /**
   * Attaches a live caller (contract rule 61): a socket attached before is told it was replaced. Fails
   * with "call not found" once the call has ended.
   */
  Future<Void> attachLive(LiveSink sink) {
    io.vertx.core.Promise<Void> attached = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      if (ended || session.isTerminated()) {
        attached.fail(io.callvert.runtime.api.ApiException.callNotFound());
        return;
      }
      if (live != null && live != sink) {
        live.replaced();
      }
      live = sink;
      sink.attached(session.state(), session.playingNow());
      attached.complete();
    });
    return attached.future();
  }

  /** The live caller's socket closed. */
  void detachLive(LiveSink sink) {
    context.runOnContext(v -> {
      if (live == sink) {
        live = null;
      }
    });
  }

  @Override
  public void schedule(TimerKey key, long dueAt) {
    Armed old = unarm(key);
    if (old != null) {
      manager.scheduler().cancel(old);
    }
    timers = new Armed(key, timers);
    manager.scheduler().schedule(dueAt, timers);
  }

  @Override
  public void cancelTimer(TimerKey key) {
    Armed a = unarm(key);
    if (a != null) {
      manager.scheduler().cancel(a);
    }
  }

  @Override
  public void fetchMedia(String opId, List<MediaRef> media) {
    Context ctx = context;
    Runnable release = manager.scheduler().hold();
    manager.media().fetchAll(media).onComplete(ar -> ctx.runOnContext(v -> {
      try (CallLog.Scope mdc = CallLog.open(callId, null)) {
        CallLog.operation(opId);
        if (ar.succeeded()) {
          session.onMediaReady(opId, ar.result());
        } else {
          session.onMediaFailed(opId, ar.cause().getMessage());
        }
        afterInput();
      } finally {
        release.run();
      }
    }));
  }

  @Override
  public void prefetch(List<MediaRef> media) {
    manager.media().prefetch(media).onFailure(e -> log.info("call {}: preFetchMedia failed: {}", callId, e.getMessage()));
  }

  @Override
  public void storeRecording(String recordingId, String accessToken, Supplier<Clip> audio) {
    manager.recordings().put(callId, recordingId, accessToken, audio);
  }

  @Override
  public void ended() {
    ended = true;
  }
}
