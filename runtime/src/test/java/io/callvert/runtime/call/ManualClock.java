package io.callvert.runtime.call;

import io.callvert.runtime.clock.Clock;

/** A clock over a mutable long: it moves only when a test (or the driver's timer loop) moves it. */
final class ManualClock implements Clock {

  private long now;

  ManualClock(long start) {
    this.now = start;
  }

  @Override
  public long now() {
    return now;
  }

  void set(long time) {
    if (time < now) {
      throw new IllegalArgumentException("clock moved backwards: " + time + " < " + now);
    }
    now = time;
  }
}
