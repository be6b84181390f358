package io.callvert.verticles.http;

import io.callvert.config.CallvertOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.api.Ids;
import io.callvert.runtime.protocol.CallReply;
import io.callvert.runtime.protocol.CallRequest;
import io.callvert.verticles.auth.ApiAuthHandler;
import io.callvert.verticles.auth.NotificationSigner;
import io.callvert.verticles.call.CallManager;
import io.callvert.verticles.media.RecordingStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callvert's HTTP surface as one vertx-web {@link Router}: the Graph calls API (contract rules 1–6),
 * Callvert's own simulator and inspection API (rule 18), recordings, and the OpenID/JWKS documents
 * bots use to verify notifications. The router works on its own server or mounted as a sub-router
 * under any prefix of a host application; every URL it emits includes that prefix.
 *
 * <p>Handlers only translate HTTP to {@link CallRequest}s and {@link CallReply}s back; the call
 * verticles decide.
 */
public final class HttpApi {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);


  private static final Set<String> ACTIONS = Set.of("answer", "reject", "redirect", "keepalive", "playprompt",
      "recordresponse", "cancelmediaprocessing", "subscribetotone", "senddtmftones");
  private static final Map<String, String> ALIASES = Map.of("record", "recordresponse");
  private static final Set<String> NOT_SUPPORTED = Set.of("transfer", "mute", "unmute", "updaterecordingstatus",
      "changescreensharingrole", "participants", "audioroutinggroups", "contentsharingsessions",
      "addlargegalleryview", "logteleconferencedevicequality");
  private static final Set<String> WAV_TYPES = Set.of("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave");

  private static final String REQUEST_ID = GraphErrorHandler.REQUEST_ID;
  /** One clock advance moves at most a year: enough for any timer, far from overflowing the clock. */
  private static final long MAX_ADVANCE_MS = 365L * 24 * 3600 * 1000;
  private static final String MULTIPART = "callvert.multipart";

  private final Vertx vertx;
  private final CallvertOptions options;
  private final CallManager calls;
  private final RecordingStore recordings;
  private final NotificationSigner signer;
  private final ApiAuthHandler auth;
  private final GraphErrorHandler errors;

  public HttpApi(Vertx vertx, CallvertOptions options, CallManager calls, RecordingStore recordings,
      NotificationSigner signer, ApiAuthHandler auth) {
    this.vertx = vertx;
    this.options = options;
    this.calls = calls;
    this.recordings = recordings;
    this.signer = signer;
    this.auth = auth;
    this.errors = new GraphErrorHandler(options.http().maxBodyBytes());
  }

  /**
   * A new router serving the whole API; mount it anywhere.
   *
   * <p>Its handlers answer their own errors (the Graph error envelope, rule 5) instead of calling
   * {@code ctx.fail}: in a sub-router, {@code ctx.fail} goes to the host router, whose own failure
   * handlers would answer first. The failure handler at the end is only a safety net for failures
   * raised outside Callvert's handlers.
   */
  public Router router() {
    Router router = Router.router(vertx);
    router.route().handler(guarded(this::handleRequestIds));
    router.get("/health").handler(guarded(this::handleHealth));
    if (options.metrics().enabled()) {
      prometheus().ifPresent(h -> router.get("/metrics").handler(h));
    }
    router.get("/.well-known/openid-configuration").handler(guarded(this::handleOpenIdConfiguration));
    router.get(NotificationSigner.JWKS_PATH).handler(guarded(this::handleJwks));
    // before authentication: a recording is protected by its own access token
    router.get("/callvert/calls/:callId/recordings/:recordingId").handler(guarded(this::handleRecording));
    bodyHandlers(router);
    router.route().handler(guarded(auth.handler(this::fail)));
    // the Graph surface first: its requests never walk the Callvert routes below
    router.route().handler(guarded(this::handleGraph));

    router.post("/callvert/calls").handler(guarded(this::handleCreateIncoming));
    router.post("/callvert/calls/:callId/tones").handler(guarded(ctx -> callvertAction(ctx, "caller.tones")));
    router.post("/callvert/calls/:callId/speech").handler(guarded(this::handleSpeech));
    router.post("/callvert/calls/:callId/hangup").handler(guarded(ctx -> callvertAction(ctx, "caller.hangup")));
    router.get("/callvert/calls/:callId/heard").handler(guarded(ctx -> callvertAction(ctx, "heard")));
    router.get("/callvert/calls/:callId/notifications").handler(guarded(this::handleJournal));
    router.get("/callvert/calls/:callId").handler(guarded(ctx -> callvertAction(ctx, "get")));
    router.post("/callvert/clock/advance").handler(guarded(this::handleClockAdvance));
    router.get("/callvert/clock").handler(guarded(this::handleClock));
    router.route().handler(guarded(ctx -> fail(ctx, ApiException.itemNotFound("Resource not found for the segment '" + relativePath(ctx) + "'."))));
    router.route().failureHandler(errors);
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
    router.route().handler(errors.local(BodyHandler.create(false).setBodyLimit(limit).setMergeFormAttributes(false)));
    router.route().handler(guarded(ctx -> {
      Buffer b = ctx.body().buffer();
      if (b != null && b.length() > limit) { // read by a host's own BodyHandler
        fail(ctx, errors.tooLarge());
        return;
      }
      ctx.next();
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

  // ------------------------------------------------------------------ Graph routes

  private void handleGraph(RoutingContext ctx) {
    String path = relativePath(ctx);
    if (path.startsWith("/callvert/")) {
      ctx.next();
      return;
    }
    GraphPath gp = GraphPath.parse(path);
    if (gp == null) {
      ctx.next();
      return;
    }
    String version = gp.version();
    String rawId = gp.rawId();
    String segment = gp.segment();
    String opId = gp.opId();
    HttpMethod method = ctx.request().method();
    if (rawId == null) {
      if (method != HttpMethod.POST) {
        throw methodNotAllowed(method, "/communications/calls");
      }
      ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_INITIATE);
      JsonObject body = jsonBody(ctx, true);
      respond(ctx, version, null, calls.create(false, body));
      return;
    }
    String callId = Ids.canonical(rawId);
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_INITIATE, ApiAuthHandler.ROLE_ACCESS_MEDIA);
    if (segment == null) {
      String action = switch (method.name()) {
        case "GET" -> "get";
        case "DELETE" -> "delete";
        default -> throw methodNotAllowed(method, "/communications/calls/{id}");
      };
      send(ctx, version, callId, action, null);
      return;
    }
    String name = segment.toLowerCase(Locale.ROOT);
    if (name.startsWith("microsoft.graph.")) {
      name = name.substring("microsoft.graph.".length());
    }
    name = ALIASES.getOrDefault(name, name);
    if (name.equals("operations")) {
      if (opId == null) {
        throw ApiException.invalidRequest("Listing operations is not supported; GET /communications/calls/{id}/operations/{opId}.");
      }
      if (method != HttpMethod.GET) {
        throw methodNotAllowed(method, "/communications/calls/{id}/operations/{opId}");
      }
      send(ctx, version, callId, "operation", new JsonObject().put("operationId", opId));
      return;
    }
    if (opId != null || !(ACTIONS.contains(name) || NOT_SUPPORTED.contains(name))) {
      throw ApiException.itemNotFound("Resource not found for the segment '" + segment + "'.");
    }
    if (NOT_SUPPORTED.contains(name)) {
      throw new ApiException(400, "notSupported", "'" + segment + "' is a Graph calls API feature Callvert does not support yet.");
    }
    if (method != HttpMethod.POST) {
      throw methodNotAllowed(method, "/communications/calls/{id}/" + segment);
    }
    if (name.equals("recordresponse") || name.equals("subscribetotone")) {
      ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_ACCESS_MEDIA);
    }
    send(ctx, version, callId, name, jsonBody(ctx, false));
  }

  private void send(RoutingContext ctx, String version, String callId, String action, JsonObject body) {
    // only a record needs the base URL (for its recordingLocation); Location headers are built in respond
    String base = action.equals("recordresponse") ? baseUrl(ctx) : null;
    respond(ctx, version, callId, calls.request(new CallRequest(callId, action, body, base, null)));
  }

  // ------------------------------------------------------------------ Callvert's own API

  private void handleCreateIncoming(RoutingContext ctx) {
    respond(ctx, "", null, calls.create(true, jsonBody(ctx, true)));
  }

  private void callvertAction(RoutingContext ctx, String action) {
    JsonObject body = ctx.request().method() == HttpMethod.POST ? jsonBody(ctx, action.equals("caller.tones")) : null;
    send(ctx, "", Ids.canonical(ctx.pathParam("callId")), action, body);
  }

  private void handleSpeech(RoutingContext ctx) {
    String callId = Ids.canonical(ctx.pathParam("callId"));
    String type = mediaType(ctx);
    if (WAV_TYPES.contains(type)) {
      Buffer wav = body(ctx);
      if (wav == null || wav.length() == 0) {
        throw ApiException.invalidRequest("The WAV body is empty.");
      }
      respond(ctx, "", callId, calls.request(new CallRequest(callId, "caller.speech", null, baseUrl(ctx), wav)));
      return;
    }
    send(ctx, "", callId, "caller.speech", jsonBody(ctx, true));
  }

  private void handleJournal(RoutingContext ctx) {
    String callId = Ids.canonical(ctx.pathParam("callId"));
    calls.journal(callId).onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else {
        writeJson(ctx, 200, ar.result());
      }
    });
  }

  private void handleClockAdvance(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx, true);
    Object d = body.getValue("durationMs");
    if (!(d instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())
        || n.doubleValue() > MAX_ADVANCE_MS) {
      throw ApiException.invalidRequest("'durationMs' is required and must be an integer from 0 to " + MAX_ADVANCE_MS
          + " (one year).");
    }
    calls.scheduler().advance(n.longValue()).onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else {
        writeJson(ctx, 200, new JsonObject().put("now", iso(ar.result())));
      }
    });
  }

  private void handleClock(RoutingContext ctx) {
    writeJson(ctx, 200, new JsonObject().put("now", iso(calls.clock().now()))
        .put("mode", options.clock().name().toLowerCase(Locale.ROOT)));
  }

  private void handleHealth(RoutingContext ctx) {
    writeJson(ctx, 200, new JsonObject().put("status", "UP").put("liveCalls", calls.registry().liveCount()));
  }

  private void handleOpenIdConfiguration(RoutingContext ctx) {
    if (signer == null) {
      throw ApiException.itemNotFound("Notification signing is off (webhook.signingEnabled=false).");
    }
    writeJson(ctx, 200, signer.openIdConfiguration(baseUrl(ctx)));
  }

  private void handleJwks(RoutingContext ctx) {
    if (signer == null) {
      throw ApiException.itemNotFound("Notification signing is off (webhook.signingEnabled=false).");
    }
    // in a cluster, every node's key: a bot may fetch the JWKS from one node and get notifications from another
    calls.clusterKeys().onComplete(ar -> {
      if (ar.succeeded()) {
        syncClusterKeys(ar.result());
      }
      writeJson(ctx, 200, signer.jwks());
    });
  }

  /** Makes the signer publish exactly the cluster's current keys besides its own. */
  private void syncClusterKeys(java.util.List<JsonObject> clusterKeys) {
    java.util.Set<String> current = new java.util.HashSet<>();
    for (JsonObject k : clusterKeys) {
      String kid = k.getString("kid");
      current.add(kid);
      if (!kid.equals(signer.keyId())) {
        JsonObject jwk = k.copy();
        jwk.remove("node");
        signer.addPublishedKey(jwk);
      }
    }
    if (clusterKeys.isEmpty()) {
      return;
    }
    for (Object o : signer.jwks().getJsonArray("keys")) {
      String kid = ((JsonObject) o).getString("kid");
      if (!kid.equals(signer.keyId()) && !current.contains(kid)) {
        signer.removePublishedKey(kid);
      }
    }
  }

  /** Recordings are protected by their own access token (contract rule 13), not the API token. */
  private void handleRecording(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    String callId = Ids.canonical(ctx.pathParam("callId"));
    String recordingId = Ids.canonical(ctx.pathParam("recordingId"));
    recordings.download(recordingId, token).compose(d -> d.status() == 404
            ? calls.remoteRecording(callId, recordingId, token) // another node of the cluster may hold it
            : Future.succeededFuture(d))
        .onComplete(ar -> {
          if (ar.failed()) {
            fail(ctx, ar.cause());
            return;
          }
          RecordingStore.Download d = ar.result();
          switch (d.status()) {
            case 404 -> fail(ctx, ApiException.itemNotFound("Recording not found (unknown, or its retention period is over)."));
            case 401 -> fail(ctx, ApiException.unauthenticated("A valid recordingAccessToken is required as the Bearer token."));
            default -> {
              HttpServerResponse resp = ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
              if (d.file() != null) {
                resp.sendFile(d.file()).onFailure(e -> fail(ctx, e));
              } else {
                resp.end(d.body());
              }
            }
          }
        });
  }

  /** Prometheus scraping when Vert.x runs with Micrometer's Prometheus backend (the fat jar does). */
  private static java.util.Optional<io.vertx.core.Handler<RoutingContext>> prometheus() {
    try {
      if (io.vertx.micrometer.backends.BackendRegistries.getDefaultNow()
          instanceof io.micrometer.prometheusmetrics.PrometheusMeterRegistry) {
        return java.util.Optional.of(io.vertx.micrometer.PrometheusScrapingHandler.create());
      }
    } catch (LinkageError absent) {
      // no Micrometer/Prometheus on the classpath: no /metrics
    }
    return java.util.Optional.empty();
  }

  // ------------------------------------------------------------------ plumbing

  private void respond(RoutingContext ctx, String version, String callId, Future<CallReply> reply) {
    reply.onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
        return;
      }
      CallReply r = ar.result();
      HttpServerResponse resp = ctx.response().setStatusCode(r.status());
      if (r.location() != null) {
        resp.putHeader(HttpHeaders.LOCATION, baseUrl(ctx) + version + r.location());
      }
      Future<Void> written;
      if (r.payload() != null) {
        written = resp.putHeader(HttpHeaders.CONTENT_TYPE, r.contentType()).end(r.payload());
      } else if (r.body() != null) {
        written = resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(r.body().toBuffer());
      } else {
        written = resp.end();
      }
      if (r.release() != null) {
        String id = callId != null ? callId : r.body().getString("id");
        // released whether or not the client stayed connected: the response is as written as it will be
        written.onComplete(w -> calls.release(id, r.release()));
      }
    });
  }

  private void writeJson(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
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
      fail(ctx, CallManager.undeployed());
      return;
    }
    ctx.next();
  }

  /** Answers {@code failure} with the error envelope, right here (see {@link #router()}). */
  private void fail(RoutingContext ctx, Throwable failure) {
    errors.fail(ctx, failure);
  }

  /**
   * The request body as a JSON object; null when empty and not required. A body must be JSON
   * (415 otherwise); malformed JSON or a non-object is a 400 (rule 5).
   */
  private static JsonObject jsonBody(RoutingContext ctx, boolean required) {
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

  private static String mediaType(RoutingContext ctx) {
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

  private static ApiException methodNotAllowed(HttpMethod method, String path) {
    return new ApiException(405, "methodNotAllowed", method.name() + " is not allowed on " + path + ".");
  }

  /** The path below the mount point, so the router behaves the same under any prefix. */
  private static String relativePath(RoutingContext ctx) {
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

  /** Scheme, host and mount prefix of this request (or http.publicBaseUrl), without a trailing slash. */
  private String baseUrl(RoutingContext ctx) {
    String configured = options.http().publicBaseUrl();
    String origin;
    if (configured != null && !configured.isBlank()) {
      origin = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    } else {
      String host = ctx.request().authority() != null ? ctx.request().authority().toString() : ctx.request().getHeader(HttpHeaders.HOST);
      origin = ctx.request().scheme() + "://" + host;
    }
    String mount = ctx.mountPoint();
    if (mount != null && !mount.isEmpty() && !mount.equals("/")) {
      origin += mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
    }
    return origin;
  }

  private static String iso(long millis) {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis));
  }
}
