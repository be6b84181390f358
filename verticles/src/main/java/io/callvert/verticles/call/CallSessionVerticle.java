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
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call, one verticle: it owns the call's {@link CallSession} (media queue, operations, timers)
 * and is the only thing that touches it. Commands arrive on a local-only event-bus address; timer
 * ticks and media results are re-entered on the call's home context, so every input is handled
 * one at a time, in order, and the events it produces leave in that order.
 *
 * <p>The call's inputs run on its <em>home</em> context: the context of the HTTP server instance
 * whose request created it (so that a request for the call is handled on a loop the server keeps
 * busy anyway, rather than handed to a loop that sleeps between commands), otherwise the verticle's
 * own. Either way one event loop touches the session; the deployment gives the call its lifecycle.
 *
 * <p>A thin adapter: the decisions are the session's; this class carries out its {@link Effects},
 * rendering events in the dialect that created the call.
 */
final class CallSessionVerticle extends VerticleBase implements Effects {

  private static final Logger log = LoggerFactory.getLogger(CallSessionVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final CallManager manager;
  private final String callId;
  private final Function<Notification, Outbound> dialect;
  private CallSession session;
  private MessageConsumer<Command> consumer;
  private final Map<TimerKey, Long> timers = new HashMap<>(4);
  private boolean ended;
  private boolean retired;
  /** The owner record last written to the cluster directory (cluster only). */
  private OwnerRecord publishedOwner;

  /** Where the call's inputs run: an HTTP server instance's context, or this verticle's own. */
  private Context home;

  /** @param home the context the call's inputs run on; null: this verticle's own */
  CallSessionVerticle(CallManager manager, String callId, Function<Notification, Outbound> dialect, Context home) {
    this.manager = manager;
    this.callId = callId;
    this.dialect = dialect;
    this.home = home;
  }

  void attach(CallSession session) {
    this.session = session;
    this.publishedOwner = session.ownerRecord(); // the manager writes the first record when it creates the call
  }

  @Override
  public Future<?> start() {
    if (home == null) {
      home = context;
    }
    return atHome(() -> {
      consumer = vertx.eventBus().localConsumer(manager.callAddress(callId), this::onCommand);
      session.start();
      afterInput();
      return consumer.completion();
    });
  }

  /** Runs {@code input} on the home context; its future completes the returned one. */
  private Future<?> atHome(Supplier<Future<?>> input) {
    if (home == context) {
      return input.get();
    }
    Promise<Object> done = Promise.promise();
    home.runOnContext(v -> input.get().onComplete(done));
    return done.future();
  }

  /**
   * Undeployed with its Callvert instance: a call still live ends now, and the bot is told. (A call
   * verticle undeploys itself only once its call has ended, so a live call stopping means the
   * instance is going down: new calls are refused from here on, before the root verticle's own
   * stop runs.)
   */
  @Override
  public Future<?> stop() {
    return atHome(() -> {
      if (!ended) {
        manager.stopAccepting();
        session.handle(io.callvert.runtime.call.CallProtocol.SHUTDOWN);
        retired = true;
        manager.retireOnShutdown(callId, session);
      }
      cancelTimers();
      // registered on another deployment's context, the consumer does not go with this one
      return home == context || consumer == null ? Future.succeededFuture() : consumer.unregister();
    });
  }

  private void onCommand(Message<Command> msg) {
    Command command = msg.body();
    Reply reply;
    try {
      reply = session.handle(command);
    } catch (CallRejected e) {
      reply = e.toReply();
    } catch (RuntimeException e) {
      log.error("call {}: unexpected failure handling {}", callId, command.getClass().getSimpleName(), e);
      msg.fail(500, "Unexpected failure while handling " + command.getClass().getSimpleName()
          + "; see the Callvert log for call " + callId + ".");
      afterInput();
      return;
    }
    Future<Void> recorded = publishOwnerRecord();
    Reply answer = reply;
    if (recorded == null) {
      msg.reply(answer, LOCAL);
    } else {
      // in a cluster, an operation is answered once the directory knows it: a survivor can then
      // always report it if this node dies (rule 22, node loss)
      recorded.onComplete(ar -> msg.reply(answer, LOCAL));
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

  /** After every input: a call that ended is retired (kept readable) and its verticle undeployed. */
  private void afterInput() {
    publishOwnerRecord();
    if (ended && !retired) {
      retired = true;
      cancelTimers();
      manager.retire(callId, session);
      vertx.undeploy(deploymentID());
    }
  }

  private void cancelTimers() {
    for (Long id : timers.values()) {
      manager.scheduler().cancel(id);
    }
    timers.clear();
  }

  // ------------------------------------------------------------------ effects

  @Override
  public void notify(Notification notification) {
    manager.dispatch(dialect.apply(notification));
  }

  @Override
  public void schedule(TimerKey key, long dueAt) {
    Long old = timers.remove(key);
    if (old != null) {
      manager.scheduler().cancel(old);
    }
    long[] holder = new long[1];
    holder[0] = manager.scheduler().schedule(dueAt, () -> {
      Long current = timers.get(key);
      if (current == null || current != holder[0]) {
        return;
      }
      timers.remove(key);
      session.onTimer(key);
      afterInput();
    });
    timers.put(key, holder[0]);
  }

  @Override
  public void cancelTimer(TimerKey key) {
    Long id = timers.remove(key);
    if (id != null) {
      manager.scheduler().cancel(id);
    }
  }

  @Override
  public void fetchMedia(String opId, List<MediaRef> media) {
    Context ctx = home;
    Runnable release = manager.scheduler().hold();
    manager.media().fetchAll(media).onComplete(ar -> ctx.runOnContext(v -> {
      try {
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
    manager.media().fetchAll(media).onFailure(e -> log.info("call {}: preFetchMedia failed: {}", callId, e.getMessage()));
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
