package io.callvert.verticles.http;

import io.callvert.config.CallvertOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.api.Ids;
import io.callvert.verticles.auth.ApiAuthHandler;
import io.callvert.verticles.ui.EventHub;
import io.callvert.verticles.ui.Ui;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The browser pages at {@code /callvert/ui/} (softphone and dashboard: plain HTML/JS/CSS from the classpath folder
 * {@code callvert-ui}) and the JSON the dashboard reads: the call list, a call's timeline and waveform, and the
 * event stream (docs/ui.md, contract rules 65–69). The pages use relative URLs only, so they work under any mount
 * prefix. Also records, for the timelines, every request made about a call.
 */
final class UiRoutes {

  private static final Set<String> STATES = Set.of("all", "live", "ended", "incoming", "establishing", "established",
      "terminating", "terminated");
  /** The pages load their scripts, styles and the audio worklet from here only; they talk only to this origin. */
  private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self' ws: wss:; media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private final HttpApi api;
  private final CallvertOptions options;
  private final Ui ui;

  UiRoutes(HttpApi api, CallvertOptions options, Ui ui) {
    this.api = api;
    this.options = options;
    this.ui = ui;
  }

  /** Before authentication: the pages, the development-token hand-out, and the request recorder. */
  void mountPublic(Router router, UnaryOperator<Handler<RoutingContext>> guarded) {
    router.route().handler(guarded.apply(this::recordRequest));
    if (!options.ui().enabled()) {
      return;
    }
    router.get("/callvert/ui").handler(guarded.apply(ctx -> {
      if (ctx.request().path().endsWith("/")) {
        ctx.next(); // vertx-web matches "/callvert/ui/" here too: that one is the page
      } else {
        ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, "ui/").end();
      }
    }));
    router.get("/callvert/ui/session").handler(guarded.apply(this::handleSession));
    router.route("/callvert/ui/*").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    });
    router.route("/callvert/ui/*").handler(StaticHandler.create("callvert-ui").setCachingEnabled(false)
        .setDefaultContentEncoding("UTF-8").setIndexPage("index.html"));
    router.route("/callvert/ui/*").handler(guarded.apply(ctx -> // not a page: 404, not the 401 of the API behind
        api.fail(ctx, ApiException.itemNotFound("No such page under /callvert/ui/."))));
  }

  /** Behind authentication: the list, a call's timeline and waveform, the event stream. */
  void mount(Router router, UnaryOperator<Handler<RoutingContext>> guarded) {
    router.get("/callvert/calls").handler(guarded.apply(this::handleList));
    router.get("/callvert/calls/:callId/timeline").handler(guarded.apply(this::handleTimeline));
    router.get("/callvert/calls/:callId/waveform").handler(guarded.apply(this::handleWaveform));
    router.get("/callvert/events").handler(guarded.apply(this::handleEvents));
  }

  /**
   * The development token, to a page on loopback only (contract rule 65 — The development token reaches only a
   * loopback page): when the token is active at all (no real credential configured), the connection comes from a
   * loopback address, and the {@code Host} the browser used is a loopback name (so a DNS-rebound name cannot read
   * it). Otherwise {@code token} is null and the page asks for one.
   */
  private void handleSession(RoutingContext ctx) {
    boolean devActive = !options.auth().hasRealCredentials();
    boolean loopbackPeer = ctx.request().remoteAddress() != null && isLoopback(ctx.request().remoteAddress().hostAddress());
    boolean loopbackHost = isLoopbackHost(ctx.request().authority() == null ? null : ctx.request().authority().host());
    JsonObject body = new JsonObject();
    if (devActive && loopbackPeer && loopbackHost) {
      body.put("token", io.callvert.config.AuthOptions.DEV_TOKEN).put("source", "development");
    } else {
      body.putNull("token").put("reason", !devActive ? "This server needs a token: paste one."
          : "The development token is handed only to a page opened on loopback (127.0.0.1, ::1 or localhost).");
    }
    ctx.response().putHeader("Cache-Control", "no-store");
    api.writeJson(ctx, 200, body.put("clock", options.clock().name().toLowerCase(Locale.ROOT)));
  }

  static boolean isLoopback(String ip) {
    if (ip == null) {
      return false;
    }
    return ip.startsWith("127.") || ip.equals("::1") || ip.equals("0:0:0:0:0:0:0:1") || ip.equals("::ffff:127.0.0.1");
  }

  static boolean isLoopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || isLoopback(h);
  }

  // ------------------------------------------------------------------ the JSON the dashboard reads

  private void handleList(RoutingContext ctx) {
    GraphRoutes.requireInspection(ctx);
    String state = ctx.queryParams().get("state");
    if (state != null && !STATES.contains(state)) {
      throw ApiException.invalidRequest("'state' must be one of " + String.join(", ", new java.util.TreeSet<>(STATES)) + ".");
    }
    int offset = intParam(ctx, "offset", 0, 0, Ui.MAX_OFFSET);
    int limit = intParam(ctx, "limit", 50, 1, Ui.MAX_PAGE);
    String q = ctx.queryParams().get("q");
    if (q != null && q.length() > 200) {
      throw ApiException.invalidRequest("'q' is at most 200 characters.");
    }
    Ui.ListQuery query = new Ui.ListQuery(state, q == null ? null : q.strip().toLowerCase(Locale.ROOT), offset, limit,
        ApiAuthHandler.callScope(ctx));
    ui.list(query).onComplete(ar -> {
      if (ar.failed()) {
        api.fail(ctx, ar.cause());
      } else {
        api.writeJson(ctx, 200, ar.result());
      }
    });
  }

  private static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.invalidRequest("'" + name + "' must be an integer from " + min + " to " + max + ".");
  }

  private void handleTimeline(RoutingContext ctx) {
    GraphRoutes.requireInspection(ctx);
    api.writeCallJson(ctx, ui.timeline(Ids.canonical(ctx.pathParam("callId")), ApiAuthHandler.callScope(ctx)));
  }

  private void handleWaveform(RoutingContext ctx) {
    GraphRoutes.requireInspection(ctx);
    int buckets = intParam(ctx, "buckets", 800, 1, 4_000);
    api.writeCallJson(ctx, ui.waveform(Ids.canonical(ctx.pathParam("callId")), ApiAuthHandler.callScope(ctx), buckets));
  }

  /**
   * Server-sent events: {@code calls} pushes of changed calls (every node's), and with {@code ?call=<id>} of a call
   * this node holds, that call's new timeline entries ({@code timeline}). Read with {@code fetch} (it sends the
   * bearer token).
   */
  private void handleEvents(RoutingContext ctx) {
    GraphRoutes.requireInspection(ctx);
    String scope = ApiAuthHandler.callScope(ctx);
    String call = ctx.queryParams().get("call");
    String callId = call == null || call.isBlank() ? null : Ids.canonical(call);
    EventHub.Stream stream = ui.hub().open(ctx.response(), scope);
    // a call this node holds: its timeline entries too; another node's call (or none): the calls only, and the page
    // reads that call's timeline again when the call changes (contract rule 69)
    if (callId != null && ui.isLocal(callId, scope)) {
      stream.watch(ui.timelines(), callId);
    }
  }

  // ------------------------------------------------------------------ the timelines' requests

  /** Records a request about a call in its timeline when its response ends (method, path, status, latency). */
  private void recordRequest(RoutingContext ctx) {
    if (options.ui().timelineLimit() == 0 || options.ui().timelineCalls() == 0) {
      ctx.next();
      return;
    }
    String path;
    try {
      path = HttpApi.relativePath(ctx);
    } catch (IllegalArgumentException badEscape) {
      ctx.next(); // a path with a bad percent-escape names no call; it is answered 400 further on (contract rule 45)
      return;
    }
    HttpMethod method = ctx.request().method();
    String who;
    String pathId;
    if (!path.startsWith("/callvert/")) {
      GraphPath graph = GraphPath.parse(path); // the router's own grammar
      if (graph == null) {
        ctx.next();
        return;
      }
      ctx.put(GraphPath.KEY, graph); // parsed once: the Graph routes read it
      who = "bot";
      pathId = graph.rawId();
    } else if (method == HttpMethod.POST && isCallerPath(path)) {
      who = "caller";
      pathId = path.length() == CALLS.length() ? null : path.substring(CALLS.length() + 1, path.indexOf('/', CALLS.length() + 1));
    } else {
      ctx.next();
      return;
    }
    long started = System.nanoTime();
    ctx.addEndHandler(v -> {
      String location = ctx.response().headers().get(HttpHeaders.LOCATION);
      String callId = pathId != null ? pathId : after(location, "/calls/", 36);
      if (callId == null || pathId == null && !Ids.isCanonicalUuid(callId)) {
        return;
      }
      ui.timelines().recordRequest(Ids.canonical(callId), who, method.name(), path, ctx.response().getStatusCode(),
          (System.nanoTime() - started) / 1_000_000, after(location, "/operations/", -1));
    });
    ctx.next();
  }

  private static final String CALLS = "/callvert/calls";
  private static final String[] CALLER_ACTIONS = {"tones", "speech", "hangup", "media-ticket"};

  /** {@code /callvert/calls} or {@code /callvert/calls/{id}/(tones|speech|hangup|media-ticket)}: the simulated caller's. */
  static boolean isCallerPath(String path) {
    if (!path.startsWith(CALLS)) {
      return false;
    }
    if (path.length() == CALLS.length()) {
      return true;
    }
    int idStart = CALLS.length() + 1;
    if (path.charAt(CALLS.length()) != '/') {
      return false;
    }
    int slash = path.indexOf('/', idStart);
    if (slash <= idStart) {
      return false;
    }
    int actionLength = path.length() - slash - 1;
    for (String action : CALLER_ACTIONS) {
      if (action.length() == actionLength && path.startsWith(action, slash + 1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The text after the last {@code marker} in {@code location} (a mount prefix may hold it too): {@code length} characters of it (null when fewer),
   * or with -1 up to the next {@code /} or {@code ?}; null without a location or the marker.
   */
  static String after(String location, String marker, int length) {
    int at = location == null ? -1 : location.lastIndexOf(marker);
    if (at < 0) {
      return null;
    }
    int start = at + marker.length();
    int end = start;
    if (length >= 0) {
      end = start + length;
      if (end > location.length()) {
        return null;
      }
    } else {
      while (end < location.length() && location.charAt(end) != '/' && location.charAt(end) != '?') {
        end++;
      }
    }
    return end == start ? null : location.substring(start, end);
  }
}
