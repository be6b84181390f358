package io.callvert.testing;

import java.time.Duration;

/**
 * The simulated caller of one call (Callvert's caller simulator): presses keys, speaks, hangs up. Each method returns
 * once Callvert accepted the action; what it causes (a tone notification, a recording ending) is awaited on the
 * {@link BotCall}.
 */
public final class Caller {

  private final Callvert callvert;
  private final CallLog log;

  Caller(Callvert callvert, CallLog log) {
    this.callvert = callvert;
    this.log = log;
  }

  /**
   * Presses {@code keys} ({@code 0-9 * # A-D}): the first at once, then one every 100 ms of the call's clock (so
   * with the test clock, advance it to press the next).
   *
   * @param keys the keys, e.g. {@code "12#"}
   */
  public void pressKeys(String keys) {
    log.note("caller", "presses " + keys);
    callvert.join(callvert.client().pressKeys(log.callId(), keys), "press keys " + keys);
  }

  /**
   * Speaks (speech-level audio) for {@code duration}, from now on the call's clock.
   *
   * @param duration how long (at most two minutes)
   */
  public void speak(Duration duration) {
    log.note("caller", "speaks for " + duration.toMillis() + " ms");
    callvert.join(callvert.client().speak(log.callId(), (int) duration.toMillis()), "speak");
  }

  /** Hangs up: the call ends (the bot is told {@code call terminated 200/4097}). */
  public void hangUp() {
    log.note("caller", "hangs up");
    callvert.join(callvert.client().callerHangUp(log.callId()), "hang up");
  }
}
