package io.callvert.verticles.http;

import io.callvert.config.HttpOptions;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    // port 0 = a random port; Vert.x shares a random port between server instances only when it is
    // asked for as a negative number (a plain 0 would bind each instance to a different port)
    int port = http.port() == 0 ? -1 : http.port();
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(http.host())
        .setPort(port)
        .setCompressionSupported(false)
        .setIdleTimeout(0);
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> new Instance(serverOptions, router, adopt, servers),
            new DeploymentOptions().setInstances(http.effectiveServerInstances()))
        .map(id -> servers.get(0));
  }

  /** One server instance on its own event loop (a child: closed when Callvert is undeployed). */
  private static final class Instance extends VerticleBase {
    private final HttpServerOptions serverOptions;
    private final Router router;
    private final Consumer<Context> adopt;
    private final List<HttpServer> servers;

    Instance(HttpServerOptions serverOptions, Router router, Consumer<Context> adopt, List<HttpServer> servers) {
      this.serverOptions = serverOptions;
      this.router = router;
      this.adopt = adopt;
      this.servers = servers;
    }

    @Override
    public Future<?> start() {
      adopt.accept(context); // a descendant of the root: calls created here may deploy here
      return vertx.createHttpServer(serverOptions).requestHandler(router).listen().andThen(ar -> {
        if (ar.succeeded()) {
          servers.add(ar.result());
        }
      });
    }
  }
}
