package io.callvert.verticles.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling of {@code verticles/scripts/cancel-bench.sh}: a bare vertx-web route
 * {@code POST /v1.0/communications/calls/:id/cancelMediaProcessing} that answers every request with
 * the bytes Callvert answered one real cancel with (status, headers, body, captured with
 * {@code curl -si} into a file), and does nothing else: no auth, no parsing, no event bus, no call.
 * Like Callvert's server it runs one server instance per core on the same port, and it reads the
 * request body before answering, as any POST handler must.
 *
 * <pre>
 * java -Xms1g -Xmx2g -cp verticles/target/callvert.jar:verticles/target/test-classes \
 *   io.callvert.verticles.bench.BareRoute PORT RESPONSE_FILE
 * </pre>
 */
public final class BareRoute extends VerticleBase {

  /** A captured HTTP/1.1 response: status, headers (without Content-Length, which Vert.x writes), body. */
  record Canned(int status, List<Map.Entry<String, String>> headers, Buffer body) {

    static Canned parse(byte[] raw) {
      String text = new String(raw, StandardCharsets.ISO_8859_1);
      int split = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.1 ") || split < 0) {
        throw new IllegalArgumentException("not an HTTP/1.1 response (curl -si output)");
      }
      String[] lines = text.substring(0, split).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        String name = lines[i].substring(0, colon).trim();
        if (!name.equalsIgnoreCase("content-length")) {
          headers.add(Map.entry(name, lines[i].substring(colon + 1).trim()));
        }
      }
      byte[] body = java.util.Arrays.copyOfRange(raw, split + 4, raw.length);
      return new Canned(status, List.copyOf(headers), Buffer.buffer(body));
    }
  }

  private final int port;
  private final Canned canned;

  BareRoute(int port, Canned canned) {
    this.port = port;
    this.canned = canned;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/v1.0/communications/calls/:id/cancelMediaProcessing").handler(ctx ->
        ctx.request().body().onSuccess(ignored -> {
          HttpServerResponse resp = ctx.response().setStatusCode(canned.status());
          for (Map.Entry<String, String> h : canned.headers()) {
            resp.putHeader(h.getKey(), h.getValue());
          }
          resp.end(canned.body());
        }));
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
            .setCompressionSupported(false).setIdleTimeout(0)) // Callvert's own server options
        .requestHandler(router).listen();
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: BareRoute PORT RESPONSE_FILE");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Canned canned = Canned.parse(Files.readAllBytes(Path.of(args[1])));
    int instances = Runtime.getRuntime().availableProcessors();
    // the transport Callvert's fat jar prefers (boot/Main): native epoll where it is on the class path, so both sides of
    // the comparison make the same system calls
    Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    try {
      vertx.deployVerticle(() -> new BareRoute(port, canned), new DeploymentOptions().setInstances(instances))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("bare route did not start: " + e);
      System.exit(1);
    }
    System.out.println("bare route on http://127.0.0.1:" + port + " (" + instances + " instances), answering "
        + canned.status() + " with " + canned.body().length() + " body bytes");
  }
}
