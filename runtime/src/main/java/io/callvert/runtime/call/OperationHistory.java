package io.callvert.runtime.call;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.UUID;

/**
 * The terminal operations of a call, oldest first, kept so {@code GET} still finds them (contract rule 6 — An action answers with its operation):
 * compact ({@link Operation.Done}), and bounded — beyond {@code calls.maxRememberedOperations} per call
 * the oldest is forgotten (contract rule 32 — Limits). Live operations are found in their queues instead.
 */
final class OperationHistory {

  /** Terminal operations kept per call. */
  private final int limit;

  /** Created with the first terminal operation: an idle call stays small. */
  private ArrayDeque<Operation.Done> done;

  OperationHistory(int limit) {
    this.limit = limit;
  }

  void remember(OperationSnapshot op) {
    if (done == null) {
      done = new ArrayDeque<>(2);
    }
    done.addLast(Operation.Done.of(op));
    if (done.size() > limit) {
      done.pollFirst();
    }
  }

  /** The remembered operation {@code opId}, newest first; null if none (or not a GUID). */
  OperationSnapshot find(String opId) {
    if (done == null || opId == null) {
      return null;
    }
    UUID u;
    try {
      u = UUID.fromString(opId);
    } catch (IllegalArgumentException notAGuid) {
      return null;
    }
    if (!u.toString().equals(opId)) {
      return null; // UUID.fromString is lenient (e.g. short groups): ids are matched exactly
    }
    long high = u.getMostSignificantBits();
    long low = u.getLeastSignificantBits();
    for (Iterator<Operation.Done> it = done.descendingIterator(); it.hasNext(); ) {
      Operation.Done d = it.next();
      if (d.is(high, low)) {
        return d.snapshot();
      }
    }
    return null;
  }
}
