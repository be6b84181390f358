package io.callvert.runtime.acs;

import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.callvert.runtime.call.CallSnapshot;
import io.callvert.runtime.call.CallState;
import io.vertx.core.json.JsonObject;

/**
 * A call's replies as ACS answers (contract rule 51 — ACS statuses): 201 create, 200 answer and get, 202 media
 * operations and sendDtmfTones, 200 continuous DTMF start/stop, 204 hang-up, terminate, reject and redirect; the
 * gates each answer opens; refusals as ACS errors. The SDK throws on any other 2xx, so each status is exact.
 */
public final class AcsReplies {

  private AcsReplies() {}

  /** {@code 201} with CallConnectionProperties; opens the call's gates (its CallConnected waits for it). */
  public static AcsResponse created(CallSnapshot call) {
    return AcsResponse.of(201, AcsJson.properties(call), call.id(), call.id(), call.id() + AcsEvents.CONNECTED_GATE);
  }

  /** {@code 201} with the incoming call as the simulator shows it: its id and incomingCallContext. */
  public static AcsResponse incoming(CallSnapshot call) {
    return AcsResponse.of(201, AcsJson.properties(call).put("incomingCallContext",
        AcsRequests.incomingCallContext(call.id())), call.id(), call.id());
  }

  /** {@code 200} with the answered call; opens its CallConnected. */
  public static AcsResponse answered(CallSnapshot call) {
    return AcsResponse.of(200, AcsJson.properties(call), call.id(), call.id() + AcsEvents.CONNECTED_GATE);
  }

  /** The answer to {@code command}, whose reply was {@code reply}. */
  public static AcsResponse response(String callId, Command command, Reply reply) {
    if (reply instanceof CallProtocol.Rejected r) {
      throw AcsErrors.of(r.toException());
    }
    if (reply instanceof CallProtocol.CallView v) {
      if (v.call().state() == CallState.TERMINATED) {
        throw AcsErrors.callNotFound(); // an ended call is gone for ACS
      }
      return AcsResponse.of(200, AcsJson.properties(v.call()));
    }
    if (command instanceof CallProtocol.SubscribeToTone || command instanceof CallProtocol.UnsubscribeFromTone) {
      return withGate(callId, 200, null, reply);
    }
    if (command instanceof CallProtocol.SendDtmf s) {
      return withGate(callId, 202, new JsonObject().put("operationContext", AcsContext.decode(s.clientContext()).operationContext()), reply);
    }
    if (command instanceof CallProtocol.HangUp || command instanceof CallProtocol.Reject
        || command instanceof CallProtocol.Redirect) {
      return AcsResponse.of(204, null);
    }
    return withGate(callId, 202, null, reply);
  }

  private static AcsResponse withGate(String callId, int status, JsonObject body, Reply reply) {
    if (reply instanceof CallProtocol.OperationView v && v.created() && v.gated()) {
      return AcsResponse.of(status, body, callId, v.operation().id());
    }
    return AcsResponse.of(status, body);
  }
}
