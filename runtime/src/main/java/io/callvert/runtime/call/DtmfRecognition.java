package io.callvert.runtime.call;

/**
 * The listening part of a recognize (contract rule 54 — DTMF recognize): which keys count, when the prompt stops,
 * and which timeout ends it. The media queue runs the operation (queue, fetch, prompt, cancellation); this class
 * decides what a key or a timeout means and ends the operation through the queue.
 */
final class DtmfRecognition {

  private final CallSession call;
  private final MediaQueue queue;

  DtmfRecognition(CallSession call, MediaQueue queue) {
    this.call = call;
    this.queue = queue;
  }

  /** The prompt is over (or there was none): listen, with the initial silence timeout running from now. */
  void listen(Operation.Recognize op) {
    op.phase = Operation.Phase.LISTENING;
    op.playing = java.util.List.of();
    op.heardItem = null;
    call.fx.schedule(new TimerKey.RecognizeTimeout(op.id), call.now() + op.request().initialSilenceMs());
  }

  /**
   * The caller pressed {@code key} while {@code op} runs. During the prompt (or its fetch) a key interrupts it when
   * the bot allowed that, and is then the first key collected; otherwise it is ignored. While listening every key
   * is collected; a stop tone (kept as the last key) or the {@code maxTones}-th key ends the operation, any other
   * key restarts the inter-tone timeout.
   */
  void onKey(Operation.Recognize op, char key, long now) {
    if (op.phase != Operation.Phase.LISTENING) {
      if (!op.request().interruptPrompt()) {
        return;
      }
      HeardTimeline.cut(op.heardItem, now);
      call.fx.cancelTimer(new TimerKey.Step(op.id));
      op.phase = Operation.Phase.LISTENING;
      op.playing = java.util.List.of();
      op.heardItem = null;
    }
    op.tones.append(key);
    if (op.request().stopTones().indexOf(key) >= 0) {
      queue.end(op, Outcome.STOP_TONE);
    } else if (op.tones.length() >= op.request().maxTones()) {
      queue.end(op, Outcome.MAX_TONES);
    } else {
      call.fx.schedule(new TimerKey.RecognizeTimeout(op.id), now + op.request().interToneMs());
    }
  }

  /** The timeout ran out: no key at all is the initial silence; after keys, the inter-tone timeout. */
  void onTimeout(Operation.Recognize op) {
    if (op.phase == Operation.Phase.LISTENING) {
      queue.end(op, op.tones.length() == 0 ? Outcome.INITIAL_SILENCE : Outcome.INTER_TONE_TIMEOUT);
    }
  }
}
