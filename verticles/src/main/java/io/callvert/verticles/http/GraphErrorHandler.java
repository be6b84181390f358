package io.callvert.verticles.http;

import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.api.Ids;
import io.callvert.verticles.call.CallManager;
import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every error as Graph's envelope {@code {"error":{"code","message","innerError":{date,
 * request-id,client-request-id}}}} (contract rule 5): an {@link ApiException} as it is, a vertx-web
 * {@link HttpException} by its status, anything else (an event-bus {@code ReplyException}, a bug) as
 * {@link io.callvert.verticles.call.NodeErrors#failure} reads it.
 *
 * <p>It is the router's failure handler, and Callvert's handlers call {@link #fail} to answer right
 * away: in a sub-router {@code ctx.fail} would reach the host's failure handlers first (see
 * {@link LocalFailures}, which does the same for vertx-web's own handlers).
 */
public final class GraphErrorHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(GraphErrorHandler.class);
  /** Server faults (500) logged with their stack trace: at most 10 a minute, the rest counted. */
  private static final LogLimiter SERVER_FAULTS = new LogLimiter(10, 60_000);

  /** Context key of the request id every response carries. */
  static final String REQUEST_ID = "callvert.requestId";

  private final long maxBodyBytes;

  GraphErrorHandler(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * As the router's failure handler: failures raised outside Callvert's handlers. vertx-web itself fails
   * a request it cannot route with a 4xx status and a plain exception (an HTTP/1.1 request without
   * {@code Host}: 400); that status is kept (contract rule 45).
   */
  @Override
  public void handle(RoutingContext ctx) {
    if (LocalFailures.handled(ctx)) {
      return; // a vertx-web handler run on the real context (LocalFailures.run): answered as its caller said
    }
    Throwable f = ctx.failure();
    int status = ctx.statusCode();
    if (status >= 400 && status < 500 && !(f instanceof ApiException)
        && !(f instanceof HttpException he && he.getCause() instanceof ApiException)) {
      write(ctx, byStatus(status, f instanceof VertxException && f.getMessage() != null ? f.getMessage() : null), status);
      return;
    }
    write(ctx, f, status);
  }

  /**
   * For {@code Router.errorHandler(status, …)}: what vertx-web answers itself, before any route, when
   * iterating the routes throws (a path with an invalid percent-escape: 400). Answered in the envelope,
   * logged at most at DEBUG (contract rule 45).
   */
  Handler<RoutingContext> forStatus(int status) {
    return ctx -> {
      if (log.isDebugEnabled()) {
        log.debug("{} {}: {} before routing ({})", ctx.request().method(), printable(ctx.request().uri()), status,
            ctx.failure() == null ? "-" : ctx.failure().toString());
      }
      write(ctx, byStatus(status, status == 400 ? "Malformed request: the path or a header cannot be decoded." : null), status);
    };
  }

  /** Answers {@code failure} with the error envelope, right here. */
  void fail(RoutingContext ctx, Throwable failure) {
    write(ctx, failure, 500);
  }

  /** Runs {@code h}, answering what it throws with the error envelope. */
  Handler<RoutingContext> guarded(Handler<RoutingContext> h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (RuntimeException e) {
        fail(ctx, e);
      }
    };
  }

  /**
   * Runs vertx-web's {@code BodyHandler} so that what it fails the context with is answered here (see
   * {@link LocalFailures}): its statuses as they are (413), and anything it throws while decoding a body
   * (a malformed multipart or form body, a multipart GET) as the client's fault, 400 (contract rule 45).
   */
  Handler<RoutingContext> local(Handler<RoutingContext> h) {
    return guarded(ctx -> {
      try {
        body(h, ctx);
      } catch (RuntimeException undecodable) { // e.g. a multipart Content-Type on a GET
        if (log.isDebugEnabled()) {
          log.debug("{} {}: body not decodable: {}", ctx.request().method(), printable(ctx.request().path()), undecodable.toString());
        }
        write(ctx, ApiException.invalidRequest("The request body cannot be decoded as its Content-Type says."), 400);
      }
    });
  }

  private void body(Handler<RoutingContext> h, RoutingContext ctx) {
    LocalFailures.run(h, ctx, (real, status, failure) -> {
      if (failure != null && !(failure instanceof HttpException)) {
        if (log.isDebugEnabled()) {
          log.debug("{} {}: body not decodable: {}", real.request().method(), printable(real.request().path()), failure.toString());
        }
        write(real, ApiException.invalidRequest("The request body cannot be decoded as its Content-Type says."), 400);
      } else {
        write(real, httpFailure(status, failure), 500);
      }
    }, null);
  }

  private static Throwable httpFailure(int status, Throwable failure) {
    return failure instanceof HttpException ? failure : new HttpException(status < 0 ? 500 : status);
  }

  /** The Graph error for {@code f}; {@code statusCode} is the status a bare failure was raised with. */
  ApiException toApiException(Throwable f, int statusCode) {
    if (f instanceof ApiException api) {
      return api;
    }
    if (f instanceof HttpException he && he.getCause() instanceof ApiException api) {
      return api;
    }
    if (f != null && !(f instanceof HttpException)) {
      return io.callvert.verticles.call.NodeErrors.failure(f);
    }
    int status = f instanceof HttpException he ? he.getStatusCode() : statusCode;
    return byStatus(status, null);
  }

  /** The Graph error for a bare status; {@code message} replaces the generic one when given. */
  ApiException byStatus(int status, String message) {
    return switch (status) {
      case 413 -> tooLarge();
      case 415 -> ApiException.unsupportedMediaType(message != null ? message : "Unsupported Content-Type.");
      case 404 -> ApiException.itemNotFound(message != null ? message : "Resource not found.");
      case 405 -> new ApiException(405, "methodNotAllowed", message != null ? message : "Method not allowed.");
      case 400 -> ApiException.invalidRequest(message != null ? message : "Bad request.");
      case 401 -> ApiException.unauthenticated(message != null ? message : "Authentication required.");
      case 403 -> ApiException.forbidden(message != null ? message : "Access denied.");
      case 408 -> new ApiException(408, "requestTimeout", message != null ? message : "The request was not received in time.");
      case 414 -> new ApiException(414, "invalidRequest", message != null ? message : "The request line is too long.");
      case 431 -> new ApiException(431, "invalidRequest", message != null ? message : "The request headers are too large.");
      default -> status >= 400 && status < 500
          ? new ApiException(status, "invalidRequest", message != null ? message : "Bad request.")
          : new ApiException(500, "generalException", "Unexpected failure.");
    };
  }

  ApiException tooLarge() {
    return ApiException.tooLarge("The request body exceeds " + maxBodyBytes + " bytes (http.maxBodyBytes).");
  }

  private void write(RoutingContext ctx, Throwable f, int statusCode) {
    ApiException e = toApiException(f, statusCode);
    if (e.status() == 500 && e != io.callvert.verticles.call.NodeErrors.UNDEPLOYED) {
      // a server fault: with its stack trace, but rate-limited, so that no client can flood the log
      SERVER_FAULTS.log(suppressed -> log.error("{} {} failed with {}{}", ctx.request().method(),
          printable(ctx.request().path()), e.getMessage(), suppressed, f));
    } else if (e.status() > 500) {
      log.info("{} {}: {} {}", ctx.request().method(), printable(ctx.request().path()), e.status(), e.getMessage());
    }
    HttpServerResponse resp = ctx.response();
    if (resp.ended()) {
      return;
    }
    if (resp.headWritten()) {
      resp.reset();
      return;
    }
    resp.headers().remove(HttpHeaders.LOCATION);
    if (e.retryAfterSeconds() != null) {
      resp.putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
    }
    String requestId = ctx.get(REQUEST_ID);
    if (requestId == null) { // failed before Callvert's first handler ran (vertx-web refused to route it)
      requestId = Ids.newId();
      ctx.put(REQUEST_ID, requestId);
      resp.putHeader("request-id", requestId);
      String clientRequestId = ctx.request().getHeader("client-request-id");
      if (clientRequestId != null) {
        resp.putHeader("client-request-id", clientRequestId);
      }
    }
    resp.setStatusCode(e.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(JsonOut.encode(envelope(e, requestId, ctx.request().getHeader("client-request-id"))));
  }

  /** Graph's error envelope (contract rule 5). */
  static JsonObject envelope(ApiException e, String requestId, String clientRequestId) {
    JsonObject inner = new JsonObject()
        .put("date", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC).withNano(0)))
        .put("request-id", requestId)
        .put("client-request-id", clientRequestId);
    return new JsonObject().put("error",
        new JsonObject().put("code", e.code()).put("message", e.getMessage()).put("innerError", inner));
  }

  /** A client-sent string fit for one log line: control characters escaped, at most 200 characters. */
  static String printable(String s) {
    if (s == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), 200) + 8);
    for (int i = 0; i < s.length() && b.length() < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return s.length() > 200 ? b.append("…").toString() : b.toString();
  }

  /**
   * The own server's {@code invalidRequestHandler}: a request the HTTP codec could not parse (request line
   * over 4096 bytes: 414, headers over 8192 bytes: 431, anything else malformed such as a bad
   * {@code Content-Length}: 400) is answered in the envelope and its connection closed; logged at most at
   * DEBUG (contract rule 45).
   */
  static void invalidRequest(HttpServerRequest req) {
    Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
    ApiException e;
    if (cause instanceof TooLongHttpLineException) {
      e = new ApiException(414, "invalidRequest", "The request line is too long.");
    } else if (cause instanceof TooLongHttpHeaderException) {
      e = new ApiException(431, "invalidRequest", "The request headers are too large.");
    } else if (cause == null && req.version() == null) {
      e = ApiException.invalidRequest("Unsupported HTTP version: HTTP/1.0, HTTP/1.1 and HTTP/2 are served.");
    } else {
      e = ApiException.invalidRequest("Malformed HTTP request.");
    }
    if (log.isDebugEnabled()) {
      log.debug("invalid HTTP request from {}: {} ({})", req.remoteAddress(), e.status(), cause == null ? "-" : cause.toString());
    }
    String requestId = Ids.newId();
    HttpServerResponse resp = req.response();
    try {
      resp.setStatusCode(e.status()).putHeader("request-id", requestId)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(HttpHeaders.CONNECTION, "close")
          .end(envelope(e, requestId, null).toBuffer())
          .onComplete(ar -> req.connection().close());
    } catch (RuntimeException alreadyGone) {
      req.connection().close();
    }
  }
}
