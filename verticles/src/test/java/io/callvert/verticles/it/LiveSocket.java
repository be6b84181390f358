package io.callvert.verticles.it;

import io.callvert.verticles.testkit.TestRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A live caller's media socket as a test sees it (docs/live-media.md), on vertx-core's WebSocketClient:
 * every binary frame with its arrival time (System.nanoTime), every text frame, the close code and
 * reason, and futures completed by the frames themselves (no polling, no sleeping).
 */
final class LiveSocket {

  /** A binary frame and when it arrived. */
  record Frame(byte[] pcm, long arrivedNanos) {}

  private final List<Frame> frames = new ArrayList<>();
  private final List<JsonObject> texts = new ArrayList<>();
  private final List<Waiter<JsonObject>> textWaiters = new ArrayList<>();
  private final List<Waiter<Integer>> frameWaiters = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();
  volatile String closeReason;
  final WebSocket ws;

  private record Waiter<T>(Predicate<T> p, Promise<T> promise) {}

  private LiveSocket(WebSocket ws) {
    this.ws = ws;
    ws.binaryMessageHandler(b -> onFrame(b.getBytes()));
    ws.textMessageHandler(this::onText);
    ws.closeHandler(v -> {
      closeReason = ws.closeReason();
      closed.tryComplete(ws.closeStatusCode());
    });
  }

  /** A fresh ticket's URL for {@code callId}, taken with the dev token. */
  static String ticketUrl(TestRuntime rt, String callId) {
    TestRuntime.Resp r = rt.post("/callvert/calls/" + callId + "/media-ticket", null);
    if (r.status() != 201) {
      throw new AssertionError("media-ticket: " + r.status() + " " + r.text());
    }
    return r.json().getString("url");
  }

  /** Connects; a refused upgrade fails with {@link UpgradeRejectedException} (its status). */
  static Future<LiveSocket> connect(WebSocketClient client, String url, String origin) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setAbsoluteURI(url);
    if (origin != null) {
      o.addHeader("Origin", origin);
    }
    return client.connect(o).map(LiveSocket::new);
  }

  static LiveSocket open(WebSocketClient client, String url) {
    return await(connect(client, url, null));
  }

  /** The HTTP status a refused upgrade got. */
  static int refusal(WebSocketClient client, String url, String origin) {
    try {
      LiveSocket s = await(connect(client, url, origin));
      s.ws.close();
      return 101;
    } catch (RuntimeException e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      if (c instanceof UpgradeRejectedException u) {
        return u.getStatus();
      }
      throw e;
    }
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  private synchronized void onFrame(byte[] pcm) {
    frames.add(new Frame(pcm, System.nanoTime()));
    int n = frames.size();
    frameWaiters.removeIf(w -> w.p.test(n) && w.promise.tryComplete(n));
  }

  private synchronized void onText(String text) {
    JsonObject json = new JsonObject(text);
    texts.add(json);
    textWaiters.removeIf(w -> w.p.test(json) && w.promise.tryComplete(json));
  }

  /** Completes with the first text frame (already received or to come) matching {@code p}. */
  synchronized Future<JsonObject> whenText(Predicate<JsonObject> p) {
    for (JsonObject t : texts) {
      if (p.test(t)) {
        return Future.succeededFuture(t);
      }
    }
    Promise<JsonObject> promise = Promise.promise();
    textWaiters.add(new Waiter<>(p, promise));
    return promise.future();
  }

  JsonObject awaitText(Predicate<JsonObject> p) {
    return await(whenText(p));
  }

  /** Waits until {@code n} binary frames have arrived in all. */
  void awaitFrames(int n) {
    Promise<Integer> promise = Promise.promise();
    synchronized (this) {
      if (frames.size() >= n) {
        return;
      }
      frameWaiters.add(new Waiter<>(count -> count >= n, promise));
    }
    await(promise.future());
  }

  synchronized int frameCount() {
    return frames.size();
  }

  synchronized List<Frame> frames() {
    return List.copyOf(frames);
  }

  synchronized List<JsonObject> texts() {
    return List.copyOf(texts);
  }

  /** Every binary frame so far, back to back. */
  synchronized byte[] audio() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Frame f : frames) {
      out.writeBytes(f.pcm);
    }
    return out.toByteArray();
  }

  /** The close status code, once the server closed the socket. */
  short awaitClose() {
    return await(closed.future());
  }

  Future<Short> whenClosed() {
    return closed.future();
  }

  void sendText(JsonObject json) {
    ws.writeTextMessage(json.encode());
  }

  void sendBinary(byte[] bytes) {
    ws.writeBinaryMessage(Buffer.buffer(bytes));
  }
}
