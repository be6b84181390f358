package io.callvert.verticles;

import io.callvert.config.CallvertOptions;
import io.callvert.config.HttpOptions;
import io.callvert.verticles.call.CallManager;
import io.callvert.verticles.http.HttpServers;
import io.callvert.verticles.live.LiveMedia;
import io.callvert.verticles.ops.Operations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * A Callvert instance's own HTTP server, with {@code http.enabled}: opened last in a start (see {@link HttpServers}),
 * closed once readiness went down, and the base of the URLs the Java API hands out when no {@code http.publicBaseUrl}
 * is configured. A host application that mounts the router in its own server instead has none.
 */
final class OwnServer {

  private volatile HttpServer server;

  /** Opens it: the API's router, call contexts adopted by the manager, the live media sockets, readiness on close. */
  Future<Void> listen(Vertx vertx, CallvertOptions options, Router router, CallManager calls, LiveMedia live,
      Operations ops) {
    return HttpServers.listen(vertx, options.http(), router, calls::adoptContext, live::handshake,
        Math.max(65_536, options.media().live().maxFrameBytes()), () -> ops.unready("shutting down")).map(first -> {
      server = first;
      return null;
    });
  }

  boolean isOpen() {
    return server != null;
  }

  /** The port it listens on, or -1 without one. */
  int actualPort() {
    HttpServer s = server;
    return s == null ? -1 : s.actualPort();
  }

  Future<Void> close() {
    HttpServer s = server;
    return s == null ? Future.succeededFuture() : s.close();
  }

  /** {@code http.publicBaseUrl}, else this server's own URL, else (no own server) the empty string. */
  String baseUrl(HttpOptions http) {
    String configured = http.publicBaseUrl();
    HttpServer s = server;
    return configured != null && !configured.isBlank() ? configured
        : s != null ? "http://" + urlHost(http.host()) + ":" + s.actualPort()
        : "";
  }

  /** A bind address as a URL host: wildcards become loopback, IPv6 literals get brackets. */
  private static String urlHost(String host) {
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      return "127.0.0.1";
    }
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
