package io.callvert.runtime.clock;

/**
 * The one source of time for call logic. The system clock is real time; the virtual clock only
 * moves when a test advances it, so a 45-minute keepAlive timeout runs in milliseconds through the
 * same code paths.
 */
public interface Clock {

  /** Milliseconds since the epoch. */
  long now();

  /** Real time. */
  Clock SYSTEM = System::currentTimeMillis;
}
