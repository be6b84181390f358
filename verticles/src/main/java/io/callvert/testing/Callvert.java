package io.callvert.testing;

import io.callvert.config.AuthOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.config.DeliveryProfileMode;
import io.callvert.config.DeliveryProfileOptions;
import io.callvert.verticles.CallvertClient;
import io.callvert.verticles.CallvertVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A started, embedded Callvert as a bot's test sees it, injected by {@link CallvertBotExtension}: where the bot
 * connects ({@link #graphBaseUrl()}, {@link #token()}), the simulated caller ({@link #callBot}), the
 * {@link #clock() test clock}, and the calls, with assertions on what the bot received and did ({@link BotCall}).
 *
 * <p>The bot may run in the test's JVM (its webhook on a local port) or in another process: it needs only the URLs
 * and the token. Point the official Graph Java SDK at Callvert with
 * {@code graph.getRequestAdapter().setBaseUrl(callvert.graphBaseUrl())} and an authentication provider that adds
 * {@code Authorization: Bearer } + {@link #token()}. Thread-safe.
 */
public final class Callvert implements AutoCloseable {

  private final Vertx vertx;
  private final CallvertVerticle verticle;
  private final CallvertClient client;
  private final String baseUrl;
  private final TestClock clock = new TestClock(this);
  private final Map<String, CallLog> calls = new LinkedHashMap<>();
  /** Calls first seen and not yet handed out by {@link #awaitCall()}, in the order seen. */
  private final List<String> unclaimed = new ArrayList<>();
  private final List<CompletableFuture<Void>> newCallWaiters = new ArrayList<>();
  private volatile Duration timeout = Duration.ofSeconds(10);
  private volatile DeliveryProfileOptions profile;

  private final String deploymentId;

  private Callvert(Vertx vertx, CallvertVerticle verticle, String deploymentId) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.verticle = verticle;
    this.client = verticle.client();
    this.baseUrl = "http://127.0.0.1:" + verticle.actualPort();
    this.profile = verticle.options().webhook().profile();
  }

  /** Starts Callvert with {@code options} on its own Vert.x and starts observing it; blocks until both are done. */
  static Callvert start(CallvertOptions options) {
    Vertx vertx = Vertx.vertx();
    CallvertVerticle verticle = new CallvertVerticle(options);
    try {
      String id = vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
      Callvert callvert = new Callvert(vertx, verticle, id);
      callvert.observe();
      return callvert;
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("Callvert did not start: " + e.getMessage(), e);
    }
  }

  /** Both listeners on one context, so a notification is always seen before the outcome of its POST. */
  private void observe() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    context.runOnContext(v -> Future.all(
            client.onNotification(n -> log(n.callId()).produced(n.sequence(), n.body())),
            client.onDeliveryAttempt(post -> log(post.getString("callId")).posted(post)))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            ready.complete(null);
          } else {
            ready.completeExceptionally(ar.cause());
          }
        }));
    ready.get(30, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ where the bot connects

  /**
   * The Graph base URL, e.g. {@code http://127.0.0.1:41234/v1.0}: the Graph SDK's {@code setBaseUrl}.
   *
   * @return the Graph base URL
   */
  public String graphBaseUrl() {
    return baseUrl + "/v1.0";
  }

  /**
   * The root of Callvert's HTTP API, e.g. {@code http://127.0.0.1:41234}.
   *
   * @return the base URL
   */
  public String baseUrl() {
    return baseUrl;
  }

  /**
   * The bearer token the bot sends ({@code Authorization: Bearer <token>}).
   *
   * @return the token
   */
  public String token() {
    return AuthOptions.DEV_TOKEN;
  }

  /**
   * The bot's application id: the {@code aud} of notification tokens, unless a call names its own.
   *
   * @return the app id
   */
  public String appId() {
    return verticle.options().webhook().appId();
  }

  /**
   * Where the keys that sign notification tokens are published (the JWKS), for a bot that validates them.
   *
   * @return the JWKS URL
   */
  public String jwksUrl() {
    return baseUrl + "/.well-known/jwks.json";
  }

  /**
   * The connection string of the Azure Communication Services Call Automation dialect, for a bot written against
   * the ACS SDK: {@code endpoint=<baseUrl>/;accesskey=<key>}, the key being {@code acs.accessKey} or, when unset,
   * the development key (Callvert listens on loopback here). Pass {@code allowInsecureConnection: true} (JS) as
   * the endpoint is plain HTTP. See docs/acs.md.
   *
   * @return the connection string
   */
  public String acsConnectionString() {
    return "endpoint=" + baseUrl + "/;accesskey=" + verticle.options().acs().effectiveAccessKey();
  }

  // ------------------------------------------------------------------ calls

  /**
   * The simulated caller calls the bot at {@code callbackUri} (the bot is told {@code call incoming} and answers,
   * rejects or redirects it).
   *
   * @param callbackUri the bot's webhook
   * @return the call
   */
  public BotCall callBot(String callbackUri) {
    JsonObject created = join(client.simulateIncomingCall(new JsonObject().put("callbackUri", callbackUri)),
        "place an incoming call to " + callbackUri);
    String id = created.getString("id");
    CallLog l = log(id);
    synchronized (this) {
      unclaimed.remove(id);
    }
    l.note("caller", "calls the bot at " + callbackUri);
    return new BotCall(this, l);
  }

  /**
   * Waits for the next call that appears and that neither an earlier {@code awaitCall()} nor {@link #callBot}
   * returned: typically the call the bot placed itself. A call appears with its first notification.
   *
   * @return the call
   * @throws AssertionError if none appears within the timeout
   */
  public BotCall awaitCall() {
    CompletableFuture<Void> appeared = new CompletableFuture<>();
    synchronized (this) {
      if (unclaimed.isEmpty()) {
        newCallWaiters.add(appeared);
      } else {
        appeared.complete(null);
      }
    }
    try {
      appeared.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("expected the bot to place (or be given) a call within " + timeout.toMillis()
          + " ms, but no new call appeared; calls seen: " + seen());
    }
    synchronized (this) {
      return new BotCall(this, log(unclaimed.remove(0)));
    }
  }

  /**
   * The call {@code callId}, e.g. one whose id the bot reported.
   *
   * @param callId the call id
   * @return the call
   */
  public BotCall call(String callId) {
    return new BotCall(this, log(callId));
  }

  /**
   * The test clock.
   *
   * @return the clock
   */
  public TestClock clock() {
    return clock;
  }

  /**
   * Sets the delivery profile of the calls that start from now on (calls under way keep theirs); {@link Delivery}
   * does this for a class or method.
   *
   * @param mode strict or Graph-like
   * @param seed the seed of the Graph-like profile's choices
   */
  public void deliveryProfile(DeliveryProfileMode mode, long seed) {
    DeliveryProfileOptions p = profile.withMode(mode).withSeed(seed);
    join(client.deliveryProfile(p), "set the delivery profile");
    profile = p;
  }

  /** Back to the profile Callvert was configured with, for the calls that start from now on. */
  void restoreConfiguredProfile() {
    DeliveryProfileOptions configured = verticle.options().webhook().profile();
    join(client.deliveryProfile(configured), "restore the delivery profile");
    profile = configured;
  }

  /**
   * How long the {@code await…} methods wait (10 s by default).
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Sets how long the {@code await…} methods wait.
   *
   * @param timeout the new timeout
   */
  public void timeout(Duration timeout) {
    this.timeout = timeout;
  }

  // ------------------------------------------------------------------ internals

  CallvertClient client() {
    return client;
  }

  Heard heard(String callId) {
    JsonObject h = join(client.heard(callId), "read what the caller heard");
    List<Heard.Segment> segments = new ArrayList<>();
    h.getJsonArray("segments").forEach(o -> {
      JsonObject s = (JsonObject) o;
      segments.add(new Heard.Segment(s.getLong("offsetMs"), s.getLong("playedMs"), s.getLong("lengthMs"),
          s.getBoolean("cut")));
    });
    return new Heard(h.getLong("durationMs"), segments);
  }

  String describeProfile() {
    DeliveryProfileOptions p = profile;
    return p.strict() ? "Delivery profile: strict.\n"
        : "Delivery profile: graph, seed " + p.seed() + " (replay with @Delivery(value = GRAPH, seed = " + p.seed()
            + ")).\n";
  }

  void noteAll(String who, String what) {
    List<CallLog> all;
    synchronized (this) {
      all = new ArrayList<>(calls.values());
    }
    all.forEach(l -> l.note(who, what));
  }

  private synchronized List<String> seen() {
    return new ArrayList<>(calls.keySet());
  }

  /** Drops the calls no test claimed (between tests of a class sharing one Callvert). */
  synchronized void forgetUnclaimed() {
    unclaimed.clear();
  }

  private CallLog log(String callId) {
    List<CompletableFuture<Void>> wake = List.of();
    CallLog l;
    synchronized (this) {
      l = calls.get(callId);
      if (l == null) {
        l = new CallLog(callId, () -> clock.advanced().toMillis());
        calls.put(callId, l);
        unclaimed.add(callId);
        wake = new ArrayList<>(newCallWaiters);
        newCallWaiters.clear();
      }
    }
    wake.forEach(f -> f.complete(null));
    return l;
  }

  /** Waits on the test's thread (the handle's calls are a test's, synchronous by design); never on an event loop. */
  <T> T join(Future<T> future, String what) {
    if (io.vertx.core.Context.isOnEventLoopThread()) {
      throw new IllegalStateException("Callvert's test handle waits for Callvert; call it from the test's thread, "
          + "not from a Vert.x event loop (it would block the loop it waits on)");
    }
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("Callvert refused to " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError("Callvert did not " + what + " in time: " + e, e);
    }
  }

  /** Stops Callvert (live calls end, their last notifications are delivered) and its Vert.x. */
  @Override
  public void close() {
    try {
      vertx.undeploy(deploymentId).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // already undeployed or failed to: Vert.x is closed below all the same
    }
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Callvert did not stop: " + e.getMessage(), e);
    }
  }
}
