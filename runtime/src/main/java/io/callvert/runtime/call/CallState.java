package io.callvert.runtime.call;

/** Where a call is in its life (contract rule 15, call lifecycle). */
public enum CallState {
  /** The simulated caller is calling the bot; the bot has not answered yet. */
  INCOMING,
  /** The bot placed the call, or answered it, and media is being set up. */
  ESTABLISHING,
  /** Media flows: operations may run. */
  ESTABLISHED,
  /** The bot hung up; the call ends at once. */
  TERMINATING,
  /** Over; readable for the retention period. */
  TERMINATED
}
