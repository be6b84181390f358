package io.callvert.verticles.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The API ceiling: a bare vertx-web route, in Callvert's Vert.x instance (same JVM, same event
 * loops) but on its own server and port, that answers each Graph action with the exact bytes
 * Callvert answered it with (status, headers, body captured from a real exchange), and nothing
 * else: no auth, no parsing, no event bus, no call. Like Callvert's own server it is one server
 * on one verticle's context (one event loop), with the same server options, and it reads the
 * request body before answering, as any POST handler must.
 */
final class CeilingServer {

  /** A response captured from Callvert, replayed byte for byte. */
  record Canned(int status, List<Map.Entry<String, String>> headers, Buffer body) {
    static Canned of(Load.Resp r) {
      List<Map.Entry<String, String>> h = new ArrayList<>();
      MultiMap headers = r.headers();
      for (Map.Entry<String, String> e : headers) {
        if (!e.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH.toString())) {
          h.add(Map.entry(e.getKey(), e.getValue()));
        }
      }
      return new Canned(r.status(), List.copyOf(h), r.body().copy());
    }
  }

  private final Vertx vertx;
  private final String deploymentId;
  final int port;

  private CeilingServer(Vertx vertx, String deploymentId, int port) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.port = port;
  }

  /** @param byAction canned responses keyed by the last path segment (e.g. {@code cancelMediaProcessing}) */
  static CeilingServer start(Vertx vertx, Map<String, Canned> byAction) {
    int[] port = new int[1];
    VerticleBase verticle = new VerticleBase() {
      @Override
      public Future<?> start() {
        Router router = Router.router(vertx);
        router.post("/v1.0/communications/calls/:callId/:action").handler(ctx -> {
          Canned c = byAction.get(ctx.pathParam("action"));
          ctx.request().body().onSuccess(ignored -> {
            HttpServerResponse resp = ctx.response().setStatusCode(c.status());
            for (Map.Entry<String, String> h : c.headers()) {
              resp.putHeader(h.getKey(), h.getValue());
            }
            resp.end(c.body());
          });
        });
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                .setCompressionSupported(false).setIdleTimeout(0))
            .requestHandler(router).listen().map(s -> {
              port[0] = s.actualPort();
              return s;
            });
      }
    };
    try {
      String id = vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
      return new CeilingServer(vertx, id, port[0]);
    } catch (Exception e) {
      throw new IllegalStateException("ceiling server did not start", e);
    }
  }

  void close() {
    try {
      vertx.undeploy(deploymentId).await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // best effort
    }
  }
}
