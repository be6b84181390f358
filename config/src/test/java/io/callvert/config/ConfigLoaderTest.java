package io.callvert.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  private static Vertx vertx;

  @TempDir
  Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static CallvertOptions load(String file, Map<String, String> env, Map<String, String> sys)
      throws Exception {
    return ConfigLoader.load(vertx, file, env, sys).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static ConfigException loadFailure(String file, Map<String, String> env, Map<String, String> sys)
      throws Exception {
    Future<CallvertOptions> f = ConfigLoader.load(vertx, file, env, sys);
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ConfigException.class);
      return (ConfigException) e.getCause();
    }
    return fail("expected a failure");
  }

  private String write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content).toString();
  }

  @Test
  @DisplayName("no file, env or system properties gives the defaults")
  void nothing_gives_defaults() throws Exception {
    assertThat(load(null, Map.of(), Map.of())).isEqualTo(CallvertOptions.defaults());
    assertThat(load(" ", null, null)).isEqualTo(CallvertOptions.defaults());
  }

  @Test
  @DisplayName("a JSON file is loaded over the defaults")
  void json_file() throws Exception {
    String file = write("callvert.json", "{\"http\":{\"port\":9000},\"clock\":\"virtual\"}");
    CallvertOptions o = load(file, Map.of(), Map.of());
    assertThat(o.http().port()).isEqualTo(9000);
    assertThat(o.http().host()).isEqualTo("127.0.0.1");
    assertThat(o.clock()).isEqualTo(ClockMode.VIRTUAL);
  }

  @Test
  @DisplayName("a .yaml or .yml file is read as YAML")
  void yaml_file() throws Exception {
    String yaml = "http:\n  port: 9001\nauth:\n  tokens: [a, b]\ncallee:\n  targets:\n    \"+15550100\":\n"
        + "      behaviour: busy\n";
    for (String name : new String[] {"callvert.yaml", "callvert.YML"}) {
      CallvertOptions o = load(write(name, yaml), Map.of(), Map.of());
      assertThat(o.http().port()).isEqualTo(9001);
      assertThat(o.auth().tokens()).containsExactly("a", "b");
      assertThat(o.callee().ruleFor("+15550100").behaviour()).isEqualTo(CalleeBehaviour.BUSY);
    }
  }

  @Test
  @DisplayName("environment overrides the file")
  void env_overrides_file() throws Exception {
    String file = write("c.json", "{\"http\":{\"port\":9000,\"maxBodyBytes\":10}}");
    CallvertOptions o = load(file, Map.of("CALLVERT_HTTP_PORT", "9100"), Map.of());
    assertThat(o.http().port()).isEqualTo(9100);
    assertThat(o.http().maxBodyBytes()).isEqualTo(10);
  }

  @Test
  @DisplayName("system properties override the environment")
  void sysprop_overrides_env() throws Exception {
    CallvertOptions o = load(null, Map.of("CALLVERT_HTTP_PORT", "9100", "CALLVERT_CLOCK", "virtual"),
        Map.of("callvert.http.port", "9200"));
    assertThat(o.http().port()).isEqualTo(9200);
    assertThat(o.clock()).isEqualTo(ClockMode.VIRTUAL);
  }

  static Stream<Arguments> every_leaf_key_is_settable() {
    return ConfigKeys.all().stream()
        .flatMap(k -> Stream.of(Arguments.of(k.path(), "env"), Arguments.of(k.path(), "sysprop")));
  }

  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource
  @DisplayName("every leaf key is settable via env and system property")
  void every_leaf_key_is_settable(String path, String layer) throws Exception {
    ConfigKey key = ConfigKeys.byPath(path).orElseThrow();
    String raw = sample(key);
    boolean env = layer.equals("env");
    Map<String, String> vars = Map.of(env ? key.envName() : key.sysPropName(), raw);
    CallvertOptions o = load(null, env ? vars : Map.of(), env ? Map.of() : vars);
    Object actual = valueAt(o.toJson(), path);
    assertThat(comparable(actual)).isNotEqualTo(comparable(key.defaultValue()))
        .isEqualTo(comparable(expected(key, raw)));
  }

  private static String sample(ConfigKey key) {
    switch (key.path()) {
      case "http.publicBaseUrl":
        return "https://calls.example.com";
      case "auth.jwt.jwks":
        return "{\"keys\":[]}";
      case "auth.jwt.publicKeyPem":
        return TestKeys.PUBLIC_PEM;
      case "webhook.signingKeyPem":
        return TestKeys.PRIVATE_PEM;
      case "http.serverInstances":
        return "3";
      case "calls.maxCallerSpeechMs":
        return "654321"; // at least one request's maximum, 120000
      case "auth.appTokens":
        return "bot-a:s3cret-a,bot-b:s3cret:b"; // <app>:<token>, the token may hold colons
      case "auth.jwt.leewaySeconds":
        return "120"; // at most 600
      case "acs.accessKey":
        return "c2VjcmV0LWFjcy1rZXk="; // base64
      case "acs.clockSkewSeconds":
        return "120"; // at most 3600
      default:
        break;
    }
    switch (key.type()) {
      case BOOLEAN:
        return String.valueOf(!(Boolean) key.defaultValue());
      case INT:
      case LONG:
        return "4321";
      case STRING:
        return "sample-value";
      case ENUM:
        return key.allowedValues().stream().filter(v -> !v.equals(key.defaultValue())).findFirst().orElseThrow()
            .toUpperCase();
      case STRING_LIST:
        return " a , b ";
      case JSON_OBJECT:
        return "{\"+15550100\":{\"behaviour\":\"busy\"}}";
      default:
        throw new IllegalStateException();
    }
  }

  private static Object expected(ConfigKey key, String raw) {
    if (key.type() == ConfigKey.Type.JSON_OBJECT) {
      return new JsonObject("{\"+15550100\":{\"behaviour\":\"busy\",\"answerDelayMs\":500}}");
    }
    return key.coerce(raw);
  }

  private static Object valueAt(JsonObject json, String path) {
    Object v = json;
    for (String segment : path.split("\\.")) {
      v = ((JsonObject) v).getValue(segment);
    }
    return v;
  }

  private static Object comparable(Object v) {
    return v instanceof Number ? (Object) ((Number) v).longValue() : v;
  }

  @Test
  @DisplayName("lists: comma-separated, trimmed, empty string = empty list")
  void lists_from_env() throws Exception {
    String file = write("c.json", "{\"auth\":{\"tokens\":[\"f1\"]},\"cluster\":{\"members\":[\"x:1\"]}}");
    CallvertOptions o = load(file, Map.of("CALLVERT_AUTH_TOKENS", " t1, t2 ,,", "CALLVERT_CLUSTER_MEMBERS", ""),
        Map.of("callvert.auth.jwt.audiences", "a1,a2"));
    assertThat(o.auth().tokens()).containsExactly("t1", "t2");
    assertThat(o.cluster().members()).isEmpty();
    assertThat(o.auth().jwt().audiences()).containsExactly("a1", "a2");
  }

  @Test
  @DisplayName("callee.targets from env is a JSON object, merged per target with the file")
  void targets_from_env() throws Exception {
    String file = write("c.json", "{\"callee\":{\"targets\":{\"+1\":{\"behaviour\":\"busy\"},"
        + "\"+2\":{\"behaviour\":\"unreachable\"}}}}");
    CallvertOptions o = load(file, Map.of("CALLVERT_CALLEE_TARGETS", "{\"+2\":{\"behaviour\":\"noAnswer\"},"
        + "\"user-3\":{\"answerDelayMs\":5}}", "CALLVERT_CALLEE_ANSWER_DELAY_MS", "50"), Map.of());
    assertThat(o.callee().ruleFor("+1")).isEqualTo(new CalleeRule(CalleeBehaviour.BUSY, 50));
    assertThat(o.callee().ruleFor("+2")).isEqualTo(new CalleeRule(CalleeBehaviour.NO_ANSWER, 50));
    assertThat(o.callee().ruleFor("user-3")).isEqualTo(new CalleeRule(CalleeBehaviour.ANSWER, 5));
  }

  @Test
  @DisplayName("an empty env value unsets a nullable string set by the file")
  void empty_env_unsets_nullable() throws Exception {
    String file = write("c.json", "{\"http\":{\"publicBaseUrl\":\"https://a.example.com\"}}");
    assertThat(load(file, Map.of(), Map.of()).http().publicBaseUrl()).isEqualTo("https://a.example.com");
    assertThat(load(file, Map.of("CALLVERT_HTTP_PUBLIC_BASE_URL", ""), Map.of()).http().publicBaseUrl()).isNull();
  }

  @Test
  @DisplayName("an invalid env or sysprop value names the key and the variable")
  void invalid_env_names_key() throws Exception {
    ConfigException e = loadFailure(null, Map.of("CALLVERT_HTTP_PORT", "abc"), Map.of());
    assertThat(e.key()).isEqualTo("http.port");
    assertThat(e.getMessage()).isEqualTo(
        "http.port: must be a 32-bit integer, got 'abc' (from environment variable CALLVERT_HTTP_PORT)");
    assertThat(loadFailure(null, Map.of(), Map.of("callvert.http.port", "70000")).getMessage())
        .isEqualTo("http.port: must be 0..65535, got 70000 (from system property callvert.http.port)");
    assertThat(loadFailure(null, Map.of("CALLVERT_CALLEE_TARGETS", "busy"), Map.of()).key())
        .isEqualTo("callee.targets");
    assertThat(loadFailure(null, Map.of(), Map.of("callvert.clock", "sundial")).key()).isEqualTo("clock");
  }

  @Test
  @DisplayName("an invalid value in the file names the key")
  void invalid_file_value_names_key() throws Exception {
    String file = write("c.yaml", "webhook:\n  backoffInitialMs: 100\n  backoffMaxMs: 50\n");
    ConfigException e = loadFailure(file, Map.of(), Map.of());
    assertThat(e.key()).isEqualTo("webhook.backoffMaxMs");
    assertThat(e.source()).isEqualTo("config file " + file);
    assertThat(e.getMessage()).startsWith("webhook.backoffMaxMs: ").endsWith(" (from config file " + file + ")");
  }

  @Test
  @DisplayName("every error names the layer its value came from: file, environment, system property or default")
  void errors_name_their_source() throws Exception {
    String file = write("c.json", "{\"http\":{\"port\":\"8080\",\"host\":\"a b\"},"
        + "\"callee\":{\"targets\":{\"+1\":{\"behaviour\":\"maybe\"}}}}");
    assertThat(loadFailure(file, Map.of(), Map.of()).getMessage())
        .isEqualTo("http.port: must be an integer, got '8080' (from config file " + file + ")");
    // a layer above the file fixes the port: the next error is the host, still from the file
    assertThat(loadFailure(file, Map.of("CALLVERT_HTTP_PORT", "1"), Map.of()).getMessage())
        .isEqualTo("http.host: must be a host name or IP address, got 'a b' (from config file " + file + ")");
    assertThat(loadFailure(file, Map.of("CALLVERT_HTTP_PORT", "1"), Map.of("callvert.http.host", "h")).getMessage())
        .isEqualTo("callee.targets.+1.behaviour: must be one of answer, busy, noAnswer, unreachable, got 'maybe' "
            + "(from config file " + file + ")");
    ConfigException env = loadFailure(null, Map.of("CALLVERT_CALLEE_TARGETS", "{\"+1\":{\"answerDelayMs\":-1}}"),
        Map.of());
    assertThat(env.key()).isEqualTo("callee.targets.+1.answerDelayMs");
    assertThat(env.source()).isEqualTo("environment variable CALLVERT_CALLEE_TARGETS");
    ConfigException sys = loadFailure(null, Map.of(), Map.of("callvert.calls.maxCalls", "0"));
    assertThat(sys.getMessage()).isEqualTo("calls.maxCalls: must be > 0, got 0 (from system property callvert.calls.maxCalls)");
    // a rule across two keys names the key it reports, here left at its default
    ConfigException cross = loadFailure(null, Map.of("CALLVERT_WEBHOOK_BACKOFF_INITIAL_MS", "100000"), Map.of());
    assertThat(cross.key()).isEqualTo("webhook.backoffMaxMs");
    assertThat(cross.source()).isEqualTo("default");
  }

  @Test
  @DisplayName("a missing config file fails with the file name")
  void missing_file_fails() throws Exception {
    String file = dir.resolve("nope.json").toString();
    ConfigException e = loadFailure(file, Map.of(), Map.of());
    assertThat(e.key()).isEqualTo(file);
    assertThat(e.getMessage()).contains(file).contains("does not exist");
  }

  @Test
  @DisplayName("a malformed JSON or YAML file fails with the file name")
  void malformed_file_fails() throws Exception {
    String json = write("bad.json", "{\"http\": ");
    assertThat(loadFailure(json, Map.of(), Map.of()).getMessage()).startsWith(json + ": cannot read config file");
    String yaml = write("bad.yml", "http: [unclosed\n");
    assertThat(loadFailure(yaml, Map.of(), Map.of()).getMessage()).startsWith(yaml + ": cannot read config file");
  }

  @Test
  @DisplayName("unknown CALLVERT_ variables and unrelated properties are ignored")
  void unknown_variables_ignored() throws Exception {
    CallvertOptions o = load(null, Map.of("CALLVERT_HTTP_PROT", "1", "PATH", "/bin"),
        Map.of("callvert.nope", "x", "java.version", "17", "CALLVERT_HTTP_PORT", "1"));
    assertThat(o).isEqualTo(CallvertOptions.defaults());
  }

  @Test
  @DisplayName("unknown keys in the file are reported like unknown variables and properties: one SLF4J warning per source, then ignored")
  void unknown_keys_reported_per_source() throws Exception {
    String file = write("c.yaml", "http:\n  prot: 9000\n  port: 9001\nnope: true\ncallee:\n  targets:\n"
        + "    \"+1\":\n      behavior: busy\n");
    try (LogCapture log = new LogCapture()) {
      CallvertOptions o = load(file, Map.of("CALLVERT_HTTP_PROT", "1", "CALLVERT_CONFIG", file, "PATH", "/bin"),
          Map.of("callvert.nope", "x", "java.version", "17"));
      assertThat(o.http().port()).isEqualTo(9001);
      assertThat(log.warnings()).containsExactlyInAnyOrder(
          "Ignoring unknown Callvert configuration environment variables: [CALLVERT_HTTP_PROT]",
          "Ignoring unknown Callvert configuration system properties: [callvert.nope]",
          "Ignoring unknown Callvert configuration keys in config file " + file
              + ": [callee.targets.+1.behavior, http.prot, nope]");
    }
  }

  @Test
  @DisplayName("the merged tree is exactly what fromJson sees")
  void layers_merge_into_one_tree() throws Exception {
    String file = write("c.json", new JsonObject().put("cluster", new JsonObject()
        .put("members", new JsonArray().add("h:1").add("h:2")).put("nodeName", "file-node")).encode());
    CallvertOptions o = load(file, Map.of("CALLVERT_CLUSTER_ENABLED", "TRUE"), Map.of("callvert.cluster.port", "0"));
    assertThat(o.cluster()).isEqualTo(new ClusterOptions(true, "127.0.0.1", 0, java.util.List.of("h:1", "h:2"),
        null, "file-node"));
  }
}
