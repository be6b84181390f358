package io.callvert.testing;

import java.time.Duration;

/**
 * The call clock of a Callvert started with the test clock ({@link CallvertBotTest.Clock#TEST}): nothing
 * time-driven happens until the test moves it. Notification delivery itself runs in real time (it is network I/O),
 * which is why {@link #runUntilIdle()} waits for it.
 */
public final class TestClock {

  private final Callvert callvert;
  private long advancedMs;

  TestClock(Callvert callvert) {
    this.callvert = callvert;
  }

  /**
   * Moves the clock by {@code duration}: every timer due by then fires, in time order (the callee answering, a
   * prompt ending, a key press, a recording's silence timeout), and this returns once they have run, so what they
   * sent is on its way. Fails with the system clock.
   *
   * @param duration how far
   */
  public void advance(Duration duration) {
    long ms = duration.toMillis();
    synchronized (this) {
      advancedMs += ms;
    }
    callvert.noteAll("test", "advances the clock by " + ms + " ms");
    callvert.join(callvert.client().advanceClock(ms), "advance the clock by " + ms + " ms");
  }

  /**
   * Runs until idle, defined as: every timer due at the clock's current time has fired (the clock does not move),
   * and every notification produced so far has been delivered or dead-lettered — none queued, held by a delivery
   * profile, waiting for a retry or in flight. It says nothing of what the bot does after it acknowledged a
   * notification (its next request may still be on its way): await that effect on the {@link BotCall} instead.
   *
   * @throws AssertionError if deliveries do not settle within the handle's timeout
   */
  public void runUntilIdle() {
    callvert.join(callvert.client().advanceClock(0), "fire the timers due now");
    callvert.join(callvert.client().whenDeliveriesSettled(callvert.timeout().toMillis()),
        "settle every delivery (run until idle)");
  }

  /**
   * How far the test moved the clock through this handle since Callvert started.
   *
   * @return the total advance
   */
  public synchronized Duration advanced() {
    return Duration.ofMillis(advancedMs);
  }
}
