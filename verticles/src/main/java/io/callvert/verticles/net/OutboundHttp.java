package io.callvert.verticles.net;

import io.callvert.runtime.net.HostPolicy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The HTTP client of requests Callvert makes on a bot's behalf, one per purpose (notifications, media) so that one
 * purpose's slow hosts never hold the other's connections (each has its own pool, sized per destination host and
 * port). Every exchange:
 * <ul>
 *   <li>passes the outbound host policy (contract rule 37 — Outbound host policy) after DNS: the name is resolved
 *       off the event loop, every address it resolves to is checked, and the connection goes to the checked
 *       address (so a second, rebinding answer is never used), with the URI's host in {@code Host} and SNI;</li>
 *   <li>ends at a total deadline counted from the call (DNS, connect, request, headers and the whole body): a server
 *       trickling bytes is cut at the deadline, not merely when it pauses;</li>
 *   <li>reads at most {@code maxBodyBytes} of the response (refused from {@code Content-Length} before reading, the
 *       stream reset as soon as more arrives), or discards the body.</li>
 * </ul>
 */
public final class OutboundHttp {

  /** Why an exchange failed. */
  public enum Kind {
    /** The host policy refused the host; nothing was sent. */
    REFUSED,
    /** The total deadline passed. */
    TIMEOUT,
    /** The response declared or sent more than allowed. */
    TOO_LARGE,
    /** DNS, connection, TLS or protocol failure. */
    CONNECTION,
    /** The URI can never be used (no http(s) scheme or host, port out of range); nothing was sent. */
    UNUSABLE
  }

  /** A failed exchange; {@link #decidedWithoutDns()} for a refusal of a literal address or a denied name. */
  public static final class Failure extends RuntimeException {
    private final Kind kind;
    private final boolean decidedWithoutDns;

    Failure(Kind kind, String message, boolean decidedWithoutDns) {
      super(message, null, false, false);
      this.kind = kind;
      this.decidedWithoutDns = decidedWithoutDns;
    }

    public Kind kind() {
      return kind;
    }

    public boolean decidedWithoutDns() {
      return decidedWithoutDns;
    }
  }

  /** A complete response; {@code body} is null when it was discarded. */
  public record Response(int statusCode, MultiMap headers, Buffer body) {
    public String getHeader(String name) {
      return headers.get(name);
    }
  }

  private final Vertx vertx;
  /**
   * Where deadline timers run: the context this client was created on (Callvert's root deployment). Not the
   * caller's: a call verticle's timers are cancelled when the call ends, and a fetch it started must still end.
   */
  private final Context timers;
  private final HttpClientAgent client;
  private final HostPolicy policy;
  private final String userAgent;

  /**
   * @param maxPerDestination HTTP/1 connections per destination host and port
   */
  public OutboundHttp(Vertx vertx, HostPolicy policy, String userAgent, int maxPerDestination) {
    this.vertx = vertx;
    this.timers = vertx.getOrCreateContext();
    this.policy = policy;
    this.userAgent = userAgent;
    // contract rule 70 — Traces from request to webhook: webhook attempts carry Callvert's own span (DeliverySpan), not a second one from Vert.x
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
            .setTracingPolicy(io.vertx.core.tracing.TracingPolicy.IGNORE),
        new PoolOptions().setHttp1MaxSize(maxPerDestination));
  }

  /** The policy this client applies. */
  public HostPolicy policy() {
    return policy;
  }

  /**
   * One exchange.
   *
   * @param uri          an absolute http(s) URI
   * @param headers      request headers (User-Agent is added)
   * @param body         request body, or null for none
   * @param deadlineMs   total deadline
   * @param maxBodyBytes the most response bytes kept, or -1 to discard the body
   * @return the response, or a failed future with a {@link Failure}
   */
  public Future<Response> exchange(HttpMethod method, String uri, MultiMap headers, Buffer body, long deadlineMs,
      long maxBodyBytes) {
    URI u;
    try {
      u = new URI(uri);
    } catch (URISyntaxException e) {
      return Future.failedFuture(new Failure(Kind.UNUSABLE, "not a valid URI: " + e.getMessage(), false));
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    String host = u.getHost();
    if (host == null || !(scheme.equals("http") || scheme.equals("https")) || u.getPort() > 65535) {
      return Future.failedFuture(new Failure(Kind.UNUSABLE, u.getPort() > 65535
          ? "port " + u.getPort() + " is out of range" : "not an absolute http(s) URI with a host", false));
    }
    boolean ssl = scheme.equals("https");
    int port = u.getPort() >= 0 ? u.getPort() : ssl ? 443 : 80;
    String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;

    Promise<Response> result = Promise.promise();
    AtomicReference<HttpClientRequest> request = new AtomicReference<>();
    AtomicLong timer = new AtomicLong(-1);
    timers.runOnContext(v -> {
      if (result.future().isComplete()) {
        return;
      }
      timer.set(vertx.setTimer(deadlineMs, id -> {
        if (result.tryFail(new Failure(Kind.TIMEOUT, "no complete response within " + deadlineMs + " ms", false))) {
          abort(request.get());
        }
      }));
    });
    result.future().onComplete(ar -> timers.runOnContext(v -> {
      long id = timer.get();
      if (id >= 0) {
        vertx.cancelTimer(id);
      }
    }));

    target(host, port).onComplete(resolved -> {
      if (resolved.failed()) {
        result.tryFail(resolved.cause());
        return;
      }
      if (result.future().isComplete()) {
        return; // the deadline passed while resolving
      }
      RequestOptions options = new RequestOptions().setMethod(method).setHost(bareHost).setPort(port).setSsl(ssl)
          .setURI(path).setFollowRedirects(false);
      if (resolved.result() != null) {
        options.setServer(SocketAddress.inetSocketAddress(resolved.result()));
      }
      options.putHeader(HttpHeaders.USER_AGENT, userAgent);
      if (headers != null) {
        headers.forEach(h -> options.addHeader(h.getKey(), h.getValue()));
      }
      client.request(options).onComplete(created -> {
        if (created.failed()) {
          result.tryFail(connectionFailure(created.cause()));
          return;
        }
        HttpClientRequest req = created.result();
        request.set(req);
        if (result.future().isComplete()) {
          abort(req);
          return;
        }
        (body == null ? req.send() : req.send(body)).onComplete(sent -> {
          if (sent.failed()) {
            result.tryFail(connectionFailure(sent.cause()));
          } else {
            read(req, sent.result(), maxBodyBytes, result);
          }
        });
      });
    });
    return result.future();
  }

  /** Reads the response within {@code maxBodyBytes}; the request is reset when more is declared or arrives. */
  private static void read(HttpClientRequest req, HttpClientResponse resp, long maxBodyBytes, Promise<Response> result) {
    String length = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (maxBodyBytes >= 0 && length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        declared = -1;
      }
      if (declared > maxBodyBytes) {
        tooLarge(req, result, "the response declares " + declared + " bytes");
        return;
      }
    }
    Buffer kept = maxBodyBytes >= 0 ? Buffer.buffer() : null;
    resp.handler(chunk -> {
      if (kept == null || result.future().isComplete()) {
        return;
      }
      if (kept.length() + (long) chunk.length() > maxBodyBytes) {
        tooLarge(req, result, "the response is larger than " + maxBodyBytes + " bytes");
      } else {
        kept.appendBuffer(chunk);
      }
    });
    resp.exceptionHandler(e -> result.tryFail(connectionFailure(e)));
    resp.endHandler(v -> result.tryComplete(new Response(resp.statusCode(), resp.headers(), kept)));
  }

  private static void tooLarge(HttpClientRequest req, Promise<Response> result, String why) {
    if (result.tryFail(new Failure(Kind.TOO_LARGE, why, false))) {
      abort(req);
    }
  }

  /**
   * Stops an exchange for good: the reset alone does not stop an HTTP/1.1 response already being received, so the
   * connection is closed too (it carries this exchange only: no pipelining).
   */
  private static void abort(HttpClientRequest req) {
    if (req == null) {
      return;
    }
    req.reset(0);
    if (req.connection() != null) {
      req.connection().close();
    }
  }

  private static Failure connectionFailure(Throwable e) {
    if (e instanceof Failure f) {
      return f;
    }
    return new Failure(Kind.CONNECTION, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), false);
  }

  /**
   * Where to connect: null to let the client resolve {@code host} itself (a policy that allows everything), else the
   * checked address. A name is resolved on a worker thread; every address it has must pass.
   */
  private Future<InetSocketAddress> target(String host, int port) {
    if (policy.allowsEverything()) {
      return Future.succeededFuture(null);
    }
    String literalRefusal = policy.refusalWithoutDns(host);
    if (literalRefusal != null) {
      return Future.failedFuture(new Failure(Kind.REFUSED, literalRefusal, true));
    }
    String name = HostPolicy.normalize(host);
    InetAddress literal = name.equals("localhost") || name.endsWith(".localhost") ? null : HostPolicy.literal(name);
    if (literal != null) {
      return Future.succeededFuture(new InetSocketAddress(literal, port));
    }
    return vertx.executeBlocking(() -> InetAddress.getAllByName(name), false).transform(ar -> {
      if (ar.failed()) {
        Throwable e = ar.cause();
        return Future.failedFuture(new Failure(Kind.CONNECTION, e instanceof UnknownHostException
            ? "cannot resolve " + name : "cannot resolve " + name + ": " + e.getMessage(), false));
      }
      InetAddress[] all = ar.result();
      for (InetAddress a : all) {
        String why = policy.refusal(name, a);
        if (why != null) {
          return Future.failedFuture(new Failure(Kind.REFUSED, name + " resolves to " + why, false));
        }
      }
      try {
        // without its name, so that the connection goes to this address and no second lookup happens
        return Future.succeededFuture(new InetSocketAddress(InetAddress.getByAddress(all[0].getAddress()), port));
      } catch (UnknownHostException e) {
        return Future.failedFuture(new Failure(Kind.CONNECTION, "cannot resolve " + name, false));
      }
    });
  }

  public Future<Void> close() {
    return client.close();
  }
}
