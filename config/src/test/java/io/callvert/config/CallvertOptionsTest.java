package io.callvert.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallvertOptionsTest {

  private static CallvertOptions everythingChanged() {
    return new CallvertOptions(
        new HttpOptions(false, "0.0.0.0", 0, "https://calls.example.com/base", 2048, 3000, 3, 0, 0, 0),
        new AuthOptions(List.of("secret-token-1", "secret-token-2"),
            new JwtOptions("/etc/jwks.json", "{\"keys\":[]}", TestKeys.PUBLIC_PEM, List.of("iss"), List.of("aud"), 0),
            List.of("bot-a:app-token-1")),
        ClockMode.VIRTUAL,
        new CallsOptions(1, 2, 0, 3, 4, 120_001, 65, 0, 5),
        new CalleeOptions(CalleeBehaviour.BUSY, 0, 9, Map.of("+15550100", new CalleeRule(CalleeBehaviour.ANSWER, 7))),
        new MediaOptions("/var/rec", 5, 0, 6, 7, 0, 8),
        new WebhookOptions(false, "https://issuer", "app", TestKeys.PRIVATE_PEM, 1000, 2, 3, 4, 0, 0, 1, 0, null),
        new ClusterOptions(true, "10.0.0.1", 6000, List.of("a:1", "[::1]:2", "b"), "hz.xml", "node-1"),
        new ShutdownOptions(0),
        new MetricsOptions(false),
        new OutboundOptions(List.of("10.1.0.0/16", "*.bots.example"), List.of("0.0.0.0/0", "::/0"), InternalAddresses.DENY),
        new StoreOptions("/var/lib/callvert"),
        new AcsOptions("a2V5", 5, 6, 7000, "https://bot.example/incoming"),
        new UiOptions(false, 7, 3, 1000),
        new TracingOptions(true),
        new LoggingOptions(LogFormat.JSON),
        new HealthOptions(1234, 56, 78));
  }

  @Test
  @DisplayName("defaults have the documented values")
  void defaults_have_documented_values() {
    CallvertOptions d = CallvertOptions.defaults();
    assertThat(d.http()).isEqualTo(new HttpOptions(true, "127.0.0.1", 8080, null, 1_048_576, 10_000, 0, 10_000, 60_000, 256));
    assertThat(d.auth().tokens()).isEmpty();
    assertThat(d.auth().hasRealCredentials()).isFalse();
    assertThat(d.clock()).isEqualTo(ClockMode.SYSTEM);
    assertThat(d.calls()).isEqualTo(new CallsOptions(15_000, 2_700_000, 600_000, 100, 250_000, 300_000, 256, 10_000, 100));
    assertThat(d.callee()).isEqualTo(new CalleeOptions(CalleeBehaviour.ANSWER, 500, 30_000, Map.of()));
    assertThat(d.media().recordingsDir()).endsWith("callvert-recordings");
    assertThat(d.webhook().appId()).isEqualTo("00000000-0000-0000-0000-00000000c411");
    assertThat(d.webhook().tokenLifetimeMs()).isEqualTo(300_000);
    assertThat(d.cluster().members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703");
    assertThat(d.shutdown().graceMs()).isEqualTo(10_000);
    assertThat(d.metrics().enabled()).isTrue();
  }

  @Test
  @DisplayName("empty or null JSON means defaults")
  void empty_json_is_defaults() {
    assertThat(CallvertOptions.fromJson(new JsonObject())).isEqualTo(CallvertOptions.defaults());
    assertThat(CallvertOptions.fromJson(null)).isEqualTo(CallvertOptions.defaults());
  }

  @Test
  @DisplayName("toJson round-trips through fromJson and through text")
  void json_round_trip() {
    CallvertOptions options = everythingChanged();
    assertThat(CallvertOptions.fromJson(options.toJson())).isEqualTo(options);
    assertThat(CallvertOptions.fromJson(new JsonObject(options.toJson().encode()))).isEqualTo(options);
    assertThat(CallvertOptions.fromJson(CallvertOptions.defaults().toJson())).isEqualTo(CallvertOptions.defaults());
  }

  @Test
  @DisplayName("JSON keys are the nested component names; unknown keys are ignored")
  void nested_keys_and_unknown_keys() {
    CallvertOptions o = CallvertOptions.fromJson(new JsonObject(
        "{\"http\":{\"port\":9090,\"bogus\":1},\"nope\":true,"
            + "\"callee\":{\"targets\":{\"+15550100\":{\"behaviour\":\"busy\"}}}}"));
    assertThat(o.http().port()).isEqualTo(9090);
    assertThat(o.callee().ruleFor("+15550100")).isEqualTo(new CalleeRule(CalleeBehaviour.BUSY, 500));
  }

  @ParameterizedTest(name = "{1} <- {0}")
  @DisplayName("invalid values fail with the dotted key")
  @CsvSource(delimiter = '|', textBlock = """
      {"http":{"port":"abc"}}                                       | http.port
      {"http":{"port":70000}}                                       | http.port
      {"http":{"enabled":"yes"}}                                    | http.enabled
      {"http":{"host":"a b"}}                                       | http.host
      {"http":{"publicBaseUrl":"ftp://x"}}                          | http.publicBaseUrl
      {"http":{"publicBaseUrl":"https://x/?q=1"}}                   | http.publicBaseUrl
      {"http":{"maxBodyBytes":0}}                                   | http.maxBodyBytes
      {"http":5}                                                    | http
      {"clock":"sundial"}                                           | clock
      {"calls":{"mediaQueueLimit":0}}                               | calls.mediaQueueLimit
      {"calls":{"answerDeadlineMs":1.5}}                            | calls.answerDeadlineMs
      {"calls":{"maxCalls":3000000000}}                             | calls.maxCalls
      {"calls":{"maxCallerSpeechMs":119999}}                        | calls.maxCallerSpeechMs
      {"calls":{"maxPendingKeys":63}}                               | calls.maxPendingKeys
      {"calls":{"maxRetainedCalls":-1}}                             | calls.maxRetainedCalls
      {"webhook":{"minRetryDelayMs":-1}}                            | webhook.minRetryDelayMs
      {"http":{"requestReadTimeoutMs":-1}}                          | http.requestReadTimeoutMs
      {"http":{"idleTimeoutMs":-1}}                                 | http.idleTimeoutMs
      {"http":{"maxConnectionsPerClient":-1}}                       | http.maxConnectionsPerClient
      {"auth":{"jwt":{"leewaySeconds":601}}}                        | auth.jwt.leewaySeconds
      {"auth":{"jwt":{"leewaySeconds":-1}}}                         | auth.jwt.leewaySeconds
      {"callee":{"behaviour":"maybe"}}                              | callee.behaviour
      {"callee":{"answerDelayMs":-1}}                               | callee.answerDelayMs
      {"callee":{"targets":[]}}                                     | callee.targets
      {"callee":{"targets":{"+15550100":"busy"}}}                   | callee.targets.+15550100
      {"callee":{"targets":{"+15550100":{"behaviour":"maybe"}}}}    | callee.targets.+15550100.behaviour
      {"callee":{"targets":{"+15550100":{"answerDelayMs":-1}}}}     | callee.targets.+15550100.answerDelayMs
      {"media":{"recordingsDir":" "}}                               | media.recordingsDir
      {"webhook":{"tokenLifetimeMs":300001}}                        | webhook.tokenLifetimeMs
      {"webhook":{"backoffInitialMs":1000,"backoffMaxMs":999}}      | webhook.backoffMaxMs
      {"webhook":{"signingKeyPem":"not a key"}}                     | webhook.signingKeyPem
      {"auth":{"tokens":"abc"}}                                     | auth.tokens
      {"auth":{"tokens":["ok",""]}}                                 | auth.tokens
      {"auth":{"jwt":{"jwks":"{}"}}}                                | auth.jwt.jwks
      {"auth":{"jwt":{"publicKeyPem":"x"}}}                         | auth.jwt.publicKeyPem
      {"auth":{"jwt":{"issuers":[1]}}}                              | auth.jwt.issuers
      {"cluster":{"members":["a:b"]}}                               | cluster.members
      {"cluster":{"port":-1}}                                       | cluster.port
      {"shutdown":{"graceMs":-1}}                                   | shutdown.graceMs
      {"metrics":{"enabled":1}}                                     | metrics.enabled
      {"http":{"port":"8080"}}                                      | http.port
      {"http":{"host":5}}                                           | http.host
      {"webhook":{"issuer":true}}                                   | webhook.issuer
      {"cluster":{"enabled":"true"}}                                | cluster.enabled
      {"auth":{"jwt":5}}                                            | auth.jwt
      """)
  void invalid_values_name_the_key(String json, String key) {
    assertThatThrownBy(() -> CallvertOptions.fromJson(new JsonObject(json)))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo(key);
          assertThat(e.getMessage()).startsWith(key + ": ");
        });
  }

  @Test
  @DisplayName("a Vert.x data object: JSON constructor, toJson, defaults as DEFAULT_* constants")
  void data_object() {
    CallvertOptions options = everythingChanged();
    assertThat(new CallvertOptions(options.toJson())).isEqualTo(options);
    assertThat(new CallvertOptions(new JsonObject())).isEqualTo(CallvertOptions.defaults());
    JsonObject defaults = CallvertOptions.defaults().toJson();
    assertThat(defaults.getJsonObject("http").getInteger("port")).isEqualTo(HttpOptions.DEFAULT_PORT);
    assertThat(defaults.getString("clock")).isEqualTo(CallvertOptions.DEFAULT_CLOCK.jsonValue());
    assertThat(defaults.getJsonObject("webhook").getLong("retryBudgetMs")).isEqualTo(WebhookOptions.DEFAULT_RETRY_BUDGET_MS);
    assertThat(defaults.getJsonObject("http").containsKey("loopback")).as("derived values are not keys").isFalse();
    assertThat(defaults.getJsonObject("http").getValue("publicBaseUrl")).isNull();
  }

  @Test
  @DisplayName("JSON null is the default, also for numbers and booleans")
  void null_is_default() {
    CallvertOptions o = CallvertOptions.fromJson(new JsonObject(
        "{\"http\":{\"port\":null,\"enabled\":null},\"clock\":null,\"cluster\":{\"members\":null}}"));
    assertThat(o).isEqualTo(CallvertOptions.defaults());
  }

  @Test
  @DisplayName("binding errors say what was expected, show the value and name the source")
  void binding_messages() {
    assertThatThrownBy(() -> CallvertOptions.fromJson(new JsonObject("{\"metrics\":{\"enabled\":1}}"),
        "deployment config"))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.source()).isEqualTo("deployment config");
          assertThat(e).hasMessage("metrics.enabled: must be a boolean (true/false), got 1 (from deployment config)");
        });
    assertThatThrownBy(() -> CallvertOptions.fromJson(new JsonObject("{\"calls\":{\"maxCalls\":3000000000}}")))
        .hasMessage("calls.maxCalls: must be a 32-bit integer, got 3000000000 (from JSON)");
    assertThatThrownBy(() -> CallvertOptions.fromJson(new JsonObject("{\"auth\":{\"jwt\":{\"issuers\":[\"a\",1]}}}")))
        .hasMessage("auth.jwt.issuers: must be an array of strings, got element 1 (from JSON)");
    assertThatThrownBy(() -> CallvertOptions.fromJson(new JsonObject("{\"callee\":{\"targets\":{\"+1\":{\"answerDelayMs\":-1}}}}")))
        .hasMessage("callee.targets.+1.answerDelayMs: must be >= 0, got -1 (from JSON)");
    assertThatThrownBy(() -> CallvertOptions.fromJson(new JsonObject("{\"http\":[]}")))
        .hasMessage("http: must be an object, got [] (from JSON)");
    assertThatThrownBy(() -> new HttpOptions(true, "h", -1, null, 1, 1, 0, 1, 1, 1))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.source()).as("set in Java code").isNull());
  }

  @Test
  @DisplayName("unknown keys are logged through SLF4J with their source and ignored")
  void unknown_keys_logged() {
    try (LogCapture log = new LogCapture()) {
      CallvertOptions o = CallvertOptions.fromJson(new JsonObject("{\"http\":{\"prot\":1},\"nope\":{\"a\":1}}"),
          "deployment config");
      assertThat(o).isEqualTo(CallvertOptions.defaults());
      assertThat(log.warnings())
          .containsExactly("Ignoring unknown Callvert configuration keys in deployment config: [http.prot, nope]");
    }
  }

  @Test
  @DisplayName("error messages show the offending value but never secrets")
  void messages_show_value_not_secrets() {
    assertThatThrownBy(() -> CallvertOptions.fromJson(new JsonObject("{\"http\":{\"port\":\"abc\"}}")))
        .hasMessage("http.port: must be an integer, got 'abc' (from JSON)");
    assertThatThrownBy(() -> new HttpOptions(true, "h", 65536, null, 1, 1, 0, 1, 1, 1))
        .hasMessage("http.port: must be 0..65535, got 65536");
    assertThatThrownBy(() -> WebhookOptions.defaults().withSigningKeyPem("secret-stuff"))
        .hasMessageNotContaining("secret-stuff");
    assertThatThrownBy(() -> WebhookOptions.defaults()
        .withSigningKeyPem("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"))
        .hasMessageContaining("PKCS#1");
  }

  @Test
  @DisplayName("enum values parse case-insensitively")
  void enums_parse_case_insensitively() {
    assertThat(CalleeBehaviour.fromJsonValue("noAnswer")).isEqualTo(CalleeBehaviour.NO_ANSWER);
    assertThat(CalleeBehaviour.fromJsonValue("NO_ANSWER")).isEqualTo(CalleeBehaviour.NO_ANSWER);
    assertThat(CalleeBehaviour.fromJsonValue("noanswer")).isEqualTo(CalleeBehaviour.NO_ANSWER);
    assertThat(ClockMode.fromJsonValue("Virtual")).isEqualTo(ClockMode.VIRTUAL);
    assertThat(CalleeBehaviour.NO_ANSWER.jsonValue()).isEqualTo("noAnswer");
  }

  @Test
  @DisplayName("ruleFor: target rule, inherited delay and behaviour, global fallback")
  void rule_for_fallbacks() {
    CalleeOptions callee = CallvertOptions.fromJson(new JsonObject("{\"callee\":{\"behaviour\":\"noAnswer\","
        + "\"answerDelayMs\":42,\"targets\":{\"+1\":{\"behaviour\":\"busy\"},"
        + "\"+2\":{\"behaviour\":\"answer\",\"answerDelayMs\":7},\"app-3\":{\"answerDelayMs\":9}}}}")).callee();
    assertThat(callee.ruleFor("+1")).isEqualTo(new CalleeRule(CalleeBehaviour.BUSY, 42));
    assertThat(callee.ruleFor("+2")).isEqualTo(new CalleeRule(CalleeBehaviour.ANSWER, 7));
    assertThat(callee.ruleFor("app-3")).isEqualTo(new CalleeRule(CalleeBehaviour.NO_ANSWER, 9));
    assertThat(callee.ruleFor("+4")).isEqualTo(new CalleeRule(CalleeBehaviour.NO_ANSWER, 42));
    assertThat(callee.ruleFor(null)).isEqualTo(new CalleeRule(CalleeBehaviour.NO_ANSWER, 42));
  }

  @Test
  @DisplayName("lists and maps are unmodifiable copies")
  void collections_are_unmodifiable_copies() {
    List<String> tokens = new ArrayList<>(List.of("a"));
    Map<String, CalleeRule> targets = new LinkedHashMap<>(Map.of("+1", new CalleeRule(CalleeBehaviour.BUSY, 0)));
    AuthOptions auth = AuthOptions.defaults().withTokens(tokens);
    CalleeOptions callee = CalleeOptions.defaults().withTargets(targets);
    tokens.add("b");
    targets.clear();
    assertThat(auth.tokens()).containsExactly("a");
    assertThat(callee.targets()).containsOnlyKeys("+1");
    assertThatThrownBy(() -> auth.tokens().add("c")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> callee.targets().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @DisplayName("withers replace one part; null parts mean defaults")
  void withers_and_null_parts() {
    CallvertOptions o = CallvertOptions.defaults().withHttp(HttpOptions.defaults().withPort(0))
        .withClock(ClockMode.VIRTUAL).withMetrics(new MetricsOptions(false));
    assertThat(o.http().port()).isZero();
    assertThat(o.clock()).isEqualTo(ClockMode.VIRTUAL);
    assertThat(o.metrics().enabled()).isFalse();
    assertThat(o.calls()).isEqualTo(CallsOptions.defaults());
    assertThat(new CallvertOptions(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null))
        .isEqualTo(CallvertOptions.defaults());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @DisplayName("isLoopback recognises loopback hosts without DNS")
  @CsvSource({"127.0.0.1,true", "127.1.2.3,true", "localhost,true", "LOCALHOST,true", "::1,true", "[::1],true",
      "0.0.0.0,false", "10.0.0.1,false", "calls.example.com,false", "::,false"})
  void is_loopback(String host, boolean loopback) {
    assertThat(HttpOptions.defaults().withHost(host).isLoopback()).isEqualTo(loopback);
  }

  @Test
  @DisplayName("hasRealCredentials: static tokens or any JWT key source")
  void has_real_credentials() {
    assertThat(AuthOptions.defaults().withTokens(List.of("t")).hasRealCredentials()).isTrue();
    assertThat(AuthOptions.defaults().withJwt(JwtOptions.defaults().withJwksFile("/j")).hasRealCredentials()).isTrue();
    assertThat(AuthOptions.defaults().withJwt(JwtOptions.defaults().withIssuers(List.of("i"))).hasRealCredentials())
        .isFalse();
    assertThat(AuthOptions.DEV_TOKEN).isEqualTo("callvert-dev-token");
  }

  @Test
  @DisplayName("normalisation: base URL trailing slash, escaped PEM newlines, inline JWKS object, blank = unset")
  void normalisation() {
    assertThat(HttpOptions.defaults().withPublicBaseUrl("https://calls.example.com/").publicBaseUrl())
        .isEqualTo("https://calls.example.com");
    WebhookOptions w = WebhookOptions.defaults().withSigningKeyPem(TestKeys.PRIVATE_PEM.replace("\n", "\\n"));
    assertThat(w.signingKeyPem()).isEqualTo(TestKeys.PRIVATE_PEM);
    assertThat(w.signingKey()).isPresent();
    JwtOptions jwt = CallvertOptions.fromJson(new JsonObject("{\"auth\":{\"jwt\":{\"jwks\":{\"keys\":[]}}}}"))
        .auth().jwt();
    assertThat(jwt.jwks()).isEqualTo("{\"keys\":[]}");
    assertThat(jwt.configured()).isTrue();
    assertThat(ClusterOptions.defaults().withNodeName(" ").nodeName()).isNull();
  }

  @Test
  @DisplayName("toString redacts tokens and the signing key")
  void to_string_redacts_secrets() {
    String s = everythingChanged().toString();
    assertThat(s).doesNotContain("secret-token").doesNotContain("app-token-1").doesNotContain("PRIVATE KEY").contains("<redacted>");
  }

  @Test
  @DisplayName("auth.appTokens: <app>:<token> (colons in the token kept), a token counts for one app only; refusals never quote the token")
  void app_tokens() {
    AuthOptions a = AuthOptions.defaults().withAppTokens(List.of("bot-a:s3cret", " bot.b_2 : x:y:z "));
    assertThat(a.appTokenMap()).containsExactly(Map.entry("s3cret", "bot-a"), Map.entry("x:y:z", "bot.b_2"));
    assertThat(a.hasRealCredentials()).isTrue();
    for (List<String> bad : List.of(List.of("no-colon-s3cret"), List.of(":s3cret"), List.of("bot a:s3cret"), List.of("bot-a:  "),
        List.of("bot-a:s3cret", "bot-b:s3cret"))) {
      assertThatThrownBy(() -> AuthOptions.defaults().withAppTokens(bad)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("auth.appTokens").hasMessageNotContaining("s3cret");
    }
    assertThatThrownBy(() -> new AuthOptions(List.of("s3cret"), null, List.of("bot-a:s3cret")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.tokens").hasMessageNotContaining("s3cret");
  }
}
