package io.callvert.runtime.call;

import io.callvert.runtime.api.Ids;
import io.callvert.runtime.audio.Clip;
import java.util.List;
import java.util.UUID;

/**
 * A live operation of a call and the state its kind needs. Mutable, and owned by exactly one
 * {@link CallSession}: only that session's single thread of control touches it. Once terminal it
 * is remembered as a compact {@link Done}.
 */
abstract class Operation {

  final String id;
  final OperationKind kind;
  final String clientContext;
  OperationStatus status = OperationStatus.NOT_STARTED;
  /** Why it ended, or null while live. */
  Outcome outcome;
  String detail;
  /** What is being played right now (prompt clips, the beep, DTMF), for the caller's timeline. */
  HeardTimeline.Item heardItem;

  Operation(String id, OperationKind kind, String clientContext) {
    this.id = id;
    this.kind = kind;
    this.clientContext = clientContext;
  }

  boolean isTerminal() {
    return outcome != null;
  }

  OperationSnapshot snapshot() {
    return new OperationSnapshot(kind, id, clientContext, status, outcome, detail, null, null);
  }

  /** Where a media operation is in its life. */
  enum Phase { QUEUED, FETCHING, PROMPT, BEEP, LISTENING, PLAYING, DONE }

  /** A media-queue operation: it may fetch prompts and play them. */
  abstract static class Media extends Operation {
    final List<MediaRef> media;
    Phase phase = Phase.QUEUED;
    /** The decoded prompts while they play. */
    List<Clip> playing = List.of();

    Media(String id, OperationKind kind, String clientContext, List<MediaRef> media) {
      super(id, kind, clientContext);
      this.media = media;
    }
  }

  /** playPrompt. */
  static final class Play extends Media {
    Play(String id, String clientContext, List<MediaRef> media) {
      super(id, OperationKind.PLAY_PROMPT, clientContext, media);
    }
  }

  /** recordResponse: prompt, beep, then a listening window. */
  static final class Record extends Media {
    final CallProtocol.RecordResponse request;
    /** Start of the listening window, or -1. */
    long windowStart = -1;
    long firstVoice = -1;
    long lastVoiceEnd = -1;
    String recordingLocation;
    String recordingAccessToken;

    Record(String id, CallProtocol.RecordResponse request) {
      super(id, OperationKind.RECORD, request.clientContext(), request.prompts());
      this.request = request;
    }

    boolean listening() {
      return phase == Phase.LISTENING;
    }

    /** No recording was made (failed or cancelled before any audio): both fields blank. */
    void noRecording() {
      recordingLocation = "";
      recordingAccessToken = "";
    }

    @Override
    OperationSnapshot snapshot() {
      return new OperationSnapshot(kind, id, clientContext, status, outcome, detail, recordingLocation, recordingAccessToken);
    }
  }

  /** recognize (DTMF): an optional prompt, then a listening window collecting keys (contract rule 54). */
  static final class Recognize extends Media {
    final CallProtocol.Recognize request;
    final StringBuilder tones = new StringBuilder();

    Recognize(String id, CallProtocol.Recognize request) {
      super(id, OperationKind.RECOGNIZE, request.clientContext(), request.prompts());
      this.request = request;
    }

    CallProtocol.Recognize request() {
      return request;
    }

    @Override
    OperationSnapshot snapshot() {
      return new OperationSnapshot(kind, id, clientContext, status, outcome, detail, null, null, tones.toString());
    }
  }

  /** sendDtmfTones. */
  static final class Dtmf extends Operation {
    final String keys;
    final int delayMs;

    Dtmf(String id, String clientContext, String keys, int delayMs) {
      super(id, OperationKind.SEND_DTMF, clientContext);
      this.keys = keys;
      this.delayMs = delayMs;
    }
  }

  /**
   * A terminal operation as it is remembered for {@code GET .../operations/{id}} (contract rule 6 — An action answers with its operation): what a
   * dialect shows and nothing else, the id as the two longs of its GUID, in one object of ~48
   * bytes. Every request leaves one behind for the call's lifetime, so a call that served
   * thousands of requests must not keep the live pipeline objects (measured: see
   * docs/benchmarks.md).
   */
  record Done(long idHigh, long idLow, OperationKind kind, String clientContext, Outcome outcome, String detail,
      String recordingLocation, String recordingAccessToken) {

    static Done of(OperationSnapshot op) {
      UUID u = UUID.fromString(op.id());
      return new Done(u.getMostSignificantBits(), u.getLeastSignificantBits(), op.kind(),
          Ids.shared(op.clientContext()), op.outcome(), op.detail(), op.recordingLocation(), op.recordingAccessToken());
    }

    boolean is(long high, long low) {
      return idHigh == high && idLow == low;
    }

    OperationSnapshot snapshot() {
      return new OperationSnapshot(kind, new UUID(idHigh, idLow).toString(), clientContext, outcome.status(), outcome,
          detail, recordingLocation, recordingAccessToken);
    }
  }
}
