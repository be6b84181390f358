package io.callvert.verticles.testkit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A real bot-side webhook receiver on loopback. It records every notification POST (headers and
 * body) in arrival order and hands out futures that complete when the N-th notification matching a
 * predicate arrives ({@link #whenReceived}); the {@code await…} helpers wait for such a future with a
 * timeout. Nothing sleeps or polls: each arrival checks the pending waiters. A
 * scripted list of responses makes it fail, throttle or redirect on demand; {@link #stop} and
 * {@link #restart} take it down and bring it back on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One received POST. */
  public record Received(String path, Map<String, String> headers, JsonObject body, long receivedAt) {
    public JsonObject notification() {
      return body.getJsonArray("value").getJsonObject(0);
    }

    public String changeType() {
      return notification().getString("changeType");
    }

    public String resourceUrl() {
      return notification().getString("resourceUrl");
    }

    public JsonObject resourceData() {
      return notification().getJsonObject("resourceData");
    }

    public long sequence() {
      return Long.parseLong(headers.get("x-callvert-sequence"));
    }

    public String callId() {
      String url = resourceUrl();
      String rest = url.substring("/communications/calls/".length());
      int slash = rest.indexOf('/');
      return slash < 0 ? rest : rest.substring(0, slash);
    }
  }

  /** A scripted answer for the next POST: a status and headers, after {@code delayMs} (0: at once). */
  public record Reply(int status, Map<String, String> headers, long delayMs) {
    public Reply(int status, Map<String, String> headers) {
      this(status, headers, 0);
    }

    public static Reply of(int status) {
      return new Reply(status, Map.of());
    }

    /** Never answers: the POST stays open until the sender gives up (its timeout) or the receiver stops. */
    public static Reply hang() {
      return new Reply(-1, Map.of());
    }

    /** Closes the connection instead of answering (the sender sees a reset). */
    public static Reply reset() {
      return new Reply(-2, Map.of());
    }

    /** A slow bot: answers {@code status} only after {@code delayMs} (a timer on the bot's side). */
    public static Reply slow(int status, long delayMs) {
      return new Reply(status, Map.of(), delayMs);
    }
  }

  private final Vertx vertx;
  private HttpServer server;
  private int port;
  private final List<Received> received = new ArrayList<>();
  private final List<Received> attempts = new ArrayList<>();
  private final Deque<Reply> script = new ArrayDeque<>();
  /** Answers the POSTs the script does not (null: 202); guarded by {@code this}. */
  private java.util.function.Function<Received, Reply> responder;
  /** POSTs of each call received and neither answered nor closed yet, and the most there ever were at once. */
  private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Integer> maxInFlight = new ConcurrentHashMap<>();
  /** Futures not completed yet, checked on every arrival; guarded by {@code this}. */
  private final List<Waiter> waiters = new ArrayList<>();

  private record Waiter(boolean acceptedOnly, Predicate<Received> p, int n, Promise<List<Received>> promise) {}

  /** Handlers called with every matching arrival (see {@link #onReceived}); guarded by {@code this}. */
  private final List<Listener> listeners = new ArrayList<>();

  private record Listener(boolean acceptedOnly, Predicate<Received> p, Consumer<Received> handler) {}

  /** How long the blocking {@code await…} helpers wait before failing the test. */
  static final long TIMEOUT_MS = 10_000;

  public WebhookReceiver(Vertx vertx) {
    this.vertx = vertx;
    listen(0);
  }

  private void listen(int p) {
    try {
      server = vertx.createHttpServer().requestHandler(this::handle).listen(p, "127.0.0.1").await(10, TimeUnit.SECONDS);
      port = server.actualPort();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buf -> {
      Map<String, String> headers = new ConcurrentHashMap<>();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
      Received r = new Received(req.path(), headers, buf.length() == 0 ? new JsonObject() : buf.toJsonObject(), System.currentTimeMillis());
      Reply reply;
      List<Runnable> completions = new ArrayList<>();
      synchronized (this) {
        attempts.add(r);
        reply = script.poll();
        if (reply == null && responder != null) {
          reply = responder.apply(r);
        }
        boolean accepted = reply == null || (reply.status() >= 200 && reply.status() < 300);
        if (accepted) {
          received.add(r);
        }
        for (Listener l : listeners) {
          if ((accepted || !l.acceptedOnly()) && l.p().test(r)) {
            completions.add(() -> l.handler().accept(r));
          }
        }
        for (java.util.Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
          Waiter w = it.next();
          List<Received> matching = matching(w);
          if (matching != null) {
            it.remove();
            completions.add(() -> w.promise().tryComplete(matching));
          }
        }
      }
      for (Runnable c : completions) {
        try {
          c.run();
        } catch (RuntimeException | Error e) {
          // a handler that does not report through ctx.verify(..): still answer the POST below
          e.printStackTrace();
        }
      }
      String call = callIdOf(r);
      java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
      Runnable done = () -> {
        if (over.compareAndSet(false, true)) {
          inFlight.merge(call, -1, Integer::sum);
        }
      };
      int now = inFlight.merge(call, 1, Integer::sum);
      maxInFlight.merge(call, now, Math::max);
      req.connection().closeHandler(v -> done.run()); // the sender gave up (timeout) or a reset
      if (reply != null && reply.status() == -2) {
        done.run();
        req.connection().close();
        return;
      }
      if (reply != null && reply.status() < 0) {
        return;
      }
      Reply answer = reply;
      Runnable respond = () -> {
        if (over.get()) {
          return; // the connection is gone
        }
        var resp = req.response().setStatusCode(answer == null ? 202 : answer.status());
        if (answer != null) {
          answer.headers().forEach(resp::putHeader);
        }
        done.run();
        resp.end();
      };
      if (answer != null && answer.delayMs() > 0) {
        vertx.setTimer(answer.delayMs(), t -> respond.run());
      } else {
        respond.run();
      }
    });
  }

  private static String callIdOf(Received r) {
    try {
      return r.callId();
    } catch (RuntimeException notANotification) {
      return "?";
    }
  }

  /**
   * Answers every POST the script does not answer (the function returning null: 202). Each POST
   * tells its own answer from its path, headers or body (e.g. {@code X-Callvert-Attempt}), so calls
   * with different faults can share one receiver.
   */
  public synchronized WebhookReceiver respond(java.util.function.Function<Received, Reply> responder) {
    this.responder = responder;
    return this;
  }

  /**
   * The most POSTs of {@code callId} this receiver ever held at once: received and neither answered
   * nor closed by the sender (contract rule 16 — one in flight per call: always 1).
   */
  public int maxInFlight(String callId) {
    return maxInFlight.getOrDefault(callId, 0);
  }

  /** Callback URI for this receiver (any path is accepted). */
  public String url() {
    return url("/callback");
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** The next POSTs get these answers, in order; afterwards 202. */
  public synchronized WebhookReceiver script(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** Drops the scripted replies not used yet; returns how many there were. */
  public synchronized int clearScript() {
    int n = script.size();
    script.clear();
    return n;
  }

  /** Notifications accepted with a 2xx, in arrival order. */
  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** Every POST, including the ones answered with a scripted failure. */
  public synchronized List<Received> attempts() {
    return List.copyOf(attempts);
  }

  /**
   * Completes with the first {@code n} accepted (2xx) notifications matching {@code p}, in arrival
   * order, once the {@code n}-th arrives (at once if they already did).
   */
  public Future<List<Received>> whenReceived(Predicate<Received> p, int n) {
    return when(true, p, n);
  }

  /** Like {@link #whenReceived} over every POST, whatever it was answered (or not answered yet). */
  public Future<List<Received>> whenAttempted(Predicate<Received> p, int n) {
    return when(false, p, n);
  }

  private synchronized Future<List<Received>> when(boolean acceptedOnly, Predicate<Received> p, int n) {
    Waiter w = new Waiter(acceptedOnly, p, n, Promise.promise());
    List<Received> already = matching(w);
    if (already != null) {
      return Future.succeededFuture(already);
    }
    waiters.add(w);
    return w.promise().future();
  }

  /** The first {@code n} matches once there are {@code n}, else null. Holds {@code this}. */
  private List<Received> matching(Waiter w) {
    List<Received> matching = (w.acceptedOnly() ? received : attempts).stream().filter(w.p()).limit(w.n()).toList();
    return matching.size() >= w.n() ? matching : null;
  }

  /**
   * Calls {@code handler} with every accepted (2xx) notification matching {@code p}: at once with the
   * ones already received, in arrival order, then with each one as it arrives (on the receiver's
   * event loop, after it was recorded). For a {@code VertxTestContext} checkpoint flagged per event:
   * <pre>{@code
   * Checkpoint tones = ctx.checkpoint(3); // strict: a fourth tone fails the test
   * bot.onReceived(r -> r.callId().equals(callId) && isTone(r), r -> ctx.verify(() -> {
   *   assertThat(r.changeType()).isEqualTo("updated");
   *   tones.flag();
   * }));
   * }</pre>
   * With a receiver of {@link CallvertTest.Scope#CLASS}, {@link CallvertExtension} removes the
   * handlers after each test.
   */
  public WebhookReceiver onReceived(Predicate<Received> p, Consumer<Received> handler) {
    return listen(true, p, handler);
  }

  /** Like {@link #onReceived} for every POST, whatever it was answered (or not answered yet). */
  public WebhookReceiver onAttempted(Predicate<Received> p, Consumer<Received> handler) {
    return listen(false, p, handler);
  }

  private synchronized WebhookReceiver listen(boolean acceptedOnly, Predicate<Received> p, Consumer<Received> handler) {
    // replayed under the lock, so that no arrival is handled before the ones that came earlier
    (acceptedOnly ? received : attempts).stream().filter(p).forEach(handler);
    listeners.add(new Listener(acceptedOnly, p, handler));
    return this;
  }

  /** Drops every {@link #onReceived}/{@link #onAttempted} handler (the fixture does so after each test). */
  public synchronized void removeListeners() {
    listeners.clear();
  }

  /** Waits until {@code n} accepted notifications of {@code callId} arrived; returns them in order. */
  public List<Received> await(String callId, int n) {
    return awaitMatching(r -> r.callId().equals(callId), n);
  }

  /** Waits for the first accepted notification of {@code callId} that matches, and returns it. */
  public Received awaitOne(String callId, Predicate<Received> p) {
    List<Received> l = awaitMatching(r -> r.callId().equals(callId) && p.test(r), 1);
    return l.get(0);
  }

  public List<Received> awaitMatching(Predicate<Received> p, int n) {
    return awaitFuture(whenReceived(p, n), received, p, n);
  }

  /** Waits until {@code n} POSTs that match arrived, whatever they were answered (or not answered yet). */
  public List<Received> awaitAttempts(Predicate<Received> p, int n) {
    return awaitFuture(whenAttempted(p, n), attempts, p, n);
  }

  private List<Received> awaitFuture(Future<List<Received>> f, List<Received> list, Predicate<Received> p, int n) {
    try {
      return f.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      List<Received> matching;
      synchronized (this) {
        matching = list.stream().filter(p).toList();
      }
      throw new AssertionError("expected " + n + " notifications within " + TIMEOUT_MS + " ms, got " + matching.size() + ": "
          + new JsonArray(matching.stream().map(Received::body).toList()).encodePrettily());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Stops listening: deliveries now fail with connection errors. */
  public void stop() {
    server.close().await();
  }

  /** Listens again on the same port. */
  public void restart() {
    listen(port);
  }

  @Override
  public void close() {
    server.close();
  }
}
