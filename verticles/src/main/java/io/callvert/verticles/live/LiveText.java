package io.callvert.verticles.live;

import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.CallerFeed;
import io.callvert.runtime.call.OperationKind;
import io.callvert.runtime.call.OperationStatus;
import io.callvert.runtime.graph.GraphJson;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/** The JSON text frames a media socket sends (docs/live-media.md §4, contract rule 62). */
final class LiveText {

  private LiveText() {}

  static String hello(String callId, CallState state) {
    return new JsonObject().put("type", "hello").put("callId", callId).put("state", GraphJson.state(state))
        .put("format", new JsonObject().put("encoding", "pcm_s16le").put("sampleRate", 16000).put("channels", 1)
            .put("frameMs", LiveStream.FRAME_MS).put("frameBytes", LiveStream.FRAME_BYTES))
        .encode();
  }

  static String promptStarted(CallerFeed.Playing p) {
    return prompt("started", p).put("at", iso(p.at())).encode();
  }

  static String promptEnded(CallerFeed.Playing p, long at, boolean cut) {
    return prompt("ended", p).put("at", iso(at)).put("cut", cut).encode();
  }

  private static JsonObject prompt(String event, CallerFeed.Playing p) {
    return new JsonObject().put("type", "prompt").put("event", event).put("operationId", p.operationId())
        .put("kind", kind(p.kind()));
  }

  static String operation(CallerFeed.OperationChanged o) {
    JsonObject j = new JsonObject().put("type", "operation").put("operationId", o.operationId())
        .put("kind", kind(o.kind())).put("status", status(o.status()));
    if (o.outcome() != null) {
      j.put("outcome", camel(o.outcome()));
    }
    return j.encode();
  }

  /** A bot-facing event as a text frame, or null when a live caller is not told about it. */
  static String event(CallEvent e) {
    if (e instanceof CallEvent.StateChanged s) {
      return new JsonObject().put("type", "state").put("state", GraphJson.state(s.state())).encode();
    }
    if (e instanceof CallEvent.CallEnded end) {
      return new JsonObject().put("type", "state").put("state", "terminated").put("reason", camel(end.reason()))
          .encode();
    }
    if (e instanceof CallEvent.ToneReceived t) {
      return new JsonObject().put("type", "tone").put("tone", String.valueOf(t.tone().key()))
          .put("sequence", t.tone().sequenceId()).encode();
    }
    return null;
  }

  static String error(String code, String message) {
    return new JsonObject().put("type", "error").put("code", code).put("message", message).encode();
  }

  static String kind(OperationKind k) {
    return switch (k) {
      case PLAY_PROMPT -> "playPrompt";
      case RECORD -> "record";
      case CANCEL_MEDIA -> "cancelMediaProcessing";
      case SUBSCRIBE_TONE -> "subscribeToTone";
      case SEND_DTMF -> "sendDtmf";
      case RECOGNIZE -> "recognize";
      case UNSUBSCRIBE_TONE -> "unsubscribeFromTone";
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

  /** An enum constant in lower camel case ({@code MAX_SILENCE} → {@code maxSilence}). */
  static String camel(Enum<?> e) {
    String[] words = e.name().toLowerCase(Locale.ROOT).split("_");
    StringBuilder sb = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      sb.append(Character.toUpperCase(words[i].charAt(0))).append(words[i], 1, words[i].length());
    }
    return sb.toString();
  }

  static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
