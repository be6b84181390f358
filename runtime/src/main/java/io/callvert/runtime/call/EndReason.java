package io.callvert.runtime.call;

/** Why a call ended, in the call's own words; each dialect renders it (Graph: a {@code resultInfo}). */
public enum EndReason {
  BOT_HUNG_UP, CALLER_HUNG_UP, NODE_SHUT_DOWN, KEEPALIVE_MISSED, ANSWER_NOT_ACKNOWLEDGED,
  REJECTED_NONE, REJECTED_BUSY, REJECTED_FORBIDDEN, REDIRECTED,
  CALLEE_BUSY, CALLEE_NO_ANSWER, CALLEE_UNREACHABLE, OWNER_LOST,
  /** The node that owned the call restarted (contract rule 42 — A restarted node ends its calls). */
  NODE_RESTARTED
}
