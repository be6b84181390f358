package io.callvert.verticles.embed;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for an existing Vert.x application that embeds Callvert: its own {@link Vertx}, its
 * own verticle, its own {@link Router} with its own routes, body handler, auth and error handlers,
 * and its own HTTP server on a random loopback port. Callvert is mounted into it, never the other
 * way round.
 *
 * <p>Host answers are recognisable: errors are {@code {"hostError": <status>}}, which is not
 * Callvert's Graph error envelope.
 */
final class HostApplication implements AutoCloseable {

  static final String HOST_KEY = "host-secret";
  static final int ECHO_BODY_LIMIT = 64;

  final Vertx vertx = Vertx.vertx();
  final Router router = Router.router(vertx);
  /** Paths the host's own global handler saw, in order (it runs before any mounted router). */
  final List<String> seenByHost = new CopyOnWriteArrayList<>();
  /** Statuses the host's own failure handler answered. */
  final List<Integer> hostFailures = new CopyOnWriteArrayList<>();
  final String ownDeploymentId;
  private final HostVerticle verticle;

  /**
   * @param globalBodyHandler whether the host reads every request body itself, before anything it
   *                          mounts (a common setup), instead of only on its own POST route
   */
  HostApplication(boolean globalBodyHandler) {
    router.route().handler(ctx -> {
      seenByHost.add(ctx.request().path());
      ctx.response().putHeader("x-host", "yes");
      ctx.next();
    });
    if (globalBodyHandler) {
      router.route().handler(BodyHandler.create(false));
    }
    router.get("/hello").handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("hello from the host"));
    router.post("/echo")
        .handler(BodyHandler.create(false).setBodyLimit(ECHO_BODY_LIMIT))
        .handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end(ctx.body().buffer()));
    router.route("/admin/*").handler(ctx -> {
      if (HOST_KEY.equals(ctx.request().getHeader("x-host-key"))) {
        ctx.next();
      } else {
        ctx.fail(401);
      }
    });
    router.get("/admin/status").handler(ctx -> ctx.json(new JsonObject().put("admin", "ok")));
    router.get("/boom").handler(ctx -> {
      throw new IllegalStateException("the host's own bug");
    });
    router.route().failureHandler(this::hostFailure);
    router.errorHandler(404, ctx -> {
      hostFailures.add(404);
      ctx.response().setStatusCode(404).putHeader("content-type", "application/json")
          .end(new JsonObject().put("hostError", 404).encode());
    });
    verticle = new HostVerticle(router);
    try {
      ownDeploymentId = vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException(e);
    }
  }

  private void hostFailure(RoutingContext ctx) {
    int status = ctx.failure() instanceof HttpException he ? he.getStatusCode()
        : ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    hostFailures.add(status);
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("hostError", status).encode());
  }

  /** Mounts a router under {@code prefix} (e.g. {@code /telephony}); remove the returned route to unmount. */
  Route mount(String prefix, Router sub) {
    return router.route(prefix + "/*").subRouter(sub);
  }

  /** The host's own deployments: the ones present before any Callvert was deployed. */
  Set<String> ownDeployments() {
    return Set.of(ownDeploymentId);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + verticle.server.actualPort();
  }

  @Override
  public void close() {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The host's own verticle: it owns the host's HTTP server. */
  private static final class HostVerticle extends VerticleBase {
    private final Router router;
    private HttpServer server;

    HostVerticle(Router router) {
      this.router = router;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").onSuccess(s -> server = s);
    }
  }
}
