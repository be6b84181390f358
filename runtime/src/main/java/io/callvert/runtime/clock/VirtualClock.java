package io.callvert.runtime.clock;

/**
 * A clock that moves only when told to. Thread-safe reads; {@link #set(long)} is called by the
 * scheduler that owns it while it fires due timers in time order.
 */
public final class VirtualClock implements Clock {

  private volatile long now;

  public VirtualClock(long start) {
    this.now = start;
  }

  @Override
  public long now() {
    return now;
  }

  /** Moves the clock forward to {@code time}; never backwards. */
  public void set(long time) {
    if (time > now) {
      now = time;
    }
  }
}
