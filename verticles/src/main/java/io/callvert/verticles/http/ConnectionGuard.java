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
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
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
 *   <li><b>Read deadline</b> ({@code http.requestReadTimeoutMs}): a connection must deliver a request's head
 *       and whole body within the deadline, counted from the moment it is handed over (its first bytes) and,
 *       on a kept-alive connection, from (at most a quarter of the deadline after) the previous response's
 *       end. Vert.x calls no handler for a half-received head, so deadlines are checked by one periodic
 *       sweep per instance, every quarter of the deadline: a request costs two field writes, not a timer
 *       (the cancel benchmark's profile). A late request whose head arrived is answered {@code 408} in the
 *       Graph envelope; then, or without a head, the connection is closed.
 * </ul>
 * The idle timeout ({@code http.idleTimeoutMs}) is set on the server options by {@link HttpServers}.
 */
final class ConnectionGuard {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
  /** One WARN a minute at most when clients hit the cap; the rest counted. */
  private static final LogLimiter CAP_WARNINGS = new LogLimiter(1, 60_000);
  /** {@link Watch#deadline} while a request is being answered: no deadline runs. */
  private static final long ANSWERING = Long.MAX_VALUE;

  private final long readTimeoutNanos;
  private final int maxPerClient;
  private final ConcurrentMap<String, Integer> perClient;
  /** This instance's connections; a connection is the same object for each of its requests. */
  private final Map<HttpConnection, Watch> watches = new IdentityHashMap<>();

  /** Created on the server instance's context: the sweep runs there, and ends with the instance. */
  ConnectionGuard(Vertx vertx, HttpOptions http, ConcurrentMap<String, Integer> perClient) {
    long readTimeoutMs = http.requestReadTimeoutMs();
    this.readTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(readTimeoutMs);
    this.maxPerClient = http.maxConnectionsPerClient();
    this.perClient = perClient;
    if (readTimeoutMs > 0) {
      vertx.setPeriodic(Math.max(1, readTimeoutMs / 4), id -> sweep());
    }
  }

  /** Whether the guard has anything to do (else the server runs without it). */
  static boolean needed(HttpOptions http) {
    return http.requestReadTimeoutMs() > 0 || http.maxConnectionsPerClient() > 0;
  }

  /** Per TCP connection's state; touched on the instance's event loop only. */
  private static final class Watch {
    final String client;
    final HttpConnection conn;
    HttpServerRequest current;
    /** {@link System#nanoTime()} by which the next head and body must have arrived, or {@link #ANSWERING}. */
    long deadline;
    boolean closed;

    Watch(String client, HttpConnection conn, long deadline) {
      this.client = client;
      this.conn = conn;
      this.deadline = deadline;
    }
  }

  /** The server's connection handler. */
  void connection(HttpConnection conn) {
    if (watches.containsKey(conn)) { // not expected (no HTTP/2 upgrade on the own server): watched already
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
    Watch w = new Watch(maxPerClient > 0 ? client : null, conn,
        readTimeoutNanos > 0 ? System.nanoTime() + readTimeoutNanos : ANSWERING);
    watches.put(conn, w);
    conn.closeHandler(v -> closed(w));
  }

  /** The router, behind the read deadline's bookkeeping. */
  Handler<HttpServerRequest> requests(Handler<HttpServerRequest> router) {
    if (readTimeoutNanos <= 0) {
      return router;
    }
    return req -> {
      Watch w = watches.get(req.connection());
      if (w != null && !w.closed) {
        w.current = req;
        if (w.deadline == ANSWERING) { // the previous response ended less than a sweep ago: the deadline runs from now
          w.deadline = System.nanoTime() + readTimeoutNanos;
        }
        if (req.isEnded()) {
          w.deadline = ANSWERING;
        } else {
          req.end().onComplete(ar -> {
            if (w.current == req) {
              w.deadline = ANSWERING; // read: no deadline while Callvert answers
            }
          });
        }
      }
      router.handle(req);
    };
  }

  /** Closes what missed its deadline; starts the deadline of connections whose response has ended. */
  private void sweep() {
    if (watches.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    List<Watch> late = null;
    for (Watch w : watches.values()) {
      if (w.deadline == ANSWERING) {
        HttpServerRequest r = w.current;
        if (r == null || r.response().ended() || r.response().closed()) {
          w.current = null;
          w.deadline = now + readTimeoutNanos; // waiting for the next request: the deadline runs
        }
      } else if (now - w.deadline >= 0) {
        if (late == null) {
          late = new ArrayList<>();
        }
        late.add(w);
      }
    }
    if (late != null) {
      late.forEach(this::expired); // closing changes the map
    }
  }

  private void expired(Watch w) {
    HttpServerRequest r = w.current;
    w.deadline = ANSWERING; // expired once
    if (log.isDebugEnabled()) {
      log.debug("closing connection from {}: no complete request within {} ms (http.requestReadTimeoutMs)",
          w.conn.remoteAddress(), TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos));
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
        + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos) + " ms (http.requestReadTimeoutMs).");
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
    watches.remove(w.conn, w);
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
}
