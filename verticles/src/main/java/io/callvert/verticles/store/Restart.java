package io.callvert.verticles.store;

import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.call.OwnerRecord;
import io.callvert.runtime.graph.Graph;
import io.callvert.runtime.protocol.Outbound;
import io.callvert.verticles.webhook.DispatcherMessage;
import io.callvert.verticles.webhook.WebhookDispatchers;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node starting on a store a previous run left (contract rule 42 — A restarted node ends its calls): before it
 * accepts any request, it hands its dispatcher shards, per call and in order, first the notifications that were not
 * delivered (with their sequence numbers), then, for each call it owned, one terminal event per live operation and the
 * call's {@code terminated} ({@link OwnerRecord#restartedEvents()}), and lets the store forget the call. The shards
 * keep each of these notifications in the store until it is delivered or dead-lettered, so a second restart before
 * then delivers them again, and never ends a call twice.
 */
public final class Restart {

  private static final Logger log = LoggerFactory.getLogger(Restart.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private Restart() {}

  /** What a restart found and did, for the log line. */
  public record Summary(int notifications, int calls, int operations) {}

  /**
   * Hands the shards what {@code store} holds from the previous run. Call on one context, before requests are served:
   * messages sent from one context to a shard arrive in order.
   *
   * @param dialects the renderer of each dialect by name ({@link OwnerRecord#dialect()})
   */
  public static Summary run(Vertx vertx, DurableStore store, WebhookDispatchers dispatchers,
      Function<String, Function<Notification, Outbound>> dialects) {
    DurableStore.Leftovers left = store.leftovers();
    Map<String, Ended> ended = new LinkedHashMap<>();
    for (DurableStore.StoredNotification n : left.notifications()) {
      String callId = n.outbound().callId();
      vertx.eventBus().send(dispatchers.addressFor(callId), new DispatcherMessage.Restored(n.sequence(), n.outbound()), LOCAL);
      ended.computeIfAbsent(callId, k -> new Ended()).note(callId, n.outbound().body());
    }
    int operations = 0;
    for (Map.Entry<String, OwnerRecord> call : left.calls().entrySet()) {
      String callId = call.getKey();
      Ended already = ended.computeIfAbsent(callId, k -> new Ended());
      Function<Notification, Outbound> dialect = dialects.apply(call.getValue().dialect());
      if (!already.call) { // its terminated is among the pending: the call ended before the restart
        for (Notification n : call.getValue().restartedEvents()) {
          if (n.event() instanceof CallEvent.OperationEnded o && already.operations.contains(o.operation().id())) {
            continue; // its terminal notification is among the pending (rule 8: exactly one ending)
          }
          operations += n.event() instanceof CallEvent.OperationEnded ? 1 : 0;
          vertx.eventBus().send(dispatchers.addressFor(callId), dialect.apply(n), LOCAL);
        }
      }
      // the shard forgets the owner record only after the events above are kept in the store
      vertx.eventBus().send(dispatchers.addressFor(callId), new DispatcherMessage.CallEnded(callId), LOCAL);
    }
    // no request can reach these calls any more: their queues go once delivered
    ended.keySet().forEach(callId ->
        vertx.eventBus().send(dispatchers.addressFor(callId), new DispatcherMessage.Forget(callId), LOCAL));
    Summary summary = new Summary(left.notifications().size(), left.calls().size(), operations);
    if (!left.isEmpty()) {
      log.info("restart: delivering {} notifications left undelivered, ending {} calls ({} operations) of the previous run"
          + ", keeping {} recordings", summary.notifications(), summary.calls(), summary.operations(),
          left.recordings().size());
    }
    return summary;
  }

  /** What a call's pending notifications already end: operations (by id) and the call itself. */
  private static final class Ended {
    final Set<String> operations = new HashSet<>();
    boolean call;

    /**
     * A Graph {@code commsNotifications} body: a {@code deleted} change ends the operation or call it names. An ACS
     * CloudEvent: CallDisconnected / CreateCallFailed end the call, an event naming its operation ends that one.
     */
    void note(String callId, JsonObject body) {
      if (body.getJsonArray("value") == null) {
        String type = body.getString("type", "");
        String op = body.getString(io.callvert.runtime.acs.AcsEvents.OPERATION_ATTRIBUTE);
        if (type.endsWith(".CallDisconnected") || type.endsWith(".CreateCallFailed")) {
          call = true;
        } else if (op != null) {
          operations.add(op);
        }
        return;
      }
      JsonObject n = body.getJsonArray("value").getJsonObject(0);
      if (!"deleted".equals(n.getString("changeType"))) {
        return;
      }
      String url = n.getString("resourceUrl", "");
      String callPath = Graph.callPath(callId);
      if (url.equals(callPath)) {
        call = true;
      } else if (url.startsWith(callPath + "/operations/")) {
        operations.add(url.substring(callPath.length() + "/operations/".length()));
      }
    }
  }

  /**
   * Everything a start on a store does before any request: {@link #run} (pending notifications,
   * then the ended calls), and the recordings of the previous run served again for
   * {@code retentionMs} (each file is checked on a worker thread). Nothing without a store.
   */
  public static io.vertx.core.Future<Void> resume(Vertx vertx, DurableStore store, WebhookDispatchers dispatchers,
      io.callvert.verticles.media.RecordingStore recordings, long retentionMs,
      Function<String, Function<Notification, Outbound>> dialects) {
    if (!store.enabled()) {
      return io.vertx.core.Future.succeededFuture();
    }
    run(vertx, store, dispatchers, dialects);
    java.util.List<DurableStore.StoredRecording> kept = store.leftovers().recordings();
    return kept.isEmpty() ? io.vertx.core.Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          recordings.restore(kept, retentionMs);
          return null;
        }, false);
  }
}
