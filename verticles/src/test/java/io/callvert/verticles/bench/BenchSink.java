package io.callvert.verticles.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bot's webhook endpoint for load: answers every POST with 202 and records nothing but
 * counters, unlike the test kit's recording {@code WebhookReceiver}. What a benchmark needs to know
 * about a notification (its operation id, whether it is an {@code established}) it learns through
 * a {@link Listener} it installs for its own run.
 *
 * <p>Signatures are checked, not just counted: every distinct bearer token is verified once
 * against the trusted JWKS ({@link #trust}) and the notifications carrying it are counted under
 * it, so at the end {@link #signedVerified()} says how many notifications carried a token that
 * verified. (Callvert caches tokens per audience, so one verification covers thousands of
 * notifications; verifying each would put the bot's RSA cost into Callvert's figures.)
 *
 * <p>One server instance per driver event loop, sharing the port, so the sink is not limited to
 * one core's worth of parsing.
 */
final class BenchSink implements AutoCloseable {

  /** Sees every notification; called on a sink event loop, possibly two at once. */
  interface Listener {
    /**
     * @param path the request path (benchmarks encode a slot in it)
     * @param body the notification body, complete
     * @param receivedNanos {@link System#nanoTime()} when the body was complete
     */
    void onNotification(String path, Buffer body, long receivedNanos);
  }

  private static final Listener NONE = (p, b, t) -> { };

  private final Vertx vertx;
  private final List<HttpServer> servers = new ArrayList<>();
  private final int port;
  private volatile Listener listener = NONE;
  private final LongAdder received = new LongAdder();
  private final LongAdder unsigned = new LongAdder();
  private final Map<String, LongAdder> perToken = new ConcurrentHashMap<>();
  private final Map<String, Boolean> verdicts = new ConcurrentHashMap<>();
  private volatile JWTAuth verifier;

  BenchSink(Vertx vertx, int instances) {
    this.vertx = vertx;
    // Vert.x 5 shares a port between servers of one verticle deployment: one instance per event loop.
    int p;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      p = probe.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    int listenPort = p;
    try {
      vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
        @Override
        public Future<?> start() {
          return vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(0)).requestHandler(BenchSink.this::handle)
              .listen(listenPort, "127.0.0.1").onSuccess(s -> {
                synchronized (servers) {
                  servers.add(s);
                }
              });
        }
      }, new io.vertx.core.DeploymentOptions().setInstances(instances)).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("sink did not start", e);
    }
    this.port = listenPort;
  }

  private void handle(HttpServerRequest req) {
    String auth = req.getHeader("Authorization");
    req.body().onSuccess(buf -> {
      long now = System.nanoTime();
      received.increment();
      if (auth == null) {
        unsigned.increment();
      } else {
        perToken.computeIfAbsent(auth, this::verifyOnce).increment();
      }
      listener.onNotification(req.path(), buf, now);
      req.response().setStatusCode(202).end();
    });
  }

  /** Starts verifying a token the first time it is seen; the verdict lands in {@link #verdicts}. */
  private LongAdder verifyOnce(String authorization) {
    JWTAuth v = verifier;
    if (v == null || !authorization.startsWith("Bearer ")) {
      verdicts.put(authorization, false);
    } else {
      v.authenticate(new TokenCredentials(authorization.substring(7)))
          .onComplete(ar -> verdicts.put(authorization, ar.succeeded()));
    }
    return new LongAdder();
  }

  /** Trusts the signing keys of a Callvert instance (its {@code /.well-known/jwks.json} document). */
  void trust(JsonObject jwks) {
    JWTAuthOptions o = new JWTAuthOptions();
    for (int i = 0; i < jwks.getJsonArray("keys").size(); i++) {
      o.addJwk(jwks.getJsonArray("keys").getJsonObject(i));
    }
    verifier = JWTAuth.create(vertx, o);
  }

  void listen(Listener l) {
    listener = l == null ? NONE : l;
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  long received() {
    return received.sum();
  }

  long unsigned() {
    return unsigned.sum();
  }

  /** Notifications whose bearer token verified against the trusted keys. */
  long signedVerified() {
    long n = 0;
    for (Map.Entry<String, LongAdder> e : perToken.entrySet()) {
      if (Boolean.TRUE.equals(verdicts.get(e.getKey()))) {
        n += e.getValue().sum();
      }
    }
    return n;
  }

  /** Notifications with a bearer token that failed verification (or is still being verified). */
  long signedNotVerified() {
    long n = 0;
    for (Map.Entry<String, LongAdder> e : perToken.entrySet()) {
      if (!Boolean.TRUE.equals(verdicts.get(e.getKey()))) {
        n += e.getValue().sum();
      }
    }
    return n;
  }

  @Override
  public void close() {
    for (HttpServer s : servers) {
      s.close();
    }
  }

  /** Whether {@code needle} occurs in {@code body}: a cheap test that spares parsing JSON. */
  static boolean contains(Buffer body, byte[] needle) {
    // one bulk copy out of the buffer (public Buffer API), then a plain search over the array: the
    // byte-by-byte Buffer.getByte loop this replaces was ~3% of the set-up benchmark's CPU
    byte[] hay = body.getBytes();
    int last = hay.length - needle.length;
    outer:
    for (int i = 0; i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return needle.length == 0;
  }
}
