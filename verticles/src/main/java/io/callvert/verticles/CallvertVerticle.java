package io.callvert.verticles;

import io.callvert.runtime.call.IdSource;
import io.callvert.runtime.graph.GraphDialect;

import io.callvert.config.CallvertOptions;
import io.callvert.config.ClockMode;
import io.callvert.config.ConfigException;
import io.callvert.runtime.api.Ids;
import io.callvert.runtime.clock.Clock;
import io.callvert.runtime.clock.VirtualClock;
import io.callvert.runtime.protocol.Codecs;
import io.callvert.verticles.auth.ApiAuthHandler;
import io.callvert.verticles.auth.NotificationSigner;
import io.callvert.verticles.call.CallManager;
import io.callvert.verticles.http.AcsRoutes;
import io.callvert.verticles.http.HttpApi;
import io.callvert.verticles.media.MediaService;
import io.callvert.verticles.media.RecordingStore;
import io.callvert.verticles.store.DurableStore;
import io.callvert.verticles.store.Restart;
import io.callvert.verticles.webhook.WebhookDispatchers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import io.callvert.runtime.net.HostPolicy;
import io.callvert.verticles.net.OutboundHttp;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point of Callvert: deploy this verticle into any {@link io.vertx.core.Vertx} to run
 * a Callvert instance, undeploy it to remove everything it started.
 *
 * <p>It wires the instance (clock, call manager, media fetcher, recordings, webhook dispatcher,
 * HTTP API) from a typed {@link CallvertOptions}; it never reads environment variables or system
 * properties (only the fat jar's {@code Main} does). With {@code http.enabled} it opens its own
 * HTTP server; either way {@link #router()} returns the API as a router a host application can
 * mount under a prefix of its choice, once the deployment has completed.
 *
 * <p>Three ways to deploy it: {@code vertx.deployVerticle(new CallvertVerticle(options))}; with an
 * instance name for several Callverts in one application; or by class name with the options as
 * the deployment's JSON config (the JSON of {@link CallvertOptions#toJson()}):
 * <pre>{@code
 * vertx.deployVerticle("io.callvert.verticles.CallvertVerticle",
 *     new DeploymentOptions().setConfig(new JsonObject().put("http", new JsonObject().put("port", 0))));
 * }</pre>
 * Every configuration problem found while deploying fails the deployment with a
 * {@link ConfigException} naming the key and its source ({@code deployment config} when deployed
 * by class name, {@code CallvertOptions} otherwise).
 *
 * <p>Undeploying terminates every live call (each call verticle ends its call as it stops, and the
 * bot gets its {@code terminated} notification), closes the own server, cancels Callvert's timers,
 * flushes pending notifications for up to {@code shutdown.graceMs}, unregisters in-process
 * listeners and deletes recordings. A router or client the host still holds then answers 503.
 */
public final class CallvertVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(CallvertVerticle.class);

  private CallvertOptions options;
  private final String configSource;
  private final String instanceName;
  private io.callvert.verticles.metrics.CallvertMetrics metrics;
  private volatile boolean deployed;
  private Clock clock;
  private CallManager calls;
  private WebhookDispatchers dispatcher;
  private RecordingStore recordings;
  /** What survives a restart (contract rule 42); {@link DurableStore#NONE} without {@code store.dir}. */
  private DurableStore store = DurableStore.NONE;
  /** Notifications and media each have their own client (connection pool): one's slow hosts never hold the other's. */
  private OutboundHttp client;
  private OutboundHttp mediaClient;
  private NotificationSigner signer;
  private Router router;
  private io.callvert.verticles.ui.Ui ui;
  private io.callvert.verticles.live.LiveMedia live;
  private GraphDialect graph;
  private final OwnServer server = new OwnServer();
  private final NotificationListeners listeners = new NotificationListeners();
  /** The cluster side, used only when the Vert.x instance is clustered. */
  private ClusterMembership cluster;
  /** Health, tracing, the cluster view (issue 13, docs/operations.md). */
  private io.callvert.verticles.ops.Operations ops;

  /**
   * For deployment by class name: the options are read from the deployment's JSON config when
   * the verticle starts (missing keys are defaults; unknown keys are logged and ignored), and any
   * problem fails the deployment with a {@link ConfigException} from {@code deployment config}.
   * The instance name is {@code callvert}.
   */
  public CallvertVerticle() {
    this.options = null;
    this.configSource = DeployChecks.DEPLOYMENT_CONFIG;
    this.instanceName = "callvert";
  }

  public CallvertVerticle(CallvertOptions options) {
    this(options, "callvert");
  }

  /**
   * @param instanceName names this Callvert in a clustered Vert.x: nodes deploying the same name
   *                     form one Callvert cluster (one call directory); two Callverts in one
   *                     application use two names
   */
  public CallvertVerticle(CallvertOptions options, String instanceName) {
    this.options = Objects.requireNonNull(options, "options");
    this.configSource = DeployChecks.OPTIONS_SOURCE;
    this.instanceName = Objects.requireNonNull(instanceName, "instanceName");
  }

  @Override
  public Future<?> start() {
    ConfigException refused;
    try {
      options = DeployChecks.options(options, config());
      refused = DeployChecks.refusal(options, vertx.isClustered(), configSource);
    } catch (ConfigException e) {
      refused = e;
    }
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    cluster = new ClusterMembership(vertx, instanceName);
    Codecs.registerOnce(vertx);
    graph = GraphDialect.create(options);
    String instanceId = Ids.newId().substring(0, 8);
    clock = options.clock() == ClockMode.VIRTUAL ? new VirtualClock(System.currentTimeMillis()) : Clock.SYSTEM;
    HostPolicy outbound = HostPolicy.of(options);
    client = new OutboundHttp(vertx, outbound, "Callvert/" + version(), options.webhook().maxConnections());
    mediaClient = new OutboundHttp(vertx, outbound, "Callvert/" + version(), options.media().maxConnections());
    MediaService media = new MediaService(vertx, mediaClient, options.media());
    recordings = new RecordingStore(vertx, options.media().recordingsDir());
    String dispatcherAddress = "callvert." + instanceId + ".webhooks";
    int shards = options.http().effectiveServerInstances();

    Future<NotificationSigner> signerReady = options.webhook().signingEnabled()
        ? NotificationSigner.create(vertx, options.webhook().issuer(), options.webhook().signingKeyPem(), options.webhook().tokenLifetimeMs())
        : Future.succeededFuture(null);
    return signerReady
        .compose(s -> {
          signer = s;
          return DurableStore.open(vertx, options.store(), configSource);
        })
        .compose(st -> {
          store = st;
          return ApiAuthHandler.fromOptions(vertx, options.auth(), configSource);
        })
        .compose(auth -> {
          dispatcher = new WebhookDispatchers(vertx, dispatcherAddress, shards, options.webhook(), client, signer);
          calls = new CallManager(vertx, context, options, instanceId, clock, IdSource.RANDOM,
              io.callvert.verticles.call.Scheduler.forClock(vertx, clock), media, recordings, dispatcher);
          metrics = io.callvert.verticles.metrics.CallvertMetrics.create(vertx, instanceName,
              calls.registry()::liveCount);
          dispatcher.metrics(metrics);
          calls.metrics(metrics);
          if (store.enabled()) {
            dispatcher.store(store);
            calls.durable(true);
            recordings.durable(store);
          }
          live = new io.callvert.verticles.live.LiveMedia(vertx, options, calls); // docs/live-media.md
          ops = new io.callvert.verticles.ops.Operations(vertx, options, instanceName, calls, dispatcher, signer,
              () -> server.isOpen() || !options.http().enabled(), cluster::directory); // docs/operations.md
          return io.callvert.verticles.ui.Ui.start(vertx, options, instanceName, calls, dispatcher).compose(ui -> {
            this.ui = ui; // docs/ui.md
            live.timeline(ui.timelines()::record); // contract rule 86 — A media socket's life is on the call's timeline
            router = new HttpApi(vertx, options, calls, recordings, signer, auth, graph).live(live).ui(ui).operations(ops)
                .router();
            return dispatcher.start().compose(v -> ops.start());
          });
        })
        .compose(v -> restart())
        .compose(v -> vertx.isClustered() ? cluster.join(instanceId, calls, AcsRoutes.renderers(options, clock, graph),
            ops, ui, signer) : Future.succeededFuture())
        .compose(v -> options.http().enabled() ? server.listen(vertx, options, router, calls, live, ops)
            : Future.succeededFuture())
        .andThen(ar -> deployed = ar.succeeded())
        .recover(this::undoFailedStart);
  }

  /**
   * A failed start (a taken port, an unreadable key file) must not leave behind what Vert.x does
   * not clean for us: the dispatcher shards (they belong to no deployment) and the web client.
   */
  private Future<Void> undoFailedStart(Throwable cause) {
    if (metrics != null) {
      metrics.close();
    }
    if (ops != null) {
      ops.close();
    }
    cluster.stop();
    Future<Void> shards = (dispatcher != null ? dispatcher.close() : Future.<Void>succeededFuture())
        .eventually(() -> store.close());
    return shards.transform(ar -> {
      if (client != null) {
        client.close();
        mediaClient.close();
      }
      return Future.failedFuture(cause);
    });
  }

  /**
   * Before any request: what a previous run left in the durable store is delivered, its calls are ended and its
   * recordings served again (contract rule 42 — A restarted node ends its calls).
   */
  private Future<Void> restart() {
    return Restart.resume(vertx, store, dispatcher, recordings, options.calls().retentionMs(),
        AcsRoutes.renderers(options, clock, graph));
  }

  @Override
  public Future<?> stop() {
    // The call verticles (children) are already undeployed: each ended its call as it stopped.
    // New calls are refused from now on, also through a router mounted in a host's still-open server.
    calls.stopAccepting();
    cluster.stop();
    // readiness DOWN first, the port closes health.unreadyDelayMs later (contract rule 72 — Readiness, down before the port closes)
    Future<Void> closed = ops.unready("shutting down").compose(v -> server.close());
    return closed
        .compose(v -> calls.leaveDirectory().otherwiseEmpty())
        .compose(v -> cluster.withdrawKey(signer))
        .compose(v -> {
          ui.stop(); // open dashboard streams end
          calls.stop(); // requests now answer 503; retention timers cancelled
          return dispatcher.drain(options.shutdown().graceMs()).otherwise(e -> {
            log.warn("shutdown: {}", e.getMessage());
            return null;
          });
        })
        .compose(v -> dispatcher.close())
        .compose(v -> recordings.written()) // announced recordings reach their files and the store
        .compose(v -> store.close().otherwiseEmpty()) // after the shards: what they still hold stays kept
        .compose(v -> listeners.closeAll()) // after the last notifications reached them
        .compose(v -> recordings.clear())
        .andThen(ar -> {
          metrics.close(); // a later deployment registers its own meters
          ops.close();
          client.close();
          mediaClient.close();
        });
  }

  /**
   * The HTTP API as a router, for mounting under a host application's own router, e.g.
   * {@code router.route("/telephony/*").subRouter(callvert.router())}: URLs it emits then include
   * the prefix. It reads request bodies itself (or takes the one a host's {@code BodyHandler}
   * already read, still applying {@code http.maxBodyBytes}) and answers its own errors, so the
   * host's failure handlers only see the host's failures. Once Callvert is undeployed it answers
   * 503; remove the host route then.
   *
   * <p>Like {@link #client()}, available once the deployment has completed: mount it in the
   * deployment future's success handler.
   *
   * @throws IllegalStateException before the deployment has completed (or after it failed)
   */
  public Router router() {
    requireDeployed();
    return router;
  }

  /** Both ways into a Callvert (router and client) behave alike before the deployment completes. */
  private void requireDeployed() {
    if (!deployed) {
      throw new IllegalStateException("Callvert is not deployed yet: use router() and client() once "
          + "vertx.deployVerticle(...) has completed");
    }
  }

  /** The port the own server listens on (useful with {@code http.port=0}), or -1 without one. */
  public int actualPort() {
    return server.actualPort();
  }

  /**
   * The JSON Web Key Set bots verify notification tokens with (what {@code /.well-known/jwks.json}
   * serves), or null with signing off ({@code webhook.signingEnabled=false}).
   */
  public JsonObject jwks() {
    return signer == null ? null : signer.jwks();
  }

  /** The notification signer; internal (tests and benchmarks reach it through their own package). */
  NotificationSigner signer() {
    return signer;
  }

  /**
   * The options this instance runs with; when deployed by class name, {@code null} until
   * {@code start()} has read them from the deployment config.
   */
  public CallvertOptions options() {
    return options;
  }

  /**
   * Diagnostics: the event-bus addresses this instance consumes on (dispatcher, in-process
   * notifications, each call's address, the cluster ingress). Once undeployed, none has a handler.
   */
  public Set<String> eventBusAddresses() {
    if (calls == null) {
      return Set.of();
    }
    Set<String> addresses = new LinkedHashSet<>();
    addresses.addAll(dispatcher.addresses());
    addresses.add(dispatcher.tapAddress());
    addresses.addAll(calls.callAddresses());
    if (cluster.ingressAddress() != null) {
      addresses.add(cluster.ingressAddress());
    }
    return addresses;
  }

  /** Diagnostics: ended calls held for retention, at most {@code calls.maxRetainedCalls} (contract rule 39). */
  public int retainedCalls() {
    return calls == null ? 0 : calls.registry().retainedCount();
  }

  /** Diagnostics: timers of Callvert's call clock still pending (0 once undeployed). */
  public int pendingTimers() {
    return calls == null ? 0 : calls.scheduler().pendingTimers();
  }

  /**
   * The local event-bus address of the webhook dispatcher shard that owns {@code callId}.
   * It accepts {@link io.callvert.runtime.protocol.Outbound} messages and delivers them like the ones
   * calls produce. Not part of the API: a hook for benchmarks that measure notification delivery
   * on its own, without the calls that normally produce the notifications.
   */
  String dispatcherAddress(String callId) {
    if (dispatcher == null) {
      throw new IllegalStateException("Callvert is not deployed yet");
    }
    return dispatcher.addressFor(callId);
  }

  /**
   * The in-process Java API of this instance (available once deployed). Recording URLs it hands
   * out start with {@code http.publicBaseUrl}, else with this instance's own server; when you
   * mount {@link #router()} instead, use {@link #client(String)}.
   *
   * @throws IllegalStateException before the deployment has completed (or after it failed)
   */
  public CallvertClient client() {
    requireDeployed();
    return client(server.baseUrl(options.http()));
  }

  /**
   * The in-process Java API, with recording URLs starting with {@code baseUrl}: where this
   * instance's router is reachable, including a host's mount prefix (e.g.
   * {@code https://app.example.com/telephony}).
   *
   * @throws IllegalStateException before the deployment has completed (or after it failed)
   */
  public CallvertClient client(String baseUrl) {
    requireDeployed();
    String base = Objects.requireNonNull(baseUrl, "baseUrl");
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return new CallvertClient(vertx, calls, dispatcher.tapAddress(), dispatcher::enableTap, listeners, base, graph, dispatcher);
  }

  /** Callvert's version, from the jar manifest ("dev" when run from classes). */
  public static String version() {
    String v = CallvertVerticle.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
