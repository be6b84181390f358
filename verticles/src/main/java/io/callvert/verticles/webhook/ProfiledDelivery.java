package io.callvert.verticles.webhook;

import io.callvert.verticles.webhook.DeliveryProfile.Hold;
import io.callvert.verticles.webhook.DeliveryProfile.Plan;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;

/**
 * Carries out a {@link DeliveryProfile}'s choices inside one dispatcher shard (contract rules 77-79): holds a
 * notification for the next one of its call and then swaps or batches them, delays one, POSTs a delivered one once
 * more, marks the rolled-over ones for {@link KeyRollover}. It also reports every POST's outcome to in-process
 * observers (the test extension's timeline). Runs on the shard's event loop, like the dispatcher.
 */
final class ProfiledDelivery {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final WebhookDispatcher d;

  ProfiledDelivery(WebhookDispatcher d) {
    this.d = d;
  }

  /**
   * Called when {@code head} could be sent now. Returns true when the profile takes over: the head waits (a delay or a
   * hold) or another notification goes first; the dispatcher pumps again when it may go. Returns false to send it
   * now, with {@link JournalEntry#rider()} set when the profile batches the next one into the same POST.
   */
  boolean intercept(String callId, CallQueue q, JournalEntry head) {
    DeliveryProfile profile = q.profile;
    // an ACS CloudEvent (kind null) is always delivered strictly: the profile plays Graph's documented liberties
    DeliveryProfile.Kind kind = head.kind();
    if (profile == null || profile.strict() || kind == null || head.callbackUri.startsWith("local:")) {
      return false;
    }
    JournalEntry.Extra x = head.extra();
    if (x.plan == null) {
      x.plan = profile.plan(head.sequence, kind);
      x.rolledOver = head.sequence >= profile.rolloverSequence();
    }
    Plan plan = x.plan;
    if (plan.delayMs() > 0 && !x.delayDone) {
      x.delayDone = true;
      q.inFlight = true; // nothing else of the call goes meanwhile
      d.vertx().setTimer(plan.delayMs(), t -> {
        q.inFlight = false;
        if (!d.closed()) {
          d.pump(callId, q);
        }
      });
      return true;
    }
    if (plan.hold() == Hold.NONE || x.holdDone || kind == DeliveryProfile.Kind.TERMINATED) {
      return false;
    }
    JournalEntry next = second(q);
    if (next == null) {
      if (q.holdTimer < 0) { // sent alone if nothing follows in time
        q.holdTimer = d.vertx().setTimer(Math.max(1, profile.options().maxHoldMs()), t -> {
          q.holdTimer = -1;
          x.holdDone = true;
          if (!d.closed()) {
            d.pump(callId, q);
          }
        });
      }
      return true;
    }
    if (q.holdTimer >= 0) {
      d.vertx().cancelTimer(q.holdTimer);
      q.holdTimer = -1;
    }
    x.holdDone = true;
    if (plan.hold() == Hold.SWAP_WITH_NEXT && DeliveryProfile.maySwap(kind, !q.isOpen(next.gate))) {
      q.pending.remove(next);
      q.pending.addFirst(next);
      d.pump(callId, q);
      return true;
    }
    if (plan.hold() == Hold.BATCH_WITH_NEXT && q.isOpen(next.gate) && q.target(next).equals(q.target(head))
        && next.audience.equals(head.audience) && java.util.Objects.equals(next.tenantId, head.tenantId)) {
      x.rider = next;
      next.state = JournalEntry.DELIVERING;
    }
    return false;
  }

  /** An attempt of {@code e} came back: report it, and undo a batch that was not delivered (each goes again alone). */
  void attempted(String callId, JournalEntry e, WebhookPost.Outcome outcome, boolean duplicate) {
    if (d.tapped()) {
      JsonArray sequences = new JsonArray().add(e.sequence);
      if (e.rider() != null) {
        sequences.add(e.rider().sequence);
      }
      String kind = outcome instanceof WebhookPost.Outcome.Delivered ? "delivered"
          : outcome instanceof WebhookPost.Outcome.Moved ? "moved"
          : outcome instanceof WebhookPost.Outcome.Retry ? "failed" : "deadLettered";
      String error = outcome instanceof WebhookPost.Outcome.Retry r ? r.error()
          : outcome instanceof WebhookPost.Outcome.DeadLetter x ? x.error()
          : outcome instanceof WebhookPost.Outcome.Moved m ? m.error() : null;
      d.vertx().eventBus().publish(d.tapAddress() + ".posts", new JsonObject().put("callId", callId)
          .put("sequences", sequences).put("attempt", e.attempts).put("outcome", kind).put("error", error)
          .put("duplicate", duplicate).put("rolledOver", e.rolledOver()).put("at", System.currentTimeMillis()), LOCAL);
    }
    if (!(outcome instanceof WebhookPost.Outcome.Delivered) && e.rider() != null && !duplicate) {
      e.rider().state = JournalEntry.PENDING;
      e.extra().rider = null;
    }
  }

  /** {@code e} was delivered: settle its rider, POST it once more if the profile says so, then {@code settle}. */
  void delivered(String callId, CallQueue q, JournalEntry e, Runnable settle) {
    JournalEntry rider = e.rider();
    if (rider != null) {
      e.extra().rider = null;
      rider.attempts++;
      q.pending.remove(rider);
      d.settled(callId, q, rider);
    }
    JournalEntry.Extra x = e.extraIfMade();
    if (x != null && x.plan != null && x.plan.duplicate() && !x.duplicated) {
      x.duplicated = true;
      e.attempts++;
      d.post().send(q.target(e), e, 0, outcome -> {
        attempted(callId, e, outcome, true);
        settle.run(); // delivered already: whatever the copy met
      });
      return;
    }
    settle.run();
  }

  private static JournalEntry second(CallQueue q) {
    Iterator<JournalEntry> it = q.pending.iterator();
    it.next();
    return it.hasNext() ? it.next() : null;
  }
}
