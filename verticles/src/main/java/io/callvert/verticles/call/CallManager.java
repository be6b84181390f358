package io.callvert.verticles.call;

import io.callvert.config.CallvertOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.api.Ids;
import io.callvert.runtime.audio.EnergyDetector;
import io.callvert.runtime.call.CallSession;
import io.callvert.runtime.call.Outbound;
import io.callvert.runtime.clock.Clock;
import io.callvert.runtime.protocol.CallReply;
import io.callvert.runtime.protocol.CallRequest;
import io.callvert.verticles.media.MediaService;
import io.callvert.verticles.media.RecordingStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls of one Callvert instance on one node: creates call verticles, routes requests to them
 * over the event bus, keeps ended calls readable for the retention period, and drives graceful
 * shutdown. Used from HTTP event loops and call verticles alike, so it is thread-safe and holds no
 * per-call mutable state of its own (that lives in the call verticles).
 */
public final class CallManager {

  private final Vertx vertx;
  private final Context rootContext;
  private final CallvertOptions options;
  private final String instanceId;
  private final Clock clock;
  private final Scheduler scheduler;
  private final MediaService media;
  private final RecordingStore recordings;
  private final io.callvert.verticles.webhook.WebhookDispatchers dispatchers;
  private final CallRegistry registry = new CallRegistry();
  private final CallSession.Env env;
  private final DeliveryOptions requestOptions;
  private volatile boolean accepting = true;
  private io.callvert.verticles.metrics.CallvertMetrics metrics = io.callvert.verticles.metrics.CallvertMetrics.NOOP;
  private volatile boolean stopped;
  /** Set when the Vert.x instance is clustered. */
  private io.callvert.verticles.cluster.CallDirectory directory;
  private String ingressAddress;
  private DeliveryOptions forwardOptions;

  public CallManager(Vertx vertx, Context rootContext, CallvertOptions options, String instanceId, Clock clock,
      Scheduler scheduler, MediaService media, RecordingStore recordings,
      io.callvert.verticles.webhook.WebhookDispatchers dispatchers) {
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
        new EnergyDetector(EnergyDetector.DEFAULT_THRESHOLD_DBFS));
    this.ownContexts.add(((io.vertx.core.internal.ContextInternal) rootContext).unwrap());
    this.requestOptions = new DeliveryOptions().setLocalOnly(true).setSendTimeout(options.http().requestTimeoutMs());
  }

  /**
   * Joins the cluster: calls this node creates are entered in the directory, and requests for
   * calls this node does not own are forwarded to the owner's ingress address.
   */
  public void attachCluster(io.callvert.verticles.cluster.CallDirectory directory, String ingressAddress) {
    this.directory = directory;
    this.ingressAddress = ingressAddress;
    this.forwardOptions = new DeliveryOptions().setSendTimeout(options.http().requestTimeoutMs());
  }

  public void metrics(io.callvert.verticles.metrics.CallvertMetrics metrics) {
    this.metrics = metrics;
  }

  boolean clustered() {
    return directory != null;
  }

  /** Declares a context of one of Callvert's own deployments (a descendant of the root). */
  public void adoptContext(io.vertx.core.Context context) {
    ownContexts.add(((io.vertx.core.internal.ContextInternal) context).unwrap());
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

  RecordingStore recordings() {
    return recordings;
  }

  public CallRegistry registry() {
    return registry;
  }

  void dispatch(Outbound notification) {
    vertx.eventBus().send(dispatchers.addressFor(notification.callId()), notification, LOCAL);
  }

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  /** Contexts of Callvert's own deployments (root, HTTP server instances): calls deploy there directly. */
  private final java.util.Set<io.vertx.core.Context> ownContexts = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Shared by every call deployment (Vert.x only reads it): one less object per call. */
  private static final io.vertx.core.DeploymentOptions CALL_DEPLOYMENT = new io.vertx.core.DeploymentOptions();

  /** A control message for the dispatcher shard that owns {@code callId}. */
  private void control(String callId, JsonObject message) {
    vertx.eventBus().send(dispatchers.addressFor(callId), message, LOCAL);
  }

  /**
   * Creates a call: validates the body (400 before anything exists), deploys its verticle, and
   * answers 201 with the call as it was created.
   *
   * @param incoming true for a simulated caller calling the bot, false for the bot calling out
   */
  public Future<CallReply> create(boolean incoming, JsonObject body) {
    if (stopped) {
      return Future.failedFuture(undeployed());
    }
    if (!accepting) {
      return Future.failedFuture(new ApiException(503, "serviceNotAvailable", "Callvert is shutting down and accepts no new calls."));
    }
    if (!registry.reserve(options.calls().maxCalls())) {
      return Future.failedFuture(new ApiException(429, "activityLimitReached",
          "This node already holds " + options.calls().maxCalls() + " live calls (calls.maxCalls).", 1L));
    }
    String id = Ids.newId();
    CallSessionVerticle verticle = new CallSessionVerticle(this, id);
    CallSession session;
    try {
      session = incoming ? CallSession.incoming(id, body, env, verticle) : CallSession.outgoing(id, body, env, verticle);
    } catch (ApiException e) {
      registry.unreserve();
      return Future.failedFuture(e);
    }
    verticle.attach(session);
    CallReply created = session.createdReply();
    JsonObject initialOwner = directory == null ? null : session.ownerRecord();
    registry.add(new CallRegistry.Handle(id, callAddress(id)));
    // A call verticle must be a descendant of Callvert's root deployment, so that undeploying
    // Callvert ends every call. From one of Callvert's own contexts (the root, its HTTP server
    // instances) deploy right here; from anyone else's (an embedding host's) hop to the root first.
    io.vertx.core.Promise<String> deployed = io.vertx.core.Promise.promise();
    io.vertx.core.Context current = Vertx.currentContext();
    // request handlers run on duplicated contexts: compare the context they duplicate
    if (current != null && ownContexts.contains(((io.vertx.core.internal.ContextInternal) current).unwrap())) {
      vertx.deployVerticle(verticle, CALL_DEPLOYMENT).onComplete(deployed);
    } else {
      rootContext.runOnContext(v -> vertx.deployVerticle(verticle, CALL_DEPLOYMENT).onComplete(deployed));
    }
    return deployed.future()
        .compose(deploymentId -> directory == null ? Future.succeededFuture()
            : directory.put(id, ownerRecord(id, initialOwner)))
        .map(v -> {
          metrics.callCreated(incoming);
          return created;
        })
        .recover(e -> {
          registry.remove(id);
          return Future.failedFuture(new ApiException(503, "serviceNotAvailable", "The call could not be started: " + e.getMessage()));
        });
  }

  /** Routes a request to its call; ended calls within retention answer from their final state. */
  public Future<CallReply> request(CallRequest req) {
    if (stopped) {
      return Future.failedFuture(undeployed());
    }
    CallRegistry.Handle h = registry.get(req.callId());
    if (h == null) {
      return directory == null ? Future.failedFuture(ApiException.callNotFound()) : forward(req);
    }
    if (!h.isLive()) {
      return answerRetained(h, req);
    }
    return vertx.eventBus().<CallReply>request(h.address, req, requestOptions)
        .map(Message::body)
        .recover(e -> {
          if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            // the call ended between lookup and send: its final state answers
            CallRegistry.Handle again = registry.get(req.callId());
            return again != null && !again.isLive() ? answerRetained(again, req) : Future.failedFuture(ApiException.callNotFound());
          }
          return Future.failedFuture(decodeFailure(e));
        });
  }

  /** A call another node owns: its ingress answers for it, with exactly what that node would answer. */
  private Future<CallReply> forward(CallRequest req) {
    return directory.ownerAddress(req.callId()).compose(address -> {
      if (address == null || address.equals(ingressAddress)) {
        return Future.failedFuture(ApiException.callNotFound());
      }
      return vertx.eventBus().<CallReply>request(address, req, forwardOptions).map(Message::body)
          .recover(e -> {
            if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
              directory.forget(req.callId());
              return Future.failedFuture(ApiException.callNotFound());
            }
            return Future.failedFuture(decodeFailure(e));
          });
    });
  }

  /** Requests forwarded by other nodes for calls this node owns. */
  public void onIngress(Message<CallRequest> msg) {
    CallRequest req = msg.body();
    Future<CallReply> reply = switch (req.action()) {
      case "callvert.release" -> {
        release(req.callId(), req.body().getString("gate"));
        yield Future.succeededFuture(CallReply.empty(202));
      }
      case "callvert.journal" -> registry.get(req.callId()) == null ? Future.failedFuture(ApiException.callNotFound())
          : journal(req.callId()).map(j -> CallReply.json(200, j));
      case "callvert.recording" -> localRecording(req.body().getString("recordingId"), req.body().getString("token"));
      default -> registry.get(req.callId()) == null ? Future.failedFuture(ApiException.callNotFound()) : request(req);
    };
    reply.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        ApiException e = decodeFailure(ar.cause());
        msg.fail(e.status(), encodeError(e));
      }
    });
  }

  /**
   * A recording this node does not hold: in a cluster, the node owning the call holds it (the
   * recording URL names the call). Statuses travel as the download's status.
   */
  public Future<RecordingStore.Download> remoteRecording(String callId, String recordingId, String token) {
    if (directory == null || registry.get(callId) != null) {
      return Future.succeededFuture(new RecordingStore.Download(404, null, null));
    }
    JsonObject body = new JsonObject().put("recordingId", recordingId).put("token", token);
    return forward(new CallRequest(callId, "callvert.recording", body, null, null))
        .map(r -> new RecordingStore.Download(r.status(), r.payload(), null))
        .recover(e -> {
          ApiException api = decodeFailure(e);
          int status = api.status() == 401 ? 401 : 404;
          return Future.succeededFuture(new RecordingStore.Download(status, null, null));
        });
  }

  /** A download for another node: the bytes travel in the reply (a recording is at most two minutes). */
  private Future<CallReply> localRecording(String recordingId, String token) {
    return recordings.download(recordingId, token).compose(d -> switch (d.status()) {
      case 401 -> Future.failedFuture(ApiException.unauthenticated("A valid recordingAccessToken is required as the Bearer token."));
      case 404 -> Future.failedFuture(ApiException.itemNotFound("Recording not found."));
      default -> (d.file() != null ? vertx.fileSystem().readFile(d.file()) : Future.succeededFuture(d.body()))
          .map(bytes -> CallReply.binary(bytes, "application/octet-stream"));
    });
  }

  private JsonObject ownerRecord(String callId, JsonObject owner) {
    return owner.put("node", directory.nodeId()).put("address", ingressAddress).put("callId", callId);
  }

  /** Keeps the directory's copy of a live call's owner record current (cluster only). */
  Future<Void> publishOwner(String callId, JsonObject owner) {
    return directory == null ? Future.succeededFuture() : directory.put(callId, ownerRecord(callId, owner));
  }

  /** The public signing keys of every node of the cluster (empty when not clustered). */
  public Future<List<JsonObject>> clusterKeys() {
    return directory == null ? Future.succeededFuture(List.of()) : directory.keys();
  }

  /**
   * Cluster members left. One survivor (the lowest node id) tells the bots of every call the lost
   * nodes owned: a terminal notification per live operation, then the call's terminated
   * notification (see README, "Node loss"). Those calls then answer 404.
   */
  public void onNodesLost(java.util.Set<String> lost) {
    if (directory == null || !directory.isReporter()) {
      return;
    }
    directory.keys().onSuccess(keys -> keys.stream().filter(k -> lost.contains(k.getString("node")))
        .forEach(k -> directory.withdrawKey(k.getString("kid"))));
    directory.ownedBy(lost).onSuccess(owned -> owned.forEach((callId, record) -> {
      for (Outbound o : CallSession.ownerLost(callId, record)) {
        dispatch(o);
      }
      directory.remove(callId);
    }));
  }

  /** The caller's heard audio as a WAV reply, rendered on a worker thread. */
  Future<CallReply> renderHeard(List<io.callvert.runtime.audio.Wav.Slice> slices) {
    return vertx.executeBlocking(() -> CallReply.binary(
        io.vertx.core.buffer.Buffer.buffer(io.callvert.runtime.audio.Wav.render(slices)), "audio/wav"), false);
  }

  private Future<CallReply> answerRetained(CallRegistry.Handle h, CallRequest req) {
    if (req.action().equals("heard")) {
      return renderHeard(h.retained.heardSlices());
    }
    try {
      return Future.succeededFuture(h.retained.handle(req.action(), req.body(), req.baseUrl(), req.payload()));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
  }

  /** The HTTP response that created {@code gate} has been written: its notifications may go (rule 7). */
  public void release(String callId, String gate) {
    if (directory != null && registry.get(callId) == null) {
      forward(new CallRequest(callId, "callvert.release", new JsonObject().put("gate", gate), null, null));
      return;
    }
    control(callId, new JsonObject().put("release", gate).put("callId", callId));
  }

  /** The notification journal of a call (Callvert's inspection API). */
  public Future<JsonObject> journal(String callId) {
    if (stopped) {
      return Future.failedFuture(undeployed());
    }
    if (registry.get(callId) == null) {
      return directory == null ? Future.failedFuture(ApiException.callNotFound())
          : forward(new CallRequest(callId, "callvert.journal", null, null, null)).map(CallReply::body);
    }
    return vertx.eventBus().<JsonObject>request(dispatchers.addressFor(callId), new JsonObject().put("journal", callId),
        new DeliveryOptions().setLocalOnly(true)).map(Message::body);
  }

  void retire(String callId, CallSession finalState) {
    registry.retire(callId, finalState);
    publishOwner(callId, finalState.ownerRecord());
    control(callId, new JsonObject().put("ended", callId));
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
    control(callId, new JsonObject().put("ended", callId));
    if (directory != null) {
      directory.remove(callId);
    }
  }

  /** Directory entries of ended calls still in retention; removed when the instance stops. */
  public Future<Void> leaveDirectory() {
    if (directory == null) {
      return Future.succeededFuture();
    }
    List<Future<Void>> removals = new ArrayList<>();
    for (CallRegistry.Handle h : registry.handles()) {
      removals.add(directory.remove(h.id()));
    }
    return Future.join(removals).mapEmpty();
  }

  private void expire(String callId) {
    registry.remove(callId);
    if (directory != null) {
      directory.remove(callId);
    }
    recordings.deleteCall(callId);
    control(callId, new JsonObject().put("forget", callId));
  }

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

  private static final ApiException UNDEPLOYED =
      new ApiException(503, "serviceNotAvailable", "Callvert is shutting down: this instance has been undeployed.");

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

  // ------------------------------------------------------------------ errors across the bus

  static String encodeError(ApiException e) {
    return new JsonObject().put("status", e.status()).put("code", e.code()).put("message", e.getMessage())
        .put("retryAfter", e.retryAfterSeconds()).encode();
  }

  /** Maps an event-bus failure back to the client-visible error. */
  public static ApiException decodeFailure(Throwable e) {
    if (e instanceof ApiException api) {
      return api;
    }
    if (e instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.getMessage() != null && re.getMessage().startsWith("{")) {
        JsonObject j = new JsonObject(re.getMessage());
        Object ra = j.getValue("retryAfter");
        return new ApiException(j.getInteger("status", re.failureCode()), j.getString("code"), j.getString("message"),
            ra instanceof Number n ? n.longValue() : null);
      }
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new ApiException(504, "timeout", "The call did not answer in time; retry the request.");
      }
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        return ApiException.callNotFound();
      }
    }
    return new ApiException(500, "generalException", "Unexpected failure: " + e.getMessage());
  }
}
