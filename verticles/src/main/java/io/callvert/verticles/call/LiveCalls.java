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
