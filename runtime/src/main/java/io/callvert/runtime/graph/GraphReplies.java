package io.callvert.runtime.graph;

import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.callvert.runtime.call.CallRejected;
import io.callvert.runtime.call.CallSnapshot;

/**
 * A call's replies as Graph answers (contract rules 1, 5, 6, 7): the status of each verb, the
 * {@code Location} of what it created, the gate its answer opens, and refusals as Graph errors.
 */
public final class GraphReplies {

  private final GraphJson json;

  public GraphReplies(GraphJson json) {
    this.json = json;
  }

  /** {@code 201} with the new call, its {@code Location}, and the gate of its first event. */
  public GraphResponse created(CallSnapshot call) {
    return GraphResponse.json(201, json.call(call)).withLocation(Graph.callPath(call.id()), call.id());
  }

  /** The answer to {@code command}, whose reply was {@code reply}. */
  public GraphResponse response(String callId, Command command, Reply reply) {
    if (reply instanceof CallProtocol.CallView v) {
      return GraphResponse.json(200, json.call(v.call()));
    }
    if (reply instanceof CallProtocol.OperationView v) {
      GraphResponse r = GraphResponse.json(200, json.operation(v.operation()));
      return v.created()
          ? r.withLocation(Graph.operationPath(callId, v.operation().id()), v.gated() ? v.operation().id() : null)
          : r;
    }
    if (reply instanceof CallProtocol.Rejected rejected) {
      throw error(command, rejected.toException());
    }
    if (command instanceof CallProtocol.HangUp) {
      return GraphResponse.empty(204);
    }
    if (command instanceof CallProtocol.KeepAlive) {
      return GraphResponse.empty(200);
    }
    return GraphResponse.empty(202);
  }

  /** A refusal as the Graph error the bot sees. */
  public static ApiException error(Command command, CallRejected e) {
    return error(command.getClass(), e);
  }

  /** A refusal of a command of {@code type} as the Graph error the bot sees. */
  public static ApiException error(Class<?> type, CallRejected e) {
    String action = actionName(type);
    return switch (e.reason()) {
      case CALL_NOT_FOUND -> ApiException.callNotFound();
      case OPERATION_NOT_FOUND -> ApiException.operationNotFound(e.operationId());
      case QUEUE_FULL -> ApiException.queueFull(e.limit());
      case CALLER_KEYS_FULL -> new ApiException(429, "activityLimitReached", "The caller already has key presses waiting,"
          + " at most " + e.limit() + " per call (calls.maxPendingKeys); retry later.", 1L);
      case CALLER_AUDIO_FULL -> new ApiException(429, "activityLimitReached", "The call already holds caller audio up to"
          + " its limit of " + e.limit() + " ms (calls.maxCallerSpeechMs); retry later.", 1L);
      case NOT_INCOMING -> ApiException.invalidRequest(action + " is only valid for incoming calls; this call is outgoing"
          + " (state '" + GraphJson.state(e.state()) + "').");
      case WRONG_STATE -> ApiException.invalidRequest("Call is in state '" + GraphJson.state(e.state()) + "'; "
          + action + " requires state '" + GraphJson.state(e.required()) + "'.");
    };
  }

  /** How an error message names a command. */
  static String actionName(Class<?> type) {
    for (GraphAction a : GraphAction.values()) {
      if (a.commandType() == type) {
        return a.segment();
      }
    }
    if (type == CallProtocol.PressKeys.class) {
      return "caller tones";
    } else if (type == CallProtocol.Speak.class) {
      return "caller speech";
    }
    return type.getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }
}
