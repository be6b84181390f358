package io.callvert.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The delivery profile's keys (contract rules 77-78): defaults, JSON, environment, bad values. */
class DeliveryProfileOptionsTest {

  @Test
  void strict_by_default() {
    DeliveryProfileOptions p = CallvertOptions.defaults().webhook().profile();
    assertThat(p.mode()).isEqualTo(DeliveryProfileMode.STRICT);
    assertThat(p.strict()).isTrue();
    assertThat(p.seed()).isEqualTo(1);
  }

  @Test
  void from_json_and_back() {
    CallvertOptions o = CallvertOptions.fromJson(new JsonObject().put("webhook", new JsonObject().put("profile",
        new JsonObject().put("mode", "GRAPH").put("seed", 42).put("maxDelayMs", 50).put("maxHoldMs", 0))));
    assertThat(o.webhook().profile()).isEqualTo(new DeliveryProfileOptions(DeliveryProfileMode.GRAPH, 42, 50, 0));
    assertThat(CallvertOptions.fromJson(o.toJson())).isEqualTo(o);
  }

  @Test
  void from_the_environment() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      CallvertOptions o = ConfigLoader.load(vertx, null,
          Map.of("CALLVERT_WEBHOOK_PROFILE_MODE", "graph", "CALLVERT_WEBHOOK_PROFILE_SEED", "7"), Map.of())
          .await(10, TimeUnit.SECONDS);
      assertThat(o.webhook().profile()).isEqualTo(DeliveryProfileOptions.graph(7));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_bad_value_names_its_key() {
    assertThatThrownBy(() -> CallvertOptions.fromJson(new JsonObject().put("webhook",
        new JsonObject().put("profile", new JsonObject().put("mode", "chaos")))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("webhook.profile.mode");
    assertThatThrownBy(() -> CallvertOptions.fromJson(new JsonObject().put("webhook",
        new JsonObject().put("profile", new JsonObject().put("maxDelayMs", -1)))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("webhook.profile.maxDelayMs");
  }
}
