package io.callvert.runtime.acs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.CallRejected;
import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.CallSnapshot;
import io.callvert.runtime.call.Direction;
import io.callvert.runtime.call.EndReason;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.call.OperationKind;
import io.callvert.runtime.call.OperationSnapshot;
import io.callvert.runtime.call.OperationStatus;
import io.callvert.runtime.call.Outcome;
import io.callvert.runtime.net.HostPolicy;
import io.callvert.runtime.protocol.Outbound;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Contract rules 51, 55, 57: the call's events as ACS CloudEvents, and its replies as ACS statuses. */
class AcsEventsTest {

  private static final String CALL = "7d2f4b1e-0000-4000-8000-000000000001";
  private static final long T0 = 1_700_000_000_000L;
  private final AtomicInteger ids = new AtomicInteger();
  private final AcsDialect acs = AcsDialect.create(HostPolicy.ALLOW_ALL, () -> T0, () -> "ev-" + ids.incrementAndGet());
  private final Notification.Delivery to = new Notification.Delivery(CALL, "http://bot/cb", "app", "tenant");

  private Outbound render(CallEvent e, String gate) {
    return acs.renderer("op-create").apply(new Notification(to, gate, e));
  }

  private static OperationSnapshot op(OperationKind kind, Outcome outcome, String context, String tones) {
    return new OperationSnapshot(kind, "0e0e0e0e-0000-4000-8000-00000000000" + kind.ordinal(), context, outcome.status(), outcome,
        null, null, null, tones);
  }

  @Test
  @DisplayName("CallConnected: a CloudEvent 1.0 with the create's operationContext, gated on the create/answer response, unsigned")
  void call_connected() {
    Outbound o = render(new CallEvent.StateChanged(CALL, CallState.ESTABLISHED), null);
    assertThat(o.body()).isEqualTo(new JsonObject().put("id", "ev-1").put("source", "calling/callConnections/" + CALL)
        .put("type", "Microsoft.Communication.CallConnected").put("specversion", "1.0").put("time", "2023-11-14T22:13:20Z")
        .put("subject", "calling/callConnections/" + CALL).put("datacontenttype", "application/json")
        .put("data", new JsonObject().put("callConnectionId", CALL).put("serverCallId", "callvert-" + CALL)
            .put("correlationId", CALL).put("operationContext", "op-create")
            .put("resultInformation", new JsonObject().put("code", 200).put("subCode", 0).put("message", "Call connected."))));
    assertThat(o.gate()).isEqualTo(CALL + AcsEvents.CONNECTED_GATE);
    assertThat(o.audience()).isNull();
    assertThat(o.callbackUri()).isEqualTo("http://bot/cb");
    assertThat(render(new CallEvent.StateChanged(CALL, CallState.ESTABLISHING), CALL)).isNull();
    assertThat(render(new CallEvent.StateChanged(CALL, CallState.TERMINATING), null)).isNull();
  }

  @ParameterizedTest(name = "{0} {1} -> {2} {3}/{4}")
  @CsvSource({
      "PLAY_PROMPT, COMPLETED, PlayCompleted, 200, 0",
      "PLAY_PROMPT, CANCELLED, PlayCanceled, 400, 8508",
      "PLAY_PROMPT, PROMPT_FAILED, PlayFailed, 400, 8536",
      "PLAY_PROMPT, CALL_ENDED, PlayFailed, 410, 8509",
      "RECOGNIZE, MAX_TONES, RecognizeCompleted, 200, 8531",
      "RECOGNIZE, STOP_TONE, RecognizeCompleted, 200, 8514",
      "RECOGNIZE, INTER_TONE_TIMEOUT, RecognizeCompleted, 400, 8532",
      "RECOGNIZE, INITIAL_SILENCE, RecognizeFailed, 400, 8510",
      "RECOGNIZE, PROMPT_FAILED, RecognizeFailed, 500, 8511",
      "RECOGNIZE, CANCELLED, RecognizeCanceled, 400, 8508",
      "RECOGNIZE, OWNER_LOST, RecognizeFailed, 500, 9101",
      "SEND_DTMF, COMPLETED, SendDtmfTonesCompleted, 200, 0",
      "SEND_DTMF, CALL_ENDED, SendDtmfTonesFailed, 410, 8509",
      "UNSUBSCRIBE_TONE, COMPLETED, ContinuousDtmfRecognitionStopped, 200, 0"})
  @DisplayName("the result-code table: each operation ending is one event type with its code and subCode")
  void result_codes(OperationKind kind, Outcome outcome, String type, int code, int subCode) {
    OperationSnapshot s = op(kind, outcome, "ctx", kind == OperationKind.RECOGNIZE ? "12#" : null);
    Outbound o = render(new CallEvent.OperationEnded(CALL, s), s.id());
    assertThat(o.body().getString("type")).isEqualTo("Microsoft.Communication." + type);
    JsonObject ri = o.body().getJsonObject("data").getJsonObject("resultInformation");
    assertThat(ri.getInteger("code")).isEqualTo(code);
    assertThat(ri.getInteger("subCode")).isEqualTo(subCode);
    assertThat(o.body().getJsonObject("data").getString("operationContext")).isEqualTo("ctx");
    assertThat(o.body().getString(AcsEvents.OPERATION_ATTRIBUTE)).isEqualTo(s.id());
    assertThat(o.endsGate()).isTrue();
    if (type.equals("RecognizeCompleted")) {
      assertThat(o.body().getJsonObject("data").getString("recognitionType")).isEqualTo("dtmf");
      assertThat(o.body().getJsonObject("data").getJsonObject("dtmfResult").getJsonArray("tones"))
          .isEqualTo(new JsonArray().add("one").add("two").add("pound"));
    }
  }

  @Test
  @DisplayName("an operationCallbackUri takes the operation's event; Graph-only operations have none")
  void callback_override() {
    OperationSnapshot s = op(OperationKind.PLAY_PROMPT, Outcome.COMPLETED, AcsContext.encode("c", "http://bot/op"), null);
    Outbound o = render(new CallEvent.OperationEnded(CALL, s), s.id());
    assertThat(o.callbackUri()).isEqualTo("http://bot/op");
    assertThat(o.body().getJsonObject("data").getString("operationContext")).isEqualTo("c");
    assertThat(render(new CallEvent.OperationEnded(CALL, op(OperationKind.RECORD, Outcome.COMPLETED, null, null)), null)).isNull();
  }

  @Test
  @DisplayName("the call's end: CallDisconnected, or CreateCallFailed for an outgoing call that never connected; a lost call too")
  void call_end() {
    assertThat(render(new CallEvent.CallEnded(CALL, EndReason.CALLER_HUNG_UP, Direction.OUTGOING), null).body().getString("type"))
        .isEqualTo("Microsoft.Communication.CallDisconnected");
    Outbound busy = render(new CallEvent.CallEnded(CALL, EndReason.CALLEE_BUSY, Direction.OUTGOING), null);
    assertThat(busy.body().getString("type")).isEqualTo("Microsoft.Communication.CreateCallFailed");
    assertThat(busy.body().getJsonObject("data").getJsonObject("resultInformation").getInteger("code")).isEqualTo(486);
    Outbound lost = acs.render(new Notification(to, null, new CallEvent.CallLost(CALL, EndReason.NODE_RESTARTED)));
    assertThat(lost.body().getJsonObject("data").getJsonObject("resultInformation").getInteger("subCode")).isEqualTo(9102);
  }

  @Test
  @DisplayName("tones: ContinuousDtmfRecognitionToneReceived with the word and sequenceId")
  void tone_received() {
    Outbound o = render(new CallEvent.ToneReceived(CALL, CallState.ESTABLISHED, new CallSnapshot.Tone(3, '*')), null);
    assertThat(o.body().getString("type")).isEqualTo("Microsoft.Communication.ContinuousDtmfRecognitionToneReceived");
    assertThat(o.body().getJsonObject("data").getString("tone")).isEqualTo("asterisk");
    assertThat(o.body().getJsonObject("data").getLong("sequenceId")).isEqualTo(3);
  }

  @Test
  @DisplayName("statuses are exactly the SDK's: 202 media, 204 hang-up, 200 continuous DTMF; refusals 404 8522 / 400 8501 / 429")
  void replies() {
    OperationSnapshot s = op(OperationKind.PLAY_PROMPT, Outcome.COMPLETED, null, null);
    AcsResponse play = AcsReplies.response(CALL, new CallProtocol.PlayPrompt(null, java.util.List.of()),
        new CallProtocol.OperationView(s, true, true));
    assertThat(play.status()).isEqualTo(202);
    assertThat(play.release()).containsExactly(s.id());
    assertThat(AcsReplies.response(CALL, CallProtocol.HANG_UP, CallProtocol.DONE).status()).isEqualTo(204);
    assertThat(AcsReplies.response(CALL, new CallProtocol.SubscribeToTone(null),
        new CallProtocol.OperationView(op(OperationKind.SUBSCRIBE_TONE, Outcome.COMPLETED, null, null), true, false)).status())
        .isEqualTo(200);
    assertThatThrownBy(() -> AcsReplies.response(CALL, CallProtocol.GET_CALL, CallRejected.callNotFound().toReply()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("8522"));
    assertThat(AcsErrors.of(new CallRejected(CallRejected.Reason.WRONG_STATE, CallState.ESTABLISHING, CallState.ESTABLISHED,
        0, null)).code()).isEqualTo("8501");
    assertThat(AcsErrors.of(new CallRejected(CallRejected.Reason.QUEUE_FULL, CallState.ESTABLISHED, null, 100, null)).status())
        .isEqualTo(429);
    assertThat(AcsErrors.of(new CallRejected(CallRejected.Reason.WRONG_STATE, CallState.TERMINATED, CallState.INCOMING, 0,
        null)).status()).as("an ended call is gone").isEqualTo(404);
  }
}
