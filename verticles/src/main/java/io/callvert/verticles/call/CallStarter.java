package io.callvert.verticles.call;

import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.call.CallProtocol.NewCall;
import io.callvert.runtime.call.CallSession;
import io.callvert.runtime.call.CallSnapshot;
import io.callvert.runtime.call.Direction;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.call.OwnerRecord;
import io.callvert.runtime.protocol.Outbound;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * How a call comes to life on this node: admission (shutting down, {@code calls.maxCalls}), its session and verticle,
 * its registry handle, its deployment under Callvert's root (so undeploying Callvert ends it), and its directory entry
 * in a cluster. Thread-safe like {@link CallManager}, whose {@code create} it is.
 */
final class CallStarter {

  /** Shared by every call deployment (Vert.x only reads it): one less object per call. */
  private static final DeploymentOptions CALL_DEPLOYMENT = new DeploymentOptions();

  private final CallManager manager;
  private final Vertx vertx;
  private final Context rootContext;
  private final CallSession.Env env;
  private final int maxCalls;
  /** Marks the contexts of Callvert's own deployments (context data is shared with their duplicates). */
  private final Object ownContextMark = new Object();

  CallStarter(CallManager manager, Vertx vertx, Context rootContext, CallSession.Env env) {
    this.manager = manager;
    this.vertx = vertx;
    this.rootContext = rootContext;
    this.env = env;
    this.maxCalls = env.calls().maxCalls();
    adoptContext(rootContext);
  }

  /** Declares a context of one of Callvert's own deployments (a descendant of the root). */
  void adoptContext(Context context) {
    context.put(ownContextMark, Boolean.TRUE);
  }

  /** See {@link CallManager#create(NewCall, Function, String)}. */
  Future<CallSnapshot> create(NewCall call, Function<Notification, Outbound> dialect, String owner) {
    if (manager.stopped()) {
      return Future.failedFuture(NodeErrors.UNDEPLOYED);
    }
    if (!manager.accepting()) {
      return Future.failedFuture(new ApiException(503, "serviceNotAvailable", "Callvert is shutting down and accepts no new calls."));
    }
    CallRegistry registry = manager.registry();
    if (!registry.reserve(maxCalls)) {
      return Future.failedFuture(new ApiException(429, "activityLimitReached",
          "This node already holds " + maxCalls + " live calls (calls.maxCalls).", 1L));
    }
    String id = env.ids().newId();
    CallSessionVerticle verticle = new CallSessionVerticle(manager, id, dialect);
    CallSession session = CallSession.create(id, call, env, verticle);
    verticle.attach(session);
    CallSnapshot created = session.snapshot();
    ClusterLink cluster = manager.cluster();
    OwnerRecord initialOwner = cluster == null ? null : session.ownerRecord();
    CallRegistry.Handle handle = new CallRegistry.Handle(id, manager.callAddress(id), owner);
    handle.verticle = verticle;
    registry.add(handle);
    // A call verticle must be a descendant of Callvert's root deployment, so that undeploying
    // Callvert ends every call. From one of Callvert's own contexts (the root, its HTTP server
    // instances) deploy right here; from anyone else's (an embedding host's) hop to the root first.
    Promise<String> deployed = Promise.promise();
    Context current = Vertx.currentContext();
    if (current != null && current.get(ownContextMark) != null) {
      vertx.deployVerticle(verticle, CALL_DEPLOYMENT).onComplete(deployed);
    } else {
      rootContext.runOnContext(v -> vertx.deployVerticle(verticle, CALL_DEPLOYMENT).onComplete(deployed));
    }
    return deployed.future()
        .compose(deploymentId -> cluster == null ? Future.succeededFuture() : cluster.put(id, initialOwner))
        .map(v -> {
          manager.metrics().callCreated(call.direction() == Direction.INCOMING);
          return created;
        })
        .recover(e -> {
          registry.remove(id);
          return Future.failedFuture(new ApiException(503, "serviceNotAvailable", "The call could not be started: " + e.getMessage()));
        });
  }
}
