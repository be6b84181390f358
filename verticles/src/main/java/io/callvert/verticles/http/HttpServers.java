package io.callvert.verticles.http;

import io.callvert.config.HttpOptions;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Callvert's own HTTP server: one instance per event loop ({@code http.serverInstances}), sharing
 * the port, so HTTP parsing, routing and JSON work spread over the cores instead of queueing on
 * one loop. They are deployed together (children of the caller's deployment), so Vert.x gives them
 * consecutive, distinct event loops.
 */
public final class HttpServers {

  private HttpServers() {}

  /**
   * Deploys the server instances serving {@code router}; completes with the first of them.
   *
   * @param adopt told each instance's context, so calls created there may be deployed there
   */
  public static Future<HttpServer> listen(Vertx vertx, HttpOptions http, Router router, Consumer<Context> adopt) {
    return listen(vertx, http, router, adopt, handshake -> handshake.reject(404), 65536, Future::succeededFuture);
  }

  /**
   * {@link #listen(Vertx, HttpOptions, Router, Consumer)}; on undeploy each instance closes its server only once
   * {@code beforeClose} completes (readiness DOWN first, contract rule 72 — Readiness, down before the port closes).
   */
  public static Future<HttpServer> listen(Vertx vertx, HttpOptions http, Router router, Consumer<Context> adopt,
      java.util.function.Supplier<Future<Void>> beforeClose) {
    return listen(vertx, http, router, adopt, handshake -> handshake.reject(404), 65536, beforeClose);
  }

  /**
   * As {@link #listen(Vertx, HttpOptions, Router, Consumer, java.util.function.Supplier)}, with WebSocket handshakes
   * (which Vert.x hands over before routing) going to {@code webSockets} (the live media sockets, contract rule 61).
   *
   * @param maxFrameBytes largest WebSocket frame and message accepted
   */
  public static Future<HttpServer> listen(Vertx vertx, HttpOptions http, Router router, Consumer<Context> adopt,
      Handler<ServerWebSocketHandshake> webSockets, int maxFrameBytes, java.util.function.Supplier<Future<Void>> beforeClose) {
    // port 0 = a random port; Vert.x shares a random port between server instances only when it is
    // asked for as a negative number (a plain 0 would bind each instance to a different port)
    int port = http.port() == 0 ? -1 : http.port();
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(http.host())
        .setPort(port)
        .setCompressionSupported(false)
        // HTTP/1.x only: no h2c (cleartext HTTP/2 upgrade or prior knowledge). Bots reach Graph over TLS, and
        // an h2c connection multiplexes requests past the per-connection read deadline (contract rule 47);
        // with h2c on, Vert.x 5.0.7 reports a fresh HTTP/1.x connection closed right after handing it
        // over and drops the timers set for it, so no read deadline could be kept.
        .setHttp2ClearTextEnabled(false)
        // a connection with nothing read or written for this long is closed (contract rule 47)
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, http.idleTimeoutMs()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxWebSocketFrameSize(maxFrameBytes)
        .setMaxWebSocketMessageSize(maxFrameBytes);
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    ConcurrentMap<String, Integer> perClient = new ConcurrentHashMap<>(); // open connections by remote address, all instances
    return vertx.deployVerticle(() -> new Instance(serverOptions, http, perClient, router, adopt, servers, webSockets,
        beforeClose),
            new DeploymentOptions().setInstances(http.effectiveServerInstances()))
        .map(id -> servers.get(0));
  }

  /** One server instance on its own event loop (a child: closed when Callvert is undeployed). */
  private static final class Instance extends VerticleBase {
    private final HttpServerOptions serverOptions;
    private final HttpOptions http;
    private final ConcurrentMap<String, Integer> perClient;
    private final Router router;
    private final Consumer<Context> adopt;
    private final List<HttpServer> servers;
    private final Handler<ServerWebSocketHandshake> webSockets;
    private final java.util.function.Supplier<Future<Void>> beforeClose;

    Instance(HttpServerOptions serverOptions, HttpOptions http, ConcurrentMap<String, Integer> perClient, Router router,
        Consumer<Context> adopt, List<HttpServer> servers, Handler<ServerWebSocketHandshake> webSockets,
        java.util.function.Supplier<Future<Void>> beforeClose) {
      this.webSockets = webSockets;
      this.beforeClose = beforeClose;
      this.serverOptions = serverOptions;
      this.http = http;
      this.perClient = perClient;
      this.router = router;
      this.adopt = adopt;
      this.servers = servers;
    }

    @Override
    public Future<?> start() {
      adopt.accept(context); // a descendant of the root: calls created here may deploy here
      HttpServer server = vertx.createHttpServer(serverOptions)
          // what the HTTP codec refuses (414, 431, a malformed head) in the envelope too (contract rule 45)
          .invalidRequestHandler(GraphErrorHandler::invalidRequest);
      // With no WebSocket handler at all, Vert.x answers a request of an unknown HTTP version (HTTP/9.9) with
      // a bare 501 before any handler runs; with one, such requests reach the request handler, which answers
      // them 400 in the envelope. Handshakes go to the live media sockets (contract rule 61), which refuse
      // every other path 404.
      ConnectionGuard guard = ConnectionGuard.needed(http) ? new ConnectionGuard(vertx, http, perClient) : null;
      server.webSocketHandshakeHandler(handshake -> {
        if (guard != null) {
          guard.handshake(handshake); // a handshake is a whole request: no read deadline from here on
        }
        webSockets.handle(handshake);
      });
      Handler<HttpServerRequest> requests = req -> {
        if (req.version() == null) {
          GraphErrorHandler.invalidRequest(req);
        } else {
          router.handle(req);
        }
      };
      if (guard != null) {
        server.connectionHandler(guard::connection).requestHandler(guard.requests(requests));
      } else {
        server.requestHandler(requests);
      }
      return server.listen().andThen(ar -> {
        if (ar.succeeded()) {
          servers.add(ar.result());
        }
      });
    }

    /** Vert.x closes the server once this completes. */
    @Override
    public Future<?> stop() {
      return beforeClose.get();
    }
  }
}
