package io.callvert.verticles.call;

import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.call.CallSession;
import io.callvert.runtime.call.Effects;
import io.callvert.runtime.call.MediaRef;
import io.callvert.runtime.call.Outbound;
import io.callvert.runtime.protocol.CallReply;
import io.callvert.runtime.protocol.CallRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call, one verticle: it owns the call's {@link CallSession} (media queue, operations, timers)
 * and is the only thing that touches it. Requests arrive on a local-only event-bus address; timer
 * ticks and media results are re-entered on this verticle's context, so every input is handled
 * one at a time, in order, and the notifications it produces leave in that order.
 *
 * <p>It is a thin adapter: the decisions are the session's; this class carries out its
 * {@link Effects}.
 */
final class CallSessionVerticle extends VerticleBase implements Effects {

  private static final Logger log = LoggerFactory.getLogger(CallSessionVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final CallManager manager;
  private final String callId;
  private CallSession session;
  private MessageConsumer<CallRequest> consumer;
  private final Map<String, Long> timers = new HashMap<>(4);
  private boolean ended;
  private boolean retired;
  /** The owner record last written to the cluster directory (cluster only). */
  private String publishedOwner;

  CallSessionVerticle(CallManager manager, String callId) {
    this.manager = manager;
    this.callId = callId;
  }

  void attach(CallSession session) {
    this.session = session;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(manager.callAddress(callId), this::onRequest);
    session.start();
    afterInput();
    return consumer.completion();
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
      session.handle("shutdown", null, null, null);
      retired = true;
      manager.retireOnShutdown(callId, session);
    }
    for (Long id : timers.values()) {
      manager.scheduler().cancel(id);
    }
    timers.clear();
    return Future.succeededFuture();
  }

  private void onRequest(Message<CallRequest> msg) {
    CallRequest req = msg.body();
    if (req.action().equals("heard")) {
      // rendering a long call's audio is megabytes of copying: off the event loop
      manager.renderHeard(session.heardSlices()).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result(), LOCAL);
        } else {
          msg.fail(500, CallManager.encodeError(new ApiException(500, "generalException", ar.cause().getMessage())));
        }
      });
      return;
    }
    try {
      CallReply reply = session.handle(req.action(), req.body(), req.baseUrl(), req.payload());
      Future<Void> recorded = publishOwnerRecord();
      if (recorded == null) {
        msg.reply(reply, LOCAL);
      } else {
        // in a cluster, an operation is answered once the directory knows it: a survivor can then
        // always report it if this node dies (rule 8 across node loss)
        recorded.onComplete(ar -> msg.reply(reply, LOCAL));
      }
    } catch (ApiException e) {
      msg.fail(e.status(), CallManager.encodeError(e));
    } catch (RuntimeException e) {
      log.error("call {}: unexpected failure handling {}", callId, req.action(), e);
      msg.fail(500, CallManager.encodeError(new ApiException(500, "generalException",
          "Unexpected failure while handling " + req.action() + "; see the Callvert log for call " + callId + ".")));
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
    io.vertx.core.json.JsonObject owner = session.ownerRecord();
    String encoded = owner.encode();
    if (publishedOwner == null) {
      publishedOwner = encoded; // the manager wrote the first record when it created the call
      return null;
    }
    if (encoded.equals(publishedOwner)) {
      return null;
    }
    publishedOwner = encoded;
    return manager.publishOwner(callId, owner).otherwiseEmpty();
  }

  /** After every input: a call that ended is retired (kept readable) and its verticle undeployed. */
  private void afterInput() {
    publishOwnerRecord();
    if (ended && !retired) {
      retired = true;
      for (Long id : timers.values()) {
        manager.scheduler().cancel(id);
      }
      timers.clear();
      manager.retire(callId, session);
      vertx.undeploy(deploymentID());
    }
  }

  // ------------------------------------------------------------------ effects

  @Override
  public void notify(Outbound notification) {
    manager.dispatch(notification);
  }

  @Override
  public void schedule(String key, long dueAt) {
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
  public void cancelTimer(String key) {
    Long id = timers.remove(key);
    if (id != null) {
      manager.scheduler().cancel(id);
    }
  }

  @Override
  public void fetchMedia(String opId, List<MediaRef> media) {
    io.vertx.core.Context ctx = context;
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
  public void storeRecording(String recordingId, String accessToken, java.util.function.Supplier<Clip> audio) {
    manager.recordings().put(callId, recordingId, accessToken, audio);
  }

  @Override
  public void ended() {
    ended = true;
  }
}
