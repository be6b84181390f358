package io.callvert.verticles.ops;

import io.callvert.config.CallvertOptions;
import io.callvert.verticles.auth.ApiAuthHandler;
import io.callvert.verticles.auth.NotificationSigner;
import io.callvert.verticles.call.CallManager;
import io.callvert.verticles.cluster.CallDirectory;
import io.callvert.verticles.webhook.WebhookDispatchers;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything an operator looks at (issue 13; contract rules 70–76), wired by the root verticle with a few lines:
 * liveness and readiness ({@link Health}), the event-loop probe, the cluster view at {@code GET /callvert/cluster},
 * the membership metrics, and tracing ({@link Tracing}) for the call actors and the dispatcher.
 */
public final class Operations {

  private static final Logger log = LoggerFactory.getLogger(Operations.class);
  /** Most call ids listed per member by {@code GET /callvert/cluster}. */
  static final int MAX_LISTED_CALLS = 100;

  private final Vertx vertx;
  private final CallvertOptions options;
  private final String instanceName;
  private final CallManager calls;
  private final NotificationSigner signer;
  private final Supplier<CallDirectory> directory;
  private final EventLoopProbe probe;
  private final Health health;
  private final OpsMetrics metrics;
  private final Tracing tracing;
  private volatile String shuttingDown;
  private Future<Void> unready;

  public Operations(Vertx vertx, CallvertOptions options, String instanceName, CallManager calls,
      WebhookDispatchers dispatchers, NotificationSigner signer, BooleanSupplier listening,
      Supplier<CallDirectory> directory) {
    this.vertx = vertx;
    this.options = options;
    this.instanceName = instanceName;
    this.calls = calls;
    this.signer = signer;
    this.directory = directory;
    this.probe = new EventLoopProbe(options.health().maxLoopStallMs());
    this.tracing = Tracing.of(vertx, options.tracing().enabled());
    this.metrics = new OpsMetrics(vertx, instanceName, probe, vertx.isClustered());
    this.health = new Health(vertx, options.health(), probe, new Health.Sources(listening, directory,
        vertx.isClustered(), () -> signer != null, options.webhook().signingEnabled(), dispatchers::backlog,
        this::notAccepting));
    calls.tracing(tracing);
    dispatchers.tracing(tracing);
  }

  /** The local event-bus address where readiness changes are published as JSON ({@code ready}, {@code reason}). */
  public static String healthAddress(String instanceName) {
    return "callvert." + instanceName + ".health";
  }

  /** Starts the event-loop probes (children of the calling deployment). */
  public Future<Void> start() {
    return probe.start(vertx).mapEmpty();
  }

  /** The cluster directory reports joins and leaves here (metrics, contract rule 75 — Membership you can see). */
  public CallDirectory watch(CallDirectory d) {
    d.observer(metrics);
    metrics.members(d.nodes().size());
    return d;
  }

  /** The unauthenticated routes: {@code /health/live}, {@code /health/ready}. */
  public void mountPublic(Router router) {
    router.get("/health/live").handler(health.liveHandler());
    router.get("/health/ready").handler(health.readyHandler());
  }

  /** The routes behind the API's authentication: {@code GET /callvert/cluster} (an admin's, contract rule 75 — Membership you can see). */
  public void mountProtected(Router router, UnaryOperator<Handler<RoutingContext>> guard,
      BiConsumer<RoutingContext, Throwable> fail) {
    router.get("/callvert/cluster").handler(guard.apply(ctx -> handleCluster(ctx, fail)));
  }

  /**
   * The first step of a shutdown (contract rule 72 — Readiness, down before the port closes): readiness goes DOWN and says so on {@link #healthAddress};
   * the returned future completes {@code health.unreadyDelayMs} later, when the port may close.
   */
  public synchronized Future<Void> unready(String reason) {
    if (unready != null) {
      return unready; // asked by every server instance and by the root verticle: once
    }
    shuttingDown = reason;
    vertx.eventBus().publish(healthAddress(instanceName), new JsonObject().put("ready", false).put("reason", reason),
        new DeliveryOptions().setLocalOnly(true));
    log.info("readiness DOWN: {}; the HTTP port closes in {} ms", reason, options.health().unreadyDelayMs());
    long delay = options.health().unreadyDelayMs();
    if (delay <= 0) {
      unready = Future.succeededFuture();
    } else {
      Promise<Void> p = Promise.promise();
      vertx.setTimer(delay, t -> p.complete());
      unready = p.future();
    }
    return unready;
  }

  /** Removes the meters (the probes go with the root deployment). */
  public void close() {
    metrics.close();
  }

  private String notAccepting() {
    String reason = shuttingDown;
    if (reason != null) {
      return reason;
    }
    return calls.accepting() ? null : "shutting down";
  }

  /**
   * {@code GET /callvert/cluster}: the members, each with its live calls (a count and at most
   * {@value #MAX_LISTED_CALLS} ids), its ended calls still retained, and the ids ({@code kid}) of the signing keys
   * it publishes in the cluster's JWKS. Admins only: it lists every app's calls (contract rule 43).
   */
  private void handleCluster(RoutingContext ctx, BiConsumer<RoutingContext, Throwable> fail) {
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_ADMIN);
    CallDirectory d = directory.get();
    if (d == null) {
      JsonObject self = member("local", true, calls.registry().liveCount(), List.of(), calls.registry().retainedCount(),
          signer == null ? List.of() : List.of(signer.keyId()));
      write(ctx, new JsonObject().put("clustered", false).put("node", "local").put("members", new JsonArray().add(self)));
      return;
    }
    Future.all(d.recordsByNode(), d.keys()).onComplete(ar -> {
      if (ar.failed()) {
        fail.accept(ctx, new io.callvert.runtime.api.ApiException(503, "serviceNotAvailable",
            "The cluster directory did not answer: " + ar.cause().getMessage()));
        return;
      }
      Map<String, Map<String, JsonObject>> byNode = ar.result().resultAt(0);
      List<JsonObject> keys = ar.result().resultAt(1);
      TreeSet<String> nodes = new TreeSet<>(d.nodes());
      JsonArray members = new JsonArray();
      for (String node : nodes) {
        List<String> live = new java.util.ArrayList<>();
        int retained = 0;
        for (Map.Entry<String, JsonObject> e : byNode.getOrDefault(node, Map.of()).entrySet()) {
          if ("TERMINATED".equals(e.getValue().getString("state"))) {
            retained++;
          } else {
            live.add(e.getKey());
          }
        }
        List<String> kids = keys.stream().filter(k -> node.equals(k.getString("node"))).map(k -> k.getString("kid"))
            .sorted().toList();
        members.add(member(node, node.equals(d.nodeId()), live.size(), live, retained, kids));
      }
      write(ctx, new JsonObject().put("clustered", true).put("node", d.nodeId()).put("members", members));
    });
  }

  private static JsonObject member(String node, boolean self, int liveCalls, List<String> ids, int retained,
      List<String> kids) {
    return new JsonObject().put("node", node).put("self", self).put("calls", liveCalls)
        .put("callIds", new JsonArray(ids.stream().limit(MAX_LISTED_CALLS).map(Object.class::cast).toList()))
        .put("retainedCalls", retained).put("keys", new JsonArray(kids.stream().map(Object.class::cast).toList()));
  }

  private static void write(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
  }
}
