package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.TestRuntime.Resp;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every path form of contract rules 1 and 2 reaches the same call: {@code /v1.0}, {@code /beta} and
 * no prefix; {@code /communications/calls} and {@code /app/calls}; case-insensitive and
 * namespace-qualified action segments; ids in any case, with or without dashes. URLs Callvert emits
 * keep the request's version prefix and always say {@code /communications}.
 */
@CallvertTest
class PathsIT {

  /** An established outgoing call shared by the read-only and idempotent tests, made once for the class. */
  static String call;

  private final TestRuntime rt;
  private final WebhookReceiver bot;

  PathsIT(TestRuntime rt, WebhookReceiver bot) {
    this.rt = rt;
    this.bot = bot;
  }

  @BeforeAll
  static void establish(TestRuntime rt, WebhookReceiver bot) {
    call = rt.createOutgoingCall(bot.url());
    rt.advance(500);
    bot.awaitOne(call, r -> "established".equals(r.resourceData().getString("state")));
  }

  /** The version prefix of a path prefix, as Callvert echoes it: lower-case, or empty. */
  static String version(String prefix) {
    String p = prefix.toLowerCase(Locale.ROOT);
    return p.startsWith("/v1.0") ? "/v1.0" : p.startsWith("/beta") ? "/beta" : "";
  }

  static String upperNoDashes(String id) {
    return id.replace("-", "").toUpperCase(Locale.ROOT);
  }

  @ParameterizedTest(name = "POST {0}/calls")
  @ValueSource(strings = {"/v1.0/communications", "/beta/communications", "/communications", "/v1.0/app", "/beta/app", "/app"})
  @DisplayName("create under every prefix: 201, Location with the request's version prefix and /communications, notifications flow, DELETE through the same prefix")
  void create_under_every_prefix(String prefix) {
    Resp r = rt.post(prefix + "/calls", TestRuntime.outgoingCallBody(bot.url(), "+15550001"));
    assertThat(r.status()).isEqualTo(201);
    String id = r.json().getString("id");
    assertThat(id).matches(Wire.GUID);
    assertThat(r.header("Location")).isEqualTo(rt.baseUrl + version(prefix) + "/communications/calls/" + id);
    assertThat(bot.await(id, 1).get(0).body()).isEqualTo(Wire.callState(id, "establishing"));
    assertThat(rt.delete(prefix + "/calls/" + id).status()).isEqualTo(204);
    assertThat(bot.awaitOne(id, x -> x.changeType().equals("deleted")).resourceData().getString("state")).isEqualTo("terminated");
  }

  @ParameterizedTest(name = "{0}/calls/ID")
  @ValueSource(strings = {"/v1.0/communications", "/beta/communications", "/communications", "/v1.0/app", "/beta/app", "/app"})
  @DisplayName("GET and keepAlive reach the same call under every prefix")
  void get_and_keep_alive_under_every_prefix(String prefix) {
    Resp get = rt.get(prefix + "/calls/" + call);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.json().getString("id")).isEqualTo(call);
    assertThat(get.json().getString("state")).isEqualTo("established");
    assertThat(rt.post(prefix + "/calls/" + call + "/keepAlive", null).status()).isEqualTo(200);
  }

  @ParameterizedTest(name = "POST …/{0}")
  @ValueSource(strings = {"keepAlive", "keepalive", "KEEPALIVE", "KeepAlive", "microsoft.graph.keepAlive", "Microsoft.Graph.KeepAlive",
      "MICROSOFT.GRAPH.KEEPALIVE"})
  @DisplayName("action segments match case-insensitively, with or without the microsoft.graph namespace")
  void action_segment_forms(String segment) {
    Resp r = rt.post("/v1.0/communications/calls/" + call + "/" + segment, null);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  @ParameterizedTest(name = "POST {0}/calls/ID/Microsoft.Graph.SubscribeToTone")
  @ValueSource(strings = {"/v1.0/communications", "/beta/app", "/app"})
  @DisplayName("operation Location and a later GET of it: request's version prefix, /communications, lower-case dashed ids even when the request used neither")
  void operation_location_uses_request_prefix(String prefix) {
    Resp r = rt.post(prefix + "/calls/" + upperNoDashes(call) + "/Microsoft.Graph.SubscribeToTone",
        new JsonObject().put("clientContext", "paths"));
    assertThat(r.status()).isEqualTo(200);
    String opId = r.json().getString("id");
    assertThat(opId).matches(Wire.GUID);
    String location = rt.baseUrl + version(prefix) + "/communications/calls/" + call + "/operations/" + opId;
    assertThat(r.header("Location")).isEqualTo(location);

    Resp op = rt.get(location);
    assertThat(op.status()).isEqualTo(200);
    assertThat(op.json().getString("id")).isEqualTo(opId);
    assertThat(op.json().getString("@odata.type")).isEqualTo("#microsoft.graph.subscribeToToneOperation");
    assertThat(rt.get(prefix + "/calls/" + upperNoDashes(call) + "/operations/" + upperNoDashes(opId)).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("Location never follows the request's Host (contract rule 46): a request to localhost gets the address its connection reached; request-id on every response")
  void location_ignores_request_host() {
    String localBase = rt.baseUrl.replace("127.0.0.1", "localhost");
    Resp r = rt.post(localBase + "/beta/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15550001"));
    assertThat(r.status()).isEqualTo(201);
    String id = r.json().getString("id");
    assertThat(r.header("Location")).isEqualTo(rt.baseUrl + "/beta/communications/calls/" + id);
    assertThat(r.header("request-id")).matches(Wire.GUID);
    rt.delete("/communications/calls/" + id);
  }

  @Test
  @DisplayName("ids are accepted in upper case, without dashes, and both; bodies always carry the lower-case dashed id")
  void id_forms() {
    for (String form : new String[] {call.toUpperCase(Locale.ROOT), call.replace("-", ""), upperNoDashes(call)}) {
      Resp get = rt.get("/v1.0/communications/calls/" + form);
      assertThat(get.status()).as(form).isEqualTo(200);
      assertThat(get.json().getString("id")).isEqualTo(call);
      assertThat(rt.post("/communications/calls/" + form + "/keepAlive", null).status()).as(form).isEqualTo(200);
      Resp journal = rt.get("/callvert/calls/" + form + "/notifications");
      assertThat(journal.status()).as(form).isEqualTo(200);
      assertThat(journal.json().getJsonArray("value")).isNotEmpty();
    }
  }

  @Test
  @DisplayName("incoming call answered through /app/calls/{ID without dashes}/Microsoft.Graph.Answer; hang-up and DELETE accept any id form")
  void incoming_through_legacy_path() {
    String id = rt.createIncomingCall(bot.url());
    bot.await(id, 1);
    Resp answer = rt.post("/app/calls/" + upperNoDashes(id) + "/Microsoft.Graph.Answer", new JsonObject()
        .put("acceptedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig")));
    assertThat(answer.status()).isEqualTo(202);
    bot.awaitOne(id, r -> "established".equals(r.resourceData().getString("state")));
    assertThat(rt.delete("/beta/app/calls/" + id.toUpperCase(Locale.ROOT)).status()).isEqualTo(204);
    assertThat(bot.awaitOne(id, r -> r.changeType().equals("deleted")).resourceUrl()).isEqualTo(Wire.callPath(id));

    String other = rt.createIncomingCall(bot.url());
    bot.await(other, 1);
    assertThat(rt.post("/callvert/calls/" + upperNoDashes(other) + "/hangup", null).status()).isEqualTo(202);
    assertThat(bot.awaitOne(other, r -> r.changeType().equals("deleted")).resourceUrl()).isEqualTo(Wire.callPath(other));
  }

  @ParameterizedTest(name = "GET {0}")
  @ValueSource(strings = {"/v2.0/communications/calls/", "/communications/callz/", "/v1.0/communication/calls/", "/v1.0/v1.0/communications/calls/"})
  @DisplayName("paths outside the served forms answer 404 itemNotFound in the error envelope")
  void unknown_prefixes(String path) {
    Wire.assertError(rt.get(path + call), 404, "itemNotFound");
  }
}
