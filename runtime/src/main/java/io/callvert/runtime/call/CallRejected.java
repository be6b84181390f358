package io.callvert.runtime.call;

/**
 * A command the call refused; nothing changed. Carries the facts a dialect needs to word its own
 * error (a Graph error envelope, an ACS error).
 */
public final class CallRejected extends RuntimeException {

  /** Why a command was refused. */
  public enum Reason {
    /** The call does not exist, or has ended and the command needs a live call. */
    CALL_NOT_FOUND,
    /** No such operation (never, or no longer remembered). */
    OPERATION_NOT_FOUND,
    /** The call is not in the state the command needs ({@code required}). */
    WRONG_STATE,
    /** The command is for incoming calls only and this call is outgoing. */
    NOT_INCOMING,
    /** The media or DTMF queue holds {@code limit} operations already. */
    QUEUE_FULL,
    /** The simulated caller's keys waiting to be pressed would exceed {@code limit} (calls.maxPendingKeys). */
    CALLER_KEYS_FULL,
    /** The caller audio the call holds would exceed {@code limit} ms (calls.maxCallerSpeechMs). */
    CALLER_AUDIO_FULL
  }

  private final Reason reason;
  private final CallState state;
  private final CallState required;
  private final int limit;
  private final String operationId;

  public CallRejected(Reason reason, CallState state, CallState required, int limit, String operationId) {
    super(reason.name(), null, false, false);
    this.reason = reason;
    this.state = state;
    this.required = required;
    this.limit = limit;
    this.operationId = operationId;
  }

  static CallRejected wrongState(CallState state, CallState required) {
    return new CallRejected(Reason.WRONG_STATE, state, required, 0, null);
  }

  static CallRejected notIncoming(CallState state) {
    return new CallRejected(Reason.NOT_INCOMING, state, CallState.INCOMING, 0, null);
  }

  static CallRejected queueFull(int limit) {
    return new CallRejected(Reason.QUEUE_FULL, null, null, limit, null);
  }

  static CallRejected callerKeysFull(int limit) {
    return new CallRejected(Reason.CALLER_KEYS_FULL, null, null, limit, null);
  }

  static CallRejected callerAudioFull(long limitMs) {
    return new CallRejected(Reason.CALLER_AUDIO_FULL, null, null, (int) Math.min(Integer.MAX_VALUE, limitMs), null);
  }

  public static CallRejected callNotFound() {
    return new CallRejected(Reason.CALL_NOT_FOUND, null, null, 0, null);
  }

  static CallRejected operationNotFound(String operationId) {
    return new CallRejected(Reason.OPERATION_NOT_FOUND, null, null, 0, operationId);
  }

  public Reason reason() {
    return reason;
  }

  /** The call's state when it refused, or null. */
  public CallState state() {
    return state;
  }

  /** The state the command needs, or null. */
  public CallState required() {
    return required;
  }

  /** The limit reached, for {@link Reason#QUEUE_FULL}, {@link Reason#CALLER_KEYS_FULL}, {@link Reason#CALLER_AUDIO_FULL}. */
  public int limit() {
    return limit;
  }

  /** The operation asked for, for {@link Reason#OPERATION_NOT_FOUND}. */
  public String operationId() {
    return operationId;
  }

  /** As a reply, for the event bus. */
  public CallProtocol.Rejected toReply() {
    return new CallProtocol.Rejected(reason, state, required, limit, operationId);
  }
}
