package io.callvert.runtime.call;

import java.util.ArrayList;
import java.util.List;

/**
 * What a surviving cluster node needs to report a call whose node was lost (contract rule 22 — Node loss): where its
 * events go and which operations were live.
 *
 * @param dialect the dialect that created the call, which renders its events ({@link Echo#dialect()})
 * @param to      the call's delivery
 * @param state   the call's state when the record was written
 * @param live    its live operations, in queue order
 */
public record OwnerRecord(String dialect, Notification.Delivery to, CallState state, List<LiveOperation> live) {

  public OwnerRecord {
    live = List.copyOf(live);
  }

  /** A live operation: enough to give it its terminal event. */
  public record LiveOperation(String id, OperationKind kind, String clientContext) {}

  /**
   * The events a survivor sends for a call whose owner was lost (contract rule 8 — Exactly one ending per operation holds even then): one
   * terminal event per live operation, then the call's end. None for a call already over.
   */
  public List<Notification> lostEvents() {
    return endEvents(EndReason.OWNER_LOST, Outcome.OWNER_LOST);
  }

  /**
   * The events a restarted node sends for a call it owned before the restart (contract rule 42 — A restarted node ends
   * its calls): as {@link #lostEvents()}, with the restart's own outcome and end reason.
   */
  public List<Notification> restartedEvents() {
    return endEvents(EndReason.NODE_RESTARTED, Outcome.NODE_RESTARTED);
  }

  private List<Notification> endEvents(EndReason reason, Outcome outcome) {
    List<Notification> out = new ArrayList<>();
    if (state == CallState.TERMINATED) {
      return out;
    }
    for (LiveOperation op : live) {
      boolean record = op.kind() == OperationKind.RECORD;
      OperationSnapshot s = new OperationSnapshot(op.kind(), op.id(), op.clientContext(), OperationStatus.FAILED,
          outcome, null, record ? "" : null, record ? "" : null);
      out.add(new Notification(to, null, new CallEvent.OperationEnded(to.callId(), s)));
    }
    out.add(new Notification(to, null, new CallEvent.CallLost(to.callId(), reason)));
    return out;
  }
}
