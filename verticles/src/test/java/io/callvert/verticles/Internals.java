package io.callvert.verticles;

import io.callvert.verticles.auth.NotificationSigner;

/**
 * What tests and benchmarks may reach inside a deployed {@link CallvertVerticle} that is not its
 * public API: the notification signer and the dispatcher shards' addresses.
 */
public final class Internals {

  private Internals() {}

  public static NotificationSigner signer(CallvertVerticle callvert) {
    return callvert.signer();
  }

  /** The local address of the dispatcher shard owning {@code callId}; it accepts {@code Outbound} messages. */
  public static String dispatcherAddress(CallvertVerticle callvert, String callId) {
    return callvert.dispatcherAddress(callId);
  }
}
