package io.callvert.verticles.http;

import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.api.Ids;
import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.CallState;
import io.callvert.verticles.auth.ApiAuthHandler;
import io.callvert.verticles.call.CallManager;
import io.callvert.verticles.live.LiveMedia;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * The live caller media routes (contract rules 60–64, docs/live-media.md): the media ticket (normal bearer
 * auth), the socket's upgrade for a router mounted in a host's server (the own server upgrades in its
 * handshake handler, before routing: {@link LiveMedia#handshake}) and the pacing statistics.
 */
final class LiveMediaRoutes {

  /** The response header naming the node that owns a call (contract rule 87 — A media ticket comes from the call's node). */
  static final String OWNER_NODE = "Callvert-Owner-Node";

  private final HttpApi api;
  private final CallManager calls;
  private final LiveMedia live;

  LiveMediaRoutes(HttpApi api, CallManager calls, LiveMedia live) {
    this.api = api;
    this.calls = calls;
    this.live = live;
  }

  /** Before authentication and body handling: the socket carries its own credential, a ticket. */
  void mountUpgrade(Router router, java.util.function.Function<io.vertx.core.Handler<RoutingContext>,
      io.vertx.core.Handler<RoutingContext>> guarded) {
    router.get("/callvert/calls/:callId/media").handler(guarded.apply(this::handleUpgrade));
  }

  /** Behind authentication. */
  void mountApi(Router router, java.util.function.Function<io.vertx.core.Handler<RoutingContext>,
      io.vertx.core.Handler<RoutingContext>> guarded) {
    router.post("/callvert/calls/:callId/media-ticket").handler(guarded.apply(this::handleTicket));
    router.get("/callvert/media/stats").handler(guarded.apply(this::handleStats));
  }

  /** {@code POST /callvert/calls/{id}/media-ticket}: a single-use ticket for that call's socket (contract rule 61). */
  private void handleTicket(RoutingContext ctx) {
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_SIMULATE);
    ApiException clock = live.clockRefusal();
    if (clock != null) {
      throw clock;
    }
    String callId = Ids.canonical(ctx.pathParam("callId"));
    String scope = ApiAuthHandler.callScope(ctx);
    calls.ask(callId, CallProtocol.GET_CALL, scope).onComplete(ar -> {
      if (ar.failed()) {
        api.fail(ctx, ar.cause());
        return;
      }
      if (!(ar.result() instanceof CallProtocol.CallView view) || view.call().state() == CallState.TERMINATED) {
        api.fail(ctx, ApiException.callNotFound()); // ended, another app's, or unknown
        return;
      }
      if (!live.isLiveHere(callId)) {
        misdirected(ctx, callId);
        return;
      }
      long now = System.currentTimeMillis();
      String ticket = live.tickets().issue(callId, scope, now);
      if (ticket == null) {
        api.fail(ctx, new ApiException(429, "activityLimitReached", "Too many media tickets are outstanding.", 1L));
        return;
      }
      String base = api.baseUrl(ctx);
      String ws = (base.startsWith("https:") ? "wss:" + base.substring(6) : "ws:" + base.substring(base.indexOf(':') + 1))
          + "/callvert/calls/" + callId + "/media?ticket=" + ticket;
      api.writeJson(ctx, 201, new JsonObject().put("ticket", ticket)
          .put("expiresAt", Instant.ofEpochMilli(live.tickets().expiry(now)).toString()).put("url", ws));
    });
  }

  /**
   * A live call another node of the cluster owns: its media socket is served there only, so the ticket is that
   * node's to give (contract rule 87 — A media ticket comes from the call's node): 421 naming the node, in the
   * error envelope and the {@value #OWNER_NODE} header.
   */
  private void misdirected(RoutingContext ctx, String callId) {
    calls.ownerNode(callId).onComplete(owner -> {
      String node = owner.succeeded() ? owner.result() : null;
      if (node == null) { // the directory no longer names an owner: the call ended meanwhile
        api.fail(ctx, ApiException.callNotFound());
        return;
      }
      ctx.response().putHeader(OWNER_NODE, node);
      api.fail(ctx, new ApiException(421, "misdirectedRequest", "The call's media is served by the cluster node that"
          + " owns it, node " + node + " (header " + OWNER_NODE + "; GET /callvert/cluster on a node names it): ask"
          + " that node for the media ticket and open the socket there."));
    });
  }

  /** {@code GET /callvert/calls/{id}/media} reaching the router: a mounted router upgrades here. */
  private void handleUpgrade(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      throw ApiException.invalidRequest("This is a WebSocket (Upgrade: websocket) with ?ticket= from POST "
          + "/callvert/calls/{id}/media-ticket; see docs/live-media.md.");
    }
    // the checks are asynchronous: hold the request's end for toWebSocket, which waits for it (and resumes)
    req.pause();
    String callId = Ids.canonical(ctx.pathParam("callId"));
    String own = api.baseUrl(ctx);
    live.connect(callId, ctx.queryParams().get("ticket"), req.getHeader(HttpHeaders.ORIGIN), own,
        req.getHeader(HttpHeaders.HOST), req::toWebSocket, e -> api.fail(ctx, e));
  }

  /** {@code GET /callvert/media/stats[?reset=true]}: open sockets and outbound frame lateness (an admin's). */
  private void handleStats(RoutingContext ctx) {
    ApiAuthHandler.requireRole(ctx, ApiAuthHandler.ROLE_ADMIN);
    api.writeJson(ctx, 200, live.stats("true".equals(ctx.queryParams().get("reset"))));
  }
}
