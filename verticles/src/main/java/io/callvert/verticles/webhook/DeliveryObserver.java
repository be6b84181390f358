package io.callvert.verticles.webhook;

import io.callvert.runtime.protocol.Outbound;

/**
 * Watches notification delivery for the per-call timelines of the dashboard (docs/ui.md, contract rule 67): each
 * notification as a shard journals it, and each delivery attempt as it ends. Called on the shard's event loop;
 * it must be quick and thread-safe, and must not hold on to the {@link Outbound}'s JSON.
 */
public interface DeliveryObserver {

  DeliveryObserver NONE = new DeliveryObserver() {
    @Override
    public void journaled(long sequence, Outbound notification) {
    }

    @Override
    public void attempted(String callId, long sequence, Attempt attempt) {
    }
  };

  /**
   * One attempt's end.
   *
   * @param number    1 for the first attempt of the notification
   * @param status    the bot's HTTP status, 0 when there was none (connection refused, timeout)
   * @param latencyMs from the POST to its outcome
   * @param result    {@code delivered}, {@code retry} (another attempt follows), {@code moved} (a 302: the next
   *                  attempt goes to the new callback) or {@code deadLettered}
   * @param error     why it failed, or null
   */
  record Attempt(int number, int status, long latencyMs, String result, String error) {}

  /** A notification was journaled with {@code sequence} (before its first attempt). */
  void journaled(long sequence, Outbound notification);

  /** An attempt to deliver notification {@code sequence} of {@code callId} ended. */
  void attempted(String callId, long sequence, Attempt attempt);
}
