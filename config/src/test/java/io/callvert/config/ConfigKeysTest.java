package io.callvert.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigKeysTest {

  private static void leaves(JsonObject json, String prefix, List<String> out) {
    for (String field : json.fieldNames()) {
      String path = prefix.isEmpty() ? field : prefix + "." + field;
      Object v = json.getValue(field);
      if (v instanceof JsonObject && ConfigKeys.byPath(path).isEmpty()) {
        leaves((JsonObject) v, path, out);
      } else {
        out.add(path);
      }
    }
  }

  @Test
  @DisplayName("the keys are exactly the leaves of the options tree, in order")
  void keys_match_options_tree() {
    List<String> leaves = new ArrayList<>();
    leaves(CallvertOptions.defaults().toJson(), "", leaves);
    assertThat(ConfigKeys.all()).extracting(ConfigKey::path).containsExactlyElementsOf(leaves);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @DisplayName("env names split camelCase words; sysprops keep the path")
  @CsvSource({"http.maxBodyBytes,CALLVERT_HTTP_MAX_BODY_BYTES",
      "calls.keepAliveTimeoutMs,CALLVERT_CALLS_KEEP_ALIVE_TIMEOUT_MS", "clock,CALLVERT_CLOCK",
      "auth.jwt.publicKeyPem,CALLVERT_AUTH_JWT_PUBLIC_KEY_PEM", "callee.targets,CALLVERT_CALLEE_TARGETS"})
  void env_and_sysprop_names(String path, String env) {
    ConfigKey key = ConfigKeys.byPath(path).orElseThrow();
    assertThat(key.envName()).isEqualTo(env);
    assertThat(key.sysPropName()).isEqualTo("callvert." + path);
  }

  @Test
  @DisplayName("env names are unique")
  void env_names_unique() {
    assertThat(ConfigKeys.all()).extracting(ConfigKey::envName).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("defaults and types come from the options tree")
  void defaults_and_types() {
    assertThat(ConfigKeys.byPath("http.port").orElseThrow().defaultValue()).isEqualTo(8080);
    assertThat(ConfigKeys.byPath("http.publicBaseUrl").orElseThrow().nullable()).isTrue();
    assertThat(ConfigKeys.byPath("cluster.members").orElseThrow().defaultValue())
        .isEqualTo(new JsonArray().add("127.0.0.1:5701").add("127.0.0.1:5702").add("127.0.0.1:5703"));
    assertThat(ConfigKeys.byPath("callee.behaviour").orElseThrow().allowedValues())
        .containsExactly("answer", "busy", "noAnswer", "unreachable");
  }

  @Test
  @DisplayName("coercion errors name the key")
  void coercion_errors_name_key() {
    assertThatThrownBy(() -> ConfigKeys.byPath("metrics.enabled").orElseThrow().coerce("yes"))
        .hasMessage("metrics.enabled: must be true or false, got 'yes'");
    assertThat(ConfigKeys.byPath("callee.behaviour").orElseThrow().coerce("NO_ANSWER")).isEqualTo("noAnswer");
  }

  @Test
  @DisplayName("the Markdown table has a header and one row per key")
  void markdown_table() {
    String table = ConfigKeys.markdownTable();
    assertThat(table.lines()).hasSize(ConfigKeys.all().size() + 2);
    assertThat(table).startsWith("| Key | Environment variable | Default | Description |")
        .contains("| `http.maxBodyBytes` | `CALLVERT_HTTP_MAX_BODY_BYTES` | `1048576` |")
        .contains("`<java.io.tmpdir>/callvert-recordings`");
  }
}
