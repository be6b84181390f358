package io.callvert.runtime.call;

/** Who placed the call. */
public enum Direction {
  /** The simulated caller called the bot. */
  INCOMING,
  /** The bot placed the call. */
  OUTGOING
}
