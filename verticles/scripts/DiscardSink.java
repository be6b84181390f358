import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in OpenTelemetry collector for benchmarks (tracing-bench.sh): answers every POST (OTLP/HTTP
 * {@code /v1/traces}) 200 with an empty body after reading and discarding the request, so span export costs the
 * traced server what it costs against a real collector, without keeping anything. {@code GET /count} answers the
 * number of requests and bytes received. Loopback only.
 *
 *   java verticles/scripts/DiscardSink.java 4318
 */
public class DiscardSink {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    AtomicLong requests = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        byte[] buf = new byte[16384];
        for (int n; (n = in.read(buf)) > 0; ) {
          bytes.addAndGet(n);
        }
      }
      byte[] out = new byte[0];
      if (exchange.getRequestMethod().equals("GET")) {
        out = (requests.get() + " requests, " + bytes.get() + " bytes\n").getBytes();
      } else {
        requests.incrementAndGet();
      }
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, out.length == 0 ? -1 : out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    System.out.println("discard sink on 127.0.0.1:" + port);
  }
}
