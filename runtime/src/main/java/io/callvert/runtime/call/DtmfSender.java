package io.callvert.runtime.call;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.call.CallProtocol.OperationView;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.callvert.runtime.call.CallProtocol.SendDtmf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * sendDtmfTones: the bot's keys played to the caller, one operation at a time in their own FIFO
 * (independent of the media queue, and never cancelled by cancelMediaProcessing).
 */
final class DtmfSender {

  private final CallSession call;
  /** Made on the first sendDtmfTones: most calls never send one. */
  private ArrayDeque<Operation.Dtmf> queue;

  DtmfSender(CallSession call) {
    this.call = call;
  }

  Reply send(SendDtmf c) {
    int limit = call.env.calls().mediaQueueLimit();
    if (queue == null) {
      queue = new ArrayDeque<>(1);
    } else if (queue.size() >= limit) {
      throw CallRejected.queueFull(limit);
    }
    Operation.Dtmf op = new Operation.Dtmf(call.newId(), c.clientContext(), c.keys(), c.delayMs());
    queue.add(op);
    if (queue.size() == 1) {
      op.status = OperationStatus.RUNNING;
      start(op);
    }
    call.operationChanged(op);
    return new OperationView(op.snapshot(), true, true);
  }

  private void start(Operation.Dtmf op) {
    long now = call.now();
    List<Clip> clips = new ArrayList<>();
    for (int i = 0; i < op.keys.length(); i++) {
      if (i > 0 && op.delayMs > 0) {
        clips.add(Clip.silence(op.delayMs));
      }
      clips.add(Tones.dtmf(op.keys.charAt(i), CallSession.DTMF_TONE_MS));
    }
    op.heardItem = call.heard.start(op, clips, now);
    call.fx.schedule(new TimerKey.Step(op.id), now + MediaQueue.totalMs(clips));
  }

  /** The running operation's keys have all been played. */
  void onTimer(TimerKey key) {
    if (!(key instanceof TimerKey.Step s)) {
      return;
    }
    Operation.Dtmf op = find(s.operationId());
    if (op == null || op.isTerminal()) {
      return;
    }
    finish(op, Outcome.COMPLETED);
    queue.remove(op);
    Operation.Dtmf next = queue.peek();
    if (next != null) {
      next.status = OperationStatus.RUNNING;
      start(next);
      call.operationChanged(next);
    }
  }

  /** The call ended: every live operation fails (contract rule 15 — Call lifecycle). */
  void endAll() {
    if (queue == null) {
      return;
    }
    long now = call.now();
    List<Operation.Dtmf> live = new ArrayList<>(queue);
    queue.clear();
    for (Operation.Dtmf op : live) {
      HeardTimeline.cut(op.heardItem, now);
      finish(op, Outcome.CALL_ENDED);
    }
  }

  private void finish(Operation.Dtmf op, Outcome outcome) {
    op.outcome = outcome;
    op.status = outcome.status();
    call.fx.cancelTimer(new TimerKey.Step(op.id));
    call.ended(op);
  }

  Operation.Dtmf find(String opId) {
    if (opId == null || queue == null) {
      return null;
    }
    for (Operation.Dtmf op : queue) {
      if (op.id.equals(opId)) {
        return op;
      }
    }
    return null;
  }

  void forEachLive(Consumer<Operation> action) {
    if (queue != null) {
      queue.forEach(action);
    }
  }
}
