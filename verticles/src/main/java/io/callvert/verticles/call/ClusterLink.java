package io.callvert.verticles.call;


import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.callvert.runtime.call.CallRejected;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.call.OwnerRecord;
import io.callvert.runtime.protocol.Codecs;
import io.callvert.runtime.protocol.Outbound;
import io.callvert.verticles.cluster.CallDirectory;
import io.callvert.verticles.cluster.IngressMessage;
import io.callvert.verticles.cluster.OwnerRecords;
import io.callvert.verticles.media.RecordingStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@link CallManager}'s part in a cluster: the directory entry of each call it owns, commands
 * forwarded to the node that owns a call, this node's ingress for the others, and the report of
 * calls whose node was lost (contract rule 22 — Node loss).
 */
final class ClusterLink {

  private final CallManager calls;
  private final CallDirectory directory;
  private final String ingressAddress;
  private final DeliveryOptions forwardOptions;
  private final Function<String, Function<Notification, Outbound>> dialects;

  ClusterLink(CallManager calls, CallDirectory directory, String ingressAddress, long timeoutMs,
      Function<String, Function<Notification, Outbound>> dialects) {
    this.calls = calls;
    this.dialects = dialects;
    this.directory = directory;
    this.ingressAddress = ingressAddress;
    this.forwardOptions = new DeliveryOptions().setSendTimeout(timeoutMs);
    EventBus bus = calls.vertx().eventBus();
    for (Class<?> type : IngressMessage.class.getPermittedSubclasses()) {
      Codecs.register(bus, type);
    }
  }

  CallDirectory directory() {
    return directory;
  }

  Future<Void> put(String callId, OwnerRecord owner) {
    return directory.put(callId, OwnerRecords.toJson(owner).put("node", directory.nodeId())
        .put("address", ingressAddress).put("callId", callId));
  }

  // ------------------------------------------------------------------ asking the owner

  /** Asks the owner node, which checks that the call is visible to {@code scope} (contract rule 43). */
  Future<Reply> forward(String callId, Command command, String scope) {
    return ask(callId, new IngressMessage.Forward(callId, command, scope)).map(m -> (Reply) m.body())
        .recover(e -> e instanceof CallRejected r ? Future.succeededFuture(r.toReply()) : Future.failedFuture(e));
  }

  void release(String callId, String gate) {
    ask(callId, new IngressMessage.Release(callId, gate));
  }

  /** The journal of a call another node owns; null when no node knows the call. */
  Future<JsonObject> journal(String callId, String scope) {
    return ask(callId, new IngressMessage.Journal(callId, scope)).map(m -> (JsonObject) m.body())
        .otherwise(e -> null);
  }

  Future<RecordingStore.Download> recording(String callId, String recordingId, String token) {
    return ask(callId, new IngressMessage.Recording(callId, recordingId, token))
        .map(m -> new RecordingStore.Download(200, (Buffer) m.body(), null))
        .otherwise(e -> new RecordingStore.Download(
            e instanceof ReplyException re && re.failureCode() == 401 ? 401 : 404, null, null));
  }

  /** Sends to the owner's ingress; fails with {@link CallRejected} (not found) when there is no owner. */
  private Future<Message<Object>> ask(String callId, IngressMessage message) {
    return directory.ownerAddress(callId).compose(address -> {
      if (address == null || address.equals(ingressAddress)) {
        return Future.failedFuture(CallRejected.callNotFound());
      }
      return calls.vertx().eventBus().request(address, message, forwardOptions)
          .recover(e -> {
            if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
              directory.forget(callId);
              return Future.failedFuture(CallRejected.callNotFound());
            }
            return Future.failedFuture(e);
          });
    });
  }

  // ------------------------------------------------------------------ answering the others

  /** Messages other nodes send about calls this node owns. */
  void onIngress(Message<IngressMessage> msg) {
    IngressMessage m = msg.body();
    boolean known = calls.registry().get(m.callId()) != null;
    if (m instanceof IngressMessage.Release r) {
      calls.release(r.callId(), r.gate());
    } else if (m instanceof IngressMessage.Forward f) {
      if (!known) {
        msg.reply(CallRejected.callNotFound().toReply());
        return;
      }
      calls.ask(f.callId(), f.command(), f.scope()).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          var e = NodeErrors.failure(ar.cause());
          msg.fail(e.status(), e.getMessage());
        }
      });
    } else if (m instanceof IngressMessage.Journal j) {
      (known ? calls.journal(j.callId(), j.scope()) : Future.<JsonObject>succeededFuture(null)).onComplete(ar -> {
        if (ar.succeeded() && ar.result() != null) {
          msg.reply(ar.result());
        } else {
          msg.fail(404, "Call not found.");
        }
      });
    } else if (m instanceof IngressMessage.Recording r) {
      calls.recordings().download(r.callId(), r.recordingId(), r.token()).onComplete(ar -> {
        RecordingStore.Download d = ar.succeeded() ? ar.result() : new RecordingStore.Download(404, null, null);
        if (d.status() != 200) {
          msg.fail(d.status(), "Recording not available.");
        } else if (d.file() != null) {
          calls.vertx().fileSystem().readFile(d.file()).onComplete(bytes -> {
            if (bytes.succeeded()) {
              msg.reply(bytes.result());
            } else {
              msg.fail(404, "Recording not available.");
            }
          });
        } else {
          msg.reply(d.body());
        }
      });
    }
  }

  /**
   * Cluster members left. One survivor (the lowest node id) tells the bots of every call the lost
   * nodes owned: a terminal event per live operation, then the call's end (contract rule 22 — Node loss). Those calls
   * then answer 404.
   */
  /** Ends the lost nodes' calls when this node is the reporter (contract rule 22); says what it did (rule 75). */
  Future<io.callvert.verticles.cluster.NodeLoss> onNodesLost(Set<String> lost) {
    long started = System.nanoTime();
    if (!directory.isReporter()) {
      return Future.succeededFuture(io.callvert.verticles.cluster.NodeLoss.notReporter(0));
    }
    Future<Integer> keysWithdrawn = directory.keys().compose(keys -> {
      java.util.List<Future<Void>> removals = new java.util.ArrayList<>();
      keys.stream().filter(k -> lost.contains(k.getString("node")))
          .forEach(k -> removals.add(directory.withdrawKey(k.getString("kid"))));
      return Future.join(removals).map(removals.size());
    });
    Future<int[]> ended = directory.ownedBy(lost).map(owned -> {
      java.util.Set<String> bots = new java.util.HashSet<>();
      int notifications = 0;
      for (java.util.Map.Entry<String, JsonObject> entry : owned.entrySet()) {
        String callId = entry.getKey();
        OwnerRecord owner = OwnerRecords.fromJson(callId, entry.getValue());
        Function<Notification, Outbound> dialect = dialects.apply(owner.dialect());
        for (Notification n : owner.lostEvents()) {
          calls.dispatch(dialect.apply(n));
          bots.add(n.to().callbackUri());
          notifications++;
        }
        directory.remove(callId);
      }
      return new int[] {owned.size(), bots.size(), notifications};
    });
    return Future.join(keysWithdrawn, ended).map(v -> new io.callvert.verticles.cluster.NodeLoss(true, ended.result()[0],
        ended.result()[1], ended.result()[2], keysWithdrawn.result(), (System.nanoTime() - started) / 1_000_000));
  }

}
