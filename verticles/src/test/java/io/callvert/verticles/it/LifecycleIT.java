package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CalleeBehaviour;
import io.callvert.config.CalleeRule;
import io.callvert.config.CallsOptions;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.TestRuntime.Resp;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Received;
import io.callvert.verticles.testkit.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Call lifecycles over HTTP (contract rules 15–17): outgoing and incoming calls, answer, reject,
 * redirect, bot and caller hang-up, simulated callee rules, the answer-deadline and keepAlive
 * timers on the virtual clock, and retention. Notification bodies are compared whole.
 */
@CallvertTest
class LifecycleIT {

  static final String TENANT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  static final String BOT_APP = "6f1e1b2a-1111-4222-8333-944455556666";

  static JsonObject answerBody(String callbackUri) {
    return new JsonObject()
        .put("callbackUri", callbackUri)
        .put("acceptedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig"));
  }

  /** The body of a notification's only commsNotification, typed. */
  static JsonObject data(Received r) {
    return r.resourceData();
  }

  static void assertDeliveryHeaders(List<Received> received) {
    for (int i = 0; i < received.size(); i++) {
      Received r = received.get(i);
      assertThat(r.headers().get("content-type")).startsWith("application/json");
      assertThat(r.headers().get("authorization")).startsWith("Bearer ");
      assertThat(r.sequence()).isEqualTo(i + 1);
    }
  }

  // ------------------------------------------------------------------ outgoing

  @Test
  @DisplayName("outgoing: 201 establishing + absolute Location, establishing → established, GET, DELETE 204, terminating → terminated 200/7000, GET terminated, keepAlive/DELETE afterwards 404 8522")
  void outgoing_full_lifecycle(TestRuntime rt, WebhookReceiver bot) {
    Resp created = rt.post("/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url("/outgoing"), "+15550001"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Content-Type")).isEqualTo("application/json");
    JsonObject call = created.json();
    String id = call.getString("id");
    assertThat(id).matches(Wire.GUID);
    assertThat(created.header("Location")).isEqualTo(rt.baseUrl + "/v1.0/communications/calls/" + id);
    assertThat(call.getString("@odata.type")).isEqualTo("#microsoft.graph.call");
    assertThat(call.getString("state")).isEqualTo("establishing");
    assertThat(call.getString("direction")).isEqualTo("outgoing");
    assertThat(call.getString("callbackUri")).isEqualTo(bot.url("/outgoing"));
    assertThat(call.getString("tenantId")).isEqualTo(TENANT);
    assertThat(call.getString("callChainId")).matches(Wire.GUID);
    assertThat(call.getString("myParticipantId")).matches(Wire.GUID);
    assertThat(call.getJsonArray("requestedModalities")).containsExactly("audio");
    assertThat(call.getJsonObject("source").getString("@odata.type")).isEqualTo("#microsoft.graph.participantInfo");
    assertThat(call.getJsonObject("source").getJsonObject("identity").getJsonObject("application").getString("id")).isEqualTo(BOT_APP);
    JsonObject target = call.getJsonArray("targets").getJsonObject(0);
    assertThat(target.getString("@odata.type")).isEqualTo("#microsoft.graph.invitationParticipantInfo");
    assertThat(target.getJsonObject("identity").getJsonObject("phone").getString("id")).isEqualTo("+15550001");
    assertThat(call.getJsonObject("mediaConfig").getString("@odata.type")).isEqualTo("#microsoft.graph.serviceHostedMediaConfig");
    String chain = call.getString("callChainId");

    assertThat(bot.await(id, 1).get(0).body()).isEqualTo(Wire.callState(id, "establishing"));
    rt.advance(499);
    assertThat(rt.get("/v1.0/communications/calls/" + id).json().getString("state")).isEqualTo("establishing");
    rt.advance(1);
    List<Received> up = bot.await(id, 2);
    assertThat(up.get(1).body()).isEqualTo(Wire.callState(id, "established"));

    Resp get = rt.get("/v1.0/communications/calls/" + id);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.header("Content-Type")).isEqualTo("application/json");
    JsonObject got = get.json();
    assertThat(got.getString("@odata.type")).isEqualTo("#microsoft.graph.call");
    assertThat(got.getString("id")).isEqualTo(id);
    assertThat(got.getString("state")).isEqualTo("established");
    assertThat(got.getString("callChainId")).isEqualTo(chain);
    assertThat(got.getJsonObject("mediaState").getString("audio")).isEqualTo("active");

    Resp del = rt.delete("/v1.0/communications/calls/" + id);
    assertThat(del.status()).isEqualTo(204);
    assertThat(del.bytes()).isEmpty();
    assertThat(del.header("Content-Type")).isNull();

    List<Received> all = bot.await(id, 4);
    assertThat(all).hasSize(4);
    assertThat(all.get(2).body()).isEqualTo(Wire.callState(id, "terminating"));
    assertThat(all.get(3).body()).isEqualTo(Wire.callTerminated(id,
        Wire.resultInfo(200, 7000, "The call was ended by the bot."), "outgoing", chain));
    assertThat(all).allMatch(r -> r.path().equals("/outgoing"));
    assertDeliveryHeaders(all);

    JsonObject ended = rt.get("/v1.0/communications/calls/" + id).json();
    assertThat(ended.getString("state")).isEqualTo("terminated");
    assertThat(ended.getJsonObject("resultInfo")).isEqualTo(Wire.resultInfo(200, 7000, "The call was ended by the bot."));
    assertThat(ended.getValue("mediaState")).isNull();

    Wire.assertError(rt.post("/v1.0/communications/calls/" + id + "/keepAlive", null), 404, "8522");
    JsonObject again = Wire.assertError(rt.delete("/v1.0/communications/calls/" + id), 404, "8522");
    assertThat(again.getString("message")).isEqualTo("Call not found.");

    // the journal lags the bot by one 202 (docs/testing.md): wait for it to settle
    JsonArray journal = rt.awaitJournal(id, j -> j.size() == 4
        && j.stream().allMatch(e -> !((JsonObject) e).getString("state").equals("delivering")));
    assertThat(journal).hasSize(4);
    for (int i = 0; i < 4; i++) {
      JsonObject e = journal.getJsonObject(i);
      assertThat(e.getLong("sequence")).isEqualTo(i + 1);
      assertThat(e.getString("state")).isEqualTo("delivered");
      assertThat(e.getJsonObject("notification")).isEqualTo(all.get(i).body());
    }
  }

  @Test
  @DisplayName("keepAlive on a live call: 200 with no body and no JSON content type")
  void keep_alive_answers_empty_200(TestRuntime rt, WebhookReceiver bot) {
    String id = rt.createOutgoingCall(bot.url());
    Resp r = rt.post("/v1.0/communications/calls/" + id + "/keepAlive", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bytes()).isEmpty();
    assertThat(r.header("Content-Type")).isNull();
    rt.delete("/v1.0/communications/calls/" + id);
  }

  // ------------------------------------------------------------------ incoming

  @Test
  @DisplayName("incoming: 201 incoming, created notification with the call, answer 202 (new callbackUri honoured) → establishing, established; caller hang-up 202 → terminated 200/4097")
  void incoming_answer_then_caller_hangs_up(TestRuntime rt, WebhookReceiver bot) {
    JsonObject source = new JsonObject().put("identity", new JsonObject()
        .put("phone", new JsonObject().put("id", "+15557777").put("displayName", "Alice")));
    Resp created = rt.post("/callvert/calls", new JsonObject().put("callbackUri", bot.url("/incoming"))
        .put("tenantId", TENANT).put("source", source));
    assertThat(created.status()).isEqualTo(201);
    JsonObject call = created.json();
    String id = call.getString("id");
    assertThat(id).matches(Wire.GUID);
    assertThat(created.header("Location")).isEqualTo(rt.baseUrl + "/communications/calls/" + id);
    assertThat(call.getString("@odata.type")).isEqualTo("#microsoft.graph.call");
    assertThat(call.getString("state")).isEqualTo("incoming");
    assertThat(call.getString("direction")).isEqualTo("incoming");
    assertThat(call.getString("tenantId")).isEqualTo(TENANT);
    assertThat(call.getJsonObject("source").getString("@odata.type")).isEqualTo("#microsoft.graph.participantInfo");
    assertThat(call.getJsonObject("source").getJsonObject("identity").getString("@odata.type")).isEqualTo("#microsoft.graph.identitySet");
    assertThat(call.getJsonObject("source").getJsonObject("identity").getJsonObject("phone").getString("id")).isEqualTo("+15557777");
    assertThat(call.getJsonArray("targets").getJsonObject(0).getString("@odata.type")).isEqualTo("#microsoft.graph.invitationParticipantInfo");

    Received announced = bot.await(id, 1).get(0);
    assertThat(announced.path()).isEqualTo("/incoming");
    assertThat(announced.body()).isEqualTo(Wire.callNotification("created", id,
        call.copy().put("@odata.id", Wire.callPath(id))));

    Resp answer = rt.post("/v1.0/communications/calls/" + id + "/answer", answerBody(bot.url("/answered")));
    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.bytes()).isEmpty();
    assertThat(answer.header("Content-Type")).isNull();

    List<Received> up = bot.await(id, 3);
    assertThat(up.get(1).body()).isEqualTo(Wire.callState(id, "establishing"));
    assertThat(up.get(2).body()).isEqualTo(Wire.callState(id, "established"));
    assertThat(up.subList(1, 3)).allMatch(r -> r.path().equals("/answered"));
    JsonObject got = rt.get("/v1.0/communications/calls/" + id).json();
    assertThat(got.getString("state")).isEqualTo("established");
    assertThat(got.getString("callbackUri")).isEqualTo(bot.url("/answered"));

    Resp hangup = rt.post("/callvert/calls/" + id + "/hangup", null);
    assertThat(hangup.status()).isEqualTo(202);
    assertThat(hangup.bytes()).isEmpty();
    List<Received> all = bot.await(id, 4);
    assertThat(all.get(3).body()).isEqualTo(Wire.callTerminated(id,
        Wire.resultInfo(200, 4097, "The other party ended the call."), "incoming", call.getString("callChainId")));
    assertDeliveryHeaders(all);
    assertThat(rt.get("/v1.0/communications/calls/" + id).json().getString("state")).isEqualTo("terminated");
  }

  @Test
  @DisplayName("reject: 202, then deleted terminated; resultInfo code follows SIP (Callvert's choice: none → 603, busy → 486); reason parsed case-insensitively")
  void reject_incoming(TestRuntime rt, WebhookReceiver bot) {
    String id = rt.createIncomingCall(bot.url());
    String chain = bot.await(id, 1).get(0).resourceData().getString("callChainId");
    Resp r = rt.post("/v1.0/communications/calls/" + id + "/reject", new JsonObject().put("reason", "Busy"));
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.bytes()).isEmpty();
    List<Received> all = bot.await(id, 2);
    assertThat(all.get(1).body()).isEqualTo(Wire.callTerminated(id,
        Wire.resultInfo(486, 0, "The call was rejected by the bot (reason: busy)."), "incoming", chain));

    String id2 = rt.createIncomingCall(bot.url());
    bot.await(id2, 1);
    assertThat(rt.post("/v1.0/communications/calls/" + id2 + "/reject", new JsonObject()).status()).isEqualTo(202);
    assertThat(bot.await(id2, 2).get(1).resourceData().getJsonObject("resultInfo").getInteger("code")).isEqualTo(603);
  }

  @Test
  @DisplayName("redirect: 202, then deleted terminated with resultInfo 302/0 (Callvert's choice: the bot no longer owns the call)")
  void redirect_incoming(TestRuntime rt, WebhookReceiver bot) {
    String id = rt.createIncomingCall(bot.url());
    bot.await(id, 1);
    JsonObject body = new JsonObject().put("targets", new JsonArray().add(new JsonObject()
        .put("@odata.type", "#microsoft.graph.invitationParticipantInfo")
        .put("identity", new JsonObject().put("user", new JsonObject().put("id", "8d3a5c8e-1234-4abc-9def-0123456789ab")))))
        .put("timeout", 30);
    Resp r = rt.post("/v1.0/communications/calls/" + id + "/redirect", body);
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.bytes()).isEmpty();
    Received end = bot.await(id, 2).get(1);
    assertThat(end.changeType()).isEqualTo("deleted");
    assertThat(end.resourceData().getString("state")).isEqualTo("terminated");
    assertThat(end.resourceData().getJsonObject("resultInfo")).isEqualTo(Wire.resultInfo(302, 0, "The call was redirected by the bot."));
    assertThat(rt.get("/v1.0/communications/calls/" + id).json().getString("state")).isEqualTo("terminated");
  }

  // ------------------------------------------------------------------ simulated callees

  @Test
  @DisplayName("per-target callee rules: busy → 486/0, unreachable → 480/10076, no answer → 408/10057 after ring timeout; other targets answer")
  void per_target_callee_rules() {
    try (TestRuntime own = TestRuntime.start(o -> o.withCallee(o.callee()
            .withRingTimeoutMs(20_000)
            .withTarget("+15550486", new CalleeRule(CalleeBehaviour.BUSY, 200))
            .withTarget("+15550480", new CalleeRule(CalleeBehaviour.UNREACHABLE, 0))
            .withTarget("+15550408", new CalleeRule(CalleeBehaviour.NO_ANSWER, 0))));
        WebhookReceiver receiver = new WebhookReceiver(own.vertx)) {
      String busy = create(own, receiver, "+15550486");
      String unreachable = create(own, receiver, "+15550480");
      String noAnswer = create(own, receiver, "+15550408");
      String answers = create(own, receiver, "+15550999");
      for (String id : List.of(busy, unreachable, noAnswer, answers)) {
        assertThat(receiver.await(id, 1).get(0).body()).isEqualTo(Wire.callState(id, "establishing"));
      }

      own.advance(199);
      assertThat(state(own, busy)).isEqualTo("establishing");
      own.advance(1);
      assertThat(receiver.await(busy, 2).get(1).body()).isEqualTo(Wire.callTerminated(busy,
          Wire.resultInfo(486, 0, "The callee is busy."), "outgoing", chain(own, busy)));
      assertThat(receiver.await(unreachable, 2).get(1).body()).isEqualTo(Wire.callTerminated(unreachable,
          Wire.resultInfo(480, 10076, "The callee is unreachable."), "outgoing", chain(own, unreachable)));

      own.advance(300);
      assertThat(receiver.await(answers, 2).get(1).body()).isEqualTo(Wire.callState(answers, "established"));
      assertThat(state(own, noAnswer)).isEqualTo("establishing");

      own.advance(20_000 - 500);
      assertThat(receiver.await(noAnswer, 2).get(1).body()).isEqualTo(Wire.callTerminated(noAnswer,
          Wire.resultInfo(408, 10057, "The callee did not answer."), "outgoing", chain(own, noAnswer)));
      assertThat(state(own, answers)).isEqualTo("established");
      own.delete("/v1.0/communications/calls/" + answers);
      receiver.awaitOne(answers, r -> r.changeType().equals("deleted"));
    }
  }

  private static String create(TestRuntime runtime, WebhookReceiver receiver, String phone) {
    Resp r = runtime.post("/v1.0/communications/calls", TestRuntime.outgoingCallBody(receiver.url(), phone));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().getString("state")).isEqualTo("establishing");
    return r.json().getString("id");
  }

  private static String state(TestRuntime runtime, String id) {
    return runtime.get("/v1.0/communications/calls/" + id).json().getString("state");
  }

  private static String chain(TestRuntime runtime, String id) {
    return runtime.get("/v1.0/communications/calls/" + id).json().getString("callChainId");
  }

  // ------------------------------------------------------------------ timers

  @Test
  @DisplayName("answer deadline: unanswered for 15 s → terminated 408/1106; answer afterwards → 400 naming state 'terminated'; a call answered at 14.999 s survives")
  void answer_deadline(TestRuntime rt, WebhookReceiver bot) {
    String late = rt.createIncomingCall(bot.url());
    String chain = bot.await(late, 1).get(0).resourceData().getString("callChainId");
    rt.advance(14_999);
    String answered = rt.createIncomingCall(bot.url());
    bot.await(answered, 1);
    assertThat(state(rt, late)).isEqualTo("incoming");
    rt.advance(1);
    assertThat(bot.await(late, 2).get(1).body()).isEqualTo(Wire.callTerminated(late,
        Wire.resultInfo(408, 1106, "Call acceptance was not acknowledged in time."), "incoming", chain));

    JsonObject error = Wire.assertError(rt.post("/v1.0/communications/calls/" + late + "/answer", answerBody(bot.url())),
        400, "invalidRequest");
    assertThat(error.getString("message")).contains("'terminated'");

    rt.advance(14_998);
    assertThat(rt.post("/v1.0/communications/calls/" + answered + "/answer", answerBody(bot.url())).status()).isEqualTo(202);
    bot.awaitOne(answered, r -> "established".equals(r.resourceData().getString("state")));
    rt.advance(60_000);
    assertThat(state(rt, answered)).isEqualTo("established");
    rt.delete("/v1.0/communications/calls/" + answered);
  }

  @Test
  @DisplayName("keepAlive timeout: 45 min without keepAlive → terminated 408/8537; each keepAlive re-arms the 45 min window; keepAlive afterwards → 404 8522")
  void keep_alive_timeout(TestRuntime rt, WebhookReceiver bot) {
    long minute = 60_000;
    String id = rt.createOutgoingCall(bot.url());
    rt.advance(500);
    bot.awaitOne(id, r -> "established".equals(r.resourceData().getString("state")));
    rt.advance(30 * minute);
    assertThat(rt.post("/v1.0/communications/calls/" + id + "/keepAlive", null).status()).isEqualTo(200);
    rt.advance(30 * minute); // 60.5 min after creation: only the re-armed window keeps it alive
    assertThat(state(rt, id)).isEqualTo("established");
    rt.advance(15 * minute - 1);
    assertThat(state(rt, id)).isEqualTo("established");
    rt.advance(1);
    Received end = bot.awaitOne(id, r -> r.changeType().equals("deleted"));
    assertThat(end.body()).isEqualTo(Wire.callTerminated(id,
        Wire.resultInfo(408, 8537, "The call was inactive (no keepAlive for 45 minutes) and has been ended."),
        "outgoing", chain(rt, id)));
    Wire.assertError(rt.post("/v1.0/communications/calls/" + id + "/keepAlive", null), 404, "8522");
  }

  @Test
  @DisplayName("all timers are configurable: answerDeadlineMs 60 s and keepAliveTimeoutMs 90 s end calls exactly then, and the 8537 message states the configured duration")
  void configurable_timers() {
    try (TestRuntime own = TestRuntime.start(o -> o.withCalls(o.calls().withAnswerDeadlineMs(60_000).withKeepAliveTimeoutMs(90_000)));
        WebhookReceiver receiver = new WebhookReceiver(own.vertx)) {
      String incoming = own.createIncomingCall(receiver.url());
      String outgoing = own.createOutgoingCall(receiver.url());
      receiver.await(incoming, 1);
      own.advance(59_999);
      assertThat(state(own, incoming)).isEqualTo("incoming");
      own.advance(1);
      assertThat(receiver.awaitOne(incoming, r -> r.changeType().equals("deleted")).resourceData().getJsonObject("resultInfo"))
          .isEqualTo(Wire.resultInfo(408, 1106, "Call acceptance was not acknowledged in time."));
      own.advance(29_999);
      assertThat(state(own, outgoing)).isEqualTo("established");
      own.advance(1);
      JsonObject ri = receiver.awaitOne(outgoing, r -> r.changeType().equals("deleted")).resourceData().getJsonObject("resultInfo");
      assertThat(ri).isEqualTo(Wire.resultInfo(408, 8537, "The call was inactive (no keepAlive for 90 seconds) and has been ended."));
    }
  }

  @Test
  @DisplayName("POST /callvert/clock/advance with the system clock → 400 invalidRequest (contract rule 18 — Callvert's own API)")
  void advance_needs_virtual_clock(TestRuntime rt) {
    try (TestRuntime own = TestRuntime.start(o -> o.withClock(io.callvert.config.ClockMode.SYSTEM))) {
      JsonObject e = Wire.assertError(own.post("/callvert/clock/advance", new JsonObject().put("durationMs", 1000)), 400, "invalidRequest");
      assertThat(e.getString("message")).contains("clock");
    }
    Resp ok = rt.post("/callvert/clock/advance", new JsonObject().put("durationMs", 0));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(java.time.Instant.parse(ok.json().getString("now"))).isNotNull();
  }

  // ------------------------------------------------------------------ shapes

  /** Every JSON object below {@code o} (in objects and arrays) carries {@code @odata.type} (contract rule 3 — Enums in lower camel case, every object typed). */
  static void assertTyped(String path, Object o) {
    if (o instanceof JsonObject obj) {
      assertThat(obj.getString("@odata.type")).as("@odata.type at %s", path).startsWith("#microsoft.graph.");
      for (String k : obj.fieldNames()) {
        assertTyped(path + "." + k, obj.getValue(k));
      }
    } else if (o instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        assertTyped(path + "[" + i + "]", a.getValue(i));
      }
    }
  }

  @Test
  @DisplayName("every object in calls and notifications carries @odata.type; enums go out lower camel case and are parsed case-insensitively")
  void shapes_are_typed(TestRuntime rt, WebhookReceiver bot) {
    JsonObject body = TestRuntime.outgoingCallBody(bot.url(), "+15550001").put("requestedModalities", new JsonArray().add("AUDIO"));
    body.getJsonObject("source").getJsonObject("identity").getJsonObject("application").remove("@odata.type");
    Resp created = rt.post("/v1.0/communications/calls", body);
    assertThat(created.status()).isEqualTo(201);
    JsonObject call = created.json();
    String id = call.getString("id");
    assertThat(call.getJsonArray("requestedModalities")).containsExactly("audio");
    assertTyped("call", call);
    rt.advance(500);
    assertTyped("call", rt.get("/v1.0/communications/calls/" + id).json());
    rt.delete("/v1.0/communications/calls/" + id);
    for (Received r : bot.await(id, 4)) {
      assertTyped("notification", r.body());
    }
    assertTyped("ended", rt.get("/v1.0/communications/calls/" + id).json());

    String incoming = rt.createIncomingCall(bot.url());
    assertTyped("created", bot.await(incoming, 1).get(0).body());
    JsonObject answer = answerBody(bot.url()).put("acceptedModalities", new JsonArray().add("Audio"));
    assertThat(rt.post("/v1.0/communications/calls/" + incoming + "/answer", answer).status()).isEqualTo(202);
    bot.await(incoming, 3);
    rt.post("/callvert/calls/" + incoming + "/hangup", null);
    bot.await(incoming, 4);
  }

  // ------------------------------------------------------------------ retention

  @Test
  @DisplayName("retention: an ended call, its journal and its operations stay readable for calls.retentionMs, then 404 8522")
  void retention(TestRuntime rt, WebhookReceiver bot) {
    String id = rt.createOutgoingCall(bot.url());
    rt.advance(500);
    bot.awaitOne(id, r -> "established".equals(r.resourceData().getString("state")));
    Resp tone = rt.post("/v1.0/communications/calls/" + id + "/subscribeToTone", new JsonObject().put("clientContext", "t"));
    assertThat(tone.status()).isEqualTo(200);
    String opPath = "/v1.0/communications/calls/" + id + "/operations/" + tone.json().getString("id");
    rt.post("/callvert/calls/" + id + "/hangup", null);
    bot.awaitOne(id, r -> r.changeType().equals("deleted"));

    rt.advance(CallsOptions.DEFAULT_RETENTION_MS - 1);
    assertThat(state(rt, id)).isEqualTo("terminated");
    assertThat(rt.get(opPath).status()).isEqualTo(200);
    assertThat(rt.journal(id)).hasSize(3);

    rt.advance(1);
    JsonObject gone = Wire.assertError(rt.get("/v1.0/communications/calls/" + id), 404, "8522");
    assertThat(gone.getString("message")).isEqualTo("Call not found.");
    Wire.assertError(rt.get(opPath), 404, "8522");
    Wire.assertError(rt.get("/callvert/calls/" + id + "/notifications"), 404, "8522");
  }
}
