package io.callvert.verticles.call;

import io.callvert.runtime.api.ApiException;
import io.vertx.core.Future;

/**
 * Attaches live callers' sockets to this node's call verticles (contract rule 61), beside {@link CallManager}:
 * only a live call of this node, visible to the socket's app, takes one.
 */
public final class LiveCalls {

  private final CallManager calls;

  public LiveCalls(CallManager calls) {
    this.calls = calls;
  }

  /**
   * Attaches {@code sink} to call {@code callId} as app {@code scope} sees it (null: any app's); fails with "call
   * not found" otherwise: another app's, an ended one, or (in a cluster) one another node owns.
   */
  public Future<Void> attach(String callId, String scope, LiveSink sink) {
    CallRegistry.Handle h = calls.registry().get(callId);
    CallSessionVerticle verticle = h == null ? null : h.verticle;
    if (calls.stopped() || verticle == null || !h.visibleTo(scope) || !h.isLive()) {
      return Future.failedFuture(ApiException.callNotFound());
    }
    return verticle.attachLive(sink);
  }

  /**
   * Sends {@code command} to a live call of this node one way (no reply, so no reply timer): a live caller's
   * voice, every 100 ms per socket, which the call takes or drops (contract rule 62). Nothing happens for a call
   * that is not live here or not visible to {@code scope}.
   */
  public void tell(String callId, String scope, io.callvert.runtime.call.CallProtocol.Command command) {
    CallRegistry.Handle h = calls.registry().get(callId);
    if (h != null && h.isLive() && h.visibleTo(scope) && !calls.stopped()) {
      calls.vertx().eventBus().send(h.address, command, LOCAL);
    }
  }

  private static final io.vertx.core.eventbus.DeliveryOptions LOCAL =
      new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true);

  /** The live caller's socket closed. */
  public void detach(String callId, LiveSink sink) {
    CallRegistry.Handle h = calls.registry().get(callId);
    CallSessionVerticle verticle = h == null ? null : h.verticle;
    if (verticle != null) {
      verticle.detachLive(sink);
    }
  }

  /** Whether a call is live on this node (a live caller's socket can only attach to such a call). */
  public boolean isLiveHere(String callId) {
    CallRegistry.Handle h = calls.registry().get(callId);
    return h != null && h.isLive() && h.verticle != null;
  }
}
