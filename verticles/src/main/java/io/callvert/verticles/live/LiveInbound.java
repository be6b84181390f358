package io.callvert.verticles.live;

import io.callvert.config.LiveOptions;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.call.CallProtocol;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * What a live caller sends (contract rules 62, 63): 640-byte PCM frames, gathered and handed to the call as
 * {@link CallProtocol.LiveAudio} every {@value #BATCH_FRAMES} frames, and JSON text frames ({@code dtmf},
 * {@code hangup}) sent to the call as the simulated caller's commands. Anything else closes the socket
 * with a clear code; the call is never harmed. Touched on the socket's event loop only.
 */
final class LiveInbound {

  /** Frames handed to the call at once: 100 ms, fine enough for silence detection. */
  static final int BATCH_FRAMES = 5;
  private static final long BATCH_NANOS = BATCH_FRAMES * LiveStream.FRAME_MS * 1_000_000L;
  private static final String KEYS = "0123456789*#ABCD";

  private final LiveStream stream;
  private final ServerWebSocket ws;
  private final LiveOptions limits;
  private final short[] batch = new short[BATCH_FRAMES * LiveStream.FRAME_SAMPLES];
  private int batchFrames;
  private long batchStartNanos;
  /** How far the caller's audio runs ahead of real time (leaky bucket, ms). */
  private double aheadMs;
  private long lastFrameNanos;
  private long textWindowStart;
  private int textInWindow;

  LiveInbound(LiveStream stream, ServerWebSocket ws, LiveOptions limits) {
    this.stream = stream;
    this.ws = ws;
    this.limits = limits;
  }

  void binary(Buffer frame) {
    if (frame.length() > limits.maxFrameBytes()) {
      stream.close(1009, "frame too large");
      return;
    }
    if (frame.length() != LiveStream.FRAME_BYTES) {
      stream.close(4400, "bad frame: a binary frame must be 640 bytes (20 ms of PCM16 LE mono 16 kHz), got "
          + frame.length());
      return;
    }
    long now = System.nanoTime();
    if (lastFrameNanos != 0) {
      aheadMs = Math.max(0, aheadMs - (now - lastFrameNanos) / 1e6);
    }
    lastFrameNanos = now;
    aheadMs += LiveStream.FRAME_MS;
    if (aheadMs > limits.maxBacklogMs() + LiveStream.FRAME_MS) {
      stream.close(4429, "too fast: audio more than " + limits.maxBacklogMs() + " ms ahead of real time");
      return;
    }
    if (batchFrames == 0) {
      batchStartNanos = now;
    }
    int base = batchFrames * LiveStream.FRAME_SAMPLES;
    for (int i = 0; i < LiveStream.FRAME_SAMPLES; i++) {
      batch[base + i] = frame.getShortLE(i * 2);
    }
    if (++batchFrames == BATCH_FRAMES) {
      flush();
    }
  }

  void text(String message) {
    if (message.length() > limits.maxFrameBytes()) {
      stream.close(1009, "frame too large");
      return;
    }
    long now = System.nanoTime();
    if (now - textWindowStart >= 1_000_000_000L) {
      textWindowStart = now;
      textInWindow = 0;
    }
    if (++textInWindow > limits.maxTextFramesPerSecond()) {
      stream.close(4429, "too fast: more than " + limits.maxTextFramesPerSecond() + " text frames a second");
      return;
    }
    JsonObject json;
    try {
      json = new JsonObject(message);
    } catch (DecodeException | ClassCastException e) {
      stream.close(4400, "bad frame: a text frame must be a JSON object");
      return;
    }
    Object type = json.getValue("type");
    if ("dtmf".equals(type)) {
      Object key = json.getValue("key");
      if (!(key instanceof String k) || k.length() != 1 || KEYS.indexOf(k.charAt(0)) < 0) {
        stream.close(4400, "bad frame: dtmf needs one key of 0-9 * # A-D");
        return;
      }
      flush(); // the voice before the key reaches the call first
      ask(new CallProtocol.PressKeys(k));
    } else if ("hangup".equals(type)) {
      flush();
      ask(CallProtocol.CALLER_HANG_UP);
    } else {
      stream.close(4400, "bad frame: unknown type (dtmf or hangup)");
    }
  }

  private void ask(CallProtocol.Command command) {
    stream.hub.calls().ask(stream.callId, command, stream.scope).onComplete(ar -> {
      if (ar.failed()) {
        ws.writeTextMessage(LiveText.error("serviceNotAvailable", String.valueOf(ar.cause().getMessage())));
      } else if (ar.result() instanceof CallProtocol.Rejected r) {
        ws.writeTextMessage(LiveText.error(LiveText.camel(r.reason()), "The call refused it ("
            + LiveText.camel(r.reason()) + ", call " + (r.state() == null ? "ended" : LiveText.camel(r.state())) + ")."));
      }
    });
  }

  /** A pacer tick: audio that waited a whole batch's time goes to the call even if the batch is short. */
  void tick() {
    if (batchFrames > 0 && System.nanoTime() - batchStartNanos >= BATCH_NANOS) {
      flush();
    }
  }

  /** Hands the gathered audio to the call (dropped when the call does not take it: not established yet, full). */
  void flush() {
    if (batchFrames == 0) {
      return;
    }
    short[] samples = java.util.Arrays.copyOf(batch, batchFrames * LiveStream.FRAME_SAMPLES);
    batchFrames = 0;
    stream.hub.tell(stream.callId, stream.scope, new CallProtocol.LiveAudio(Clip.of(samples)));
  }
}
