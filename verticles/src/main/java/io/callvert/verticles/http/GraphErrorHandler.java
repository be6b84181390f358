package io.callvert.verticles.http;

import io.callvert.runtime.api.ApiException;
import io.callvert.verticles.call.CallManager;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
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

  /** Context key of the request id every response carries. */
  static final String REQUEST_ID = "callvert.requestId";

  private final long maxBodyBytes;

  GraphErrorHandler(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** As the router's failure handler: failures raised outside Callvert's handlers. */
  @Override
  public void handle(RoutingContext ctx) {
    write(ctx, ctx.failure(), ctx.statusCode());
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

  /** Runs a vertx-web handler so that what it fails the context with is answered here (see {@link LocalFailures}). */
  Handler<RoutingContext> local(Handler<RoutingContext> h) {
    return guarded(ctx -> h.handle(LocalFailures.view(ctx, (real, status, failure) ->
        write(real, failure != null && !(failure instanceof HttpException) ? failure : httpFailure(status, failure), 500), null)));
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
    return switch (status) {
      case 413 -> tooLarge();
      case 415 -> ApiException.unsupportedMediaType("Unsupported Content-Type.");
      case 404 -> ApiException.itemNotFound("Resource not found.");
      case 405 -> new ApiException(405, "methodNotAllowed", "Method not allowed.");
      case 400 -> ApiException.invalidRequest("Bad request.");
      case 401 -> ApiException.unauthenticated("Authentication required.");
      case 403 -> ApiException.forbidden("Access denied.");
      default -> new ApiException(500, "generalException", "Unexpected failure.");
    };
  }

  ApiException tooLarge() {
    return ApiException.tooLarge("The request body exceeds " + maxBodyBytes + " bytes (http.maxBodyBytes).");
  }

  private void write(RoutingContext ctx, Throwable f, int statusCode) {
    ApiException e = toApiException(f, statusCode);
    if (e.status() == 500 && e != io.callvert.verticles.call.NodeErrors.UNDEPLOYED) {
      log.error("{} {} failed with {}", ctx.request().method(), ctx.request().path(), e.getMessage(), f);
    } else if (e.status() > 500) {
      log.info("{} {}: {} {}", ctx.request().method(), ctx.request().path(), e.status(), e.getMessage());
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
    JsonObject inner = new JsonObject()
        .put("date", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC).withNano(0)))
        .put("request-id", requestId)
        .put("client-request-id", ctx.request().getHeader("client-request-id"));
    JsonObject body = new JsonObject().put("error",
        new JsonObject().put("code", e.code()).put("message", e.getMessage()).put("innerError", inner));
    resp.setStatusCode(e.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
  }
}
