package io.callvert.verticles.clusterbench;

import io.callvert.config.AuthOptions;
import io.callvert.config.CalleeOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.config.ClusterOptions;
import io.callvert.config.HttpOptions;
import io.callvert.verticles.CallvertVerticle;
import io.callvert.verticles.boot.Cluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Measures what clustering costs and how fast it heals, on this machine, and prints one table:
 * cluster formation time (3 nodes, in one JVM), the latency of a request served by the node that
 * owns the call versus one forwarded from another node over the clustered event bus (p50/p99), and
 * the time from abruptly terminating the owner's Hazelcast member to the bot holding the
 * {@code terminated} notification.
 *
 * <p>Run: {@code mvn -B -q install -DskipTests && mvn -B -q -pl verticles
 * org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.callvert.verticles.clusterbench.ClusterBench} (see docs/cluster.md).
 */
public final class ClusterBench {

  static final String TOKEN = "cluster-bench-token";

  public static void main(String[] args) throws Exception {
    int requests = Integer.getInteger("bench.requests", 20_000);
    Vertx client = Vertx.vertx();
    // the bot: completes when the first call-lost (9100) notification arrives, with its arrival time,
    // and completes a call's promise in ESTABLISHED when its 'established' notification arrives
    io.vertx.core.Promise<Long> terminatedAt = io.vertx.core.Promise.promise();
    var sink = client.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      if (b.toString().contains("\"subcode\":9100")) {
        terminatedAt.tryComplete(System.currentTimeMillis());
      }
      JsonObject n = b.toJsonObject().getJsonArray("value").getJsonObject(0);
      if ("established".equals(n.getJsonObject("resourceData").getString("state"))) {
        established(n.getString("resourceUrl").substring("/communications/calls/".length())).tryComplete();
      }
      req.response().setStatusCode(202).end();
    })).listen(0, "127.0.0.1").await();
    String callback = "http://127.0.0.1:" + sink.actualPort() + "/callback";

    List<String> members = List.of("127.0.0.1:5911", "127.0.0.1:5912", "127.0.0.1:5913");
    List<Vertx> nodes = new ArrayList<>();
    List<HazelcastClusterManager> managers = new ArrayList<>(); // kept: public API has no getter for them
    List<Integer> ports = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      CallvertOptions o = CallvertOptions.defaults()
          .withHttp(HttpOptions.defaults().withPort(0))
          .withAuth(AuthOptions.defaults().withTokens(List.of(TOKEN)))
          .withCallee(CalleeOptions.defaults().withAnswerDelayMs(0))
          .withCluster(ClusterOptions.defaults().withEnabled(true).withPort(5911 + i).withMembers(members));
      HazelcastClusterManager cm = Cluster.clusterManager(o.cluster());
      Vertx v = Cluster.vertx(o, new VertxOptions(), cm).await(60, TimeUnit.SECONDS);
      managers.add(cm);
      CallvertVerticle cv = new CallvertVerticle(o);
      v.deployVerticle(cv).await(30, TimeUnit.SECONDS);
      nodes.add(v);
      ports.add(cv.actualPort());
    }
    long formationMs = (System.nanoTime() - t0) / 1_000_000;

    HttpClient http = client.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
    // 200 calls owned by node 0, each with a subscription: GET operation is a pure read through the call verticle
    List<String[]> targets = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      JsonObject call = send(http, ports.get(0), HttpMethod.POST, "/v1.0/communications/calls", callBody(callback)).await();
      String id = call.getString("id");
      awaitEstablished(id);
      JsonObject op = send(http, ports.get(0), HttpMethod.POST, "/v1.0/communications/calls/" + id + "/subscribeToTone", new JsonObject()).await();
      targets.add(new String[] {id, op.getString("id")});
    }
    long[] local = measure(http, ports.get(0), targets, requests);
    long[] forwarded = measure(http, ports.get(1), targets, requests);

    // failover: a call owned by node 2, then node 2's member is terminated abruptly
    String lost = send(http, ports.get(2), HttpMethod.POST, "/v1.0/communications/calls", callBody(callback)).await().getString("id");
    awaitEstablished(lost);
    long killedAt = System.currentTimeMillis();
    managers.get(2).getHazelcastInstance().getLifecycleService().terminate();
    long told = terminatedAt.future().await(30, TimeUnit.SECONDS) - killedAt;

    System.out.println();
    System.out.println("Callvert cluster benchmark (" + Runtime.getRuntime().availableProcessors() + " cores, JDK "
        + System.getProperty("java.version") + ", " + requests + " GET operation requests per path, 8 connections)");
    System.out.printf("%-52s %10s%n", "figure", "value");
    System.out.printf("%-52s %8d ms%n", "cluster formation, 3 nodes (one JVM)", formationMs);
    System.out.printf("%-52s %8.0f us%n", "local request (owner node) p50", local[0] / 1000.0);
    System.out.printf("%-52s %8.0f us%n", "local request (owner node) p99", local[1] / 1000.0);
    System.out.printf("%-52s %8.0f us%n", "forwarded request (other node) p50", forwarded[0] / 1000.0);
    System.out.printf("%-52s %8.0f us%n", "forwarded request (other node) p99", forwarded[1] / 1000.0);
    System.out.printf("%-52s %8.0f us%n", "extra latency of forwarding p50", (forwarded[0] - local[0]) / 1000.0);
    System.out.printf("%-52s %8.0f us%n", "extra latency of forwarding p99", (forwarded[1] - local[1]) / 1000.0);
    System.out.printf("%-52s %8d ms%n", "owner lost -> bot holds terminated (500/9100)", told);

    for (int i = 0; i < 2; i++) {
      nodes.get(i).close().await(30, TimeUnit.SECONDS);
    }
    client.close().await();
    System.exit(0);
  }

  /** p50 and p99 (ns) of GET operation through {@code port}, 8 requests in flight. */
  static long[] measure(HttpClient http, int port, List<String[]> targets, int requests) throws Exception {
    int warmup = requests / 4;
    long[] samples = new long[requests];
    CompletableFuture<Void> done = new CompletableFuture<>();
    int[] next = {0};
    int[] completed = {0};
    Runnable[] fire = new Runnable[1];
    fire[0] = () -> {
      int i;
      synchronized (next) {
        if (next[0] >= requests + warmup) {
          return;
        }
        i = next[0]++;
      }
      String[] t = targets.get(ThreadLocalRandom.current().nextInt(targets.size()));
      long start = System.nanoTime();
      send(http, port, HttpMethod.GET, "/v1.0/communications/calls/" + t[0] + "/operations/" + t[1], null).onComplete(ar -> {
        long took = System.nanoTime() - start;
        synchronized (next) {
          if (i >= warmup) {
            samples[i - warmup] = took;
          }
          completed[0]++;
          if (completed[0] == requests + warmup) {
            done.complete(null);
            return;
          }
        }
        fire[0].run();
      });
    };
    for (int c = 0; c < 8; c++) {
      fire[0].run();
    }
    done.get(5, TimeUnit.MINUTES);
    Arrays.sort(samples);
    return new long[] {samples[requests / 2], samples[(int) (requests * 0.99)]};
  }

  static JsonObject callBody(String callback) {
    return new JsonObject().put("callbackUri", callback)
        .put("targets", new JsonArray().add(new JsonObject().put("identity", new JsonObject().put("phone", new JsonObject().put("id", "+15550100")))))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig"));
  }

  /** Per call id, completed by the bot when the call's 'established' notification arrives. */
  static final java.util.Map<String, io.vertx.core.Promise<Void>> ESTABLISHED = new java.util.concurrent.ConcurrentHashMap<>();

  static io.vertx.core.Promise<Void> established(String callId) {
    return ESTABLISHED.computeIfAbsent(callId, k -> io.vertx.core.Promise.promise());
  }

  /** Waits for the call's 'established' notification (no re-reading of the call's state). */
  static void awaitEstablished(String id) throws Exception {
    try {
      established(id).future().await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("call " + id + " never established", e);
    }
  }

  static Future<JsonObject> send(HttpClient http, int port, HttpMethod method, String path, JsonObject body) {
    RequestOptions ro = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
        .putHeader("Authorization", "Bearer " + TOKEN).putHeader("Content-Type", "application/json");
    return http.request(ro)
        .compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " -> " + resp.statusCode() + " " + b);
          }
          return b.length() == 0 ? new JsonObject() : new JsonObject(b);
        }));
  }
}
