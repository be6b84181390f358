package io.callvert.verticles.live;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.CallState;
import io.callvert.runtime.call.CallerFeed;
import io.callvert.runtime.call.EndReason;
import io.callvert.verticles.call.LiveSink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One live caller's socket (contract rules 60–64): renders what the call feeds it into 20 ms PCM frames
 * sent by its event loop's {@link LivePacer}, and hands the caller's frames and text to the call
 * ({@link LiveInbound}). The call verticle writes only to {@link #inbox} (from its own context); all other
 * state is touched on the socket's event loop.
 */
final class LiveStream implements LiveSink {

  static final int FRAME_MS = 20;
  static final int FRAME_SAMPLES = FRAME_MS * Clip.SAMPLES_PER_MS;
  static final int FRAME_BYTES = FRAME_SAMPLES * 2;
  private static final long FRAME_NANOS = FRAME_MS * 1_000_000L;
  /** A stream that fell this far behind its schedule skips ahead instead of bursting. */
  private static final long MAX_BEHIND_NANOS = 1_000_000_000L;
  /** One silent frame, written to every socket that has nothing playing (a write does not consume it). */
  private static final Buffer SILENCE = Buffer.buffer(new byte[FRAME_BYTES]);

  /** Something the call told the stream, with the call-clock time it happened. */
  private record Stamped(long at, Object what) {}

  private static final Object REPLACED = new Object();

  /** A played item while it overlaps frames still to be sent. */
  private static final class Item {
    final CallerFeed.Playing playing;
    final long end;
    long cut = Long.MAX_VALUE;
    boolean startSent;

    Item(CallerFeed.Playing playing) {
      this.playing = playing;
      this.end = playing.end();
    }

    long stop() {
      return Math.min(end, cut);
    }
  }

  final LiveMedia hub;
  final String callId;
  final String scope;
  private final ConcurrentLinkedQueue<Stamped> inbox = new ConcurrentLinkedQueue<>();
  private final long playoutNanos;

  private ServerWebSocket ws;
  private LivePacer pacer;
  /** The pacer's phase this stream's frames are due on (set by the pacer). */
  int phase;
  LiveInbound inbound;
  private long baseNanos;
  private long baseMillis;
  private long frame;
  private boolean helloSent;
  private CallState state = CallState.ESTABLISHED;
  private final ArrayList<Item> items = new ArrayList<>(2);
  private final ArrayDeque<Stamped> text = new ArrayDeque<>();
  /** When the call ended (call clock), or MAX_VALUE. */
  private long endAt = Long.MAX_VALUE;
  private EndReason endReason;
  private boolean closed;
  /** The code and reason this side closed the socket with (0: it did not). */
  private int closeCode;
  private String closeReason;
  private boolean endRecorded;
  /** The last frame was not written: the client did not read (its socket's write queue was full). */
  private boolean dropped;

  LiveStream(LiveMedia hub, String callId, String scope, long playoutDelayMs) {
    this.hub = hub;
    this.callId = callId;
    this.scope = scope;
    long ticks = (playoutDelayMs + LivePacer.TICK_MS - 1) / LivePacer.TICK_MS;
    this.playoutNanos = ticks * LivePacer.TICK_NANOS;
  }

  // ------------------------------------------------------------------ the call's side (its context)

  @Override
  public void attached(CallState state, List<CallerFeed.Playing> playing) {
    inbox.add(new Stamped(System.currentTimeMillis(), state));
    for (CallerFeed.Playing p : playing) {
      inbox.add(new Stamped(p.at(), p));
    }
  }

  @Override
  public void feed(CallerFeed event) {
    inbox.add(new Stamped(System.currentTimeMillis(), event));
  }

  @Override
  public void event(CallEvent event) {
    inbox.add(new Stamped(System.currentTimeMillis(), event));
  }

  @Override
  public void replaced() {
    inbox.add(new Stamped(System.currentTimeMillis(), REPLACED));
  }

  // ------------------------------------------------------------------ the socket's event loop

  /** The upgrade succeeded: start streaming (on the socket's event loop). */
  void start(ServerWebSocket socket, LivePacer pacer) {
    this.ws = socket;
    this.pacer = pacer;
    this.inbound = new LiveInbound(this, socket, hub.options());
    this.baseMillis = System.currentTimeMillis();
    this.baseNanos = pacer.add(this, FRAME_NANOS + playoutNanos);
    hub.timeline(callId, new JsonObject().put("kind", "media").put("event", "opened"));
    socket.closeHandler(v -> closed());
    socket.exceptionHandler(e -> LiveMedia.log.debug("call {}: media socket: {}", callId, e.toString()));
    socket.binaryMessageHandler(inbound::binary);
    socket.textMessageHandler(inbound::text);
  }

  /** One pacer tick: every frame due by now is rendered and sent. */
  void tick(LiveStats stats) {
    if (closed) {
      return;
    }
    if (ws.isClosed()) {
      closed();
      return;
    }
    inbound.tick();
    long now = System.nanoTime();
    long due = baseNanos + frame * FRAME_NANOS + FRAME_NANOS + playoutNanos;
    if (now - due > MAX_BEHIND_NANOS) {
      long skip = (now - due) / FRAME_NANOS;
      frame += skip;
      stats.skipped(skip);
      due += skip * FRAME_NANOS;
    }
    while (due <= now && !closed) {
      sendFrame(baseMillis + frame * FRAME_MS);
      if (dropped) { // not sent at all: counted apart, not as an on-time frame
        dropped = false;
        stats.dropped();
      } else {
        stats.record(System.nanoTime() - due);
      }
      frame++;
      due += FRAME_NANOS;
    }
  }

  private void sendFrame(long w) {
    drainInbox();
    if (closed) {
      return;
    }
    long wEnd = w + FRAME_MS;
    if (!helloSent) {
      helloSent = true;
      ws.writeTextMessage(LiveText.hello(callId, state));
    }
    while (!text.isEmpty() && text.peek().at < wEnd) {
      Object what = text.poll().what;
      String json = what instanceof CallEvent e ? LiveText.event(e)
          : what instanceof CallerFeed.OperationChanged o ? LiveText.operation(o) : null;
      if (json != null) {
        ws.writeTextMessage(json);
      }
    }
    byte[] pcm = null;
    int overlapping = 0;
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      if (!item.startSent && item.playing.at() < wEnd) {
        item.startSent = true;
        ws.writeTextMessage(LiveText.promptStarted(item.playing));
      }
      long from = Math.max(w, item.playing.at());
      long to = Math.min(wEnd, item.stop());
      if (from < to) {
        if (pcm == null) {
          pcm = new byte[FRAME_BYTES];
        }
        render(item.playing, from, to, w, pcm, overlapping++ > 0);
      }
    }
    if (!ws.writeQueueFull()) { // a client that does not read loses frames; they are not queued
      ws.writeBinaryMessage(pcm != null ? Buffer.buffer(pcm) : SILENCE);
    } else {
      dropped = true;
    }
    for (int i = items.size() - 1; i >= 0; i--) {
      Item item = items.get(i);
      if (item.stop() <= wEnd) {
        items.remove(i);
        ws.writeTextMessage(LiveText.promptEnded(item.playing, item.stop(), item.cut < item.end));
      }
    }
    if (endAt < wEnd) {
      close(endReason == EndReason.NODE_SHUT_DOWN ? 1001 : 1000,
          endReason == EndReason.NODE_SHUT_DOWN ? "shutting down" : "call ended");
    }
  }

  /** Copies (or mixes in) the item's audio of call time [from, to) into the frame starting at {@code w}. */
  private static void render(CallerFeed.Playing p, long from, long to, long w, byte[] pcm, boolean mix) {
    long skip = (from - p.at()) * Clip.SAMPLES_PER_MS;
    int need = (int) ((to - from) * Clip.SAMPLES_PER_MS);
    int out = (int) (from - w) * Clip.SAMPLES_PER_MS;
    for (Clip clip : p.clips()) {
      if (need <= 0) {
        break;
      }
      if (skip >= clip.length()) {
        skip -= clip.length();
        continue;
      }
      int first = (int) skip;
      int n = Math.min(need, clip.length() - first);
      if (mix) {
        for (int i = 0; i < n; i++) {
          int at = (out + i) * 2;
          int sum = (short) ((pcm[at] & 0xff) | (pcm[at + 1] << 8)) + clip.sample(first + i);
          short v = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sum));
          pcm[at] = (byte) v;
          pcm[at + 1] = (byte) (v >> 8);
        }
      } else {
        clip.writePcm(first, first + n, pcm, out * 2);
      }
      out += n;
      need -= n;
      skip = 0;
    }
  }

  private void drainInbox() {
    Stamped s;
    while ((s = inbox.poll()) != null) {
      Object what = s.what;
      if (what instanceof CallerFeed.Playing p) {
        items.add(new Item(p));
      } else if (what instanceof CallerFeed.Cut c) {
        for (Item item : items) {
          if (item.playing.item() == c.item()) {
            item.cut = Math.min(item.cut, c.at());
          }
        }
      } else if (what instanceof CallState st) {
        state = st;
      } else if (what == REPLACED) {
        close(4409, "replaced by a newer connection");
        return;
      } else {
        if (what instanceof CallEvent.CallEnded end) {
          endAt = s.at;
          endReason = end.reason();
        }
        text.add(s);
      }
    }
  }

  /** Closes the socket with {@code code}; the call is not touched (contract rule 63). */
  void close(int code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    closeCode = code;
    closeReason = reason;
    recordEnd(); // before the close frame leaves: whoever sees the close finds it on the timeline
    ws.close((short) code, reason);
    closed();
  }

  /** Writing failed: the connection is gone before its close was reported. */
  void gone(RuntimeException e) {
    LiveMedia.log.debug("call {}: media socket gone: {}", callId, e.toString());
    closed();
  }

  /**
   * The timeline's entry for the socket's end, once: the code, the reason and which side closed it (contract
   * rule 86 — A media socket's life is on the call's timeline).
   */
  private void recordEnd() {
    if (endRecorded) {
      return;
    }
    endRecorded = true;
    JsonObject e = new JsonObject().put("kind", "media").put("event", "closed");
    if (closeCode != 0) {
      e.put("code", closeCode).put("reason", closeReason).put("by", "server");
    } else {
      Short code = ws.closeStatusCode(); // the caller's close frame, or none: the connection was lost
      e.put("code", code == null ? 1006 : code).put("reason", code == null ? "connection lost"
          : ws.closeReason() == null ? "" : ws.closeReason()).put("by", "caller");
    }
    hub.timeline(callId, e);
  }

  /** The socket is gone (closed by either side): detach from the call and the pacer, once. */
  private void closed() {
    closed = true;
    if (pacer != null) {
      LivePacer p = pacer;
      pacer = null;
      p.remove(this);
      inbound.flush();
      recordEnd();
      hub.released(this);
    }
  }
}
