package io.callvert.runtime.call;

/**
 * What a call tells its bot, in the call's own words; a dialect renders each event as its
 * notification (Graph: a signed {@code commsNotifications} POST).
 */
public sealed interface CallEvent {

  /** The call the event is about. */
  String callId();

  /** A call to the bot arrived (incoming calls): the whole call. */
  record CallArrived(CallSnapshot call) implements CallEvent {
    @Override
    public String callId() {
      return call.id();
    }
  }

  /** The call moved to {@code state}. */
  record StateChanged(String callId, CallState state) implements CallEvent {}

  /** The caller pressed a key, and the bot subscribed to tones. */
  record ToneReceived(String callId, CallState state, CallSnapshot.Tone tone) implements CallEvent {}

  /** An operation reached its terminal status: its one terminal notification (contract rule 8 — Exactly one ending per operation). */
  record OperationEnded(String callId, OperationSnapshot operation) implements CallEvent {}

  /** The call ended. */
  record CallEnded(String callId, EndReason reason, Direction direction) implements CallEvent {}

  /**
   * The node that owned the call is gone: it left the cluster and a survivor reports the end ({@link EndReason#OWNER_LOST},
   * contract rule 22 — Node loss), or it restarted and reports the end itself ({@link EndReason#NODE_RESTARTED},
   * contract rule 42 — A restarted node ends its calls). Unlike {@link CallEnded}, nothing but the owner record is known.
   */
  record CallLost(String callId, EndReason reason) implements CallEvent {}
}
