package io.callvert.runtime.call;

/**
 * How many of a call's live operations are running and how many wait behind them (media queue and DTMF sends),
 * for the dashboard's call list (docs/ui.md). Read on the call's own thread of control, like every read of a
 * {@link CallSession}.
 *
 * @param running live operations whose status is {@code running}
 * @param queued  live operations not started yet
 */
public record OperationCounts(int running, int queued) {

  public static final OperationCounts NONE = new OperationCounts(0, 0);

  /** The counts of {@code call} now. */
  public static OperationCounts of(CallSession call) {
    int[] n = new int[2];
    java.util.function.Consumer<Operation> count = op -> n[op.status == OperationStatus.RUNNING ? 0 : 1]++;
    call.media.forEachLive(count);
    call.dtmf.forEachLive(count);
    return n[0] == 0 && n[1] == 0 ? NONE : new OperationCounts(n[0], n[1]);
  }
}
