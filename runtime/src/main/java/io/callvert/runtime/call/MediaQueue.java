package io.callvert.runtime.call;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.call.CallProtocol.CancelMedia;
import io.callvert.runtime.call.CallProtocol.OperationView;
import io.callvert.runtime.call.CallProtocol.PlayPrompt;
import io.callvert.runtime.call.CallProtocol.RecordResponse;
import io.callvert.runtime.call.CallProtocol.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The call's media FIFO (contract rule 9 — One media queue per call): playPrompt and recordResponse wait here and run one at a time,
 * head first; a record moves through prompt, beep and listening; cancellation and barge-in end
 * the running and every queued operation (contract rules 10–12); a finished record publishes what the
 * caller said (contract rules 13, 14).
 */
final class MediaQueue {

  private static final Clip BEEP = Tones.beep(CallSession.BEEP_MS);

  private final CallSession call;
  /** Made by the call's first recognize (an ACS operation): a Graph call never carries one. */
  private DtmfRecognition recognition;
  // made on the first media operation, sized for a handful: an idle call has none, and 100k calls add up
  private ArrayDeque<Operation.Media> queue;

  MediaQueue(CallSession call) {
    this.call = call;
  }

  // ------------------------------------------------------------------ commands

  Reply play(PlayPrompt c) {
    bargeInOrCheckRoom(c.bargeIn());
    return enqueue(new Operation.Play(call.newId(), c.clientContext(), c.prompts()));
  }

  /** Contract rule 54 — DTMF recognize: queued like a prompt, or barging in. */
  Reply recognize(CallProtocol.Recognize c) {
    bargeInOrCheckRoom(c.bargeIn());
    return enqueue(new Operation.Recognize(call.newId(), c));
  }

  private void bargeInOrCheckRoom(boolean bargeIn) {
    if (bargeIn) {
      cancelAll();
    } else {
      checkRoom();
    }
  }

  Reply record(RecordResponse c) {
    if (c.bargeIn()) {
      cancelAll();
    } else {
      checkRoom();
    }
    return enqueue(new Operation.Record(call.newId(), c));
  }

  Reply cancel(CancelMedia c) {
    cancelAll();
    return completedAtOnce(call, OperationKind.CANCEL_MEDIA, c.clientContext());
  }

  /**
   * An operation that is complete when it is answered (cancel, subscribe): shown once in its
   * answer, no event, and straight into the remembered operations.
   */
  static Reply completedAtOnce(CallSession call, OperationKind kind, String clientContext) {
    OperationSnapshot s = new OperationSnapshot(kind, call.newId(), clientContext, OperationStatus.COMPLETED,
        Outcome.COMPLETED, null, null, null);
    call.history.remember(s);
    call.fx.feed(new CallerFeed.OperationChanged(s.id(), kind, s.status(), s.outcome()));
    return new OperationView(s, true, false);
  }

  private void checkRoom() {
    int limit = call.env.calls().mediaQueueLimit();
    if (queue != null && queue.size() >= limit) {
      throw CallRejected.queueFull(limit);
    }
  }

  private Reply enqueue(Operation.Media op) {
    if (queue == null) {
      queue = new ArrayDeque<>(1);
    }
    queue.add(op);
    if (head() == op) {
      start(op);
    }
    call.operationChanged(op);
    // the answer shows the status at acceptance: running when it started at once, notStarted when queued
    return new OperationView(op.snapshot(), true, true);
  }

  // ------------------------------------------------------------------ the pipeline

  private void startNext() {
    Operation.Media head = head();
    if (head != null && head.phase == Operation.Phase.QUEUED && !call.isTerminated()) {
      start(head);
      call.operationChanged(head);
    }
  }

  private void start(Operation.Media op) {
    op.status = OperationStatus.RUNNING;
    if (op.media.isEmpty()) {
      // only a record or a recognize may have no prompt
      if (op instanceof Operation.Recognize r) {
        recognition().listen(r);
      } else {
        afterPrompt((Operation.Record) op);
      }
    } else {
      op.phase = Operation.Phase.FETCHING;
      call.fx.fetchMedia(op.id, op.media);
    }
  }

  void onMediaReady(String opId, List<Clip> clips) {
    Operation.Media op = find(opId);
    if (op == null || op.isTerminal() || op.phase != Operation.Phase.FETCHING) {
      return;
    }
    long now = call.now();
    op.playing = List.copyOf(clips);
    op.heardItem = call.heard.start(op, op.playing, now);
    op.phase = op.kind == OperationKind.PLAY_PROMPT ? Operation.Phase.PLAYING : Operation.Phase.PROMPT;
    call.fx.schedule(new TimerKey.Step(op.id), now + totalMs(op.playing));
  }

  void onMediaFailed(String opId, String detail) {
    Operation.Media op = find(opId);
    if (op == null || op.isTerminal() || op.phase != Operation.Phase.FETCHING) {
      return;
    }
    op.detail = detail;
    if (op instanceof Operation.Record r) {
      r.noRecording();
    }
    end(op, Outcome.PROMPT_FAILED);
  }

  private void afterPrompt(Operation.Record op) {
    if (op.request.playBeep()) {
      long now = call.now();
      op.phase = Operation.Phase.BEEP;
      op.playing = List.of(BEEP);
      op.heardItem = call.heard.start(op, op.playing, now);
      call.fx.schedule(new TimerKey.Step(op.id), now + CallSession.BEEP_MS);
    } else {
      beginListening(op);
    }
  }

  private void beginListening(Operation.Record op) {
    long now = call.now();
    op.phase = Operation.Phase.LISTENING;
    op.playing = List.of();
    op.heardItem = null;
    op.windowStart = now;
    call.callerAudio.prune(now);
    call.fx.schedule(new TimerKey.RecordMax(op.id), now + op.request.maxDurationMs());
    trackVoice(op);
  }

  /** Re-derives the silence timer of a listening record from the caller's voiced audio. */
  private void trackVoice(Operation.Record op) {
    long w = op.windowStart;
    long first = call.callerAudio.firstVoice(w);
    if (first >= 0 && first < w + op.request.initialSilenceMs()) {
      op.firstVoice = first;
      op.lastVoiceEnd = call.callerAudio.lastVoiceEnd(w);
      call.fx.schedule(new TimerKey.RecordSilence(op.id), op.lastVoiceEnd + op.request.maxSilenceMs());
    } else {
      call.fx.schedule(new TimerKey.RecordSilence(op.id), w + op.request.initialSilenceMs());
    }
  }

  /** Handles a media operation's timer; false when {@code key} is not one. */
  boolean onTimer(TimerKey key) {
    String opId = key instanceof TimerKey.Step s ? s.operationId()
        : key instanceof TimerKey.RecordMax m ? m.operationId()
        : key instanceof TimerKey.RecordSilence r ? r.operationId()
        : key instanceof TimerKey.RecognizeTimeout t ? t.operationId() : null;
    Operation.Media op = find(opId);
    if (op == null) {
      return false;
    }
    if (op.isTerminal()) {
      return true;
    }
    long now = call.now();
    if (key instanceof TimerKey.Step) {
      switch (op.phase) {
        case PLAYING -> end(op, Outcome.COMPLETED);
        case PROMPT -> {
          if (op instanceof Operation.Recognize r) {
            recognition().listen(r);
          } else {
            afterPrompt((Operation.Record) op);
          }
        }
        case BEEP -> beginListening((Operation.Record) op);
        default -> { }
      }
    } else if (op instanceof Operation.Recognize r) {
      recognition().onTimeout(r);
    } else if (op instanceof Operation.Record r) {
      if (key instanceof TimerKey.RecordMax) {
        if (r.firstVoice < 0 && now >= r.windowStart + r.request.initialSilenceMs()) {
          // The initial silence timeout is due at the same instant (both default to 5 s) and the
          // caller never spoke: that is "no speech at all", whichever timer the scheduler fires first.
          failInitialSilence(r);
        } else {
          endRecord(r, now, Outcome.MAX_DURATION);
        }
      } else if (r.firstVoice >= 0 && r.firstVoice < now) {
        endRecord(r, now, Outcome.MAX_SILENCE);
      } else {
        failInitialSilence(r);
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ the caller's input

  /** The caller pressed {@code key} at {@code now}: a stop tone ends a record, else it may be voice. */
  void onCallerKey(char key, long now) {
    Operation.Media head = head();
    if (head instanceof Operation.Recognize r && !r.isTerminal() && r.phase != Operation.Phase.QUEUED) {
      recognition().onKey(r, key, now);
    } else if (head instanceof Operation.Record r && !r.isTerminal() && r.phase != Operation.Phase.QUEUED) {
      if (r.request.stopTones().indexOf(key) >= 0) {
        endRecord(r, now, Outcome.STOP_TONE);
      } else if (r.listening()) {
        trackVoice(r);
      }
    }
  }

  /** The caller spoke: a listening record re-derives its silence timer. */
  void onCallerVoice() {
    if (head() instanceof Operation.Record r && r.listening()) {
      trackVoice(r);
    }
  }

  /** Where caller audio is still needed from: a listening record's window start, else now. */
  long audioNeededFrom(long now) {
    return head() instanceof Operation.Record r && r.listening() ? r.windowStart : now;
  }

  // ------------------------------------------------------------------ endings

  private void failInitialSilence(Operation.Record op) {
    op.noRecording();
    end(op, Outcome.INITIAL_SILENCE);
  }

  /** Ends a record successfully at {@code end}, publishing what the caller said in the window. */
  private void endRecord(Operation.Record op, long end, Outcome outcome) {
    if (op.windowStart < 0) {
      // a stop tone during the prompt or beep: the prompt stops and nothing was recorded yet
      HeardTimeline.cut(op.heardItem, end);
      op.windowStart = end;
    }
    publishRecording(op, Math.min(end, op.windowStart + op.request.maxDurationMs()));
    end(op, outcome);
  }

  private void publishRecording(Operation.Record op, long end) {
    Supplier<Clip> audio = call.callerAudio.renderer(op.windowStart, end);
    String recordingId = call.newId();
    String token = call.env.ids().secretToken();
    call.fx.storeRecording(recordingId, token, audio);
    op.recordingLocation = op.request.recordingBaseUrl() + "/" + recordingId;
    op.recordingAccessToken = token;
  }

  void end(Operation.Media op, Outcome outcome) {
    finish(op, outcome);
    if (queue != null) {
      queue.remove(op);
    }
    startNext();
  }

  /** Cancels the running operation and every queued one, in queue order (contract rules 10, 11, 12). */
  private void cancelAll() {
    endEvery(Outcome.CANCELLED);
  }

  /** The call ended: every operation fails; a listening record keeps what it captured (contract rule 15 — Call lifecycle). */
  void endAll() {
    endEvery(Outcome.CALL_ENDED);
  }

  /**
   * Ends the running operation and every queued one, in queue order, with {@code outcome}: what
   * the caller heard is cut now, and a record has no recording — unless the call ended while it
   * was listening, when it keeps what it captured.
   */
  private void endEvery(Outcome outcome) {
    if (queue == null) {
      return;
    }
    long now = call.now();
    List<Operation.Media> ending = new ArrayList<>(queue);
    queue.clear();
    for (Operation.Media op : ending) {
      HeardTimeline.cut(op.heardItem, now);
      if (op instanceof Operation.Record r) {
        if (outcome == Outcome.CALL_ENDED && r.windowStart >= 0 && now > r.windowStart) {
          publishRecording(r, Math.min(now, r.windowStart + r.request.maxDurationMs()));
        } else {
          r.noRecording();
        }
      }
      finish(op, outcome);
    }
  }

  /** The one place a media operation ends: terminal once, timers disarmed, one event (contract rules 7, 8). */
  private void finish(Operation.Media op, Outcome outcome) {
    if (op.isTerminal()) {
      return;
    }
    op.outcome = outcome;
    op.status = outcome.status();
    op.phase = Operation.Phase.DONE;
    call.fx.cancelTimer(new TimerKey.Step(op.id));
    if (op.kind == OperationKind.RECORD) {
      call.fx.cancelTimer(new TimerKey.RecordMax(op.id));
      call.fx.cancelTimer(new TimerKey.RecordSilence(op.id));
    } else if (op.kind == OperationKind.RECOGNIZE) {
      call.fx.cancelTimer(new TimerKey.RecognizeTimeout(op.id));
    }
    call.ended(op);
  }

  // ------------------------------------------------------------------ reads

  /** The running operation, or the next to start; null when the queue is empty. */
  private Operation.Media head() {
    return queue == null ? null : queue.peek();
  }

  Operation.Media find(String opId) {
    if (opId == null || queue == null) {
      return null;
    }
    for (Operation.Media op : queue) {
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

  static long totalMs(List<Clip> clips) {
    long samples = 0;
    for (Clip c : clips) {
      samples += c.length();
    }
    return samples / (Clip.SAMPLE_RATE / 1000);
  }

  private DtmfRecognition recognition() {
    if (recognition == null) {
      recognition = new DtmfRecognition(call, this);
    }
    return recognition;
  }
}
