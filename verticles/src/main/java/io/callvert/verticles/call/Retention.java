package io.callvert.verticles.call;

import io.callvert.config.CallsOptions;
import io.callvert.runtime.call.CallSession;
import io.callvert.runtime.clock.Clock;
import io.callvert.verticles.media.RecordingStore;
import io.callvert.verticles.webhook.DispatcherMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * What becomes of a call once it has ended: its final state stays readable in the registry for
 * {@code calls.retentionMs} (contract rule 31), at most {@code calls.maxRetainedCalls} of them, the oldest forgotten
 * first (contract rule 39 — Retained calls are bounded); then its directory entry, recordings and journal go too.
 */
final class Retention {

  private final CallManager manager;
  private final Context rootContext;
  private final CallsOptions calls;
  private final Clock clock;
  private final Scheduler scheduler;
  private final RecordingStore recordings;

  Retention(CallManager manager, Context rootContext, CallsOptions calls, Clock clock, Scheduler scheduler,
      RecordingStore recordings) {
    this.manager = manager;
    this.rootContext = rootContext;
    this.calls = calls;
    this.clock = clock;
    this.scheduler = scheduler;
    this.recordings = recordings;
  }

  /** The call ended: its final state answers reads until retention is over. */
  void retire(String callId, CallSession finalState) {
    List<String> evicted = manager.registry().retire(callId, finalState, calls.maxRetainedCalls());
    manager.publishOwner(callId, finalState.ownerRecord());
    manager.control(callId, new DispatcherMessage.CallEnded(callId));
    evicted.forEach(this::forget); // contract rule 39 (Retained calls are bounded): oldest ended call first
    // Retention counts from the end of the call, read now: the timer is armed on the root context a
    // moment later, and the clock must not move in between (a test clock advanced in that moment
    // once pushed the expiry a whole advance later), hence the hold until it is armed.
    long expireAt = clock.now() + calls.retentionMs();
    Runnable release = scheduler.hold();
    rootContext.runOnContext(v -> {
      try {
        scheduler.schedule(expireAt, () -> expire(callId));
      } finally {
        release.run();
      }
    });
  }

  /** The instance is going away: the call is over and leaves the cluster directory now. */
  void retireOnShutdown(String callId, CallSession finalState) {
    List<String> evicted = manager.registry().retire(callId, finalState, calls.maxRetainedCalls());
    manager.control(callId, new DispatcherMessage.CallEnded(callId));
    evicted.forEach(this::forget);
    ClusterLink cluster = manager.cluster();
    if (cluster != null) {
      cluster.directory().remove(callId);
    }
  }

  /** Directory entries of ended calls still in retention; removed when the instance stops. */
  Future<Void> leaveDirectory() {
    ClusterLink cluster = manager.cluster();
    if (cluster == null) {
      return Future.succeededFuture();
    }
    List<Future<Void>> removals = new ArrayList<>();
    for (CallRegistry.Handle h : manager.registry().handles()) {
      removals.add(cluster.directory().remove(h.id()));
    }
    return Future.join(removals).mapEmpty();
  }

  private void expire(String callId) {
    if (manager.registry().remove(callId)) {
      forget(callId);
    }
  }

  /** A call left the registry (retention over, or evicted): its directory entry, recordings and journal go too. */
  private void forget(String callId) {
    ClusterLink cluster = manager.cluster();
    if (cluster != null) {
      cluster.directory().remove(callId);
    }
    recordings.deleteCall(callId);
    manager.control(callId, new DispatcherMessage.Forget(callId));
    manager.observer().forgotten(callId);
  }
}
