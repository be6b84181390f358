package io.callvert.verticles.call;

import io.callvert.config.CallvertOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.audio.EnergyDetector;
import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.NewCall;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.callvert.runtime.call.CallRejected;
import io.callvert.runtime.call.CallSession;
import io.callvert.runtime.call.CallSnapshot;
import io.callvert.runtime.call.IdSource;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.call.OwnerRecord;
import io.callvert.runtime.clock.Clock;
import io.callvert.runtime.protocol.Outbound;
import io.callvert.verticles.cluster.CallDirectory;
import io.callvert.verticles.cluster.OwnerRecords;
import io.callvert.verticles.media.MediaService;
import io.callvert.verticles.media.RecordingStore;
import io.callvert.verticles.metrics.CallvertMetrics;
import io.callvert.verticles.webhook.DispatcherMessage;
import io.callvert.verticles.webhook.WebhookDispatchers;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The calls of one Callvert instance on one node: creates call verticles, routes commands to them
 * over the event bus (or to the owning node's ingress in a cluster), keeps ended calls readable
 * for the retention period, and drives graceful shutdown. Used from HTTP event loops and call
 * verticles alike, so it is thread-safe and holds no per-call mutable state of its own (that
 * lives in the call verticles).
 *
 * <p>Commands and replies are the typed {@link CallProtocol}; a refusal comes back as a
 * {@link CallProtocol.Rejected} reply, for the dialect to word. Failures of the future are the
 * node's own (shutting down, timeouts) as {@link ApiException}s.
 */
public final class CallManager {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  /** Shared by every call deployment (Vert.x only reads it): one less object per call. */
  private static final DeploymentOptions CALL_DEPLOYMENT = new DeploymentOptions();
  private static final ApiException UNDEPLOYED =
      new ApiException(503, "serviceNotAvailable", "Callvert is shutting down: this instance has been undeployed.");

  private final Vertx vertx;
  private final Context rootContext;
  private final CallvertOptions options;
  private final String instanceId;
  private final Clock clock;
  private final Scheduler scheduler;
  private final MediaService media;
  private final RecordingStore recordings;
  private final WebhookDispatchers dispatchers;
  private final CallRegistry registry = new CallRegistry();
  private final CallSession.Env env;
  private final DeliveryOptions requestOptions;
  /** Marks the contexts of Callvert's own deployments (context data is shared with their duplicates). */
  private final Object ownContextMark = new Object();
  /**
   * The contexts of Callvert's HTTP server instances, by their event-loop thread: a call created by
   * a request takes its inputs on that loop (see {@link #create}).
   */
  private final Map<Thread, Context> homes = new ConcurrentHashMap<>();
  private volatile boolean accepting = true;
  private volatile boolean stopped;
  private CallvertMetrics metrics = CallvertMetrics.NOOP;
  /** Set when the Vert.x instance is clustered. */
  private ClusterLink cluster;

  public CallManager(Vertx vertx, Context rootContext, CallvertOptions options, String instanceId, Clock clock,
      IdSource ids, Scheduler scheduler, MediaService media, RecordingStore recordings, WebhookDispatchers dispatchers) {
    this.vertx = vertx;
    this.rootContext = rootContext;
    this.options = options;
    this.instanceId = instanceId;
    this.clock = clock;
    this.scheduler = scheduler;
    this.media = media;
    this.recordings = recordings;
    this.dispatchers = dispatchers;
    this.env = new CallSession.Env(clock, options.calls(), options.callee(), options.webhook().appId(),
        new EnergyDetector(EnergyDetector.DEFAULT_THRESHOLD_DBFS), ids);
    this.requestOptions = new DeliveryOptions().setLocalOnly(true).setSendTimeout(options.http().requestTimeoutMs());
    adoptContext(rootContext);
  }

  /**
   * Joins the cluster: calls are entered in the directory, commands for other nodes' calls
   * forwarded, and this node answers for its own on {@code ingressAddress}.
   *
   * @param lostCalls renders the events of calls whose node was lost
   */
  public Future<Void> attachCluster(CallDirectory directory, String ingressAddress, Function<Notification, Outbound> lostCalls) {
    ClusterLink link = new ClusterLink(this, directory, ingressAddress, options.http().requestTimeoutMs(), lostCalls);
    this.cluster = link;
    return vertx.eventBus().<io.callvert.verticles.cluster.IngressMessage>consumer(ingressAddress, link::onIngress)
        .completion();
  }

  public void metrics(CallvertMetrics metrics) {
    this.metrics = metrics;
  }

  boolean clustered() {
    return cluster != null;
  }

  /**
   * Declares a context of one of Callvert's own deployments (a descendant of the root). Called from
   * that context's own start (an HTTP server instance's), it also becomes the home of the calls
   * created on its event loop.
   */
  public void adoptContext(Context context) {
    context.put(ownContextMark, Boolean.TRUE);
    if (context != rootContext && context.isEventLoopContext() && Vertx.currentContext() == context) {
      homes.putIfAbsent(Thread.currentThread(), context);
    }
  }

  /** The scheduler matching {@code clock}: real timers, or virtual ones a test advances. */
  public static Scheduler schedulerFor(Vertx vertx, Clock clock) {
    return clock instanceof io.callvert.runtime.clock.VirtualClock vc ? new VirtualScheduler(vertx, vc) : new SystemScheduler(vertx);
  }

  String callAddress(String callId) {
    return "callvert." + instanceId + ".call." + callId;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  public Clock clock() {
    return clock;
  }

  MediaService media() {
    return media;
  }

  public RecordingStore recordings() {
    return recordings;
  }

  public CallRegistry registry() {
    return registry;
  }

  Vertx vertx() {
    return vertx;
  }

  void dispatch(Outbound notification) {
    vertx.eventBus().send(dispatchers.addressFor(notification.callId()), notification, LOCAL);
  }

  /** A message for the dispatcher shard that owns {@code callId}. */
  private void control(String callId, DispatcherMessage message) {
    vertx.eventBus().send(dispatchers.addressFor(callId), message, LOCAL);
  }

  // ------------------------------------------------------------------ calls

  /**
   * Creates a call and deploys its verticle; completes with the call as it was created.
   *
   * @param call    the new call, as a dialect parsed it
   * @param dialect renders the call's events in the dialect that created it
   */
  public Future<CallSnapshot> create(NewCall call, Function<Notification, Outbound> dialect) {
    if (stopped) {
      return Future.failedFuture(UNDEPLOYED);
    }
    if (!accepting) {
      return Future.failedFuture(new ApiException(503, "serviceNotAvailable", "Callvert is shutting down and accepts no new calls."));
    }
    if (!registry.reserve(options.calls().maxCalls())) {
      return Future.failedFuture(new ApiException(429, "activityLimitReached",
          "This node already holds " + options.calls().maxCalls() + " live calls (calls.maxCalls).", 1L));
    }
    String id = env.ids().newId();
    // A call created by an HTTP request takes its inputs on that request's event loop, where the
    // server already runs: requests for it then stay on the server's loops instead of waking one
    // of the loops Vert.x would give a new deployment, which idles between commands (two thread
    // hand-offs per request; see docs/benchmarks.md, "Cancel vs a bare vertx-web route").
    Context current = Vertx.currentContext();
    boolean ownContext = current != null && current.get(ownContextMark) != null;
    CallSessionVerticle verticle = new CallSessionVerticle(this, id, dialect,
        ownContext ? homes.get(Thread.currentThread()) : null);
    CallSession session = CallSession.create(id, call, env, verticle);
    verticle.attach(session);
    CallSnapshot created = session.snapshot();
    OwnerRecord initialOwner = cluster == null ? null : session.ownerRecord();
    registry.add(new CallRegistry.Handle(id, callAddress(id)));
    // A call verticle must be a descendant of Callvert's root deployment, so that undeploying
    // Callvert ends every call. From one of Callvert's own contexts (the root, its HTTP server
    // instances) deploy right here; from anyone else's (an embedding host's) hop to the root first.
    Promise<String> deployed = Promise.promise();
    if (ownContext) {
      vertx.deployVerticle(verticle, CALL_DEPLOYMENT).onComplete(deployed);
    } else {
      rootContext.runOnContext(v -> vertx.deployVerticle(verticle, CALL_DEPLOYMENT).onComplete(deployed));
    }
    return deployed.future()
        .compose(deploymentId -> cluster == null ? Future.succeededFuture() : cluster.put(id, initialOwner))
        .map(v -> {
          metrics.callCreated(call.direction() == io.callvert.runtime.call.Direction.INCOMING);
          return created;
        })
        .recover(e -> {
          registry.remove(id);
          return Future.failedFuture(new ApiException(503, "serviceNotAvailable", "The call could not be started: " + e.getMessage()));
        });
  }

  /** Sends {@code command} to call {@code callId}, wherever it lives; ended calls answer from their final state. */
  public Future<Reply> ask(String callId, Command command) {
    if (stopped) {
      return Future.failedFuture(UNDEPLOYED);
    }
    CallRegistry.Handle h = registry.get(callId);
    if (h == null) {
      return cluster == null ? Future.succeededFuture(CallRejected.callNotFound().toReply()) : cluster.forward(callId, command);
    }
    if (!h.isLive()) {
      return Future.succeededFuture(answerRetained(h, command));
    }
    return vertx.eventBus().<Reply>request(h.address, command, requestOptions)
        .map(Message::body)
        .recover(e -> {
          if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            // the call ended between lookup and send: its final state answers
            CallRegistry.Handle again = registry.get(callId);
            return Future.succeededFuture(again != null && !again.isLive() ? answerRetained(again, command)
                : CallRejected.callNotFound().toReply());
          }
          return Future.failedFuture(failure(e));
        });
  }

  /** A call that has ended answers reads from its final state, which no longer changes. */
  private static Reply answerRetained(CallRegistry.Handle h, Command command) {
    try {
      return h.retained.handle(command);
    } catch (CallRejected e) {
      return e.toReply();
    }
  }

  /** The HTTP response that created {@code gate} has been written: its events may go (rule 7). */
  public void release(String callId, String gate) {
    if (cluster != null && registry.get(callId) == null) {
      cluster.release(callId, gate);
      return;
    }
    control(callId, new DispatcherMessage.Release(callId, gate));
  }

  /** The notification journal of a call (Callvert's inspection API); null result: no such call. */
  public Future<JsonObject> journal(String callId) {
    if (stopped) {
      return Future.failedFuture(UNDEPLOYED);
    }
    if (registry.get(callId) == null) {
      return cluster == null ? Future.succeededFuture(null) : cluster.journal(callId);
    }
    return vertx.eventBus().<JsonObject>request(dispatchers.addressFor(callId), new DispatcherMessage.JournalQuery(callId), LOCAL)
        .map(Message::body);
  }

  /** A recording this node does not hold: in a cluster, the node owning the call may (the URL names the call). */
  public Future<RecordingStore.Download> remoteRecording(String callId, String recordingId, String token) {
    if (cluster == null || registry.get(callId) != null) {
      return Future.succeededFuture(new RecordingStore.Download(404, null, null));
    }
    return cluster.recording(callId, recordingId, token);
  }

  /** The public signing keys of every node of the cluster (empty when not clustered). */
  public Future<List<JsonObject>> clusterKeys() {
    return cluster == null ? Future.succeededFuture(List.of()) : cluster.directory().keys();
  }

  /** Cluster members left: the reporter tells the bots of their calls (rule 22, node loss). */
  public void onNodesLost(Set<String> lost) {
    if (cluster != null) {
      cluster.onNodesLost(lost);
    }
  }

  /** Keeps the directory's copy of a live call's owner record current (cluster only). */
  Future<Void> publishOwner(String callId, OwnerRecord owner) {
    return cluster == null ? Future.succeededFuture() : cluster.put(callId, owner);
  }

  void retire(String callId, CallSession finalState) {
    registry.retire(callId, finalState);
    publishOwner(callId, finalState.ownerRecord());
    control(callId, new DispatcherMessage.CallEnded(callId));
    // Retention counts from the end of the call, read now: the timer is armed on the root context a
    // moment later, and the clock must not move in between (a test clock advanced in that moment
    // once pushed the expiry a whole advance later), hence the hold until it is armed.
    long expireAt = clock.now() + options.calls().retentionMs();
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
    registry.retire(callId, finalState);
    control(callId, new DispatcherMessage.CallEnded(callId));
    if (cluster != null) {
      cluster.directory().remove(callId);
    }
  }

  /** Directory entries of ended calls still in retention; removed when the instance stops. */
  public Future<Void> leaveDirectory() {
    if (cluster == null) {
      return Future.succeededFuture();
    }
    List<Future<Void>> removals = new ArrayList<>();
    for (CallRegistry.Handle h : registry.handles()) {
      removals.add(cluster.directory().remove(h.id()));
    }
    return Future.join(removals).mapEmpty();
  }

  private void expire(String callId) {
    registry.remove(callId);
    if (cluster != null) {
      cluster.directory().remove(callId);
    }
    recordings.deleteCall(callId);
    control(callId, new DispatcherMessage.Forget(callId));
  }

  // ------------------------------------------------------------------ shutdown

  /** From now on {@link #create} answers 503: this Callvert instance is shutting down. Idempotent. */
  public void stopAccepting() {
    accepting = false;
  }

  /**
   * The instance has been undeployed (its call verticles are gone): from now on every request
   * answers 503, the scheduler's timers are cancelled and the ended calls kept for retention are
   * forgotten. A host may still hold the router or the Java API; they no longer reach anything.
   */
  public void stop() {
    stopped = true;
    accepting = false;
    scheduler.cancelAll();
    registry.clear();
  }

  public boolean stopped() {
    return stopped;
  }

  /** What requests get once the instance has been undeployed (one instance: an expected answer, not logged). */
  public static ApiException undeployed() {
    return UNDEPLOYED;
  }

  /** The event-bus addresses of this instance's calls (live and retained), for diagnostics. */
  public List<String> callAddresses() {
    List<String> addresses = new ArrayList<>();
    for (CallRegistry.Handle h : registry.handles()) {
      addresses.add(h.address);
    }
    return addresses;
  }

  /** Maps an event-bus failure to the client-visible error. */
  public static ApiException failure(Throwable e) {
    if (e instanceof ApiException api) {
      return api;
    }
    if (e instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new ApiException(504, "timeout", "The call did not answer in time; retry the request.");
      }
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() == 503) {
        return new ApiException(503, "serviceNotAvailable", re.getMessage());
      }
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return new ApiException(500, "generalException", re.getMessage());
      }
    }
    return new ApiException(500, "generalException", "Unexpected failure: " + e.getMessage());
  }
}
