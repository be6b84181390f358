package io.callvert.verticles.boot;

import io.callvert.config.AuthOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.config.ConfigException;
import io.callvert.config.ConfigLoader;
import io.callvert.verticles.CallvertVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fat jar's entry point: {@code java -jar verticles/target/callvert.jar [--config FILE]}.
 *
 * <p>The only place that reads the environment and system properties: it layers them over the
 * defaults and an optional config file ({@code --config FILE} or {@code CALLVERT_CONFIG}), creates
 * the Vert.x instance (clustered when {@code cluster.enabled}), deploys {@link CallvertVerticle},
 * prints one line saying where it listens and how to authenticate, and on SIGTERM/Ctrl-C shuts
 * down gracefully (calls terminated and notified, notifications flushed) before exiting 0.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "callvert-logback.xml");
    }
    if (System.getProperty("hazelcast.logging.type") == null) {
      // Hazelcast's static loggers read this before any config: its lines go through SLF4J too (contract rule 75 — Membership you can see)
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    String configFile = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        configFile = args[++i];
      } else if (args[i].startsWith("--config=")) {
        configFile = args[i].substring("--config=".length());
      } else if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println("usage: java -jar callvert.jar [--config FILE]   (JSON or YAML; keys in README.md)");
        return;
      } else {
        fail("unknown argument '" + args[i] + "' (usage: java -jar callvert.jar [--config FILE])");
      }
    }
    Map<String, String> env = System.getenv();
    if (configFile == null) {
      configFile = env.get("CALLVERT_CONFIG");
    }
    Map<String, String> sys = new HashMap<>();
    System.getProperties().forEach((k, v) -> sys.put(String.valueOf(k), String.valueOf(v)));

    CallvertOptions options;
    Vertx bootstrap = Vertx.vertx();
    try {
      options = ConfigLoader.load(bootstrap, configFile, env, sys).await(30, TimeUnit.SECONDS);
    } catch (ConfigException e) {
      fail("invalid configuration: " + e.getMessage());
      return;
    } catch (Exception e) {
      fail("cannot load configuration: " + (e.getMessage() == null ? e : e.getMessage()));
      return;
    } finally {
      bootstrap.close();
    }

    LogFormatSetup.apply(options.logging().format()); // contract rule 74 — Logs a machine can read
    Vertx vertx;
    Telemetry telemetry;
    try {
      // Netty's native transport where it is on the class path (epoll on Linux x86_64, else NIO): each live media
      // frame is a system call, and epoll's are cheaper (docs/benchmarks.md#live-media-streams)
      VertxOptions vertxOptions = new VertxOptions().setPreferNativeTransport(true);
      telemetry = Telemetry.configure(options, vertxOptions); // contract rule 70 — Traces from request to webhook: OTEL_* decide exporter and sampler
      if (options.metrics().enabled()) {
        // no event-bus meters: every API request is a local hop to its call, and Vert.x Micrometer's per-message
        // gauge lookups were 3% of the cancel benchmark's CPU; Callvert's own meters count calls and operations
        vertxOptions.setMetricsOptions(new io.vertx.micrometer.MicrometerMetricsOptions().setEnabled(true)
            .addDisabledMetricsCategory(io.vertx.micrometer.MetricsDomain.EVENT_BUS)
            .setJvmMetricsEnabled(true)
            .setPrometheusOptions(new io.vertx.micrometer.VertxPrometheusOptions().setEnabled(true)));
      }
      vertx = Cluster.vertx(options, vertxOptions, telemetry.tracer()).await(60, TimeUnit.SECONDS);
      telemetry.register(vertx);
    } catch (ConfigException e) {
      fail("invalid configuration: " + e.getMessage());
      return;
    } catch (Exception e) {
      fail("cannot start Vert.x: " + (e.getMessage() == null ? e : e.getMessage()));
      return;
    }
    CallvertVerticle callvert = new CallvertVerticle(options);
    String deploymentId;
    try {
      deploymentId = vertx.deployVerticle(callvert).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      fail((e instanceof ConfigException ? "invalid configuration: " : "cannot start Callvert: ")
          + (e.getMessage() == null ? e : e.getMessage()));
      return;
    }
    String url = "http://" + options.http().host() + ":" + callvert.actualPort();
    String how = options.auth().hasRealCredentials()
        ? "authenticate with a configured token (auth.tokens) or JWT (auth.jwt.*)"
        : "authenticate with 'Authorization: Bearer " + AuthOptions.DEV_TOKEN + "' (development token, loopback only)";
    System.out.println("Callvert " + CallvertVerticle.version() + " listening on " + url + " (clock " 
        + options.clock().name().toLowerCase() + (options.cluster().enabled() ? ", clustered" : "")
        + (vertx.isNativeTransportEnabled() ? ", native transport" : "") + "); " + how);

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      boolean clean = true;
      try {
        vertx.undeploy(deploymentId).await(options.shutdown().graceMs() + 10_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        clean = false;
        System.err.println("callvert: shutdown did not complete cleanly: " + e.getMessage());
      }
      try {
        // awaited on its own: a future composed onto close() may never complete once the loops are gone
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        clean = false;
        System.err.println("callvert: shutdown did not complete cleanly: " + e.getMessage());
      }
      telemetry.close(); // after Vert.x: the last spans are exported
      System.err.println("callvert: stopped" + (clean ? "" : " (not cleanly)"));
      // a signal would otherwise end the JVM with 128+signal; a graceful stop is a success
      Runtime.getRuntime().halt(clean ? 0 : 1);
    }, "callvert-shutdown"));
  }

  private static void fail(String message) {
    System.err.println("callvert: " + message);
    System.exit(2);
  }
}
