package io.callvert.verticles.live;

import io.vertx.core.Vertx;
import java.util.ArrayList;

/**
 * The clock of the live streams of one event loop (contract rule 85 — Live streams are paced on phases): one
 * periodic timer every {@value #TICK_MS} ms, instead of a timer per stream or per frame. A stream's frames are
 * due every 20 ms on one of the {@value #PHASES} ticks of a frame period (its phase), and each tick sends the
 * due frames of that phase's streams only. A new stream takes the phase with the fewest streams (within its
 * first frame period), so a tick writes about 1/{@value #PHASES} of the loop's frames and the loop returns to
 * its sockets' reads between ticks, instead of writing every frame of the loop in one burst. Frame times are
 * aligned to ticks, so a frame is sent at its tick, never earlier. Touched on its event loop only; the timer
 * stops while no stream runs.
 */
final class LivePacer {

  /** Tick period; frame times (20 ms) and the playout delay are whole ticks. */
  static final int TICK_MS = 1;
  static final long TICK_NANOS = TICK_MS * 1_000_000L;
  /** Ticks in one frame period: the phases a stream can take. */
  static final int PHASES = LiveStream.FRAME_MS / TICK_MS;

  private final Vertx vertx;
  @SuppressWarnings("unchecked")
  private final ArrayList<LiveStream>[] phases = new ArrayList[PHASES];
  private int size;
  final LiveStats stats = new LiveStats();
  private long timer = -1;
  /** When tick 0 of the running timer was due (System.nanoTime). */
  private long originNanos;
  /** The next tick to run. */
  private long nextTick;

  LivePacer(Vertx vertx) {
    this.vertx = vertx;
    for (int i = 0; i < PHASES; i++) {
      phases[i] = new ArrayList<>();
    }
  }

  /**
   * Adds a stream whose frames are due {@code leadNanos} (whole ticks) after each frame period's start;
   * returns the tick time (nanoTime) its frame times count from. Call on this loop.
   */
  long add(LiveStream stream, long leadNanos) {
    long now = System.nanoTime();
    if (timer < 0) {
      originNanos = now + TICK_NANOS;
      nextTick = 0;
      timer = vertx.setPeriodic(TICK_MS, TICK_MS, id -> tick());
    }
    long first = Math.max(nextTick, (now - originNanos + TICK_NANOS - 1) / TICK_NANOS);
    long lead = leadNanos / TICK_NANOS;
    long base = first;
    int phase = (int) ((first + lead) % PHASES);
    for (long t = first + 1; t < first + PHASES; t++) { // the least used phase, the earliest on a tie
      int p = (int) ((t + lead) % PHASES);
      if (phases[p].size() < phases[phase].size()) {
        phase = p;
        base = t;
      }
    }
    phases[phase].add(stream);
    stream.phase = phase;
    size++;
    return originNanos + base * TICK_NANOS;
  }

  void remove(LiveStream stream) {
    if (phases[stream.phase].remove(stream)) {
      size--;
    }
    if (size == 0 && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void tick() {
    // every tick due by now (a late timer runs the ticks it missed, each phase once)
    while (timer >= 0 && originNanos + nextTick * TICK_NANOS <= System.nanoTime()) {
      ArrayList<LiveStream> due = phases[(int) (nextTick % PHASES)];
      nextTick++;
      // a stream may close (and remove itself) while it sends: iterate over a stable count, backwards
      for (int i = due.size() - 1; i >= 0; i--) {
        if (i < due.size()) {
          LiveStream stream = due.get(i);
          try {
            stream.tick(stats);
          } catch (RuntimeException gone) { // the peer vanished between two ticks: one stream ends, not the tick
            stream.gone(gone);
          }
        }
      }
    }
  }

  int size() {
    return size;
  }
}
