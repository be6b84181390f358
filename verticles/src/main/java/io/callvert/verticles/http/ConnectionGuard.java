package io.callvert.verticles.http;

import io.callvert.config.HttpOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.api.Ids;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps slow and greedy clients from holding the own server's sockets (contract rule 47): one per server
 * instance, on its event loop. The own server speaks HTTP/1.x only (see {@link HttpServers}).
 *
 * <ul>
 *   <li><b>Per-client cap</b> ({@code http.maxConnectionsPerClient}): open connections are counted by
 *       remote address across all instances; a connection beyond the cap is closed as soon as Vert.x hands
 *       it over (after its first bytes), before any request of it is read.
 *   <li><b>Read deadline</b> ({@code http.requestReadTimeoutMs}): a connection must deliver a request's
 *       head and whole body within the deadline, counted from the moment it is handed over (its first
 *       bytes) and, on a kept-alive connection, from (at most a quarter of the deadline after) the
 *       previous response's end. Vert.x calls no handler for a half-received
 *       head, so the deadline is a timer per connection, cancelled when a request's body has been read. A
 *       late request whose head arrived is answered {@code 408} in the Graph envelope; then, or without a
 *       head, the connection is closed.
 * </ul>
 * The idle timeout ({@code http.idleTimeoutMs}) is set on the server options by {@link HttpServers}.
 */
final class ConnectionGuard {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
  /** One WARN a minute at most when clients hit the cap; the rest counted. */
  private static final LogLimiter CAP_WARNINGS = new LogLimiter(1, 60_000);

  private final Vertx vertx;
  private final long readTimeoutMs;
  private final long pollMs;
  private final int maxPerClient;
  private final ConcurrentMap<String, Integer> perClient;
  /** This instance's connections by TCP socket. */
  private final Map<String, Watch> watches = new HashMap<>();

  ConnectionGuard(Vertx vertx, HttpOptions http, ConcurrentMap<String, Integer> perClient) {
    this.vertx = vertx;
    this.readTimeoutMs = http.requestReadTimeoutMs();
    this.pollMs = Math.max(1, readTimeoutMs / 4);
    this.maxPerClient = http.maxConnectionsPerClient();
    this.perClient = perClient;
  }

  /** Whether the guard has anything to do (else the server runs without it). */
  static boolean needed(HttpOptions http) {
    return http.requestReadTimeoutMs() > 0 || http.maxConnectionsPerClient() > 0;
  }

  /** Per TCP connection's state; touched on the instance's event loop only. */
  private static final class Watch {
    final String socket;
    final String client;
    final HttpConnection conn;
    HttpServerRequest current;
    long timer = -1;
    /** Whether {@link #timer} is the read deadline (else the poll for the end of a response). */
    boolean deadline;
    boolean closed;

    Watch(String socket, String client, HttpConnection conn) {
      this.socket = socket;
      this.client = client;
      this.conn = conn;
    }
  }

  /** The server's connection handler. */
  void connection(HttpConnection conn) {
    String socket = socketKey(conn);
    Watch known = socket == null ? null : watches.get(socket);
    if (known != null) { // not expected (no HTTP/2 upgrade on the own server): watched already
      return;
    }
    String client = clientKey(conn.remoteAddress());
    if (maxPerClient > 0 && client != null && perClient.merge(client, 1, Integer::sum) > maxPerClient) {
      release(client);
      CAP_WARNINGS.log(suppressed -> log.warn("closed a new connection from {}: it already has {} open"
          + " (http.maxConnectionsPerClient){}", client, maxPerClient, suppressed));
      conn.close();
      return;
    }
    Watch w = new Watch(socket, maxPerClient > 0 ? client : null, conn);
    if (socket != null) {
      watches.put(socket, w);
    }
    conn.closeHandler(v -> closed(w));
    if (readTimeoutMs > 0) {
      arm(w, readTimeoutMs);
    }
  }

  /**
   * A WebSocket handshake arrived on a connection (a complete request): its read deadline ends, so an
   * upgraded connection (a live media socket, contract rule 61) is not closed by it; the idle timeout still applies.
   */
  void handshake(io.vertx.core.http.ServerWebSocketHandshake handshake) {
    SocketAddress remote = handshake.remoteAddress();
    SocketAddress local = handshake.localAddress();
    Watch w = remote == null || local == null ? null : watches.get(remote + "|" + local);
    if (w != null) {
      cancel(w);
    }
  }

  /** The router, behind the read deadline's bookkeeping. */
  Handler<HttpServerRequest> requests(Handler<HttpServerRequest> router) {
    if (readTimeoutMs <= 0) {
      return router;
    }
    return req -> {
      String socket = socketKey(req.connection());
      Watch w = socket == null ? null : watches.get(socket);
      if (w != null && !w.closed) {
        w.current = req;
        if (!w.deadline) { // the previous response ended less than pollMs ago: this request's deadline runs from now
          arm(w, readTimeoutMs);
        }
        req.end().onComplete(ar -> {
          if (w.current == req && !w.closed) {
            arm(w, -pollMs); // read: now wait for the response to end, then for the next request
          }
        });
      }
      router.handle(req);
    };
  }

  /** A positive delay arms the read deadline; a negative one the poll for the end of the response. */
  private void arm(Watch w, long delayMs) {
    cancel(w);
    w.deadline = delayMs > 0;
    w.timer = vertx.setTimer(Math.abs(delayMs), id -> {
      w.timer = -1;
      w.deadline = false;
      if (w.closed) {
        return;
      }
      if (delayMs > 0) {
        expired(w);
        return;
      }
      HttpServerRequest r = w.current;
      if (r != null && (r.response().ended() || r.response().closed())) {
        w.current = null;
        arm(w, readTimeoutMs); // waiting for the next request: the deadline runs
      } else {
        arm(w, -pollMs); // still answering: no deadline while Callvert works
      }
    });
  }

  private void cancel(Watch w) {
    if (w.timer >= 0) {
      vertx.cancelTimer(w.timer);
      w.timer = -1;
    }
    w.deadline = false;
  }

  private void expired(Watch w) {
    HttpServerRequest r = w.current;
    if (log.isDebugEnabled()) {
      log.debug("closing connection from {}: no complete request within {} ms (http.requestReadTimeoutMs)",
          w.conn.remoteAddress(), readTimeoutMs);
    }
    if (r != null && !r.isEnded()) {
      late(r);
    } else {
      w.conn.close();
    }
  }

  /** A request whose body did not arrive in time: 408 in the envelope when nothing was written yet; then closed. */
  private void late(HttpServerRequest r) {
    HttpServerResponse resp = r.response();
    if (resp.ended() || resp.closed() || resp.headWritten()) {
      r.connection().close();
      return;
    }
    String requestId = Ids.newId();
    ApiException e = new ApiException(408, "requestTimeout", "The request's headers and body did not arrive within "
        + readTimeoutMs + " ms (http.requestReadTimeoutMs).");
    try {
      resp.setStatusCode(408).putHeader("request-id", requestId).putHeader(HttpHeaders.CONNECTION, "close")
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(GraphErrorHandler.envelope(e, requestId, r.getHeader("client-request-id")).toBuffer())
          .onComplete(ar -> r.connection().close());
    } catch (RuntimeException gone) {
      r.connection().close();
    }
  }

  private void closed(Watch w) {
    if (w.closed) {
      return;
    }
    w.closed = true;
    cancel(w);
    if (w.socket != null) {
      watches.remove(w.socket, w);
    }
    if (w.client != null) {
      release(w.client);
    }
  }

  private void release(String client) {
    perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
  }

  private static String clientKey(SocketAddress remote) {
    return remote == null ? null : remote.hostAddress();
  }

  private static String socketKey(HttpConnection conn) {
    SocketAddress remote = conn.remoteAddress();
    SocketAddress local = conn.localAddress();
    return remote == null || local == null ? null : remote + "|" + local;
  }
}

