package io.callvert.verticles.ui;

import io.callvert.config.UiOptions;
import io.callvert.runtime.call.CallProtocol;
import io.callvert.verticles.call.CallManager;
import io.callvert.verticles.cluster.CallDirectory;
import io.callvert.verticles.webhook.WebhookDispatchers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dashboard reads (docs/ui.md): this node's {@link CallBoard} and {@link CallTimelines}, the push of
 * changed calls to every open dashboard of every node, and the call list across the cluster. Built by the root
 * verticle; the HTTP edge ({@code http.UiRoutes}) serves it.
 *
 * <p>In a cluster each node answers list queries for its own calls on {@code callvert.<instance>.ui.query.<node>}
 * and publishes its changes on {@code callvert.<instance>.ui.calls}; a list asks every member of the cluster and
 * merges (contract rule 69 — Every node's dashboard shows every node's calls).
 */
public final class Ui {

  /** Changes beyond this in one push go as a count: the pages read their list again. */
  static final int MAX_PUSH_ITEMS = 200;
  /** The most calls one page of the list may hold. */
  public static final int MAX_PAGE = 500;
  /** The furthest a page may start: beyond, narrow the filter. */
  public static final int MAX_OFFSET = 100_000;

  private final Vertx vertx;
  private final UiOptions options;
  private final CallManager calls;
  private final CallBoard board;
  private final CallTimelines timelines;
  private final EventHub hub = new EventHub();
  private final String pushAddress;
  private final String queryPrefix;
  private long pushTimer = -1;
  private MessageConsumer<JsonObject> pushConsumer;
  private volatile CallDirectory directory;
  private final long requestTimeoutMs;

  private Ui(Vertx vertx, UiOptions options, String instanceName, CallManager calls, long requestTimeoutMs) {
    this.vertx = vertx;
    this.requestTimeoutMs = requestTimeoutMs;
    this.options = options;
    this.calls = calls;
    this.board = new CallBoard(calls.registry(), "local");
    this.timelines = new CallTimelines(calls.registry(), options.timelineLimit(), options.timelineCalls());
    this.pushAddress = "callvert." + instanceName + ".ui.calls";
    this.queryPrefix = "callvert." + instanceName + ".ui.query.";
  }

  /**
   * Watches {@code calls} and {@code dispatchers}, and starts pushing changes every {@code ui.pushIntervalMs};
   * call on the root verticle's context (the timer and consumer are then cleaned up with it).
   */
  public static Future<Ui> start(Vertx vertx, io.callvert.config.CallvertOptions all, String instanceName,
      CallManager calls, WebhookDispatchers dispatchers) {
    UiOptions options = all.ui();
    Ui ui = new Ui(vertx, options, instanceName, calls, all.http().requestTimeoutMs());
    calls.observer(new io.callvert.verticles.call.CallObserver() {
      @Override
      public void changed(io.callvert.runtime.call.CallSession call) {
        ui.board.changed(call);
      }

      @Override
      public void forgotten(String callId) {
        ui.board.forgotten(callId);
        ui.timelines.forget(callId);
      }
    });
    dispatchers.observer(ui.timelines);
    ui.pushTimer = vertx.setPeriodic(options.pushIntervalMs(), t -> ui.push());
    ui.pushConsumer = vertx.eventBus().consumer(ui.pushAddress, m -> ui.hub.calls(m.body()));
    return ui.pushConsumer.completion().map(ui);
  }

  /** Joins the cluster: this node answers list queries for its calls, named by its node id. */
  public Future<Void> joinCluster(CallDirectory directory) {
    this.directory = directory;
    board.rename(directory.nodeId());
    return vertx.eventBus().<JsonObject>consumer(queryPrefix + directory.nodeId(), this::onQuery).completion();
  }

  public void stop() {
    if (pushTimer >= 0) {
      vertx.cancelTimer(pushTimer);
    }
    hub.closeAll();
  }

  public CallTimelines timelines() {
    return timelines;
  }

  public EventHub hub() {
    return hub;
  }

  public UiOptions options() {
    return options;
  }

  private void push() {
    JsonObject changes = board.drainChanges(MAX_PUSH_ITEMS);
    if (changes != null) {
      vertx.eventBus().publish(pushAddress, changes);
    }
    hub.heartbeat();
  }

  // ------------------------------------------------------------------ the list

  /** A page of the calls {@code filter} keeps, across the cluster: {@code {"total", "offset", "items", "nodes"}}. */
  public Future<JsonObject> list(ListQuery q) {
    int first = q.offset() + q.limit();
    CallDirectory d = directory;
    List<Future<JsonObject>> parts = new ArrayList<>();
    parts.add(Future.succeededFuture(board.top(q::matches, first)));
    if (d != null) {
      JsonObject ask = q.toJson();
      for (String node : d.nodes()) {
        if (!node.equals(d.nodeId())) {
          parts.add(vertx.eventBus().<JsonObject>request(queryPrefix + node, ask,
                  new DeliveryOptions().setSendTimeout(requestTimeoutMs))
              .map(Message::body)
              .otherwise(e -> new JsonObject().put("node", node).put("error", e.getMessage())));
        }
      }
    }
    return Future.all(parts).map(all -> {
      List<JsonObject> items = new ArrayList<>();
      JsonArray nodes = new JsonArray();
      long total = 0;
      for (int i = 0; i < all.size(); i++) {
        JsonObject part = all.resultAt(i);
        nodes.add(new JsonObject().put("node", part.getString("node")).put("total", part.getLong("total"))
            .put("error", part.getString("error")));
        total += part.getLong("total", 0L);
        JsonArray got = part.getJsonArray("items", new JsonArray());
        for (int k = 0; k < got.size(); k++) {
          items.add(got.getJsonObject(k));
        }
      }
      items.sort(CallBoard.NEWEST_FIRST);
      List<JsonObject> page = items.subList(Math.min(q.offset(), items.size()), Math.min(first, items.size()));
      return new JsonObject().put("total", total).put("offset", q.offset()).put("limit", q.limit())
          .put("items", new JsonArray(new ArrayList<>(page))).put("nodes", nodes);
    });
  }

  private void onQuery(Message<JsonObject> m) {
    String timelineOf = m.body().getString("timeline");
    if (timelineOf != null) {
      JsonObject t = localTimeline(timelineOf, m.body().getString("scope"));
      m.reply(t == null ? new JsonObject() : t);
      return;
    }
    ListQuery q = ListQuery.fromJson(m.body());
    m.reply(board.top(q::matches, q.offset() + q.limit()));
  }

  // ------------------------------------------------------------------ one call

  /** Whether this node holds the call and {@code scope} may see it. */
  public boolean isLocal(String callId, String scope) {
    io.callvert.verticles.call.CallRegistry.Handle h = calls.registry().get(callId);
    return h != null && h.visibleTo(scope);
  }

  private JsonObject localTimeline(String callId, String scope) {
    return isLocal(callId, scope) ? timelines.read(callId) : null;
  }

  /**
   * The call's timeline, from the node that holds it (in a cluster the other members are asked); null: no such
   * call, or not visible to {@code scope}.
   */
  public Future<JsonObject> timeline(String callId, String scope) {
    JsonObject local = localTimeline(callId, scope);
    CallDirectory d = directory;
    if (local != null || d == null) {
      return Future.succeededFuture(local);
    }
    JsonObject ask = new JsonObject().put("timeline", callId).put("scope", scope);
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (String node : d.nodes()) {
      if (!node.equals(d.nodeId())) {
        answers.add(vertx.eventBus().<JsonObject>request(queryPrefix + node, ask,
            new DeliveryOptions().setSendTimeout(requestTimeoutMs)).map(Message::body).otherwise(new JsonObject()));
      }
    }
    return Future.all(answers).map(all -> {
      for (int i = 0; i < all.size(); i++) {
        JsonObject t = all.resultAt(i);
        if (t.containsKey("entries")) {
          return t;
        }
      }
      return null;
    });
  }

  /** What the caller heard as a waveform with its cut points (null: no such call). */
  public Future<JsonObject> waveform(String callId, String scope, int buckets) {
    return calls.ask(callId, CallProtocol.GET_HEARD, scope).compose(reply -> {
      if (!(reply instanceof CallProtocol.Heard heard)) {
        return Future.succeededFuture(null);
      }
      return vertx.executeBlocking(() -> Waveform.of(heard.slices(), buckets), false);
    });
  }

  /** The filter and page of a list request. */
  public record ListQuery(String state, String text, int offset, int limit, String scope) {

    boolean matches(JsonObject call) {
      if (scope != null && !scope.equals(call.getString("app"))) {
        return false;
      }
      boolean ended = "terminated".equals(call.getString("state"));
      if ("live".equals(state) && ended || "ended".equals(state) && !ended) {
        return false;
      }
      if (state != null && !state.equals("live") && !state.equals("ended") && !state.equals("all")
          && !state.equals(call.getString("state"))) {
        return false;
      }
      if (text == null || text.isEmpty()) {
        return true;
      }
      for (String field : new String[] {"id", "app", "callbackHost", "direction", "node"}) {
        String v = call.getString(field);
        if (v != null && v.toLowerCase(java.util.Locale.ROOT).contains(text)) {
          return true;
        }
      }
      return false;
    }

    JsonObject toJson() {
      return new JsonObject().put("state", state).put("text", text).put("offset", offset).put("limit", limit)
          .put("scope", scope);
    }

    static ListQuery fromJson(JsonObject j) {
      return new ListQuery(j.getString("state"), j.getString("text"), j.getInteger("offset", 0),
          j.getInteger("limit", 50), j.getString("scope"));
    }
  }
}
