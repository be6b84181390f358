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
import io.callvert.verticles.media.MediaService;
import io.callvert.verticles.media.RecordingStore;
import io.callvert.verticles.metrics.CallvertMetrics;
import io.callvert.verticles.ops.Tracing;
import io.callvert.verticles.webhook.DispatcherMessage;
import io.callvert.verticles.webhook.WebhookDispatchers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The calls of one Callvert instance on one node: creates call verticles ({@link CallStarter}), routes commands to them
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

  // Callvert carries trace context itself (contract rule 70 — Traces from request to webhook): Vert.x's own event-bus spans stay off
  private static final DeliveryOptions LOCAL = Tracing.local(new DeliveryOptions().setLocalOnly(true));

  private final Vertx vertx;
  private final CallvertOptions options;
  private final String instanceId;
  private final Clock clock;
  private final Scheduler scheduler;
  private final MediaService media;
  private final RecordingStore recordings;
  private final WebhookDispatchers dispatchers;
  private final CallRegistry registry = new CallRegistry();
  private final Retention retention;
  private final CallStarter starter;
  private final CallSession.Env env;
  /** Asks to this node's calls, with their timeout (contract rule 5's 504 when a call does not answer). */
  private final LocalAsks asks;
  private volatile boolean accepting = true;
  private volatile boolean stopped;
  // set once during the root verticle's start, before any request; volatile so every event loop reads them
  private volatile CallvertMetrics metrics = CallvertMetrics.NOOP;
  private volatile Tracing tracing = Tracing.OFF;
  /** Set when the Vert.x instance is clustered. */
  private volatile ClusterLink cluster;
  /** Whether call verticles keep their owner records in the durable store (contract rule 42); set before any call. */
  private volatile boolean durable;
  /** The dashboard's view of this node's calls (docs/ui.md); set before any call. */
  private volatile CallObserver observer = CallObserver.NONE;

  public CallManager(Vertx vertx, Context rootContext, CallvertOptions options, String instanceId, Clock clock,
      IdSource ids, Scheduler scheduler, MediaService media, RecordingStore recordings, WebhookDispatchers dispatchers) {
    this.vertx = vertx;
    this.options = options;
    this.instanceId = instanceId;
    this.clock = clock;
    this.scheduler = scheduler;
    this.media = media;
    this.recordings = recordings;
    this.dispatchers = dispatchers;
    this.env = new CallSession.Env(clock, options.calls(), options.callee(), options.webhook().appId(),
        new EnergyDetector(EnergyDetector.DEFAULT_THRESHOLD_DBFS), ids);
    this.asks = new LocalAsks(vertx, options.http().requestTimeoutMs(), () -> System.nanoTime() / 1_000_000);
    this.retention = new Retention(this, rootContext, options.calls(), clock, scheduler, recordings);
    this.starter = new CallStarter(this, vertx, rootContext, env);
    asks.start(this::finalAnswer);
  }

  /** The cluster link, or null when not clustered. */
  ClusterLink cluster() {
    return cluster;
  }

  /**
   * Joins the cluster: calls are entered in the directory, commands for other nodes' calls
   * forwarded, and this node answers for its own on {@code ingressAddress}.
   *
   * @param dialects the renderer of each dialect by name ({@link io.callvert.runtime.call.Echo#dialect()}), for
   *                 the events of calls whose node was lost
   */
  public Future<Void> attachCluster(CallDirectory directory, String ingressAddress,
      Function<String, Function<Notification, Outbound>> dialects) {
    ClusterLink link = new ClusterLink(this, directory, ingressAddress, options.http().requestTimeoutMs(), dialects);
    this.cluster = link;
    return vertx.eventBus().<io.callvert.verticles.cluster.IngressMessage>consumer(ingressAddress, link::onIngress)
        .completion();
  }

  public void metrics(CallvertMetrics metrics) {
    this.metrics = metrics;
  }

  CallvertMetrics metrics() {
    return metrics;
  }

  /** Spans for the call actors (contract rule 70 — Traces from request to webhook); set before any call. */
  public void tracing(Tracing tracing) {
    this.tracing = tracing;
  }

  Tracing tracing() {
    return tracing;
  }

  boolean clustered() {
    return cluster != null;
  }

  /** Who watches this node's calls for the dashboard (docs/ui.md); set before any call. */
  public void observer(CallObserver observer) {
    this.observer = observer;
  }

  CallObserver observer() {
    return observer;
  }

  /** Calls keep their owner records in the dispatchers' durable store from now on (contract rule 42). */
  public void durable(boolean durable) {
    this.durable = durable;
  }

  boolean durable() {
    return durable;
  }

  /**
   * Keeps a live call's owner record in the durable store through the call's dispatcher shard, so it is written in
   * order with the call's notifications (contract rule 42); completes once committed.
   */
  Future<Void> storeOwner(String callId, OwnerRecord owner) {
    return vertx.eventBus().request(dispatchers.addressFor(callId), new DispatcherMessage.Owner(callId, owner), LOCAL)
        .mapEmpty();
  }

  /** Declares a context of one of Callvert's own deployments (a descendant of the root). */
  public void adoptContext(Context context) {
    starter.adoptContext(context);
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

  /** {@link #dispatch(Outbound)} carrying {@code trace} (the span that caused it) to the delivery's spans. */
  void dispatch(Outbound notification, io.opentelemetry.context.Context trace) {
    vertx.eventBus().send(dispatchers.addressFor(notification.callId()), notification, tracing.propagate(LOCAL, trace));
  }

  /** A message for the dispatcher shard that owns {@code callId}. */
  void control(String callId, DispatcherMessage message) {
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
    return create(call, dialect, null);
  }

  /**
   * Creates a call owned by app {@code owner} (contract rule 43): only that app, and admins, reach it
   * through {@link #ask(String, Command, String)} and {@link #journal(String, String)}.
   *
   * @param owner the creating app, a plain string (see {@code ApiAuthHandler.app}); null: no app (Java API)
   */
  public Future<CallSnapshot> create(NewCall call, Function<Notification, Outbound> dialect, String owner) {
    return starter.create(call, dialect, owner);
  }

  /** Sends {@code command} to call {@code callId}, wherever it lives; ended calls answer from their final state. */
  public Future<Reply> ask(String callId, Command command) {
    return ask(callId, command, null);
  }

  /**
   * {@link #ask(String, Command)} on behalf of a caller who sees the calls of app {@code scope} (null:
   * every call): another app's call is not found, on whichever node owns it (contract rule 43).
   */
  public Future<Reply> ask(String callId, Command command, String scope) {
    if (stopped) {
      return Future.failedFuture(NodeErrors.UNDEPLOYED);
    }
    CallRegistry.Handle h = registry.get(callId);
    if (h == null) {
      return cluster == null ? Future.succeededFuture(CallRejected.callNotFound().toReply()) : cluster.forward(callId, command, scope);
    }
    if (!h.visibleTo(scope)) {
      return Future.succeededFuture(CallRejected.callNotFound().toReply());
    }
    if (!h.isLive()) {
      return Future.succeededFuture(answerRetained(h, command));
    }
    if (tracing.enabled()) {
      Tracing.Attributes.onRequest(callId, command);
    }
    return asks.ask(h.address, callId, command, tracing.propagate(LOCAL)).recover(e -> Future.failedFuture(NodeErrors.failure(e)));
  }

  /** An ask that a call did not answer because it ended first (LocalAsks): its final state answers; null while live. */
  private Reply finalAnswer(LocalAsks.Ask ask) {
    CallRegistry.Handle h = registry.get(ask.callId);
    if (h != null && h.isLive()) {
      return null;
    }
    return h != null ? answerRetained(h, ask.command) : CallRejected.callNotFound().toReply();
  }

  /** A call that has ended answers reads from its final state, which no longer changes. */
  private static Reply answerRetained(CallRegistry.Handle h, Command command) {
    try {
      return h.retained.handle(command);
    } catch (CallRejected e) {
      return e.toReply();
    }
  }

  /** The HTTP response that created {@code gate} has been written: its events may go (contract rule 7 — No notification before its answer). */
  public void release(String callId, String gate) {
    if (cluster != null && registry.get(callId) == null) {
      cluster.release(callId, gate);
      return;
    }
    control(callId, new DispatcherMessage.Release(callId, gate));
  }

  /** The notification journal of a call (Callvert's inspection API); null result: no such call. */
  public Future<JsonObject> journal(String callId) {
    return journal(callId, null);
  }

  /** {@link #journal(String)} for a caller who sees the calls of app {@code scope} (null: every call; contract rule 43). */
  public Future<JsonObject> journal(String callId, String scope) {
    if (stopped) {
      return Future.failedFuture(NodeErrors.UNDEPLOYED);
    }
    CallRegistry.Handle h = registry.get(callId);
    if (h == null) {
      return cluster == null ? Future.succeededFuture(null) : cluster.journal(callId, scope);
    }
    if (!h.visibleTo(scope)) {
      return Future.succeededFuture(null);
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

  /** The id of the cluster node owning {@code callId}, or null (not clustered, or no node owns it). */
  public Future<String> ownerNode(String callId) {
    return cluster == null ? Future.succeededFuture(null) : cluster.directory().ownerNode(callId);
  }

  /** The public signing keys of every node of the cluster (empty when not clustered). */
  public Future<List<JsonObject>> clusterKeys() {
    return cluster == null ? Future.succeededFuture(List.of()) : cluster.directory().keys();
  }

  /** Cluster members left: the reporter tells the bots of their calls (contract rule 22 — Node loss). */
  public Future<io.callvert.verticles.cluster.NodeLoss> onNodesLost(Set<String> lost) {
    return cluster != null ? cluster.onNodesLost(lost) : Future.succeededFuture(io.callvert.verticles.cluster.NodeLoss.notReporter(0));
  }

  /** Whether new calls are still accepted (false from the first step of a shutdown; readiness, contract rule 72 — Readiness, down before the port closes). */
  public boolean accepting() {
    return accepting && !stopped;
  }

  /** Keeps the directory's copy of a live call's owner record current (cluster only). */
  Future<Void> publishOwner(String callId, OwnerRecord owner) {
    return cluster == null ? Future.succeededFuture() : cluster.put(callId, owner);
  }

  /** Ended calls: kept readable for retention, then forgotten (contract rules 31, 39). */
  Retention retention() {
    return retention;
  }

  /** Directory entries of ended calls still in retention; removed when the instance stops. */
  public Future<Void> leaveDirectory() {
    return retention.leaveDirectory();
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
    asks.close(NodeErrors.UNDEPLOYED);
    scheduler.cancelAll();
    registry.handles().forEach(h -> observer.forgotten(h.id()));
    registry.clear();
  }

  public boolean stopped() {
    return stopped;
  }

  /** The event-bus addresses of this instance's calls (live and retained), for diagnostics. */
  public List<String> callAddresses() {
    List<String> addresses = new ArrayList<>();
    for (CallRegistry.Handle h : registry.handles()) {
      addresses.add(h.address);
    }
    return addresses;
  }
}
