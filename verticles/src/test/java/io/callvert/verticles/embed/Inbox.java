package io.callvert.verticles.embed;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An in-process bot: receives what {@link io.callvert.verticles.CallvertClient#onNotification}
 * delivers and hands out futures that the arrival itself completes ({@link #when}), or calls a
 * handler per arrival ({@link #onNote}, for {@code VertxTestContext} checkpoints). Nothing sleeps,
 * waits on a monitor or polls.
 */
final class Inbox implements Handler<io.callvert.verticles.CallvertNotification> {

  /** One in-process notification: {@code {"callId", "sequence", "notification": <commsNotifications>}}. */
  record Note(String callId, long sequence, JsonObject notification) {
    JsonObject value() {
      return notification.getJsonArray("value").getJsonObject(0);
    }

    String changeType() {
      return value().getString("changeType");
    }

    String resourceUrl() {
      return value().getString("resourceUrl");
    }

    JsonObject resourceData() {
      return value().getJsonObject("resourceData");
    }

    /** The id of what the notification is about: the operation's, else the call's. */
    String subjectId() {
      return resourceData().getString("id");
    }
  }

  private record Waiter(Predicate<Note> p, int n, Promise<List<Note>> promise) {}

  private record Listener(Predicate<Note> p, Consumer<Note> handler) {}

  /** How long {@link #await} waits before failing the test. */
  static final long TIMEOUT_MS = 10_000;

  /** Guarded by {@code this}, like the waiters and listeners. */
  private final List<Note> notes = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final List<Listener> listeners = new ArrayList<>();
  private final List<String> log;

  /** @param log where arrivals are also logged as {@code "notification <subjectId> <changeType>"} */
  Inbox(List<String> log) {
    this.log = log;
  }

  @Override
  public void handle(io.callvert.verticles.CallvertNotification message) {
    Note n = new Note(message.callId(), message.sequence(), message.body());
    List<Runnable> calls = new ArrayList<>();
    synchronized (this) {
      notes.add(n);
      log.add("notification " + n.subjectId() + " " + n.changeType());
      for (Listener l : listeners) {
        if (l.p().test(n)) {
          calls.add(() -> l.handler().accept(n));
        }
      }
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        List<Note> matching = matching(w.p(), w.n());
        if (matching != null) {
          it.remove();
          calls.add(() -> w.promise().tryComplete(matching));
        }
      }
    }
    calls.forEach(Runnable::run);
  }

  synchronized List<Note> all() {
    return List.copyOf(notes);
  }

  /** Completes with the first {@code n} notifications matching {@code p}, in arrival order, once the {@code n}-th arrives. */
  synchronized Future<List<Note>> when(Predicate<Note> p, int n) {
    List<Note> already = matching(p, n);
    if (already != null) {
      return Future.succeededFuture(already);
    }
    Waiter w = new Waiter(p, n, Promise.promise());
    waiters.add(w);
    return w.promise().future();
  }

  /**
   * Calls {@code handler} with every notification matching {@code p}: the ones already here at
   * once, in arrival order, then each one as Callvert delivers it (on the listener's context).
   */
  synchronized Inbox onNote(Predicate<Note> p, Consumer<Note> handler) {
    notes.stream().filter(p).forEach(handler);
    listeners.add(new Listener(p, handler));
    return this;
  }

  /** The first {@code n} matches once there are {@code n}, else null. Holds {@code this}. */
  private List<Note> matching(Predicate<Note> p, int n) {
    List<Note> matching = notes.stream().filter(p).limit(n).toList();
    return matching.size() >= n ? matching : null;
  }

  /** Waits (at most 10 s) until {@code n} notifications match; returns the first {@code n} matching ones in arrival order. */
  List<Note> await(Predicate<Note> p, int n) {
    try {
      return when(p, n).await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      List<Note> matching;
      JsonArray all;
      synchronized (this) {
        matching = notes.stream().filter(p).toList();
        all = new JsonArray(notes.stream().map(Note::notification).toList());
      }
      throw new AssertionError("expected " + n + " in-process notifications within " + TIMEOUT_MS + " ms, got "
          + matching.size() + " of " + all.encodePrettily());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  Note awaitOne(String callId, Predicate<Note> p) {
    return await(n -> n.callId().equals(callId) && p.test(n), 1).get(0);
  }
}
