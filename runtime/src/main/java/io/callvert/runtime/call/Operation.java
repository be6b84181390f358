package io.callvert.runtime.call;

import io.callvert.runtime.api.Graph;
import io.callvert.runtime.audio.Clip;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One {@code commsOperation} of a call and the state the state machine keeps for it. Mutable, and
 * owned by exactly one {@link CallSession}: only that session's single thread of control touches it.
 */
final class Operation {

  enum Kind {
    PLAY_PROMPT("playPromptOperation"),
    RECORD("recordOperation"),
    CANCEL_MEDIA("cancelMediaProcessingOperation"),
    SUBSCRIBE_TONE("subscribeToToneOperation"),
    SEND_DTMF("sendDtmfTonesOperation");

    final String odataType;

    Kind(String typeName) {
      this.odataType = Graph.type(typeName);
    }
  }

  /** Where a record operation is in its life. */
  enum Phase { QUEUED, FETCHING, PROMPT, BEEP, LISTENING, PLAYING, DONE }

  final String id;
  final Kind kind;
  final String clientContext;
  String status;
  /** The operation's resultInfo, or null while it has none. */
  Result result;
  String completionReason;
  String recordingLocation;
  String recordingAccessToken;
  /** True once the terminal notification was produced: never twice (contract rule 8). */
  boolean terminal;

  Phase phase = Phase.QUEUED;
  /** Media of a playPrompt, or the single prompt of a record (may be empty). */
  List<MediaRef> media = List.of();
  /** What is being played right now (prompt clips, the beep, DTMF), and since when. */
  List<Clip> playing = List.of();
  HeardTimeline.Item heardItem;

  // recordResponse parameters
  boolean bargeIn;
  long initialSilenceMs;
  long maxSilenceMs;
  long maxDurationMs;
  boolean playBeep;
  String stopTones = "";
  String recordingBaseUrl;
  /** Start of the listening window, or -1. */
  long windowStart = -1;
  long firstVoice = -1;
  long lastVoiceEnd = -1;

  // sendDtmfTones parameters
  String dtmfKeys = "";
  int dtmfDelayMs;

  Operation(String id, Kind kind, String clientContext, String status) {
    this.id = id;
    this.kind = kind;
    this.clientContext = clientContext;
    this.status = status;
  }

  boolean isMedia() {
    return kind == Kind.PLAY_PROMPT || kind == Kind.RECORD;
  }

  /** The operation as Graph shows it (response bodies, GET, notification resourceData). */
  JsonObject toJson() {
    return json(kind, id, clientContext, status, result, completionReason, recordingLocation, recordingAccessToken);
  }

  /** What {@link #toJson} shows, from its parts: shared with {@link Done}, which keeps only these. */
  static JsonObject json(Kind kind, String id, String clientContext, String status, Result result,
      String completionReason, String recordingLocation, String recordingAccessToken) {
    JsonObject o = new JsonObject()
        .put("@odata.type", kind.odataType)
        .put("id", id)
        .put("clientContext", clientContext)
        .put("status", status)
        .put("resultInfo", result == null ? null : result.toJson());
    switch (kind) {
      case PLAY_PROMPT, SEND_DTMF -> o.put("completionReason", completionReason);
      case RECORD -> o.put("completionReason", completionReason)
          .put("recordingLocation", recordingLocation)
          .put("recordingAccessToken", recordingAccessToken);
      default -> { }
    }
    return o;
  }

  /**
   * A terminal operation as it is remembered for {@code GET .../operations/{id}}: its Graph fields
   * and nothing else, the id as the two longs of its GUID, in one object of ~48 bytes with no
   * per-operation strings but the client's own. Live {@link Operation}s carry ~30 fields for the
   * media pipeline; every request leaves a terminal operation behind for the call's lifetime (rule
   * 6), so a call that served thousands of requests kept a young-GC-copied, marker-traversed graph
   * of five objects per request. This keeps one.
   */
  record Done(long idHigh, long idLow, Kind kind, String clientContext, String status, Result result,
      String completionReason, String recordingLocation, String recordingAccessToken) {

    static Done of(Operation op) {
      java.util.UUID u = java.util.UUID.fromString(op.id);
      return new Done(u.getMostSignificantBits(), u.getLeastSignificantBits(), op.kind,
          io.callvert.runtime.api.Ids.shared(op.clientContext), op.status, op.result, op.completionReason,
          op.recordingLocation, op.recordingAccessToken);
    }

    boolean is(long high, long low) {
      return idHigh == high && idLow == low;
    }

    String id() {
      return new java.util.UUID(idHigh, idLow).toString();
    }

    JsonObject toJson() {
      return json(kind, id(), clientContext, status, result, completionReason, recordingLocation, recordingAccessToken);
    }
  }
}
