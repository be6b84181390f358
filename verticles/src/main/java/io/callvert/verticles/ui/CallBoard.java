package io.callvert.verticles.ui;

import io.callvert.runtime.api.Ids;
import io.callvert.runtime.call.CallSession;
import io.callvert.runtime.call.CallSnapshot;
import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.OperationCounts;
import io.callvert.verticles.call.CallObserver;
import io.callvert.verticles.call.CallRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The dashboard's list of this node's calls (docs/ui.md): one small summary per call, kept current by the call
 * verticles after every input they handle, and the set of calls that changed since the last push (contract rule
 * 68 — The dashboard is pushed in batches). Written from call contexts, read from HTTP event loops: concurrent.
 */
public final class CallBoard implements CallObserver {

  /** Newest first; equal ages by id, so pages are stable. */
  static final Comparator<JsonObject> NEWEST_FIRST = Comparator.<JsonObject>comparingLong(j -> -j.getLong("createdAt"))
      .thenComparing(j -> j.getString("id"));

  /**
   * One call as the list shows it, kept on the call's registry handle; its id and app are the handle's, so a summary
   * carries only what changes (48 bytes a call: heap per idle call, docs/benchmarks.md).
   */
  record Summary(CallState state, io.callvert.runtime.call.Direction direction, String callbackHost, long createdAt,
      long endedAt, int running, int queued) {

    JsonObject toJson(CallRegistry.Handle h, String node) {
      return new JsonObject().put("id", h.id()).put("state", name(state)).put("direction", name(direction))
          .put("app", h.owner()).put("callbackHost", callbackHost).put("createdAt", createdAt)
          .put("endedAt", endedAt == 0 ? null : endedAt).put("running", running).put("queued", queued).put("node", node);
    }

  }

  private final CallRegistry registry;
  private volatile String node;
  /** Changed since the last push: id → still present (false: forgotten). */
  private final Map<String, Boolean> dirty = new ConcurrentHashMap<>();

  CallBoard(CallRegistry registry, String node) {
    this.registry = registry;
    this.node = node;
  }

  String node() {
    return node;
  }

  /** In a cluster a node is named by its cluster node id. */
  void rename(String node) {
    this.node = node;
  }

  /**
   * Keeps the call's summary on its registry handle (no map of the board's own: a few dozen bytes per call) and
   * marks it changed when what the list shows changed.
   */
  @Override
  public void changed(CallSession call) {
    CallRegistry.Handle h = registry.get(call.id());
    if (h == null) {
      return;
    }
    Summary old = h.observed() instanceof Summary s ? s : null;
    CallState state = call.state();
    OperationCounts ops = state == CallState.TERMINATED ? OperationCounts.NONE : OperationCounts.of(call);
    if (old != null && old.state == state && old.running == ops.running() && old.queued == ops.queued()) {
      return; // nothing the list shows changed (the callback URI changes only with the state): no snapshot
    }
    CallSnapshot s = call.snapshot();
    long now = System.currentTimeMillis();
    h.observed(new Summary(state, s.direction(), Ids.shared(host(s.callbackUri())),
        old == null ? now : old.createdAt,
        state == CallState.TERMINATED ? (old != null && old.endedAt != 0 ? old.endedAt : now) : 0,
        ops.running(), ops.queued()));
    dirty.put(call.id(), Boolean.TRUE);
  }

  @Override
  public void forgotten(String callId) {
    dirty.put(callId, Boolean.FALSE); // gone from the registry already
  }


  /** This node's calls that {@code filter} keeps, newest first: the first {@code first} of them and how many match. */
  JsonObject top(Predicate<JsonObject> filter, int first) {
    List<JsonObject> matching = new ArrayList<>();
    for (CallRegistry.Handle h : registry.handles()) {
      if (!(h.observed() instanceof Summary s)) {
        continue;
      }
      JsonObject j = s.toJson(h, node);
      if (filter.test(j)) {
        matching.add(j);
      }
    }
    matching.sort(NEWEST_FIRST);
    JsonArray items = new JsonArray(new ArrayList<>(matching.subList(0, Math.min(first, matching.size()))));
    return new JsonObject().put("node", node).put("total", matching.size()).put("items", items);
  }

  /**
   * The calls that changed since the last call of this method, as one push (null when none): their summaries and
   * the ids forgotten; beyond {@code maxItems} changes only their count, and pages read their list again.
   */
  JsonObject drainChanges(int maxItems) {
    if (dirty.isEmpty()) {
      return null;
    }
    JsonArray changed = new JsonArray();
    JsonArray removed = new JsonArray();
    int count = 0;
    for (String id : new ArrayList<>(dirty.keySet())) {
      dirty.remove(id);
      count++;
      if (count > maxItems) {
        continue;
      }
      CallRegistry.Handle h = registry.get(id);
      if (h != null && h.observed() instanceof Summary s) {
        changed.add(s.toJson(h, node));
      } else {
        removed.add(id);
      }
    }
    JsonObject push = new JsonObject().put("type", "calls").put("node", node).put("count", count);
    return count > maxItems ? push.put("many", true) : push.put("changed", changed).put("removed", removed);
  }

  /** One shared string per value: a summary per call must not carry its own copies (heap per idle call). */
  private static final Map<Enum<?>, String> NAMES = new java.util.HashMap<>();

  static {
    for (Enum<?> e : CallState.values()) {
      NAMES.put(e, e.name().toLowerCase(Locale.ROOT));
    }
    for (Enum<?> e : io.callvert.runtime.call.Direction.values()) {
      NAMES.put(e, e.name().toLowerCase(Locale.ROOT));
    }
  }

  static String name(Enum<?> e) {
    return NAMES.get(e);
  }

  static String host(String callbackUri) {
    if (callbackUri == null) {
      return null;
    }
    try {
      URI u = URI.create(callbackUri);
      return u.getHost() == null ? callbackUri : u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
    } catch (IllegalArgumentException e) {
      return callbackUri;
    }
  }
}
