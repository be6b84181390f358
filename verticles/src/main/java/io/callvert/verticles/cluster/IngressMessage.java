package io.callvert.verticles.cluster;

import io.callvert.runtime.call.CallProtocol;

/**
 * What one node asks another about a call the other owns, on its clustered ingress address: the
 * only messages of Callvert that cross nodes (serialised as JSON by the protocol codecs).
 */
public sealed interface IngressMessage {

  /** The call the message is about. */
  String callId();

  /**
   * A command for the call, on behalf of a caller who sees the calls of app {@code scope} (null: every
   * call); answered with its {@link CallProtocol.Reply}, "call not found" for another app's call
   * (contract rule 43).
   */
  record Forward(String callId, CallProtocol.Command command, String scope) implements IngressMessage {}

  /** The answer that created {@code gate} was written by the asking node (contract rule 7 — No notification before its answer). */
  record Release(String callId, String gate) implements IngressMessage {}

  /** The call's notification journal, for a caller who sees the calls of {@code scope}; answered with its JSON, or failed 404. */
  record Journal(String callId, String scope) implements IngressMessage {}

  /** A recording of the call; answered with its bytes, or failed with 401 or 404. */
  record Recording(String callId, String recordingId, String token) implements IngressMessage {}
}
