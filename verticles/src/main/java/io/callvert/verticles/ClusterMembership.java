package io.callvert.verticles;

import io.callvert.runtime.call.Notification;
import io.callvert.runtime.protocol.Outbound;
import io.callvert.verticles.auth.NotificationSigner;
import io.callvert.verticles.call.CallManager;
import io.callvert.verticles.cluster.CallDirectory;
import io.callvert.verticles.ops.Operations;
import io.callvert.verticles.ui.Ui;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * A Callvert instance's membership of its cluster, when the Vert.x instance is clustered: the call directory shared
 * by the nodes deploying the same instance name, this node's one clustered ingress address (call verticles stay
 * local-only), the watch for lost nodes (contract rule 22 — Node loss), the dashboard's view of every node, and the
 * signing key published for bots. Joined after the restart and before the port opens; left at shutdown.
 */
final class ClusterMembership {

  private final Vertx vertx;
  private final String instanceName;
  private volatile CallDirectory directory;
  private volatile String ingressAddress;

  ClusterMembership(Vertx vertx, String instanceName) {
    this.vertx = vertx;
    this.instanceName = instanceName;
  }

  /**
   * Joins: the directory, then this node's ingress {@code callvert.<instance name>.ingress.<instance id>}, the
   * node-loss watch, the dashboard's cluster view, and the signer's public key (none with signing off).
   *
   * @param dialects the renderer of each dialect by name, for the events of calls whose node was lost
   */
  Future<Void> join(String instanceId, CallManager calls, Function<String, Function<Notification, Outbound>> dialects,
      Operations ops, Ui ui, NotificationSigner signer) {
    CallDirectory d = new CallDirectory(vertx, instanceName);
    directory = d;
    String ingress = "callvert." + instanceName + ".ingress." + instanceId;
    ingressAddress = ingress;
    return calls.attachCluster(d, ingress, dialects)
        .compose(v -> ops.watch(d).start(calls::onNodesLost))
        .compose(v -> ui.joinCluster(d))
        .compose(v -> signer == null ? Future.succeededFuture() : d.publishKey(signer.publicJwk().copy()));
  }

  /** The call directory, or null when not (yet) joined. */
  CallDirectory directory() {
    return directory;
  }

  /** This node's clustered ingress address, or null when not joined. */
  String ingressAddress() {
    return ingressAddress;
  }

  /** Stops watching the directory (a failed start, or the first step of a shutdown). */
  void stop() {
    CallDirectory d = directory;
    if (d != null) {
      d.stop();
    }
  }

  /** Bots stop trusting this node's signing key: it leaves the directory's key set. */
  Future<Void> withdrawKey(NotificationSigner signer) {
    CallDirectory d = directory;
    return d == null || signer == null ? Future.succeededFuture() : d.withdrawKey(signer.keyId()).otherwiseEmpty();
  }
}
