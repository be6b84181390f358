package io.callvert.verticles.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callvert.config.CallvertOptions;
import io.callvert.config.ConfigException;
import io.callvert.verticles.CallvertClient;
import io.callvert.verticles.CallvertVerticle;
import io.callvert.verticles.metrics.CallvertMetrics;
import io.callvert.verticles.testkit.TestRuntime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The embedder's ways in: deploy by class name with the options as JSON config, configuration
 * errors as {@link ConfigException}s naming key and source, router and client alike before the
 * deployment completes, and meters in the Vert.x instance's own registry, removed on undeploy.
 */
class EmbedDeployIT {

  private static final String NAME = "io.callvert.verticles.CallvertVerticle";

  private final EmbedHttp http = new EmbedHttp();
  private Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("deployed by class name, Callvert reads its options from the deployment config (the JSON of CallvertOptions)")
  void deploy_by_class_name() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CallvertOptions options = TestRuntime.testOptions();
    JsonObject config = options.withHttp(options.http().withPort(port)).toJson();
    await(vertx.deployVerticle(NAME, new DeploymentOptions().setConfig(config)));

    String base = "http://127.0.0.1:" + port;
    assertThat(http.send(EmbedHttp.request(base + "/v1.0/communications/calls/" + UUID.randomUUID())
        .header("Authorization", "Bearer " + TestRuntime.TOKEN).GET()).status()).isEqualTo(404);
    assertThat(http.get(base + "/v1.0/communications/calls/x", "wrong-token").status()).as("auth applies").isEqualTo(401);
  }

  @Test
  @DisplayName("a wrong deployment config fails the deployment with a ConfigException naming the key and 'deployment config'")
  void deploy_by_class_name_with_a_wrong_config() {
    ConfigException port = deployFailure(new JsonObject().put("http", new JsonObject().put("port", 70000)));
    assertThat(port.key()).isEqualTo("http.port");
    assertThat(port.source()).isEqualTo("deployment config");
    assertThat(port).hasMessage("http.port: must be 0..65535, got 70000 (from deployment config)");

    assertThat(deployFailure(new JsonObject().put("calls", new JsonObject().put("maxCalls", "many"))))
        .hasMessage("calls.maxCalls: must be an integer, got 'many' (from deployment config)");

    ConfigException host = deployFailure(new JsonObject().put("http", new JsonObject().put("host", "0.0.0.0")));
    assertThat(host.key()).isEqualTo("http.host");
    assertThat(host.source()).isEqualTo("deployment config");
    assertThat(host.getMessage()).contains("0.0.0.0").contains("auth.tokens").contains("auth.jwt");
    assertThat(vertx.deploymentIDs()).isEmpty();
  }

  @Test
  @DisplayName("a deploy-time problem of given options (an unreadable JWKS file) is a ConfigException too, not an IllegalStateException")
  void deploy_time_errors_are_config_exceptions() {
    CallvertOptions o = TestRuntime.testOptions();
    CallvertVerticle callvert = new CallvertVerticle(o.withAuth(o.auth().withJwt(
        o.auth().jwt().withJwksFile("/nonexistent/jwks.json"))));
    Throwable failure = failureOf(() -> vertx.deployVerticle(callvert));
    assertThat(failure).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.key()).isEqualTo("auth.jwt.jwksFile");
      assertThat(e.source()).isEqualTo("CallvertOptions");
      assertThat(e.getMessage()).contains("/nonexistent/jwks.json");
    });
  }

  @Test
  @DisplayName("router() and client() both throw IllegalStateException until the deployment has completed, then both work")
  void router_and_client_before_and_after_deploy() {
    CallvertOptions o = TestRuntime.testOptions();
    CallvertVerticle callvert = new CallvertVerticle(o.withHttp(o.http().withEnabled(false)));
    assertThatThrownBy(callvert::router).isInstanceOf(IllegalStateException.class).hasMessageContaining("not deployed");
    assertThatThrownBy(callvert::client).isInstanceOf(IllegalStateException.class).hasMessageContaining("not deployed");
    assertThatThrownBy(() -> callvert.client("http://x")).isInstanceOf(IllegalStateException.class);

    await(vertx.deployVerticle(callvert));
    assertThat(callvert.router()).isNotNull();
    assertThat(callvert.client()).isNotNull();
  }

  @Test
  @DisplayName("a verticle whose deployment failed stays unusable: router() and client() throw")
  void router_and_client_after_a_failed_deploy() {
    CallvertOptions o = TestRuntime.testOptions();
    CallvertVerticle callvert = new CallvertVerticle(o.withHttp(o.http().withHost("0.0.0.0")));
    assertThat(failureOf(() -> vertx.deployVerticle(callvert))).isInstanceOf(ConfigException.class);
    assertThatThrownBy(callvert::router).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(callvert::client).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("meters live in this Vert.x instance's registry and go on undeploy: a redeploy's live-calls gauge reads the new instance")
  void meters_bound_to_the_instance_and_removed_on_undeploy() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    String registryName = "embed-deploy-" + UUID.randomUUID();
    vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
            .setRegistryName(registryName)))
        .withMetrics(new MicrometerMetricsFactory(new SimpleMeterRegistry()))
        .build();
    MeterRegistry registry = BackendRegistries.getNow(registryName);
    assertThat(CallvertMetrics.registryOf(vertx)).isSameAs(registry).isNotNull();

    CallvertOptions o = TestRuntime.testOptions();
    CallvertOptions options = o.withHttp(o.http().withEnabled(false));
    CallvertVerticle first = new CallvertVerticle(options);
    String firstId = await(vertx.deployVerticle(first));
    incomingCall(first.client());
    assertThat(liveGauge(registry).value()).isEqualTo(1.0);

    await(vertx.undeploy(firstId));
    assertThat(registry.find("callvert.calls.live").gauges()).as("gauge removed on undeploy").isEmpty();
    assertThat(registry.find("callvert.calls").tag("direction", "outgoing").counters()).isEmpty();
    assertThat(registry.find("callvert.notifications").counters()).isEmpty();

    CallvertVerticle second = new CallvertVerticle(options);
    await(vertx.deployVerticle(second));
    assertThat(liveGauge(registry).value()).isEqualTo(0.0);
    incomingCall(second.client());
    incomingCall(second.client());
    assertThat(liveGauge(registry).value()).as("the gauge reads the new deployment").isEqualTo(2.0);

    MeterRegistry global = BackendRegistries.getDefaultNow();
    if (global != null && global != registry) {
      assertThat(global.find("callvert.calls.live").gauges()).as("nothing in the default registry").isEmpty();
    }
  }

  private static Gauge liveGauge(MeterRegistry registry) {
    return registry.get("callvert.calls.live").tag(io.callvert.verticles.metrics.CallvertMetrics.INSTANCE_TAG, "callvert").gauge();
  }

  private void incomingCall(CallvertClient client) {
    Promise<JsonObject> created = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> client.simulateIncomingCall(
        new JsonObject().put("callbackUri", CallvertClient.LOCAL_CALLBACK)).onComplete(created));
    await(created.future());
  }

  private ConfigException deployFailure(JsonObject config) {
    Throwable failure = failureOf(() -> vertx.deployVerticle(NAME, new DeploymentOptions().setConfig(config)));
    assertThat(failure).isInstanceOf(ConfigException.class);
    return (ConfigException) failure;
  }

  private static Throwable failureOf(Supplier<Future<?>> action) {
    try {
      action.get().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    }
    throw new AssertionError("expected a failure");
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
