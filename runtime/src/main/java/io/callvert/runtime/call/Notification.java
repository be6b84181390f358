package io.callvert.runtime.call;

/**
 * One event leaving a call, with what delivery needs to know at the moment it was produced.
 *
 * @param to    where and as whom it is delivered
 * @param gate  an operation or call id whose creating answer must be written before this event may
 *              be sent (contract rule 7 — No notification before its answer), or null
 * @param event what happened
 */
public record Notification(Delivery to, String gate, CallEvent event) {

  /**
   * Where a call's events go.
   *
   * @param callId      the call (delivery is ordered per call)
   * @param callbackUri where to send them
   * @param audience    the bot's app id (the {@code aud} of the signing token)
   * @param tenantId    the bot's tenant, or null
   */
  public record Delivery(String callId, String callbackUri, String audience, String tenantId) {}
}
