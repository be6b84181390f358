package io.callvert.verticles.webhook;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The delivery state of one call in its dispatcher shard: the FIFO of notifications still to
 * deliver, the journal of every notification, the causality gates (contract rule 7) and where a
 * 302 moved the call's callback. Touched by the shard's event loop only.
 */
final class CallQueue {

  final ArrayDeque<JournalEntry> pending = new ArrayDeque<>(2);
  final List<JournalEntry> journal = new ArrayList<>(4);
  /** Gates opened (responses written); a handful at most, so a list beats a hash set here. */
  private final List<String> released = new ArrayList<>(2);
  /** Gates a notification went through by timeout: their late release must not be remembered. */
  private List<String> expired;
  long nextSequence = 1;
  boolean inFlight;
  long gateTimer = -1;
  /** Set by a 302: replaces {@link #movedFrom}, the callback URI the call gave, and only that one. */
  private String movedTo;
  private String movedFrom;
  boolean ended;
  boolean forgotten;
  /** The delivery profile the call was given (contract rules 77-79), and a hold's timer (-1: none). */
  DeliveryProfile profile;
  long holdTimer = -1;

  /** The response that created {@code gate} has been written. */
  void release(String gate) {
    if (expired == null || !expired.remove(gate)) {
      released.add(gate);
    }
  }

  /** Whether a notification gated on {@code gate} (null: none) may go. */
  boolean isOpen(String gate) {
    return gate == null || released.contains(gate);
  }

  /** The gate's response was not confirmed in time: its notification goes anyway; forget a late release. */
  void expire(String gate) {
    if (expired == null) {
      expired = new ArrayList<>(1);
    }
    expired.add(gate);
  }

  /** {@code e} ended the operation its gate names: the gate will not be asked for again. */
  void settled(JournalEntry e) {
    if (e.endsGate) {
      released.remove(e.gate);
    }
  }

  /** Where {@code e} goes: a callback URI the bot gave after a move (e.g. in answer) is not redirected. */
  String target(JournalEntry e) {
    return movedTo != null && e.callbackUri.equals(movedFrom) ? movedTo : e.callbackUri;
  }

  /** A 302 for {@code e}'s callback URI: that URI now means {@code to}. */
  void move(JournalEntry e, String to) {
    movedFrom = e.callbackUri;
    movedTo = to;
  }

  /** Whether a 302 moved the callback (then even a {@code local:} URI is posted to the new target). */
  boolean moved() {
    return movedTo != null;
  }

  /** The call's retention is over and nothing is left to deliver. */
  boolean forgettable() {
    return forgotten && pending.isEmpty() && !inFlight;
  }
}
