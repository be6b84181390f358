package io.callvert.verticles.ui;

import io.callvert.runtime.api.Ids;
import io.callvert.runtime.protocol.Outbound;
import io.callvert.verticles.call.CallRegistry;
import io.callvert.verticles.webhook.DeliveryObserver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Every call's timeline for the dashboard (docs/ui.md, contract rule 67 — A call's timeline is bounded): the
 * requests made about it (the bot's Graph requests, the simulated caller's), each notification as it is journaled
 * and each delivery attempt. At most {@code ui.timelineLimit} entries per call, the oldest dropped first and
 * counted; at most {@code ui.timelineCalls} calls keep one (the newest); forgotten with the call. Entries are kept as their encoded JSON (one string each: small, immutable).
 *
 * <p>Written from HTTP event loops and dispatcher shards, read from HTTP event loops: each timeline is a monitor.
 * Only calls this node holds get a timeline, so nothing outlives its call.
 */
public final class CallTimelines implements DeliveryObserver {

  private static final class Timeline {
    /** Encoded JSON strings, or {@link Request}s (the most frequent entry, encoded only when read or watched). */
    final ArrayDeque<Object> entries = new ArrayDeque<>();
    long dropped;
    long next = 1;
  }

  private final CallRegistry registry;
  private final int limit;
  private final int maxCalls;
  /** The calls with a timeline, oldest first: beyond {@code ui.timelineCalls} the oldest call's goes. */
  private final Map<String, Timeline> timelines;
  private final Map<String, List<Consumer<String>>> watchers = new ConcurrentHashMap<>();

  CallTimelines(CallRegistry registry, int limit, int maxCalls) {
    this.registry = registry;
    this.limit = limit;
    this.maxCalls = maxCalls;
    this.timelines = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Timeline> eldest) {
        return size() > maxCalls;
      }
    });
  }

  /**
   * A request made about a call, as the timeline keeps it: turned into JSON only when the timeline is read or
   * watched (the request recorder runs on every API request; encoding each was 2% of the cancel path). It is kept
   * small, since up to {@code ui.timelineLimit} of them live per call and each request of a busy node makes one
   * that outlives many young collections: the path is kept as the interned text around the call's id (rebuilt
   * with the id on reading) and a canonical operation id as its two halves, so an entry retains ~70 bytes instead
   * of ~260 (docs/benchmarks.md, "cancel path").
   */
  static final class Request {
    final long seq;
    final long at;
    final String who;
    final String method;
    /** The path before the call's id, interned; or the whole path when it does not hold the id. */
    final String head;
    /** The path after the call's id, interned; null when {@link #head} is the whole path. */
    final String tail;
    final int status;
    final int latencyMs;
    /** A canonical (lower-case UUID) operation id, as its halves; {@code opText} otherwise. */
    final long opHigh;
    final long opLow;
    final String opText;
    final boolean hasOp;

    Request(long seq, long at, String callId, String who, String method, String path, int status, long latencyMs,
        String operationId) {
      this.seq = seq;
      this.at = at;
      this.who = who;
      this.method = method;
      int id = callId.isEmpty() ? -1 : path.indexOf(callId);
      if (id < 0) {
        this.head = path;
        this.tail = null;
      } else {
        this.head = Interned.of(path.substring(0, id));
        this.tail = Interned.of(path.substring(id + callId.length()));
      }
      this.status = status;
      this.latencyMs = (int) Math.min(Integer.MAX_VALUE, latencyMs);
      this.hasOp = operationId != null;
      if (operationId != null && Ids.isCanonicalUuid(operationId)) {
        java.util.UUID u = java.util.UUID.fromString(operationId);
        this.opHigh = u.getMostSignificantBits();
        this.opLow = u.getLeastSignificantBits();
        this.opText = null;
      } else {
        this.opHigh = 0;
        this.opLow = 0;
        this.opText = operationId;
      }
    }

    JsonObject toJson(String callId) {
      JsonObject j = new JsonObject().put("kind", "request").put("who", who).put("method", method)
          .put("path", tail == null ? head : head + callId + tail).put("status", status).put("latencyMs", latencyMs);
      if (hasOp) {
        j.put("operationId", opText != null ? opText : new java.util.UUID(opHigh, opLow).toString());
      }
      return j.put("seq", seq).put("at", at);
    }
  }

  /** The few distinct texts around call ids in request paths, shared by every entry (bounded: beyond, not shared). */
  private static final class Interned {
    private static final int MAX = 512;
    private static final Map<String, String> TEXTS = new ConcurrentHashMap<>();

    static String of(String s) {
      String known = TEXTS.get(s);
      if (known != null) {
        return known;
      }
      if (TEXTS.size() < MAX) {
        known = TEXTS.putIfAbsent(s, s);
        return known != null ? known : s;
      }
      return s;
    }
  }

  /** Adds {@code entry} (without {@code seq}/{@code at}, which are set here) to the call's timeline. */
  public void record(String callId, JsonObject entry) {
    Timeline t = timeline(callId);
    if (t == null) {
      return;
    }
    String encoded;
    synchronized (t) {
      entry.put("seq", t.next++);
      if (!entry.containsKey("at")) {
        entry.put("at", System.currentTimeMillis());
      }
      encoded = entry.encode();
      add(t, encoded);
    }
    tell(callId, encoded);
  }

  /** Adds a request about the call (see {@link Request}). */
  public void recordRequest(String callId, String who, String method, String path, int status, long latencyMs,
      String operationId) {
    Timeline t = timeline(callId);
    if (t == null) {
      return;
    }
    Request r;
    synchronized (t) {
      r = new Request(t.next++, System.currentTimeMillis(), callId, who, method, path, status, latencyMs, operationId);
      add(t, r);
    }
    if (watchers.get(callId) != null) { // not isEmpty(): on a ConcurrentHashMap it sums counter cells every loop writes (1% of the cancel path)
      tell(callId, r.toJson(callId).encode());
    }
  }

  /** The call's timeline, created on its first entry; null when timelines are off or the call is not this node's. */
  private Timeline timeline(String callId) {
    if (limit == 0 || maxCalls == 0 || registry.get(callId) == null) {
      return null;
    }
    return timelines.computeIfAbsent(callId, k -> new Timeline());
  }

  private void add(Timeline t, Object entry) {
    if (t.entries.size() >= limit) {
      t.entries.removeFirst();
      t.dropped++;
    }
    t.entries.addLast(entry);
  }

  private void tell(String callId, String encoded) {
    List<Consumer<String>> w = watchers.get(callId);
    if (w != null) {
      w.forEach(c -> c.accept(encoded));
    }
  }

  /**
   * The call's timeline: {@code {"callId", "limit", "dropped", "kept", "entries": [...]}} (null: no such call here).
   * {@code kept} is false when the call has no timeline: it had nothing yet, or newer calls took its place.
   */
  JsonObject read(String callId) {
    if (registry.get(callId) == null) {
      return null;
    }
    JsonArray entries = new JsonArray();
    long dropped = 0;
    Timeline t = timelines.get(callId);
    if (t != null) {
      synchronized (t) {
        t.entries.forEach(o -> entries.add(o instanceof Request r ? r.toJson(callId) : new JsonObject((String) o)));
        dropped = t.dropped;
      }
    }
    return new JsonObject().put("callId", callId).put("limit", limit).put("dropped", dropped).put("kept", t != null)
        .put("entries", entries);
  }

  /** Calls {@code watcher} with every entry added to the call's timeline from now on, until the returned undo runs. */
  Runnable watch(String callId, Consumer<String> watcher) {
    watchers.computeIfAbsent(callId, k -> new CopyOnWriteArrayList<>()).add(watcher);
    return () -> watchers.computeIfPresent(callId, (k, list) -> {
      list.remove(watcher);
      return list.isEmpty() ? null : list;
    });
  }

  void forget(String callId) {
    timelines.remove(callId);
  }

  // ------------------------------------------------------------------ delivery (dispatcher shards)

  @Override
  public void journaled(long sequence, Outbound notification) {
    if (limit == 0 || maxCalls == 0) {
      return;
    }
    JsonObject entry = new JsonObject().put("kind", "notification").put("sequence", sequence);
    JsonArray value = notification.body().getJsonArray("value");
    JsonObject n = value == null || value.isEmpty() ? null : value.getJsonObject(0);
    if (n != null) {
      JsonObject data = n.getJsonObject("resourceData", new JsonObject());
      String type = data.getString("@odata.type", "");
      entry.put("changeType", n.getString("changeType")).put("resource", type.replace("#microsoft.graph.", ""));
      if (data.containsKey("status")) {
        entry.put("status", data.getString("status")).put("operationId", data.getString("id"));
      }
      if (data.containsKey("state")) {
        entry.put("state", data.getString("state"));
      }
      JsonObject tone = data.getJsonObject("toneInfo");
      if (tone != null) {
        entry.put("tone", tone.getString("tone"));
      }
      JsonObject result = data.getJsonObject("resultInfo");
      if (result != null) {
        entry.put("resultInfo", result.getValue("code") + "/" + result.getValue("subcode"));
      }
    }
    record(notification.callId(), entry);
  }

  @Override
  public void attempted(String callId, long sequence, Attempt a) {
    if (limit == 0 || maxCalls == 0) {
      return;
    }
    record(callId, new JsonObject().put("kind", "attempt").put("sequence", sequence).put("attempt", a.number())
        .put("status", a.status()).put("latencyMs", a.latencyMs()).put("result", a.result()).put("error", a.error()));
  }
}
