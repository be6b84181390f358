package io.callvert.verticles.webhook;

/**
 * What a dispatcher shard is told besides the notifications it delivers (local messages only).
 */
public sealed interface DispatcherMessage {

  /** The answer that created {@code gate} has been written: its notifications may go (contract rule 7 — No notification before its answer). */
  record Release(String callId, String gate) implements DispatcherMessage {}

  /** Answer with the call's notification journal as JSON. */
  record JournalQuery(String callId) implements DispatcherMessage {}

  /** The call ended: its queue is kept for the journal until it is forgotten. */
  record CallEnded(String callId) implements DispatcherMessage {}

  /** The call's retention is over: forget its journal. */
  record Forget(String callId) implements DispatcherMessage {}

  /** Answer true once everything held is delivered or dead-lettered, false after {@code graceMs}. */
  record Drain(long graceMs) implements DispatcherMessage {}
}
