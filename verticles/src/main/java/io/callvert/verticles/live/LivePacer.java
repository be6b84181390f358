package io.callvert.verticles.live;

import io.vertx.core.Vertx;
import java.util.ArrayList;

/**
 * The clock of the live streams of one event loop (contract rule 62): one periodic timer every
 * {@value #TICK_MS} ms that sends every due frame of every stream on that loop, instead of a timer
 * per stream or per frame. Streams' frame times are aligned to its ticks, so a frame is sent at its
 * tick, not up to a tick later. Touched on its event loop only; the timer stops while no stream runs.
 */
final class LivePacer {

  /** Tick period; frame times (20 ms) and the playout delay are whole ticks. */
  static final int TICK_MS = 5;
  static final long TICK_NANOS = TICK_MS * 1_000_000L;

  private final Vertx vertx;
  private final ArrayList<LiveStream> streams = new ArrayList<>();
  final LiveStats stats = new LiveStats();
  private long timer = -1;
  /** When the running timer's first tick was due (System.nanoTime). */
  private long originNanos;

  LivePacer(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Adds a stream; returns the tick time (nanoTime) its frame times count from. Call on this loop. */
  long add(LiveStream stream) {
    long now = System.nanoTime();
    if (timer < 0) {
      originNanos = now + TICK_NANOS;
      timer = vertx.setPeriodic(TICK_MS, TICK_MS, id -> tick());
    }
    streams.add(stream);
    long ticks = Math.max(0, (now - originNanos + TICK_NANOS - 1) / TICK_NANOS);
    return originNanos + ticks * TICK_NANOS;
  }

  void remove(LiveStream stream) {
    streams.remove(stream);
    if (streams.isEmpty() && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void tick() {
    // a stream may close (and remove itself) while it sends: iterate over a stable count, backwards
    for (int i = streams.size() - 1; i >= 0; i--) {
      if (i < streams.size()) {
        LiveStream stream = streams.get(i);
        try {
          stream.tick(stats);
        } catch (RuntimeException gone) { // the peer vanished between two ticks: one stream ends, not the tick
          stream.gone(gone);
        }
      }
    }
  }

  int size() {
    return streams.size();
  }
}
