package io.callvert.runtime.acs;

import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.CallSnapshot;
import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.Direction;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.call.OperationSnapshot;
import io.callvert.runtime.call.Outcome;
import io.callvert.runtime.clock.Clock;
import io.callvert.runtime.protocol.Outbound;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A call's events as ACS CloudEvents (contract rule 57 — ACS callbacks): one CloudEvent 1.0 per POST, {@code type}
 * {@code Microsoft.Communication.<Name>}, to the call's callback URI or the operation's {@code operationCallbackUri};
 * the IncomingCall event (Event Grid's CloudEvents schema) to the app's incoming-call endpoint. Built from the same
 * {@link CallEvent}s Graph renders, so order, exactly-once endings and the journal hold unchanged.
 */
public final class AcsEvents {

  /** Prefix of every event type. */
  public static final String TYPE_PREFIX = "Microsoft.Communication.";
  /** CloudEvents extension attribute naming the operation a terminal event ends (read back after a restart). */
  public static final String OPERATION_ATTRIBUTE = "callvertoperation";
  /** Suffix of the gate a CallConnected waits on: opened when the create or answer response is written. */
  public static final String CONNECTED_GATE = "/connected";

  private final Clock clock;
  private final Supplier<String> ids;

  public AcsEvents(Clock clock, Supplier<String> ids) {
    this.clock = clock;
    this.ids = ids;
  }

  /**
   * The notification of an event, or null when ACS has none for it (a call moving to connecting or disconnecting;
   * Graph-only operations).
   *
   * @param callContext the {@code operationContext} the call was created with (CallConnected, CallDisconnected carry it)
   */
  public Outbound render(Notification n, String callContext) {
    Notification.Delivery to = n.to();
    String callId = n.event().callId();
    CallEvent e = n.event();
    if (e instanceof CallEvent.CallArrived a) {
      return out(to, to.callbackUri(), n.gate(), false, incomingCall(a.call()));
    }
    if (e instanceof CallEvent.StateChanged s) {
      if (s.state() != CallState.ESTABLISHED) {
        return null;
      }
      JsonObject data = data(callId, callContext, AcsJson.result(200, 0, "Call connected."));
      return out(to, to.callbackUri(), callId + CONNECTED_GATE, false, event("CallConnected", callId, data));
    }
    if (e instanceof CallEvent.ToneReceived t) {
      JsonObject data = data(callId, null, AcsJson.result(200, 0, "Tone received."))
          .put("tone", AcsTones.word(t.tone().key())).put("sequenceId", t.tone().sequenceId());
      return out(to, to.callbackUri(), n.gate(), false, event("ContinuousDtmfRecognitionToneReceived", callId, data));
    }
    if (e instanceof CallEvent.OperationEnded o) {
      return operationEnded(n, o.operation());
    }
    if (e instanceof CallEvent.CallEnded c) {
      boolean failed = c.direction() == Direction.OUTGOING && AcsJson.neverConnected(c.reason());
      JsonObject data = data(callId, callContext, AcsJson.endResult(c.reason()));
      return out(to, to.callbackUri(), n.gate(), false, event(failed ? "CreateCallFailed" : "CallDisconnected", callId, data));
    }
    if (e instanceof CallEvent.CallLost l) {
      return out(to, to.callbackUri(), n.gate(), false,
          event("CallDisconnected", callId, data(callId, callContext, AcsJson.endResult(l.reason()))));
    }
    throw new IllegalArgumentException("unknown event " + e);
  }

  private Outbound operationEnded(Notification n, OperationSnapshot op) {
    String callId = n.event().callId();
    AcsContext.Decoded ctx = AcsContext.decode(op.clientContext());
    Outcome outcome = op.outcome();
    String name;
    JsonObject data = data(callId, ctx.operationContext(), AcsJson.result(outcome, op.kind() == io.callvert.runtime.call.OperationKind.RECOGNIZE));
    switch (op.kind()) {
      case PLAY_PROMPT -> name = outcome == Outcome.COMPLETED ? "PlayCompleted"
          : outcome == Outcome.CANCELLED ? "PlayCanceled" : "PlayFailed";
      case RECOGNIZE -> {
        boolean completed = outcome == Outcome.MAX_TONES || outcome == Outcome.STOP_TONE
            || outcome == Outcome.INTER_TONE_TIMEOUT;
        name = completed ? "RecognizeCompleted" : outcome == Outcome.CANCELLED ? "RecognizeCanceled" : "RecognizeFailed";
        if (completed) {
          JsonArray tones = new JsonArray();
          op.tones().chars().forEach(k -> tones.add(AcsTones.word((char) k)));
          data.put("recognitionType", "dtmf").put("dtmfResult", new JsonObject().put("tones", tones));
        }
      }
      case SEND_DTMF -> name = outcome == Outcome.COMPLETED ? "SendDtmfTonesCompleted" : "SendDtmfTonesFailed";
      case UNSUBSCRIBE_TONE -> name = "ContinuousDtmfRecognitionStopped";
      default -> {
        return null; // Graph-only operations (record, cancel, subscribe) never end with an event
      }
    }
    JsonObject event = event(name, callId, data).put(OPERATION_ATTRIBUTE, op.id());
    String target = ctx.callbackUri() != null ? ctx.callbackUri() : n.to().callbackUri();
    return out(n.to(), target, n.gate(), n.gate() != null, event);
  }

  /** The IncomingCall event, as Event Grid delivers it in the CloudEvents schema (contract rule 56). */
  private JsonObject incomingCall(CallSnapshot call) {
    JsonObject parties = new JsonObject(call.echo().source());
    JsonObject from = parties.getJsonObject("source");
    JsonObject to = new JsonArray(call.echo().targets()).getJsonObject(0);
    JsonObject data = new JsonObject()
        .put("to", to)
        .put("from", from)
        .put("serverCallId", AcsJson.serverCallId(call.id()))
        .put("callerDisplayName", parties.getString("sourceDisplayName", ""))
        .put("incomingCallContext", AcsRequests.incomingCallContext(call.id()))
        .put("correlationId", call.id());
    return envelope("IncomingCall", "/callvert/acs", "/caller/" + from.getString("rawId") + "/recipient/" + to.getString("rawId"), data);
  }

  private static JsonObject data(String callId, String operationContext, JsonObject result) {
    return new JsonObject()
        .put("callConnectionId", callId)
        .put("serverCallId", AcsJson.serverCallId(callId))
        .put("correlationId", callId)
        .put("operationContext", operationContext)
        .put("resultInformation", result);
  }

  private JsonObject event(String name, String callId, JsonObject data) {
    return envelope(name, "calling/callConnections/" + callId, "calling/callConnections/" + callId, data);
  }

  private JsonObject envelope(String name, String source, String subject, JsonObject data) {
    return new JsonObject()
        .put("id", ids.get())
        .put("source", source)
        .put("type", TYPE_PREFIX + name)
        .put("specversion", "1.0")
        .put("time", Instant.ofEpochMilli(clock.now()).toString())
        .put("subject", subject)
        .put("datacontenttype", "application/json")
        .put("data", data);
  }

  /** No audience and no tenant: ACS callbacks carry no Graph JWT (contract rule 57). */
  private static Outbound out(Notification.Delivery to, String uri, String gate, boolean endsGate, JsonObject body) {
    return new Outbound(to.callId(), uri, null, null, gate, body, endsGate);
  }
}
