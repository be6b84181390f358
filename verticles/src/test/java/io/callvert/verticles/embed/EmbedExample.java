package io.callvert.verticles.embed;

import io.callvert.config.CallvertOptions;
import io.callvert.verticles.CallvertClient;
import io.callvert.verticles.CallvertVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.List;

/** Embedding Callvert in an existing Vert.x application (the example in docs/embedding.md). */
public final class EmbedExample {

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx(); // your application's Vert.x, clustered or not
    CallvertVerticle callvert = new CallvertVerticle(options("change-me"), "telephony");
    vertx.deployVerticle(callvert)
        .compose(id -> start(vertx, callvert, 8080))
        .compose(server -> answerIncomingCalls(callvert.client()))
        .onSuccess(v -> System.out.println("Graph calls API at http://localhost:8080/telephony/v1.0/communications/calls"));
  }

  /** No server of its own (the host serves HTTP); bots authenticate with the given bearer token. */
  static CallvertOptions options(String apiToken) {
    CallvertOptions defaults = CallvertOptions.defaults();
    return defaults.withHttp(defaults.http().withEnabled(false))
        .withAuth(defaults.auth().withTokens(List.of(apiToken)));
  }

  /** The host's own router and server, with Callvert's API mounted under /telephony. */
  static Future<HttpServer> start(Vertx vertx, CallvertVerticle callvert, int port) {
    Router router = Router.router(vertx);
    router.get("/hello").handler(ctx -> ctx.end("hello from the host"));
    router.route("/telephony/*").subRouter(callvert.router());
    return vertx.createHttpServer().requestHandler(router).listen(port);
  }

  /** A bot living in the same JVM: it answers every call to "local:bot", without HTTP or webhooks. */
  static Future<Void> answerIncomingCalls(CallvertClient calls) {
    return calls.onNotification(n -> {
      if ("incoming".equals(n.callState()) && CallvertClient.LOCAL_CALLBACK.equals(n.resourceData().getString("callbackUri"))) {
        calls.answer(n.callId());
      }
    }).mapEmpty();
  }
}
