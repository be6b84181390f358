package io.callvert.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Everything the handle saw of one call, fed by Callvert's events (notifications produced, POST outcomes) and by the
 * handle's own actions (caller, clock); the source of {@link BotCall}'s answers and of the timeline a failed
 * assertion prints. Events arrive on an event loop, assertions read on the test thread: every access is under
 * {@code this}. A waiter is a function of this log, re-checked after each event; it completes once it yields a value.
 */
final class CallLog {

  private final String callId;
  private final long startNanos = System.nanoTime();
  /** Every notification produced for the call, by sequence (they reach the log before their POSTs' outcomes). */
  private final Map<Long, Notification> produced = new TreeMap<>();
  /** Delivered notifications, each once, by sequence. */
  private final Map<Long, Notification> delivered = new TreeMap<>();
  /** What the bot received, in arrival order, duplicates included. */
  private final List<Notification> received = new ArrayList<>();
  private final List<String> timeline = new ArrayList<>();
  private final List<String> failed = new ArrayList<>();
  private final List<Waiter<?>> waiters = new ArrayList<>();
  private final Clock clock;

  /** The test clock's offset as the handle moved it, shown beside each timeline line. */
  interface Clock {
    long advancedMs();
  }

  private record Waiter<T>(Function<CallLog, T> check, CompletableFuture<T> done) {
    boolean tryComplete(CallLog log) {
      T value = check.apply(log);
      return value != null && done.complete(value);
    }
  }

  CallLog(String callId, Clock clock) {
    this.callId = callId;
    this.clock = clock;
  }

  String callId() {
    return callId;
  }

  synchronized void produced(long sequence, JsonObject commsNotifications) {
    JsonObject n = commsNotifications.getJsonArray("value").getJsonObject(0);
    produced.put(sequence, Notification.of(sequence, n));
  }

  /** One POST came back (see CallvertClient.onDeliveryAttempt for the fields). */
  void posted(JsonObject post) {
    List<Waiter<?>> ready;
    synchronized (this) {
      JsonArray sequences = post.getJsonArray("sequences");
      boolean ok = "delivered".equals(post.getString("outcome"));
      StringBuilder what = new StringBuilder(sequences.size() > 1 ? "one POST of " : "POST ");
      for (int i = 0; i < sequences.size(); i++) {
        long seq = sequences.getLong(i);
        Notification n = produced.get(seq);
        what.append(i > 0 ? " + " : "").append(n == null ? "#" + seq : n.toString());
        if (ok && n != null) {
          delivered.putIfAbsent(seq, n);
          received.add(n);
        }
      }
      if (!ok && !post.getBoolean("duplicate", false)) {
        Notification n = produced.get(sequences.getLong(0));
        failed.add((n == null ? "#" + sequences.getLong(0) : n.toString()) + ": " + post.getString("error"));
      }
      what.append(post.getBoolean("duplicate", false) ? " (again: a duplicate)" : "");
      what.append(" → ").append(post.getString("outcome")).append(" (attempt ").append(post.getInteger("attempt"))
          .append(post.getString("error") == null ? "" : ": " + post.getString("error")).append(')');
      what.append(post.getBoolean("rolledOver", false) ? " [signed with the rolled-over key]" : "");
      note("Callvert → bot", what.toString());
      ready = new ArrayList<>(waiters);
    }
    check(ready);
  }

  /** Something the test did (caller, clock, profile), for the timeline. */
  synchronized void note(String who, String what) {
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    timeline.add(String.format("  +%6d ms  [test clock +%d ms]  %-15s %s", ms, clock.advancedMs(), who, what));
  }

  /** Completes with the first non-null value of {@code check}, now or after a later event. */
  <T> CompletableFuture<T> when(Function<CallLog, T> check) {
    Waiter<T> w = new Waiter<>(check, new CompletableFuture<>());
    synchronized (this) {
      if (w.tryComplete(this)) {
        return w.done();
      }
      waiters.add(w);
    }
    return w.done();
  }

  private void check(List<Waiter<?>> candidates) {
    for (Waiter<?> w : candidates) {
      boolean completed;
      synchronized (this) {
        completed = w.tryComplete(this);
      }
      if (completed) {
        synchronized (this) {
          waiters.remove(w);
        }
      }
    }
  }

  synchronized void forget(CompletableFuture<?> done) {
    for (Iterator<Waiter<?>> it = waiters.iterator(); it.hasNext(); ) {
      if (it.next().done() == done) {
        it.remove();
      }
    }
  }

  synchronized List<Notification> delivered() {
    return List.copyOf(delivered.values());
  }

  synchronized List<String> failed() {
    return List.copyOf(failed);
  }

  synchronized List<Notification> received() {
    return List.copyOf(received);
  }

  /** Notifications produced but not (yet) delivered, e.g. failing, held or dead-lettered. */
  synchronized List<Notification> undelivered() {
    List<Notification> out = new ArrayList<>();
    produced.forEach((seq, n) -> {
      if (!delivered.containsKey(seq)) {
        out.add(n);
      }
    });
    return out;
  }

  synchronized String timeline() {
    StringBuilder sb = new StringBuilder("Timeline of call ").append(callId)
        .append(" (real time since the handle first saw it; test clock as moved by the handle):\n");
    timeline.forEach(line -> sb.append(line).append('\n'));
    if (timeline.isEmpty()) {
      sb.append("  (nothing yet)\n");
    }
    return sb.toString();
  }
}
