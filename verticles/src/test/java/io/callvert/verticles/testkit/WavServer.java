package io.callvert.verticles.testkit;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Wav;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves prompt media over real HTTP on loopback: WAV files built from real samples, plus paths
 * that answer 404, never answer (for fetch timeouts) or serve the wrong format. Counts fetches per
 * path so tests can see caching, and completes a future when a path has been fetched N times.
 */
public final class WavServer implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, Buffer> files = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final java.util.List<Waiter> waiters = new java.util.ArrayList<>();

  public WavServer(Vertx vertx) {
    try {
      server = vertx.createHttpServer().requestHandler(req -> {
        int n = hits.computeIfAbsent(req.path(), k -> new AtomicInteger()).incrementAndGet();
        fetched(req.path(), n);
        if (req.path().startsWith("/hang")) {
          return; // never answers
        }
        Buffer b = files.get(req.path());
        if (b == null) {
          req.response().setStatusCode(404).end();
        } else {
          req.response().putHeader("Content-Type", "audio/wav").end(b);
        }
      }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Publishes a sine tone of {@code ms} milliseconds as a Graph-compatible WAV; returns its URL. */
  public String tone(String name, int ms, double hz) {
    short[] s = new short[ms * 16];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) (8000 * Math.sin(2 * Math.PI * hz * i / 16000.0));
    }
    return put(name, Wav.encode(Clip.of(s)));
  }

  public String put(String name, byte[] bytes) {
    String path = "/" + name;
    files.put(path, Buffer.buffer(bytes));
    return url(path);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  /** Completes once {@code name} was fetched {@code n} times (at once if it already was). */
  public synchronized Future<Void> whenFetched(String name, int n) {
    if (hits(name) >= n) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waiters.add(new Waiter("/" + name, n, p));
    return p.future();
  }

  private synchronized void fetched(String path, int n) {
    waiters.removeIf(w -> w.path().equals(path) && n >= w.n() && w.promise().tryComplete());
  }

  private record Waiter(String path, int n, Promise<Void> promise) {}

  public int hits(String name) {
    AtomicInteger n = hits.get("/" + name);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    server.close();
  }
}
