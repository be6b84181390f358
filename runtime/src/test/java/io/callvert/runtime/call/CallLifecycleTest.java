package io.callvert.runtime.call;

import static io.callvert.runtime.call.Payloads.callState;
import static io.callvert.runtime.call.Payloads.notification;
import static io.callvert.runtime.call.Payloads.resultInfo;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CalleeBehaviour;
import io.callvert.config.CalleeOptions;
import io.callvert.config.CalleeRule;
import io.callvert.config.CallsOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.call.FakeEffects.Ended;
import io.callvert.runtime.call.FakeEffects.Notified;
import io.callvert.runtime.graph.GraphResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Contract rule 15: outgoing and incoming call lifecycles, as notifications on a fake clock. */
class CallLifecycleTest {

  private static final long MINUTE = 60_000;

  private static JsonObject terminated(CallDriver d, String direction, int code, int subcode, String message) {
    JsonObject data = callState(d.id, "terminated")
        .put("resultInfo", resultInfo(code, subcode, message))
        .put("direction", direction)
        .put("callChainId", d.callJson().getString("callChainId"));
    return notification("deleted", d.callPath(), data);
  }

  private static CallDriver outgoingTo(CalleeRule rule) {
    CalleeOptions callee = CalleeOptions.defaults().withTarget("+15550123", rule);
    return CallDriver.outgoing(Bodies.outgoingCall("+15550123"), CallsOptions.defaults(), callee);
  }

  /** A terminated call: announced last, followed by ended(), with no timer left armed. */
  private static void assertEndedCleanly(CallDriver d) {
    List<FakeEffects.Effect> log = d.fx.log().stream().filter(e -> !(e instanceof FakeEffects.Replied)).toList();
    assertThat(log.get(log.size() - 1)).isInstanceOf(Ended.class);
    assertThat(log.get(log.size() - 2)).isInstanceOf(Notified.class);
    assertThat(d.fx.armedTimers()).isEmpty();
    assertThat(d.session.isTerminated()).isTrue();
  }

  // ------------------------------------------------------------------ outgoing

  @Test
  @DisplayName("an outgoing call answers 201 establishing and announces establishing at once, gated on the call id")
  void outgoing_call_announces_establishing_gated_on_its_id() {
    CallDriver d = CallDriver.outgoing();

    GraphResponse created = d.fx.all(FakeEffects.Replied.class).get(0).reply();
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().getString("state")).isEqualTo("establishing");
    assertThat(created.body().getString("direction")).isEqualTo("outgoing");
    assertThat(created.location()).isEqualTo(d.callPath());
    assertThat(created.release()).isEqualTo(d.id);
    Notified first = d.notifications().get(0);
    assertThat(d.notifications()).hasSize(1);
    assertThat(first.outbound().body()).isEqualTo(notification("updated", d.callPath(), callState(d.id, "establishing")));
    assertThat(first.gate()).isEqualTo(d.id);
    assertThat(first.outbound().callbackUri()).isEqualTo(Bodies.CALLBACK);
    assertThat(first.outbound().audience()).isEqualTo(CallDriver.APP_ID);
    assertThat(first.outbound().tenantId()).isEqualTo("tenant-1");
  }

  @Test
  @DisplayName("an answering callee makes the call established after its answer delay")
  void outgoing_call_is_established_after_the_answer_delay() {
    CallDriver d = CallDriver.outgoing();

    d.advance(CalleeOptions.DEFAULT_ANSWER_DELAY_MS - 1);
    assertThat(d.notifications()).hasSize(1);
    d.advance(1);

    Notified established = d.lastCallNotification();
    assertThat(established.outbound().body()).isEqualTo(notification("updated", d.callPath(), callState(d.id, "established")));
    assertThat(established.at()).isEqualTo(CallDriver.T0 + CalleeOptions.DEFAULT_ANSWER_DELAY_MS);
    assertThat(established.gate()).isNull();
    assertThat(d.callJson().getJsonObject("mediaState").getString("audio")).isEqualTo("active");
  }

  @Test
  @DisplayName("a busy callee ends the call after its delay: terminated 486/0")
  void busy_callee_terminates_486() {
    CallDriver d = outgoingTo(new CalleeRule(CalleeBehaviour.BUSY, 300));

    d.advance(300);

    assertThat(d.callNotifications()).extracting(Notified::changeType).containsExactly("updated", "deleted");
    Notified last = d.lastCallNotification();
    assertThat(last.outbound().body()).isEqualTo(terminated(d, "outgoing", 486, 0, "The callee is busy."));
    assertThat(last.at()).isEqualTo(CallDriver.T0 + 300);
    assertEndedCleanly(d);
  }

  @Test
  @DisplayName("a callee that does not answer rings until the ring timeout: terminated 408/10057")
  void no_answer_callee_terminates_408_10057_at_ring_timeout() {
    CallDriver d = outgoingTo(new CalleeRule(CalleeBehaviour.NO_ANSWER, 100));

    d.advance(CalleeOptions.DEFAULT_RING_TIMEOUT_MS - 1);
    assertThat(d.state()).isEqualTo("establishing");
    d.advance(1);

    assertThat(d.lastCallNotification().outbound().body())
        .isEqualTo(terminated(d, "outgoing", 408, 10057, "The callee did not answer."));
    assertEndedCleanly(d);
  }

  @Test
  @DisplayName("an unreachable callee fails immediately, whatever its answer delay: terminated 480/10076")
  void unreachable_callee_terminates_480_10076_at_once() {
    CallDriver d = outgoingTo(new CalleeRule(CalleeBehaviour.UNREACHABLE, 500));

    d.advance(0);

    assertThat(d.lastCallNotification().outbound().body())
        .isEqualTo(terminated(d, "outgoing", 480, 10076, "The callee is unreachable."));
    assertThat(d.lastCallNotification().at()).isEqualTo(CallDriver.T0);
    assertEndedCleanly(d);
  }

  @Test
  @DisplayName("DELETE answers 204, then terminating and terminated 200/7000")
  void delete_announces_terminating_then_terminated_200_7000() {
    CallDriver d = CallDriver.established();
    int before = d.notifications().size();

    GraphResponse r = d.request("delete", null);

    assertThat(r.status()).isEqualTo(204);
    List<Notified> after = d.notifications().subList(before, d.notifications().size());
    assertThat(after).extracting(n -> n.outbound().body()).containsExactly(
        notification("updated", d.callPath(), callState(d.id, "terminating")),
        terminated(d, "outgoing", 200, 7000, "The call was ended by the bot."));
    assertEndedCleanly(d);
  }

  @Test
  @DisplayName("the caller hanging up ends the call: terminated 200/4097, no terminating")
  void caller_hangup_terminates_200_4097() {
    CallDriver d = CallDriver.established();
    int before = d.notifications().size();

    GraphResponse r = d.request("caller.hangup", null);

    assertThat(r.status()).isEqualTo(202);
    assertThat(d.notifications().subList(before, d.notifications().size())).extracting(n -> n.outbound().body())
        .containsExactly(terminated(d, "outgoing", 200, 4097, "The other party ended the call."));
    assertEndedCleanly(d);
  }

  @Test
  @DisplayName("no keepAlive for 45 minutes ends the call: terminated 408/8537")
  void keepalive_timeout_terminates_408_8537() {
    CallDriver d = CallDriver.established();

    d.advanceTo(CallDriver.T0 + 45 * MINUTE - 1);
    assertThat(d.state()).isEqualTo("established");
    d.advance(1);

    assertThat(d.lastCallNotification().outbound().body()).isEqualTo(terminated(d, "outgoing", 408, 8537,
        "The call was inactive (no keepAlive for 45 minutes) and has been ended."));
    assertThat(d.lastCallNotification().at()).isEqualTo(CallDriver.T0 + 45 * MINUTE);
    assertEndedCleanly(d);
  }

  @Test
  @DisplayName("keepAlive re-arms the 45-minute timeout from the moment it is received")
  void keepalive_rearms_the_timeout() {
    CallDriver d = CallDriver.established();
    d.advanceTo(CallDriver.T0 + 44 * MINUTE);

    GraphResponse r = d.request("keepalive", null);

    assertThat(r.status()).isEqualTo(200);
    d.advanceTo(CallDriver.T0 + 89 * MINUTE - 1);
    assertThat(d.state()).isEqualTo("established");
    d.advance(1);
    assertThat(d.state()).isEqualTo("terminated");
    assertThat(d.lastCallNotification().data().getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(8537);
  }

  @Test
  @DisplayName("keepAlive on an ended call is 404 8522 'Call not found.'")
  void keepalive_on_ended_call_is_404() {
    CallDriver d = CallDriver.established();
    d.request("delete", null);

    ApiException e = d.rejected("keepalive", null);

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.code()).isEqualTo("8522");
    assertThat(e.getMessage()).isEqualTo("Call not found.");
  }

  @Test
  @DisplayName("keepAlive and other timers are configurable")
  void keepalive_timeout_is_configurable() {
    CallDriver d = CallDriver.established(CallsOptions.defaults().withKeepAliveTimeoutMs(2 * MINUTE));

    d.advanceTo(CallDriver.T0 + 2 * MINUTE);

    assertThat(d.lastCallNotification().data().getJsonObject("resultInfo")).isEqualTo(resultInfo(408, 8537,
        "The call was inactive (no keepAlive for 2 minutes) and has been ended."));
  }

  @Test
  @DisplayName("the keepAlive message states a timeout that is not whole minutes truthfully")
  void keepalive_message_for_sub_minute_timeouts() {
    CallDriver d = CallDriver.established(CallsOptions.defaults().withKeepAliveTimeoutMs(30_000));
    CallDriver one = CallDriver.established(CallsOptions.defaults().withKeepAliveTimeoutMs(MINUTE));

    d.advance(30_000);
    one.advance(MINUTE);

    assertThat(d.lastCallNotification().data().getJsonObject("resultInfo").getString("message"))
        .isEqualTo("The call was inactive (no keepAlive for 30 seconds) and has been ended.");
    assertThat(one.lastCallNotification().data().getJsonObject("resultInfo").getString("message"))
        .isEqualTo("The call was inactive (no keepAlive for 1 minute) and has been ended.");
  }

  @Test
  @DisplayName("an outgoing call cannot be answered: 400 naming its state")
  void answer_on_outgoing_call_is_400() {
    CallDriver d = CallDriver.established();

    ApiException e = d.rejected("answer", Bodies.answer());

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("invalidRequest");
    assertThat(e.getMessage()).contains("outgoing").contains("'established'");
  }

  @Test
  @DisplayName("media actions before the callee answered are 400 naming the state")
  void play_prompt_while_establishing_is_400() {
    CallDriver d = CallDriver.outgoing();

    ApiException e = d.rejected("playprompt", Bodies.playPrompt());

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("Call is in state 'establishing'; playPrompt requires state 'established'.");
  }

  // ------------------------------------------------------------------ incoming

  @Test
  @DisplayName("an incoming call is announced with a created notification gated on the call id")
  void incoming_call_is_announced_created() {
    CallDriver d = CallDriver.incoming();

    assertThat(d.notifications()).hasSize(1);
    Notified created = d.notifications().get(0);
    assertThat(created.changeType()).isEqualTo("created");
    assertThat(created.gate()).isEqualTo(d.id);
    assertThat(created.data().getString("state")).isEqualTo("incoming");
    assertThat(created.data().getString("direction")).isEqualTo("incoming");
    assertThat(created.data().getString("@odata.type")).isEqualTo("#microsoft.graph.call");
    assertThat(created.data().getString("@odata.id")).isEqualTo(d.callPath());
    assertThat(created.resourceUrl()).isEqualTo(d.callPath());
    assertThat(d.replyIndex(d.id)).isPositive();
  }

  @Test
  @DisplayName("answer answers 202 and announces establishing then established")
  void answer_announces_establishing_then_established() {
    CallDriver d = CallDriver.incoming();
    d.advance(3_000);

    GraphResponse r = d.request("answer", Bodies.answer());

    assertThat(r.status()).isEqualTo(202);
    assertThat(d.notifications().subList(1, d.notifications().size())).extracting(n -> n.outbound().body())
        .containsExactly(
            notification("updated", d.callPath(), callState(d.id, "establishing")),
            notification("updated", d.callPath(), callState(d.id, "established")));
    assertThat(d.fx.armedTimers()).containsOnlyKeys(TimerKey.Call.KEEP_ALIVE);
    d.advance(60_000);
    assertThat(d.state()).isEqualTo("established");
  }

  @Test
  @DisplayName("an incoming call unanswered for 15 s ends: terminated 408/1106")
  void unanswered_incoming_call_terminates_408_1106() {
    CallDriver d = CallDriver.incoming();

    d.advance(CallsOptions.DEFAULT_ANSWER_DEADLINE_MS - 1);
    assertThat(d.state()).isEqualTo("incoming");
    d.advance(1);

    assertThat(d.lastCallNotification().outbound().body())
        .isEqualTo(terminated(d, "incoming", 408, 1106, "Call acceptance was not acknowledged in time."));
    assertEndedCleanly(d);
  }

  @Test
  @DisplayName("answer after the deadline is 400 naming the terminated state")
  void answer_after_the_deadline_is_400() {
    CallDriver d = CallDriver.incoming();
    d.advance(CallsOptions.DEFAULT_ANSWER_DEADLINE_MS);

    ApiException e = d.rejected("answer", Bodies.answer());

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("invalidRequest");
    assertThat(e.getMessage()).isEqualTo("Call is in state 'terminated'; answer requires state 'incoming'.");
  }

  @Test
  @DisplayName("answer twice: the second is 400 naming the established state")
  void answer_twice_is_400() {
    CallDriver d = CallDriver.incoming();
    d.request("answer", Bodies.answer());

    ApiException e = d.rejected("answer", Bodies.answer());

    assertThat(e.getMessage()).isEqualTo("Call is in state 'established'; answer requires state 'incoming'.");
  }

  @Test
  @DisplayName("reject with reason busy answers 202 and terminates 486")
  void reject_busy_terminates_486() {
    CallDriver d = CallDriver.incoming();

    GraphResponse r = d.request("reject", new JsonObject().put("reason", "Busy"));

    assertThat(r.status()).isEqualTo(202);
    assertThat(d.lastCallNotification().outbound().body())
        .isEqualTo(terminated(d, "incoming", 486, 0, "The call was rejected by the bot (reason: busy)."));
    assertEndedCleanly(d);
  }

  @Test
  @DisplayName("reject with an unknown reason is 400 naming 'reason' and leaves the call incoming")
  void reject_with_unknown_reason_is_400() {
    CallDriver d = CallDriver.incoming();

    ApiException e = d.rejected("reject", new JsonObject().put("reason", "sleepy"));

    assertThat(e.getMessage()).contains("'reason'");
    assertThat(d.state()).isEqualTo("incoming");
  }

  @Test
  @DisplayName("redirect answers 202 and ends the call 302")
  void redirect_terminates_302() {
    CallDriver d = CallDriver.incoming();
    JsonObject body = new JsonObject().put("targets", Bodies.outgoingCall("+15550177").getJsonArray("targets"));

    GraphResponse r = d.request("redirect", body);

    assertThat(r.status()).isEqualTo(202);
    assertThat(d.lastCallNotification().outbound().body())
        .isEqualTo(terminated(d, "incoming", 302, 0, "The call was redirected by the bot."));
    assertEndedCleanly(d);
  }

  @Test
  @DisplayName("answer without acceptedModalities is 400 naming the field and changes nothing")
  void answer_without_modalities_is_400() {
    CallDriver d = CallDriver.incoming();

    ApiException e = d.rejected("answer", Bodies.answer().put("acceptedModalities", null));

    assertThat(e.getMessage()).contains("'acceptedModalities'");
    assertThat(d.fx.armedTimers()).containsKey(TimerKey.Call.ANSWER_DEADLINE);
  }

  @Test
  @DisplayName("preFetchMedia is warmed when an outgoing call starts and when an incoming call is answered")
  void pre_fetch_media_is_warmed() {
    JsonObject mc = new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig")
        .put("preFetchMedia", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("uri", "https://media.test/welcome.wav").put("resourceId", "welcome")));
    CallDriver out = CallDriver.outgoing(Bodies.outgoingCall("+15550199").put("mediaConfig", mc),
        CallsOptions.defaults(), CalleeOptions.defaults());
    CallDriver in = CallDriver.incoming();
    in.request("answer", Bodies.answer().put("mediaConfig", mc));

    MediaRef welcome = new MediaRef("https://media.test/welcome.wav", "welcome");
    assertThat(out.fx.all(FakeEffects.Prefetch.class)).extracting(FakeEffects.Prefetch::media)
        .containsExactly(List.of(welcome));
    assertThat(in.fx.all(FakeEffects.Prefetch.class)).extracting(FakeEffects.Prefetch::media)
        .containsExactly(List.of(welcome));
  }

  @Test
  @DisplayName("answer may move the callbackUri: later notifications go to the new one")
  void answer_moves_the_callback() {
    CallDriver d = CallDriver.incoming();

    d.request("answer", Bodies.answer().put("callbackUri", "https://bot.test/other"));

    assertThat(d.notifications().get(0).outbound().callbackUri()).isEqualTo(Bodies.CALLBACK);
    assertThat(d.lastCallNotification().outbound().callbackUri()).isEqualTo("https://bot.test/other");
  }
}
