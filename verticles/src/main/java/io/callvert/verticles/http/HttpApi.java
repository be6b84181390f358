package io.callvert.verticles.http;

import io.callvert.config.CallvertOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.api.Ids;
import io.callvert.runtime.graph.GraphDialect;
import io.callvert.verticles.auth.ApiAuthHandler;
import io.callvert.verticles.auth.NotificationSigner;
import io.callvert.verticles.call.CallManager;
import io.callvert.verticles.media.RecordingStore;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;

/**
 * Callvert's HTTP surface as one vertx-web {@link Router}: the Graph calls API (contract rules 1–6),
 * Callvert's own simulator and inspection API (contract rule 18 — Callvert's own API), recordings, and the OpenID/JWKS documents
 * bots use to verify notifications. The router works on its own server or mounted as a sub-router
 * under any prefix of a host application; every URL it emits includes that prefix.
 *
 * <p>Handlers only translate HTTP to call commands (through the Graph dialect) and replies back; the call
 * verticles decide.
 */
public final class HttpApi {

  private static final String REQUEST_ID = GraphErrorHandler.REQUEST_ID;
  private static final String MULTIPART = "callvert.multipart";

  private final Vertx vertx;
  private final CallvertOptions options;
  private final CallManager calls;
  private final ApiAuthHandler auth;
  private final GraphRoutes graph;
  private final AcsRoutes acs;
  private final GraphErrorHandler errors;
  /** Health, keys, recordings and the clock: what is the node's rather than a call's. */
  private final NodeRoutes node;
  /** The pages and the dashboard's JSON (docs/ui.md); null: not served (a router built without them). */
  private UiRoutes ui;
  /** Live caller media (contract rules 60–64); null: no media socket routes. */
  private LiveMediaRoutes live;
  /** Health and the cluster view (docs/operations.md); null: not served. */
  private io.callvert.verticles.ops.Operations ops;

  public HttpApi(Vertx vertx, CallvertOptions options, CallManager calls, RecordingStore recordings,
      NotificationSigner signer, ApiAuthHandler auth, GraphDialect dialect) {
    this.vertx = vertx;
    this.options = options;
    this.calls = calls;
    this.auth = auth;
    this.graph = new GraphRoutes(this, vertx, calls, dialect);
    this.acs = new AcsRoutes(this, calls, io.callvert.runtime.acs.AcsDialect.create(options, calls.clock()), options);
    this.errors = new GraphErrorHandler(options.http().maxBodyBytes());
    this.node = new NodeRoutes(this, options, calls, recordings, signer);
  }

  /** Serves the softphone and dashboard pages and the JSON they read (docs/ui.md). */
  public HttpApi ui(io.callvert.verticles.ui.Ui ui) {
    this.ui = new UiRoutes(this, options, ui);
    return this;
  }

  /** Serves live caller media too (docs/live-media.md); call before {@link #router()}. */
  public HttpApi live(io.callvert.verticles.live.LiveMedia media) {
    this.live = new LiveMediaRoutes(this, calls, media);
    return this;
  }

  /** Adds the operator's routes (health, cluster view; docs/operations.md) to {@link #router()}. */
  public HttpApi operations(io.callvert.verticles.ops.Operations ops) {
    this.ops = ops;
    return this;
  }

  /**
   * A new router serving the whole API; mount it anywhere.
   *
   * <p>Its handlers answer their own errors (the Graph error envelope, contract rule 5 — Graph's error envelope; client mistakes are 4xx) instead of calling
   * {@code ctx.fail}: in a sub-router, {@code ctx.fail} goes to the host router, whose own failure
   * handlers would answer first. The failure handler at the end is only a safety net for failures
   * raised outside Callvert's handlers.
   */
  public Router router() {
    Router router = Router.router(vertx);
    router.route().handler(guarded(this::handleRequestIds));
    if (ui != null) {
      ui.mountPublic(router, this::guarded); // the pages load without a token
    }
    router.get("/health").handler(guarded(node::handleHealth));
    if (ops != null) {
      ops.mountPublic(router); // /health/live, /health/ready: unauthenticated (contract rules 71, 72)
    }
    if (options.metrics().enabled()) {
      NodeRoutes.prometheus().ifPresent(h -> router.get("/metrics").handler(h));
    }
    router.get("/.well-known/openid-configuration").handler(guarded(node::handleOpenIdConfiguration));
    router.get(NotificationSigner.JWKS_PATH).handler(guarded(node::handleJwks));
    // before authentication: a recording is protected by its own access token
    router.get("/callvert/calls/:callId/recordings/:recordingId").handler(guarded(node::handleRecording));
    if (live != null) {
      live.mountUpgrade(router, this::guarded); // a ticket, not the token (contract rule 61)
    }
    bodyHandlers(router);
    // ACS Call Automation (contract rules 48-59): HMAC-signed, so before the bearer token
    router.route().handler(guarded(acs::handle));
    router.route().handler(guarded(auth.routerStep(this::fail)));
    router.route().handler(LocalFailures::passed);
    // the Graph surface first: its requests never walk the Callvert routes below
    router.route().handler(guarded(graph::handleGraph));

    router.post("/callvert/acs/calls").handler(guarded(acs::handleCreateIncoming));
    if (ui != null) {
      ui.mount(router, this::guarded);
    }
    if (live != null) {
      live.mountApi(router, this::guarded);
    }
    router.post("/callvert/calls").handler(guarded(graph::handleCreateIncoming));
    router.post("/callvert/calls/:callId/tones").handler(guarded(graph::handlePressKeys));
    router.post("/callvert/calls/:callId/speech").handler(guarded(graph::handleSpeech));
    router.post("/callvert/calls/:callId/hangup").handler(guarded(graph::handleHangUp));
    router.get("/callvert/calls/:callId/heard").handler(guarded(graph::handleHeard));
    router.get("/callvert/calls/:callId/notifications").handler(guarded(graph::handleJournal));
    router.get("/callvert/calls/:callId").handler(guarded(graph::handleGetCall));
    if (ops != null) {
      ops.mountProtected(router, this::guarded, this::fail); // GET /callvert/cluster (contract rule 75 — Membership you can see)
    }
    router.post("/callvert/clock/advance").handler(guarded(node::handleClockAdvance));
    router.get("/callvert/clock").handler(guarded(node::handleClock));
    router.route().handler(guarded(ctx -> fail(ctx, ApiException.itemNotFound("Resource not found for the segment '" + relativePath(ctx) + "'."))));
    router.route().failureHandler(errors);
    // what vertx-web answers before any route runs (a path with a bad percent-escape: 400), in the envelope
    // and without its "Unhandled exception in router" ERROR line (contract rule 45)
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, errors.forStatus(status));
    }
    return router;
  }

  /** Runs {@code h}, answering what it throws with the error envelope. */
  private Handler<RoutingContext> guarded(Handler<RoutingContext> h) {
    return errors.guarded(h);
  }

  /**
   * Reads the request body with vertx-web's {@link BodyHandler}, at most {@code http.maxBodyBytes}
   * (413 beyond), in memory, no uploads. When a host application mounting this router already read
   * the body with its own {@code BodyHandler}, that body is used, and Callvert's limit still applies to it.
   */
  private void bodyHandlers(Router router) {
    long limit = options.http().maxBodyBytes();
    router.route().handler(guarded(ctx -> {
      HttpServerRequest req = ctx.request();
      String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (declared != null) {
        long length;
        try {
          length = Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
          fail(ctx, ApiException.invalidRequest("Invalid Content-Length."));
          return;
        }
        if (length > limit) {
          fail(ctx, errors.tooLarge());
          return;
        }
      }
      if (req.isEnded() && !ctx.body().available()) {
        fail(ctx, new ApiException(500, "generalException",
            "The request body was consumed before Callvert's router could read it."));
        return;
      }
      String expect = req.getHeader(HttpHeaders.EXPECT);
      if (expect != null && !"100-continue".equalsIgnoreCase(expect)) {
        req.headers().remove(HttpHeaders.EXPECT); // ignored, as it always was (BodyHandler would answer 417)
      }
      String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
      if (type != null && type.regionMatches(true, 0, "multipart/", 0, 10)) {
        ctx.put(MULTIPART, Boolean.TRUE);
      }
      ctx.next();
    }));
    // sized from Content-Length (checked above), not vertx-web's default 1 KB buffer per request
    router.route().handler(errors.local(BodyHandler.create(false).setBodyLimit(limit).setMergeFormAttributes(false)
        .setPreallocateBodyBuffer(true)));
    router.route().handler(guarded(ctx -> {
      Buffer b = ctx.body().buffer();
      if (b != null && b.length() > limit) { // read by a host's own BodyHandler
        fail(ctx, errors.tooLarge());
        return;
      }
      LocalFailures.passed(ctx); // the BodyHandler passed
    }));
  }

  /**
   * The request body; null or empty when there is none. (A multipart body is not kept by
   * {@code BodyHandler}: it reads as one byte here, so that it is refused for its type as before.)
   */
  static Buffer body(RoutingContext ctx) {
    RequestBody body = ctx.body();
    Buffer b = body == null ? null : body.buffer();
    if ((b == null || b.length() == 0) && Boolean.TRUE.equals(ctx.get(MULTIPART))) {
      return Buffer.buffer(new byte[1]);
    }
    return b;
  }

  // ------------------------------------------------------------------ plumbing

  /** Answers a read about a call: its JSON (200), 404 "call not found" for null, or the failure. */
  void writeCallJson(RoutingContext ctx, io.vertx.core.Future<JsonObject> read) {
    read.onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else if (ar.result() == null) {
        fail(ctx, ApiException.callNotFound());
      } else {
        writeJson(ctx, 200, ar.result());
      }
    });
  }

  void writeJson(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(JsonOut.encode(body));
  }

  private void handleRequestIds(RoutingContext ctx) {
    String requestId = Ids.newId();
    ctx.put(REQUEST_ID, requestId);
    HttpServerResponse resp = ctx.response().putHeader("request-id", requestId);
    String clientRequestId = ctx.request().getHeader("client-request-id");
    if (clientRequestId != null) {
      resp.putHeader("client-request-id", clientRequestId);
    }
    if (calls.stopped()) {
      // a host may still route requests to this router after undeploying Callvert
      fail(ctx, io.callvert.verticles.call.NodeErrors.UNDEPLOYED);
      return;
    }
    ctx.next();
  }

  /** Answers {@code failure} with the error envelope, right here (see {@link #router()}). */
  void fail(RoutingContext ctx, Throwable failure) {
    errors.fail(ctx, failure);
  }

  /**
   * The request body as a JSON object; null when empty and not required. A body must be JSON
   * (415 otherwise); malformed JSON or a non-object is a 400 (contract rule 5 — Graph's error envelope; client mistakes are 4xx).
   */
  static JsonObject jsonBody(RoutingContext ctx, boolean required) {
    Buffer buf = body(ctx);
    if (buf == null || buf.length() == 0) {
      if (required) {
        throw ApiException.invalidRequest("A JSON request body is required.");
      }
      return null;
    }
    String type = mediaType(ctx);
    if (!type.equals("application/json") && !type.endsWith("+json")) {
      throw ApiException.unsupportedMediaType("Content-Type must be application/json, got '" + (type.isEmpty() ? "(none)" : type) + "'.");
    }
    Object value;
    try {
      value = Json.decodeValue(buf);
    } catch (DecodeException e) {
      throw ApiException.invalidRequest("Malformed JSON body: " + firstLine(e.getMessage()));
    }
    if (!(value instanceof JsonObject o)) {
      throw ApiException.invalidRequest("The request body must be a JSON object.");
    }
    return o;
  }

  static String mediaType(RoutingContext ctx) {
    String ct = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The path below the mount point, so the router behaves the same under any prefix. */
  static String relativePath(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String mount = ctx.mountPoint();
    if (mount != null && !mount.isEmpty() && !mount.equals("/")) {
      String m = mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
      if (path.startsWith(m)) {
        path = path.substring(m.length());
      }
    }
    return path.isEmpty() ? "/" : path;
  }

  /**
   * The base of every absolute URL Callvert writes, without a trailing slash: {@code http.publicBaseUrl},
   * else the address this request's connection reached (scheme, local IP and port: the bound address, or
   * for a wildcard bind the interface the client used), then the mount prefix. Never the request's
   * {@code Host} header or {@code :authority}, which any client may set (contract rule 46).
   */
  String baseUrl(RoutingContext ctx) {
    String configured = options.http().publicBaseUrl();
    String origin;
    if (configured != null && !configured.isBlank()) {
      origin = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    } else {
      origin = connectionOrigin(ctx.request());
    }
    String mount = ctx.mountPoint();
    if (mount != null && !mount.isEmpty() && !mount.equals("/")) {
      origin += mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
    }
    return origin;
  }

  /**
   * {@code http[s]://<local address>:<local port>} of the request's connection: asked of the connection
   * itself, since vertx-web's request wrapper would parse forwarding headers for {@code isSSL()} (contract
   * rule 46 — Absolute URLs never follow the Host header; and it was 1% of the cancel path).
   */
  static String connectionOrigin(HttpServerRequest req) {
    io.vertx.core.http.HttpConnection conn = req.connection();
    String scheme = conn.isSsl() ? "https" : "http";
    io.vertx.core.net.SocketAddress local = conn.localAddress();
    String host = local == null ? null : local.hostAddress();
    if (host == null || host.isEmpty()) {
      return scheme + "://127.0.0.1";
    }
    if (host.contains(":")) {
      host = "[" + host.replace("%", "%25") + "]";
    }
    return scheme + "://" + host + ":" + local.port();
  }

}
