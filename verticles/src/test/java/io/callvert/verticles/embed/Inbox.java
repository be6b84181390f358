package io.callvert.verticles.embed;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An in-process bot: receives what {@link io.callvert.verticles.CallvertClient#onNotification}
 * delivers and lets a test await notifications by predicate, without sleeping.
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

  private final List<Note> notes = new ArrayList<>();
  private final List<String> log;

  /** @param log where arrivals are also logged as {@code "notification <subjectId> <changeType>"} */
  Inbox(List<String> log) {
    this.log = log;
  }

  @Override
  public synchronized void handle(io.callvert.verticles.CallvertNotification message) {
    Note n = new Note(message.callId(), message.sequence(), message.body());
    notes.add(n);
    log.add("notification " + n.subjectId() + " " + n.changeType());
    notifyAll();
  }

  synchronized List<Note> all() {
    return List.copyOf(notes);
  }

  /** Waits until {@code n} notifications match; returns the matching ones in arrival order. */
  synchronized List<Note> await(Predicate<Note> p, int n) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      List<Note> matching = notes.stream().filter(p).toList();
      if (matching.size() >= n) {
        return matching;
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new AssertionError("expected " + n + " in-process notifications, got " + matching.size() + " of "
            + new JsonArray(notes.stream().map(Note::notification).toList()).encodePrettily());
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  Note awaitOne(String callId, Predicate<Note> p) {
    return await(n -> n.callId().equals(callId) && p.test(n), 1).get(0);
  }
}
