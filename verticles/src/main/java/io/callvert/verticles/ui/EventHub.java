package io.callvert.verticles.ui;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open dashboard streams of this node ({@code GET /callvert/events}, server-sent events): each gets the pushes
 * of changed calls its caller may see, and, when it names a call, that call's timeline entries as they are added
 * (docs/ui.md, contract rule 68). A stream whose client does not keep up (its write queue full) is closed: the page
 * reconnects and reads again, so a slow browser never holds memory here.
 */
public final class EventHub {

  /** A comment line this often keeps proxies and the idle timeout from closing a quiet stream. */
  static final long HEARTBEAT_MS = 15_000;

  /** One open stream. */
  public static final class Stream {
    final HttpServerResponse response;
    final String scope;
    volatile Runnable unwatch = () -> { };

    Stream(HttpServerResponse response, String scope) {
      this.response = response;
      this.scope = scope;
    }

    /** Sends the call's new timeline entries on this stream ({@code timeline} events) until it closes. */
    public void watch(CallTimelines timelines, String callId) {
      unwatch = timelines.watch(callId, entry -> {
        if (!send("timeline", entry)) {
          unwatch.run();
        }
      });
      if (response.closed()) {
        unwatch.run();
      }
    }

    /** Writes one event; false (and the stream closed) when the client does not keep up. */
    boolean send(String event, String data) {
      if (response.closed() || response.ended()) {
        return false;
      }
      if (response.writeQueueFull()) {
        response.reset();
        return false;
      }
      response.write("event: " + event + "\ndata: " + data + "\n\n");
      return true;
    }
  }

  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
  private volatile long lastBeat = System.currentTimeMillis();

  /** Opens a stream on {@code response} (its headers are written here); it leaves the hub when it closes. */
  public Stream open(HttpServerResponse response, String scope) {
    Stream s = new Stream(response, scope);
    response.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
    response.write(": callvert\n\n");
    streams.add(s);
    response.closeHandler(v -> close(s));
    response.endHandler(v -> close(s));
    return s;
  }

  private void close(Stream s) {
    if (streams.remove(s)) {
      s.unwatch.run();
    }
  }

  /** One push of changed calls (from any node): each stream gets the calls its caller may see. */
  void calls(JsonObject push) {
    String all = push.encode();
    for (Stream s : streams) {
      String data = all;
      if (s.scope != null && push.containsKey("changed")) {
        JsonArray mine = new JsonArray();
        push.getJsonArray("changed").forEach(o -> {
          if (s.scope.equals(((JsonObject) o).getString("app"))) {
            mine.add(o);
          }
        });
        // forgotten ids carry no app: an id the page does not show is ignored there
        data = push.copy().put("changed", mine).encode();
      }
      if (!s.send("calls", data)) {
        close(s);
      }
    }
  }

  void heartbeat() {
    long now = System.currentTimeMillis();
    if (now - lastBeat < HEARTBEAT_MS) {
      return;
    }
    lastBeat = now;
    for (Stream s : streams) {
      if (s.response.closed() || s.response.writeQueueFull()) {
        close(s);
      } else {
        s.response.write(": keep-alive\n\n");
      }
    }
  }

  void closeAll() {
    for (Stream s : streams) {
      close(s);
      if (!s.response.closed() && !s.response.ended()) {
        s.response.end();
      }
    }
  }

  public int size() {
    return streams.size();
  }
}
