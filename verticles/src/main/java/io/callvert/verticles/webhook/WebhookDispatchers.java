package io.callvert.verticles.webhook;

import io.callvert.config.WebhookOptions;
import io.callvert.runtime.protocol.Codecs;
import io.callvert.verticles.auth.NotificationSigner;
import io.callvert.verticles.metrics.CallvertMetrics;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.callvert.verticles.net.OutboundHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook dispatcher of one Callvert instance, sharded by call id over several event loops: a
 * call's notifications always go to the same shard, so per-call order and the causality gates hold,
 * while delivery work (HTTP client I/O, signing, journaling) for different calls runs on different
 * cores instead of queueing on one loop.
 *
 * <p><b>Why the shards are a deployment of their own.</b> When Callvert is undeployed, Vert.x first
 * undeploys the root verticle's children, the call verticles, and each hands its final
 * notification (the call's {@code terminated}) to its shard as it stops; only then does the root's
 * {@code stop()} run, which {@link #drain drains} the shards and {@link #close closes} them. A shard
 * that were a child of the root would be undeployed together with the call verticles, before
 * their last notifications are delivered. So the shards are the instances of one <em>top-level</em>
 * deployment ({@code instances} = shard count, which Vert.x places on distinct event-loop
 * contexts), deployed by {@link #start()} and undeployed by {@link #close()} at the end of the
 * root's {@code stop()}.
 *
 * <p>Vert.x makes a deployment the child of the deployment whose context deploys it; public API
 * has no "deploy without a parent", but a deployment made from a thread that is not a Vert.x thread
 * (so has no context of a deployment) has no parent. {@link #start()} therefore deploys the shards
 * from a short-lived thread of its own, and reports back on the caller's context. (Before this,
 * the shards ran on contexts made by the internal {@code VertxInternal.createEventLoopContext()}.)
 *
 * <p>When the whole Vert.x instance closes, it undeploys every top-level deployment at once, the
 * shards and Callvert's root alike: a shard being stopped that way keeps delivering until the root
 * has drained it ({@link #close()}), so the final notifications are not lost then either.
 */
public final class WebhookDispatchers {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatchers.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final List<WebhookDispatcher> shards = new ArrayList<>();
  private final String tapAddress;
  /** Completed by {@link #close()}: from then on a shard may stop. */
  private final Promise<Void> released = Promise.promise();
  /** The shards' deployment, once deployed (null again once {@link #close()} undeployed it). */
  private volatile String deploymentId;
  /** The Graph-like profile's second signing key (contract rule 79). */
  private final KeyRollover keys;
  private final WebhookOptions options;

  public WebhookDispatchers(Vertx vertx, String baseAddress, int shardCount, WebhookOptions options,
      OutboundHttp client, NotificationSigner signer) {
    this.vertx = vertx;
    this.tapAddress = baseAddress + ".tap";
    this.options = options;
    this.keys = new KeyRollover(vertx, signer);
    for (int i = 0; i < Math.max(1, shardCount); i++) {
      shards.add(new WebhookDispatcher(vertx, baseAddress + "." + i, tapAddress, options, client, signer));
    }
  }

  /**
   * Deploys the shards, one verticle instance per shard, as a top-level deployment (see the class
   * comment); completes on the calling context once every shard consumes its address.
   */
  public Future<Void> start() {
    for (Class<?> type : DispatcherMessage.class.getPermittedSubclasses()) {
      Codecs.register(vertx.eventBus(), type);
    }
    if (!options.profile().strict()) {
      return profile(options.profile()).compose(v -> deployShards());
    }
    return deployShards();
  }

  /**
   * Sets the delivery profile of the calls whose first notification comes from now on (contract rules 77-79);
   * completes once it applies (the Graph-like profile first generates the key it rolls over to).
   */
  public Future<Void> profile(io.callvert.config.DeliveryProfileOptions profile) {
    Future<Void> ready = profile.strict() ? Future.succeededFuture() : keys.prepare();
    return ready.onSuccess(v -> shards.forEach(s -> s.profile(new DeliveryProfile(profile), keys)));
  }

  private Future<Void> deployShards() {
    Context caller = vertx.getOrCreateContext();
    Promise<Void> started = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    Thread deployer = new Thread(() -> vertx.deployVerticle(
            () -> new Shard(shards.get(next.getAndIncrement()), released.future()),
            new DeploymentOptions().setInstances(shards.size()))
        .onComplete(ar -> caller.runOnContext(v -> {
          if (ar.succeeded()) {
            deploymentId = ar.result();
            started.complete();
          } else {
            started.fail(ar.cause());
          }
        })), "callvert-webhook-shards-deployer");
    deployer.setDaemon(true);
    deployer.start();
    return started.future();
  }

  /** The local address of the shard that owns {@code callId}. */
  public String addressFor(String callId) {
    return shards.get(Math.floorMod(callId.hashCode(), shards.size())).address();
  }

  public List<String> addresses() {
    List<String> all = new ArrayList<>();
    shards.forEach(s -> all.add(s.address()));
    return all;
  }

  /** Where in-process listeners receive notifications (one address for every shard). */
  public String tapAddress() {
    return tapAddress;
  }

  public void enableTap() {
    shards.forEach(WebhookDispatcher::enableTap);
  }

  public void metrics(CallvertMetrics metrics) {
    shards.forEach(s -> s.metrics(metrics));
  }

  /** Who watches delivery for the dashboard's timelines (docs/ui.md); before start. */
  public void observer(DeliveryObserver observer) {
    shards.forEach(s -> s.observer(observer));
  }

  /** Spans for delivery attempts (contract rule 70 — Traces from request to webhook); before start. */
  public void tracing(io.callvert.verticles.ops.Tracing tracing) {
    shards.forEach(s -> s.tracing(tracing));
  }

  /** Notifications held by every shard and not yet settled (readiness, contract rule 72 — Readiness, down before the port closes). */
  public int backlog() {
    int n = 0;
    for (WebhookDispatcher s : shards) {
      n += s.backlog();
    }
    return n;
  }

  /** The durable store every shard keeps its notifications and owner records in (contract rule 42); before start. */
  public void store(io.callvert.verticles.store.DurableStore store) {
    shards.forEach(s -> s.store(store));
  }

  /** Completes when every shard has delivered or dead-lettered what it holds, or after {@code graceMs}. */
  public Future<Void> drain(long graceMs) {
    List<Future<Boolean>> drained = new ArrayList<>();
    for (WebhookDispatcher shard : shards) {
      drained.add(vertx.eventBus().<Boolean>request(shard.address(), new DispatcherMessage.Drain(graceMs),
          new DeliveryOptions(LOCAL).setSendTimeout(graceMs + 5_000)).map(m -> m.body()));
    }
    return Future.join(drained).compose(cf -> {
      for (Future<Boolean> f : drained) {
        if (f.failed() || !Boolean.TRUE.equals(f.result())) {
          return Future.failedFuture("notifications still pending after " + graceMs + " ms");
        }
      }
      return Future.succeededFuture();
    });
  }

  /**
   * Stops every shard (after {@link #drain}): undeploys the shards' deployment. Also when the
   * shards never started, and when Vert.x is closing and already undeploying them.
   */
  public Future<Void> close() {
    released.tryComplete();
    String id = deploymentId;
    deploymentId = null;
    if (id == null) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(id).recover(e -> {
      // Vert.x closing undeploys the shards itself: released now, they stop after their drain
      log.debug("webhook shards {}: {}", id, e.getMessage());
      return Future.succeededFuture();
    });
  }

  /**
   * Hosts one shard: its consumer, timers and HTTP exchanges run on this verticle's event loop.
   * It stops only once released by {@link #close()}, i.e. after the root verticle drained it.
   */
  private static final class Shard extends VerticleBase {
    private final WebhookDispatcher dispatcher;
    private final Future<Void> released;

    Shard(WebhookDispatcher dispatcher, Future<Void> released) {
      this.dispatcher = dispatcher;
      this.released = released;
    }

    @Override
    public Future<?> start() {
      return dispatcher.start();
    }

    @Override
    public Future<?> stop() {
      Promise<Void> stopped = Promise.promise();
      released.onComplete(v -> context.runOnContext(x -> dispatcher.close().onComplete(stopped)));
      return stopped.future();
    }
  }
}
