package io.callvert.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.vertx.core.json.JsonObject;

/**
 * The complete, validated and immutable Callvert configuration. JSON keys are the component names, nested, e.g.
 * {@code {"http":{"port":8080},"callee":{"targets":{"+15550100":{"behaviour":"busy"}}}}}; see {@link ConfigKeys} for
 * every leaf key and {@link ConfigLoader} for layering defaults, file, environment and system properties.
 *
 * @param http HTTP API server
 * @param auth authentication of API callers
 * @param clock time source, default {@link ClockMode#SYSTEM}
 * @param calls call session limits and timers
 * @param callee simulated callees of outgoing calls
 * @param media prompts and recordings
 * @param webhook notification delivery
 * @param cluster Hazelcast clustering
 * @param shutdown graceful shutdown
 * @param metrics metrics
 * @param outbound host policy of requests made on a bot's behalf (notifications, media)
 * @param store the durable store (what survives a restart)
 * @param acs the ACS Call Automation dialect
 * @param ui the softphone page, the dashboard and the per-call timelines behind it
 * @param tracing OpenTelemetry tracing
 * @param logging the fat jar's log format
 * @param health liveness and readiness
 */
public record CallvertOptions(HttpOptions http, AuthOptions auth, ClockMode clock, CallsOptions calls,
    CalleeOptions callee, MediaOptions media, WebhookOptions webhook, ClusterOptions cluster,
    ShutdownOptions shutdown, MetricsOptions metrics, OutboundOptions outbound, StoreOptions store, AcsOptions acs,
    UiOptions ui, TracingOptions tracing, LoggingOptions logging, HealthOptions health) {

  public static final ClockMode DEFAULT_CLOCK = ClockMode.SYSTEM;

  /** {@code null} components are replaced by their defaults. */
  public CallvertOptions {
    http = http == null ? HttpOptions.defaults() : http;
    auth = auth == null ? AuthOptions.defaults() : auth;
    clock = clock == null ? DEFAULT_CLOCK : clock;
    calls = calls == null ? CallsOptions.defaults() : calls;
    callee = callee == null ? CalleeOptions.defaults() : callee;
    media = media == null ? MediaOptions.defaults() : media;
    webhook = webhook == null ? WebhookOptions.defaults() : webhook;
    cluster = cluster == null ? ClusterOptions.defaults() : cluster;
    shutdown = shutdown == null ? ShutdownOptions.defaults() : shutdown;
    metrics = metrics == null ? MetricsOptions.defaults() : metrics;
    outbound = outbound == null ? OutboundOptions.defaults() : outbound;
    store = store == null ? StoreOptions.defaults() : store;
    acs = acs == null ? AcsOptions.defaults() : acs;
    ui = ui == null ? UiOptions.defaults() : ui;
    tracing = tracing == null ? TracingOptions.defaults() : tracing;
    logging = logging == null ? LoggingOptions.defaults() : logging;
    health = health == null ? HealthOptions.defaults() : health;
  }

  /** Without the {@code ui}, {@code tracing}, {@code logging} and {@code health} components: their defaults. */
  @JsonCreator(mode = JsonCreator.Mode.DISABLED)
  public CallvertOptions(HttpOptions http, AuthOptions auth, ClockMode clock, CallsOptions calls,
      CalleeOptions callee, MediaOptions media, WebhookOptions webhook, ClusterOptions cluster,
      ShutdownOptions shutdown, MetricsOptions metrics, OutboundOptions outbound, StoreOptions store, AcsOptions acs) {
    this(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, null, null, null, null);
  }

  /** Without the {@code acs} component: its defaults. */
  public CallvertOptions(HttpOptions http, AuthOptions auth, ClockMode clock, CallsOptions calls,
      CalleeOptions callee, MediaOptions media, WebhookOptions webhook, ClusterOptions cluster,
      ShutdownOptions shutdown, MetricsOptions metrics, OutboundOptions outbound, StoreOptions store) {
    this(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, null, null, null, null, null);
  }

  public static CallvertOptions defaults() {
    return new CallvertOptions(HttpOptions.defaults(), AuthOptions.defaults(), DEFAULT_CLOCK, CallsOptions.defaults(),
        CalleeOptions.defaults(), MediaOptions.defaults(), WebhookOptions.defaults(), ClusterOptions.defaults(),
        ShutdownOptions.defaults(), MetricsOptions.defaults(), OutboundOptions.defaults(), StoreOptions.defaults(),
        AcsOptions.defaults(), UiOptions.defaults(), TracingOptions.defaults(), LoggingOptions.defaults(), HealthOptions.defaults());
  }

  /**
   * Reads and validates a configuration tree (a Vert.x data object's JSON constructor). Missing keys and JSON
   * {@code null}s are defaults; unknown keys are logged (SLF4J, {@code WARN}) and ignored.
   *
   * @param json the tree; {@code null} = defaults
   * @throws ConfigException naming the dotted key of the first wrong value, with source {@code JSON}
   */
  @JsonCreator(mode = JsonCreator.Mode.DISABLED)
  public CallvertOptions(JsonObject json) {
    this(fromJson(json));
  }

  private CallvertOptions(CallvertOptions o) {
    this(o.http, o.auth, o.clock, o.calls, o.callee, o.media, o.webhook, o.cluster, o.shutdown, o.metrics, o.outbound, o.store,
        o.acs, o.ui, o.tracing, o.logging, o.health);
  }

  /**
   * Reads and validates a configuration tree. Missing keys and JSON {@code null}s are defaults; unknown keys are
   * logged (SLF4J, {@code WARN}) and ignored.
   *
   * @param json the tree; {@code null} = defaults
   * @throws ConfigException naming the dotted key of the first wrong value, with source {@code JSON}
   */
  public static CallvertOptions fromJson(JsonObject json) {
    return fromJson(json, "JSON");
  }

  /**
   * Like {@link #fromJson(JsonObject)}, naming {@code source} in errors and warnings, e.g. {@code "deployment config"}.
   *
   * @param json the tree; {@code null} = defaults
   * @param source where the tree came from
   * @throws ConfigException naming the dotted key of the first wrong value and {@code source}
   */
  public static CallvertOptions fromJson(JsonObject json, String source) {
    return OptionsJson.bind(json, path -> source);
  }

  /**
   * The full tree (every leaf key, unset nullable values as JSON {@code null}, secrets included); round-trips with
   * {@link #fromJson}.
   */
  public JsonObject toJson() {
    return OptionsJson.toJson(this);
  }

  /** A copy with {@code http} replaced ({@code null} = defaults). */
  public CallvertOptions withHttp(HttpOptions http) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code auth} replaced ({@code null} = defaults). */
  public CallvertOptions withAuth(AuthOptions auth) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code clock} replaced ({@code null} = defaults). */
  public CallvertOptions withClock(ClockMode clock) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code calls} replaced ({@code null} = defaults). */
  public CallvertOptions withCalls(CallsOptions calls) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code callee} replaced ({@code null} = defaults). */
  public CallvertOptions withCallee(CalleeOptions callee) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code media} replaced ({@code null} = defaults). */
  public CallvertOptions withMedia(MediaOptions media) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code webhook} replaced ({@code null} = defaults). */
  public CallvertOptions withWebhook(WebhookOptions webhook) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code cluster} replaced ({@code null} = defaults). */
  public CallvertOptions withCluster(ClusterOptions cluster) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code shutdown} replaced ({@code null} = defaults). */
  public CallvertOptions withShutdown(ShutdownOptions shutdown) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code metrics} replaced ({@code null} = defaults). */
  public CallvertOptions withMetrics(MetricsOptions metrics) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code outbound} replaced ({@code null} = defaults). */
  public CallvertOptions withOutbound(OutboundOptions outbound) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code store} replaced ({@code null} = defaults). */
  public CallvertOptions withStore(StoreOptions store) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code acs} replaced ({@code null} = defaults). */
  public CallvertOptions withAcs(AcsOptions acs) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code ui} replaced ({@code null} = defaults). */
  public CallvertOptions withUi(UiOptions ui) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store,
        acs, ui, tracing, logging, health);
  }

  /** A copy with {@code tracing} replaced ({@code null} = defaults). */
  public CallvertOptions withTracing(TracingOptions tracing) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code logging} replaced ({@code null} = defaults). */
  public CallvertOptions withLogging(LoggingOptions logging) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }

  /** A copy with {@code health} replaced ({@code null} = defaults). */
  public CallvertOptions withHealth(HealthOptions health) {
    return new CallvertOptions(http, auth, clock, calls, callee, media, webhook, cluster, shutdown, metrics, outbound, store, acs, ui, tracing, logging, health);
  }
}
