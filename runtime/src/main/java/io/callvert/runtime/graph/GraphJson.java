package io.callvert.runtime.graph;

import io.callvert.runtime.api.Ids;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.call.CallSnapshot;
import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.Direction;
import io.callvert.runtime.call.EndReason;
import io.callvert.runtime.call.MediaRef;
import io.callvert.runtime.call.MediaSetup;
import io.callvert.runtime.call.Modality;
import io.callvert.runtime.call.OperationKind;
import io.callvert.runtime.call.OperationSnapshot;
import io.callvert.runtime.call.OperationStatus;
import io.callvert.runtime.call.Outcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * How Graph shows a call, an operation and their results: each shape is written here and nowhere
 * else (contract rules 3, 6, 8, 15). Every object carries its {@code @odata.type}.
 */
public final class GraphJson {

  private final long keepAliveTimeoutMs;

  /** @param keepAliveTimeoutMs the inactivity limit, named in the message of a call it ended */
  public GraphJson(long keepAliveTimeoutMs) {
    this.keepAliveTimeoutMs = keepAliveTimeoutMs;
  }

  // ------------------------------------------------------------------ calls

  /** The call as Graph shows it. */
  public JsonObject call(CallSnapshot c) {
    return new JsonObject()
        .put("@odata.type", Graph.type("call"))
        .put("id", c.id())
        .put("state", state(c.state()))
        .put("direction", direction(c.direction()))
        .put("callbackUri", c.callbackUri())
        .put("callChainId", callChainId(c.id()))
        .put("myParticipantId", Ids.derived(c.id(), "myParticipantId"))
        .put("tenantId", c.tenantId())
        .put("subject", c.subject())
        .put("source", c.echo().source() == null ? null : new JsonObject(c.echo().source()))
        .put("targets", new JsonArray(c.echo().targets()))
        .put("requestedModalities", modalities(c))
        .put("mediaConfig", mediaConfig(c.media()))
        .put("mediaState", c.state() == CallState.ESTABLISHED
            ? new JsonObject().put("@odata.type", Graph.type("callMediaState")).put("audio", "active") : null)
        .put("resultInfo", c.endReason() == null ? null : endResult(c.endReason()))
        .put("toneInfo", c.tone() == null ? null : toneInfo(c.tone()))
        .put("chatInfo", null)
        .put("meetingInfo", null)
        .put("transcription", null);
  }

  /** The start of every call object in a notification: type, {@code @odata.id} and id. */
  JsonObject callStub(String callId) {
    return new JsonObject().put("@odata.type", Graph.type("call")).put("@odata.id", Graph.callPath(callId))
        .put("id", callId);
  }

  /**
   * The call chain id: a stable GUID derived from the call id, computed when shown rather than
   * stored, because it is shown rarely and an idle call must stay small.
   */
  static String callChainId(String callId) {
    return Ids.derived(callId, "callChainId");
  }

  public static String state(CallState s) {
    return switch (s) {
      case INCOMING -> "incoming";
      case ESTABLISHING -> "establishing";
      case ESTABLISHED -> "established";
      case TERMINATING -> "terminating";
      case TERMINATED -> "terminated";
    };
  }

  static String direction(Direction d) {
    return d == Direction.INCOMING ? "incoming" : "outgoing";
  }

  static String modality(Modality m) {
    return switch (m) {
      case AUDIO -> "audio";
      case VIDEO -> "video";
      case VIDEO_BASED_SCREEN_SHARING -> "videoBasedScreenSharing";
      case DATA -> "data";
    };
  }

  private static JsonArray modalities(CallSnapshot c) {
    JsonArray out = new JsonArray();
    c.modalities().forEach(m -> out.add(modality(m)));
    return out;
  }

  /** A service-hosted media config; {@code preFetchMedia} only when the bot sent it. */
  static JsonObject mediaConfig(MediaSetup media) {
    if (media == null) {
      return null;
    }
    JsonObject out = new JsonObject().put("@odata.type", Graph.type("serviceHostedMediaConfig"));
    if (media.preFetch() != null) {
      JsonArray pre = new JsonArray();
      for (MediaRef ref : media.preFetch()) {
        pre.add(new JsonObject().put("@odata.type", Graph.type("mediaInfo")).put("uri", ref.uri())
            .put("resourceId", ref.resourceId()));
      }
      out.put("preFetchMedia", pre);
    }
    return out;
  }

  static JsonObject toneInfo(CallSnapshot.Tone tone) {
    return new JsonObject().put("@odata.type", Graph.type("toneInfo")).put("sequenceId", tone.sequenceId())
        .put("tone", Tones.toneName(tone.key()));
  }

  /** Why a call ended, as its {@code resultInfo}. */
  public JsonObject endResult(EndReason reason) {
    return switch (reason) {
      case BOT_HUNG_UP -> Graph.resultInfo(200, 7000, "The call was ended by the bot.");
      case CALLER_HUNG_UP -> Graph.resultInfo(200, 4097, "The other party ended the call.");
      case NODE_SHUT_DOWN -> Graph.resultInfo(503, 0, "The call was ended because its Callvert node shut down.");
      case KEEPALIVE_MISSED -> Graph.resultInfo(408, 8537, "The call was inactive (no keepAlive for "
          + spoken(keepAliveTimeoutMs) + ") and has been ended.");
      case ANSWER_NOT_ACKNOWLEDGED -> Graph.resultInfo(408, 1106, "Call acceptance was not acknowledged in time.");
      case REJECTED_NONE -> rejected(603, "none");
      case REJECTED_BUSY -> rejected(486, "busy");
      case REJECTED_FORBIDDEN -> rejected(403, "forbidden");
      case REDIRECTED -> Graph.resultInfo(302, 0, "The call was redirected by the bot.");
      case CALLEE_BUSY -> Graph.resultInfo(486, 0, "The callee is busy.");
      case CALLEE_NO_ANSWER -> Graph.resultInfo(408, 10057, "The callee did not answer.");
      case CALLEE_UNREACHABLE -> Graph.resultInfo(480, 10076, "The callee is unreachable.");
      case OWNER_LOST -> Graph.resultInfo(OWNER_LOST_CODE, OWNER_LOST_SUBCODE,
          "The call was lost: its Callvert node left the cluster.");
      case NODE_RESTARTED -> Graph.resultInfo(NODE_RESTARTED_CODE, NODE_RESTARTED_SUBCODE,
          "The call was ended because its Callvert node restarted.");
    };
  }

  /** Call-level result when the node owning a call is lost (contract rule 22 — Node loss). */
  public static final int OWNER_LOST_CODE = 500;
  public static final int OWNER_LOST_SUBCODE = 9100;
  public static final int OPERATION_OWNER_LOST_SUBCODE = 9101;
  /** Call-level result when the node owning a call restarted (contract rule 42 — A restarted node ends its calls). */
  public static final int NODE_RESTARTED_CODE = 503;
  public static final int NODE_RESTARTED_SUBCODE = 9102;
  public static final int OPERATION_NODE_RESTARTED_SUBCODE = 9103;

  private static JsonObject rejected(int code, String reason) {
    return Graph.resultInfo(code, 0, "The call was rejected by the bot (reason: " + reason + ").");
  }

  /** A duration as a person would say it: "45 minutes", "1 minute", "30 seconds", "1500 ms". */
  static String spoken(long ms) {
    if (ms % 60_000 == 0) {
      return ms / 60_000 + (ms == 60_000 ? " minute" : " minutes");
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + (ms == 1_000 ? " second" : " seconds");
    }
    return ms + " ms";
  }

  // ------------------------------------------------------------------ operations

  /** The operation as Graph shows it (answers, GET, notification resourceData). */
  public JsonObject operation(OperationSnapshot op) {
    JsonObject o = new JsonObject()
        .put("@odata.type", Graph.type(typeName(op.kind())))
        .put("id", op.id())
        .put("clientContext", op.clientContext())
        .put("status", status(op.status()))
        .put("resultInfo", op.outcome() == null ? null : result(op.outcome(), op.detail()));
    switch (op.kind()) {
      case PLAY_PROMPT, SEND_DTMF -> o.put("completionReason", completionReason(op));
      case RECORD -> o.put("completionReason", completionReason(op))
          .put("recordingLocation", op.recordingLocation())
          .put("recordingAccessToken", op.recordingAccessToken());
      default -> { }
    }
    return o;
  }

  static String typeName(OperationKind kind) {
    return switch (kind) {
      case PLAY_PROMPT -> "playPromptOperation";
      case RECORD -> "recordOperation";
      case CANCEL_MEDIA -> "cancelMediaProcessingOperation";
      case SUBSCRIBE_TONE -> "subscribeToToneOperation";
      case SEND_DTMF -> "sendDtmfTonesOperation";
      // not Graph operations: only the ACS dialect creates them; shown in Graph's own naming style if ever asked
      case RECOGNIZE -> "recognizeOperation";
      case UNSUBSCRIBE_TONE -> "unsubscribeFromToneOperation";
    };
  }

  static String status(OperationStatus s) {
    return switch (s) {
      case NOT_STARTED -> "notStarted";
      case RUNNING -> "running";
      case COMPLETED -> "completed";
      case FAILED -> "failed";
    };
  }

  /** An operation's {@code resultInfo}; {@code detail} is Callvert's extension (what exactly failed). */
  static JsonObject result(Outcome outcome, String detail) {
    JsonObject ri = switch (outcome) {
      case COMPLETED -> Graph.resultInfo(200, 0, "Action completed successfully.");
      case CANCELLED -> Graph.resultInfo(400, 8508, "Action failed, the operation was cancelled.");
      case CALL_ENDED -> Graph.resultInfo(410, 8509, "Action failed, the call ended.");
      case INITIAL_SILENCE -> Graph.resultInfo(400, 8510, "Action failed, initial silence timeout reached.");
      case PROMPT_FAILED -> Graph.resultInfo(400, 8511, "Action failed, the prompt could not be played.");
      case MAX_SILENCE -> Graph.resultInfo(200, 8513, "Action completed, max silence timeout reached.");
      case STOP_TONE -> Graph.resultInfo(200, 8514, "Action completed, stop tone detected.");
      case MAX_TONES -> Graph.resultInfo(200, 8531, "Action completed, max digits received.");
      case INTER_TONE_TIMEOUT -> Graph.resultInfo(400, 8532, "Action failed, inter-digit silence timeout reached.");
      case MAX_DURATION -> Graph.resultInfo(200, 8515, "Action completed, max record duration reached.");
      case OWNER_LOST -> Graph.resultInfo(OWNER_LOST_CODE, OPERATION_OWNER_LOST_SUBCODE,
          "Action failed, the call's Callvert node was lost.");
      case NODE_RESTARTED -> Graph.resultInfo(NODE_RESTARTED_CODE, OPERATION_NODE_RESTARTED_SUBCODE,
          "Action failed, the call's Callvert node restarted.");
    };
    return detail == null ? ri : ri.put("detail", detail);
  }

  /** Graph's completionReason for how an operation of {@code kind} ended; null while live. */
  static String completionReason(OperationSnapshot op) {
    if (op.outcome() == null) {
      return null;
    }
    boolean record = op.kind() == OperationKind.RECORD;
    return switch (op.outcome()) {
      case COMPLETED -> "completedSuccessfully";
      case PROMPT_FAILED -> record ? "playPromptFailed" : "unknown";
      case CANCELLED -> record ? "operationCanceled" : "mediaOperationCanceled";
      case CALL_ENDED, OWNER_LOST, NODE_RESTARTED -> record ? "unspecifiedError" : "unknown";
      case INITIAL_SILENCE -> "initialSilenceTimeout";
      case MAX_DURATION -> "maxRecordDurationReached";
      case MAX_SILENCE -> "maxSilenceTimeout";
      case STOP_TONE -> "stopToneDetected";
      case MAX_TONES -> "maxDigitsReceived";
      case INTER_TONE_TIMEOUT -> "interDigitTimeout";
    };
  }
}
