package io.callvert.verticles.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide call directory: callId → the owner's record (node id, ingress address, and what
 * a survivor needs to tell the bot if the owner dies: callback URI, audience, tenant, the live
 * operations). It lives in the cluster manager's distributed map; Callvert keeps no cluster
 * protocol of its own. Records are JSON strings, so any cluster manager can hold them.
 *
 * <p><b>Membership</b> is watched with the cluster manager's {@link ClusterManager#nodeListener node
 * listener}: a node that leaves (shut down, or lost) is reported at once, on the directory's
 * context, and each join and leave is logged at INFO. The directory needs the {@link ClusterManager}
 * the clustered Vert.x was built with, which public Vert.x API does not hand out:
 * <ul>
 *   <li>the fat jar builds it with {@code boot.Cluster.clusterManager(options)} and {@link #register
 *       registers} it with the Vert.x it built;
 *   <li>an embedder that builds its own clustered Vert.x calls {@link #register(Vertx, ClusterManager)}
 *       with the manager it passed to {@code Vertx.builder().withClusterManager(..)}, before deploying
 *       Callvert (deploying on a clustered Vert.x without it fails with a message saying so).
 * </ul>
 * A cluster manager keeps one node listener and Vert.x registers its own (its HA manager) when the
 * clustered Vert.x starts, so the manager must <em>add</em> listeners rather than replace them:
 * {@code boot.Cluster.clusterManager} returns a Hazelcast manager that does (see
 * {@code Cluster.ListeningHazelcastClusterManager}); another cluster manager needs the same few lines,
 * or Vert.x's own listener is displaced.
 */
public final class CallDirectory {

  private static final Logger log = LoggerFactory.getLogger(CallDirectory.class);
  private static final String REGISTRY = "callvert.cluster";

  private final Vertx vertx;
  private final ClusterManager cluster;
  private final String mapName;
  private AsyncMap<String, String> map;
  /** Every node's public signing key (kid → JWK JSON), so any node's JWKS verifies every node's tokens. */
  private AsyncMap<String, String> keys;
  private final Map<String, String> addressCache = new ConcurrentHashMap<>();
  /** The members as the listener saw them (for the log lines); touched on the directory's context only. */
  private final Set<String> members = new HashSet<>();
  private volatile boolean stopped;
  private volatile MembershipObserver observer = MembershipObserver.NONE;

  /** The cluster manager a clustered Vert.x was built with, held in that Vert.x's local shared data. */
  private record Registered(ClusterManager manager) implements Shareable {}

  /**
   * Records the cluster manager {@code vertx} was built with, so that Callvert deployed on it finds
   * its cluster's membership. Call it once per clustered Vert.x, before deploying Callvert.
   */
  public static void register(Vertx vertx, ClusterManager manager) {
    vertx.sharedData().<String, Registered>getLocalMap(REGISTRY).put("manager", new Registered(manager));
  }

  /** The directory of {@code vertx}'s cluster, whose manager was {@link #register registered}. */
  public CallDirectory(Vertx vertx, String instanceName) {
    this(vertx, registered(vertx), instanceName);
  }

  /** The directory of the cluster {@code cluster} (the manager {@code vertx} was built with) belongs to. */
  public CallDirectory(Vertx vertx, ClusterManager cluster, String instanceName) {
    this.vertx = vertx;
    this.cluster = java.util.Objects.requireNonNull(cluster, "cluster");
    this.mapName = "callvert." + instanceName + ".calls";
  }

  private static ClusterManager registered(Vertx vertx) {
    Registered r = vertx.sharedData().<String, Registered>getLocalMap(REGISTRY).get("manager");
    if (r == null) {
      throw new IllegalStateException("Callvert is deployed on a clustered Vert.x whose cluster manager it does not know: "
          + "call CallDirectory.register(vertx, clusterManager) with the manager given to Vertx.builder().withClusterManager(..) "
          + "before deploying (or build the Vert.x with io.callvert.verticles.boot.Cluster.vertx)");
    }
    return r.manager();
  }

  /**
   * Starts watching membership: {@code onNodesLost} runs on the calling context with each node that
   * leaves the cluster. Then opens the directory's maps.
   */
  public Future<Void> start(java.util.function.Function<Set<String>, Future<NodeLoss>> onNodesLost) {
    Context context = vertx.getOrCreateContext();
    members.addAll(cluster.getNodes());
    log.info("cluster directory {}: node {} sees {} node(s) {}", mapName, nodeId(), members.size(), members);
    cluster.nodeListener(new NodeListener() {
      // called on the cluster manager's threads: hop onto the directory's context
      @Override
      public void nodeAdded(String nodeId) {
        context.runOnContext(v -> {
          if (!stopped && members.add(nodeId)) {
            observer.joined(nodeId, members.size()); // counted before it is logged: a log reader sees the metric
            log.info("cluster node {} joined ({} node(s))", nodeId, members.size());
          }
        });
      }

      @Override
      public void nodeLeft(String nodeId) {
        context.runOnContext(v -> {
          if (stopped) {
            return;
          }
          members.remove(nodeId);
          int remain = members.size();
          log.info("cluster node {} left ({} node(s) remain)", nodeId, remain);
          // contract rule 75 — Membership you can see: one line and the metrics for what this node did about it
          onNodesLost.apply(Set.of(nodeId)).onComplete(ar -> {
            if (ar.failed()) {
              log.warn("cluster node {} left: reporting its calls failed: {}", nodeId, ar.cause().getMessage());
              return;
            }
            NodeLoss loss = ar.result();
            observer.left(nodeId, remain, loss);
            if (loss.reporter()) {
              log.info("cluster node {} left: this node ended its {} call(s), told {} bot(s) ({} notification(s)),"
                  + " withdrew {} signing key(s), in {} ms", nodeId, loss.callsEnded(), loss.botsTold(),
                  loss.notifications(), loss.keysWithdrawn(), loss.tookMs());
            } else {
              log.info("cluster node {} left: another node reports its calls", nodeId);
            }
          });
        });
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

  /** Who is told of joins and leaves (metrics, contract rule 75 — Membership you can see); set before {@link #start}. */
  public void observer(MembershipObserver observer) {
    this.observer = observer;
  }

  /** The cluster's members (node ids) as the cluster manager sees them now, this node included; a copy. */
  public List<String> nodes() {
    return new ArrayList<>(cluster.getNodes());
  }

  /** Whether the directory answers (readiness, contract rule 72 — Readiness, down before the port closes): a size query on its map. */
  public Future<Integer> probe() {
    return map == null ? Future.failedFuture("the call directory is not open") : map.size();
  }

  /** Every directory record as the node that owns it sees them: node → (callId → record). */
  public Future<Map<String, Map<String, JsonObject>>> recordsByNode() {
    return map.entries().map(all -> {
      Map<String, Map<String, JsonObject>> out = new java.util.TreeMap<>();
      all.forEach((id, s) -> {
        JsonObject r = new JsonObject(s);
        out.computeIfAbsent(r.getString("node", ""), k -> new java.util.TreeMap<>()).put(id, r);
      });
      return out;
    });
  }

  /** Stops reacting to membership changes (the listener stays with the manager, inert). */
  public void stop() {
    stopped = true;
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

  /** The id of the node owning {@code callId} (its directory record's), or null when no node owns it. */
  public Future<String> ownerNode(String callId) {
    return map.get(callId).map(s -> s == null ? null : new JsonObject(s).getString("node"));
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
