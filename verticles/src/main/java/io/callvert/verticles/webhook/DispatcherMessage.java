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

  /**
   * A notification a previous run of this node left undelivered (contract rule 42 — A restarted node ends its calls):
   * delivered like a new one, keeping its {@code sequence}; its gate was released before the restart.
   */
  record Restored(long sequence, io.callvert.runtime.protocol.Outbound outbound) implements DispatcherMessage {}

  /**
   * Keep the call's owner record in the durable store, in order with its notifications; answered once committed
   * (contract rule 42).
   */
  record Owner(String callId, io.callvert.runtime.call.OwnerRecord owner) implements DispatcherMessage {}

  /** Answer true once everything held is delivered or dead-lettered, false after {@code graceMs}. */
  record Drain(long graceMs) implements DispatcherMessage {}
}
