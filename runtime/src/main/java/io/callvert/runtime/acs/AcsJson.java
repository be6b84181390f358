package io.callvert.runtime.acs;

import io.callvert.runtime.call.CallSnapshot;
import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.EndReason;
import io.callvert.runtime.call.Outcome;
import io.callvert.runtime.graph.GraphJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Every ACS shape Callvert writes, once: CallConnectionProperties, {@code resultInformation} and the result-code table
 * (contract rule 55 — ACS result codes), the ids a call shows.
 */
public final class AcsJson {

  private AcsJson() {}

  /** ACS's name of a call state ({@code callConnectionState}). */
  public static String connectionState(CallState state) {
    if (state == null) {
      return "unknown";
    }
    return switch (state) {
      case INCOMING -> "unknown";
      case ESTABLISHING -> "connecting";
      case ESTABLISHED -> "connected";
      case TERMINATING -> "disconnecting";
      case TERMINATED -> "disconnected";
    };
  }

  /** The {@code serverCallId} of a call: derived from its id, stable across nodes. */
  public static String serverCallId(String callId) {
    return "callvert-" + callId;
  }

  /** CallConnectionProperties: what create (201), answer (200) and get (200) answer. */
  public static JsonObject properties(CallSnapshot call) {
    JsonObject parties = call.echo() == null || call.echo().source() == null ? new JsonObject()
        : new JsonObject(call.echo().source());
    JsonObject o = new JsonObject()
        .put("callConnectionId", call.id())
        .put("serverCallId", serverCallId(call.id()))
        .put("targets", call.echo() == null ? new JsonArray() : new JsonArray(call.echo().targets()))
        .put("callConnectionState", connectionState(call.state()))
        .put("callbackUri", call.callbackUri())
        .put("correlationId", call.id());
    for (String f : new String[] {"source", "sourceCallerIdNumber", "sourceDisplayName"}) {
      if (parties.getValue(f) != null) {
        o.put(f, parties.getValue(f));
      }
    }
    return o;
  }

  public static JsonObject result(int code, int subCode, String message) {
    return new JsonObject().put("code", code).put("subCode", subCode).put("message", message);
  }

  /** The {@code resultInformation} of an ended play, recognize, sendDtmfTones or tone unsubscription. */
  public static JsonObject result(Outcome outcome, boolean recognize) {
    return switch (outcome) {
      case COMPLETED -> result(200, 0, "Action completed successfully.");
      case CANCELLED -> result(400, 8508, "Action failed, the operation was canceled.");
      case MAX_TONES -> result(200, 8531, "Action completed, max digits received.");
      case STOP_TONE -> result(200, 8514, "Action completed as stop tone was detected.");
      case INTER_TONE_TIMEOUT -> result(400, 8532, "Action failed, inter-digit silence timeout reached.");
      case INITIAL_SILENCE -> result(400, 8510, "Action failed, initial silence timeout reached.");
      case PROMPT_FAILED -> recognize ? result(500, 8511, "Action failed, encountered failure while trying to play the prompt.")
          : result(400, 8536, "Action failed, file could not be downloaded or played.");
      case CALL_ENDED -> result(410, 8509, "Action failed, the call ended.");
      case MAX_SILENCE -> result(200, 8513, "Action completed, max silence timeout reached.");
      case MAX_DURATION -> result(200, 8515, "Action completed, max record duration reached.");
      case OWNER_LOST -> result(GraphJson.OWNER_LOST_CODE, GraphJson.OPERATION_OWNER_LOST_SUBCODE,
          "Action failed, the call's Callvert node was lost.");
      case NODE_RESTARTED -> result(GraphJson.NODE_RESTARTED_CODE, GraphJson.OPERATION_NODE_RESTARTED_SUBCODE,
          "Action failed, the call's Callvert node restarted.");
    };
  }

  /** The {@code resultInformation} of CallDisconnected / CreateCallFailed: the same numbers as Graph's call end. */
  public static JsonObject endResult(EndReason reason) {
    return switch (reason) {
      case BOT_HUNG_UP -> result(200, 7000, "The call was ended by the application.");
      case CALLER_HUNG_UP -> result(200, 4097, "The other party ended the call.");
      case NODE_SHUT_DOWN -> result(503, 0, "The call was ended because its Callvert node shut down.");
      case KEEPALIVE_MISSED -> result(408, 8537, "The call was inactive and has been ended.");
      case ANSWER_NOT_ACKNOWLEDGED -> result(408, 1106, "The incoming call was not answered in time.");
      case REJECTED_NONE -> result(603, 0, "The call was rejected by the application (reason: none).");
      case REJECTED_BUSY -> result(486, 0, "The call was rejected by the application (reason: busy).");
      case REJECTED_FORBIDDEN -> result(403, 0, "The call was rejected by the application (reason: forbidden).");
      case REDIRECTED -> result(302, 0, "The call was redirected by the application.");
      case CALLEE_BUSY -> result(486, 0, "The callee is busy.");
      case CALLEE_NO_ANSWER -> result(408, 10057, "The callee did not answer.");
      case CALLEE_UNREACHABLE -> result(480, 10076, "The callee is unreachable.");
      case OWNER_LOST -> result(GraphJson.OWNER_LOST_CODE, GraphJson.OWNER_LOST_SUBCODE,
          "The call was lost: its Callvert node left the cluster.");
      case NODE_RESTARTED -> result(GraphJson.NODE_RESTARTED_CODE, GraphJson.NODE_RESTARTED_SUBCODE,
          "The call was ended because its Callvert node restarted.");
    };
  }

  /** Whether a call that ended this way never connected: an outgoing call's end is then CreateCallFailed. */
  public static boolean neverConnected(EndReason reason) {
    return reason == EndReason.CALLEE_BUSY || reason == EndReason.CALLEE_NO_ANSWER
        || reason == EndReason.CALLEE_UNREACHABLE;
  }
}
