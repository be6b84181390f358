package io.callvert.verticles.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The cluster-wide call directory: callId → the owner's record (node id, ingress address, and what
 * a survivor needs to tell the bot if the owner dies: callback URI, audience, tenant, the live
 * operations). It lives in the cluster manager's distributed map; Callvert keeps no cluster
 * protocol of its own. Records are JSON strings, so any cluster manager can hold them.
 *
 * <p>Membership is watched by comparing {@link ClusterManager#getNodes()} once a second rather than
 * by registering a node listener, which the cluster manager keeps one of and Vert.x itself uses.
 */
public final class CallDirectory {

  private final Vertx vertx;
  private final ClusterManager cluster;
  private final String mapName;
  private AsyncMap<String, String> map;
  /** Every node's public signing key (kid → JWK JSON), so any node's JWKS verifies every node's tokens. */
  private AsyncMap<String, String> keys;
  private final Map<String, String> addressCache = new ConcurrentHashMap<>();
  private Set<String> members = Set.of();
  private long watchTimer = -1;

  public CallDirectory(Vertx vertx, String instanceName) {
    this.vertx = vertx;
    this.cluster = ((VertxInternal) vertx).clusterManager();
    this.mapName = "callvert." + instanceName + ".calls";
  }

  public Future<Void> start(Consumer<Set<String>> onNodesLost) {
    members = new HashSet<>(cluster.getNodes());
    watchTimer = vertx.setPeriodic(1000, t -> {
      if (!cluster.isActive()) {
        return; // this member itself left (shutdown, or terminated): nothing to watch
      }
      Set<String> now;
      try {
        now = new HashSet<>(cluster.getNodes());
      } catch (RuntimeException leaving) {
        return;
      }
      Set<String> lost = new HashSet<>(members);
      lost.removeAll(now);
      members = now;
      if (!lost.isEmpty()) {
        onNodesLost.accept(lost);
      }
    });
    return vertx.sharedData().<String, String>getAsyncMap(mapName)
        .compose(m -> {
          map = m;
          return vertx.sharedData().<String, String>getAsyncMap(mapName + ".keys");
        })
        .map(k -> {
          keys = k;
          return null;
        });
  }

  /** Publishes this node's public signing key to the cluster. */
  public Future<Void> publishKey(JsonObject jwk) {
    return keys.put(jwk.getString("kid"), jwk.put("node", nodeId()).encode());
  }

  /** Withdraws a signing key (a node leaving, or lost). */
  public Future<Void> withdrawKey(String kid) {
    return keys.remove(kid).mapEmpty();
  }

  /** The public signing keys of the cluster's nodes (each with the {@code node} it belongs to). */
  public Future<List<JsonObject>> keys() {
    return keys.entries().map(all -> {
      List<JsonObject> out = new ArrayList<>();
      all.values().forEach(s -> out.add(new JsonObject(s)));
      return out;
    });
  }

  public void stop() {
    if (watchTimer >= 0) {
      vertx.cancelTimer(watchTimer);
    }
  }

  public String nodeId() {
    return cluster.getNodeId();
  }

  /** True when this node is the one surviving member chosen to report the calls of lost nodes. */
  public boolean isReporter() {
    List<String> nodes = new ArrayList<>(cluster.getNodes());
    nodes.sort(null);
    return !nodes.isEmpty() && nodes.get(0).equals(cluster.getNodeId());
  }

  public Future<Void> put(String callId, JsonObject record) {
    return map.put(callId, record.encode());
  }

  /** The ingress address of the node owning {@code callId}, or null when no node owns it. */
  public Future<String> ownerAddress(String callId) {
    String cached = addressCache.get(callId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return map.get(callId).map(s -> {
      if (s == null) {
        return null;
      }
      String address = new JsonObject(s).getString("address");
      if (addressCache.size() > 100_000) {
        addressCache.clear();
      }
      addressCache.put(callId, address);
      return address;
    });
  }

  public void forget(String callId) {
    addressCache.remove(callId);
  }

  public Future<Void> remove(String callId) {
    addressCache.remove(callId);
    return map.remove(callId).mapEmpty();
  }

  /** Every record owned by one of {@code nodes}, keyed by call id. */
  public Future<Map<String, JsonObject>> ownedBy(Set<String> nodes) {
    return map.entries().map(all -> {
      Map<String, JsonObject> owned = new java.util.HashMap<>();
      all.forEach((id, s) -> {
        JsonObject r = new JsonObject(s);
        if (nodes.contains(r.getString("node"))) {
          owned.put(id, r);
        }
      });
      return owned;
    });
  }
}
