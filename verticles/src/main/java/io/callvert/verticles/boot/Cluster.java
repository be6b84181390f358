package io.callvert.verticles.boot;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.callvert.config.ClusterOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.verticles.cluster.CallDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Creates the Vert.x instance the fat jar runs on: plain, or clustered with Vert.x's Hazelcast
 * cluster manager. Callvert writes no cluster protocol of its own: membership, the call directory
 * (a distributed map) and the clustered event bus are Vert.x's and Hazelcast's.
 *
 * <p>Defaults suit one machine out of the box: TCP/IP discovery of {@code cluster.members} on
 * loopback, multicast and phone-home off, and join/failure-detection timings of seconds rather than
 * Hazelcast's tens of seconds. {@code cluster.hazelcastConfigFile} replaces all of that with a
 * Hazelcast XML/YAML file of the operator's choice.
 *
 * <p>The cluster manager is built here and kept: {@link #vertx} registers it with the Vert.x it
 * builds ({@link CallDirectory#register}), so the call directory watches membership through it
 * with a node listener instead of reaching into Vert.x internals.
 */
public final class Cluster {

  private Cluster() {}

  public static Future<Vertx> vertx(CallvertOptions options, VertxOptions vertxOptions) {
    return vertx(options, vertxOptions, (io.vertx.core.spi.VertxTracerFactory) null);
  }

  /** {@link #vertx(CallvertOptions, VertxOptions)} tracing with {@code tracer} (null: none; contract rule 70 — Traces from request to webhook). */
  public static Future<Vertx> vertx(CallvertOptions options, VertxOptions vertxOptions,
      io.vertx.core.spi.VertxTracerFactory tracer) {
    if (!options.cluster().enabled()) {
      return Future.succeededFuture(tracer == null ? Vertx.vertx(vertxOptions)
          : Vertx.builder().with(vertxOptions).withTracer(tracer).build());
    }
    HazelcastClusterManager manager;
    try {
      manager = clusterManager(options.cluster());
    } catch (Exception e) {
      return Future.failedFuture(new io.callvert.config.ConfigException("cluster.hazelcastConfigFile",
          "cannot load " + options.cluster().hazelcastConfigFile() + ": " + e.getMessage(), e));
    }
    return vertx(options, vertxOptions, manager, tracer);
  }

  /**
   * A clustered Vert.x on {@code manager} (e.g. from {@link #clusterManager}), registered with the
   * call directory; the caller keeps {@code manager} to ask it for the cluster's nodes.
   */
  public static Future<Vertx> vertx(CallvertOptions options, VertxOptions vertxOptions, HazelcastClusterManager manager) {
    return vertx(options, vertxOptions, manager, null);
  }

  private static Future<Vertx> vertx(CallvertOptions options, VertxOptions vertxOptions, HazelcastClusterManager manager,
      io.vertx.core.spi.VertxTracerFactory tracer) {
    vertxOptions.getEventBusOptions().setHost(options.cluster().host()).setPort(0);
    io.vertx.core.VertxBuilder builder = Vertx.builder().with(vertxOptions).withClusterManager(manager);
    if (tracer != null) {
      builder.withTracer(tracer);
    }
    return builder.buildClustered()
        .onSuccess(v -> CallDirectory.register(v, manager));
  }

  /** The Hazelcast cluster manager for {@code c}, keeping every node listener given to it. */
  public static HazelcastClusterManager clusterManager(ClusterOptions c) throws java.io.IOException {
    return new ListeningHazelcastClusterManager(hazelcastConfig(c));
  }

  /**
   * Vert.x's Hazelcast cluster manager with a node listener that <em>adds</em>: Vert.x registers its
   * own listener when the clustered Vert.x starts and the call directory registers another, and both
   * hear every join and leave (the stock manager keeps only the last one).
   */
  static final class ListeningHazelcastClusterManager extends HazelcastClusterManager {

    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();

    ListeningHazelcastClusterManager(Config hz) {
      super(hz);
      super.nodeListener(new NodeListener() {
        @Override
        public void nodeAdded(String nodeId) {
          listeners.forEach(l -> l.nodeAdded(nodeId));
        }

        @Override
        public void nodeLeft(String nodeId) {
          listeners.forEach(l -> l.nodeLeft(nodeId));
        }
      });
    }

    @Override
    public void nodeListener(NodeListener listener) {
      listeners.add(listener);
    }
  }

  /** The Hazelcast configuration for {@code c}: the operator's file, or loopback-friendly defaults. */
  public static Config hazelcastConfig(ClusterOptions c) throws java.io.IOException {
    if (c.hazelcastConfigFile() != null) {
      Config file = Config.loadFromFile(new java.io.File(c.hazelcastConfigFile()));
      file.setProperty("hazelcast.phone.home.enabled", "false");
      if (file.getProperty("hazelcast.logging.type") == null) {
        file.setProperty("hazelcast.logging.type", "slf4j"); // one log format for the operator (contract rule 75 — Membership you can see)
      }
      return file;
    }
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName("callvert");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    // seconds, not tens of seconds: join quickly, notice a dead member within ~5 s
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.wait.seconds.before.join", "1");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(c.port()).setPortAutoIncrement(true).setPortCount(20);
    net.getInterfaces().setEnabled(true).addInterface(c.host());
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(c.members()).setConnectionTimeoutSeconds(2);
    hz.getMapConfig("callvert.*").setBackupCount(1);
    return hz;
  }
}
