package io.callvert.runtime.call;

import io.callvert.runtime.audio.AudioFormatException;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.audio.Wav;
import io.callvert.runtime.call.CallProtocol.PressKeys;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.callvert.runtime.call.CallProtocol.Speak;
import io.callvert.runtime.call.CallProtocol.SubscribeToTone;
import java.util.HashMap;
import java.util.Map;

/**
 * The simulated caller: key presses (one keypad, so presses queue behind those still pending),
 * speech, and the tone subscription that reports each key to the bot.
 */
final class CallerSide {

  private final CallSession call;
  private boolean toneSubscribed;
  private long toneSequence;
  private CallSnapshot.Tone lastTone;
  private long keyCounter;
  /** Key presses waiting for their timer; created on the first press. */
  private Map<TimerKey.CallerKey, Character> pendingKeys;
  /** When the caller may press the next key (keys are never pressed on top of each other). */
  private long keypadFreeAt;

  CallerSide(CallSession call) {
    this.call = call;
  }

  Reply subscribe(SubscribeToTone c) {
    toneSubscribed = true;
    return MediaQueue.completedAtOnce(call, OperationKind.SUBSCRIBE_TONE, c.clientContext());
  }

  /**
   * Ends the tone subscription: an operation complete when answered, with one terminal event (gated on its answer,
   * contract rule 7) so the bot learns that no more keys will be reported (ACS ContinuousDtmfRecognitionStopped).
   */
  Reply unsubscribe(CallProtocol.UnsubscribeFromTone c) {
    toneSubscribed = false;
    OperationSnapshot s = new OperationSnapshot(OperationKind.UNSUBSCRIBE_TONE, call.newId(), c.clientContext(),
        OperationStatus.COMPLETED, Outcome.COMPLETED, null, null, null);
    call.notify(new CallEvent.OperationEnded(call.id(), s), s.id());
    call.history.remember(s);
    return new CallProtocol.OperationView(s, true, true);
  }

  Reply press(PressKeys c) {
    String keys = c.keys();
    long now = call.now();
    // One caller, one keypad: keys of this request are pressed after those still pending.
    long first = Math.max(now, keypadFreeAt);
    // contract rule 38 (Bounded caller input): the keys left waiting stay within calls.maxPendingKeys
    int waiting = (pendingKeys == null ? 0 : pendingKeys.size()) + keys.length() - (first == now ? 1 : 0);
    int maxPending = call.env.calls().maxPendingKeys();
    if (waiting > maxPending) {
      throw CallRejected.callerKeysFull(maxPending);
    }
    for (int i = 0; i < keys.length(); i++) {
      char key = keys.charAt(i);
      long at = first + (long) i * CallSession.CALLER_TONE_SPACING_MS;
      if (at == now) {
        pressed(key, now);
      } else {
        TimerKey.CallerKey timer = new TimerKey.CallerKey(++keyCounter);
        if (pendingKeys == null) {
          pendingKeys = new HashMap<>(4);
        }
        pendingKeys.put(timer, key);
        call.fx.schedule(timer, at);
      }
    }
    keypadFreeAt = first + (long) keys.length() * CallSession.CALLER_TONE_SPACING_MS;
    return CallProtocol.DONE;
  }

  Reply speak(Speak c) {
    long now = call.now();
    forgetUnrecordableAudio(now);
    // contract rule 38 (Bounded caller input): checked before a WAV is converted, from its header's length
    long maxMs = call.env.calls().maxCallerSpeechMs();
    if (call.callerAudio.heldSamples() + c.samples() > maxMs * (Clip.SAMPLE_RATE / 1000)) {
      throw CallRejected.callerAudioFull(maxMs);
    }
    Clip clip = c.audio() != null ? c.audio()
        : c.wav() != null ? converted(c.wav())
        : Tones.speech(c.durationMs(), keyCounter++ ^ call.id().hashCode());
    call.callerAudio.add(now, clip);
    call.media.onCallerVoice();
    return CallProtocol.DONE;
  }

  /** A WAV the dialect already checked ({@link Wav#convertedSamples}), converted to canonical audio. */
  private static Clip converted(byte[] wav) {
    try {
      return Wav.parseAndConvert(wav);
    } catch (AudioFormatException e) {
      throw new IllegalArgumentException("speech WAV refused after its header was accepted: " + e.getMessage(), e);
    }
  }

  void onKeyDue(TimerKey.CallerKey timer) {
    Character key = pendingKeys == null ? null : pendingKeys.remove(timer);
    if (key != null) {
      pressed(key, call.now());
    }
  }

  private void pressed(char key, long now) {
    forgetUnrecordableAudio(now);
    call.callerAudio.add(now, Tones.dtmf(key, CallSession.CALLER_TONE_MS));
    if (toneSubscribed) {
      lastTone = new CallSnapshot.Tone(++toneSequence, key);
      call.notify(new CallEvent.ToneReceived(call.id(), call.state(), lastTone), null);
    }
    call.media.onCallerKey(key, now);
  }

  /**
   * Caller audio that ended before any window that can still record it is dropped, so a long call
   * full of speech and no records does not grow.
   */
  private void forgetUnrecordableAudio(long now) {
    call.callerAudio.prune(call.media.audioNeededFrom(now));
  }

  /** The call ended: keys still pending are never pressed. */
  void endAll() {
    if (pendingKeys != null) {
      pendingKeys.keySet().forEach(call.fx::cancelTimer);
    }
    pendingKeys = null;
  }

  CallSnapshot.Tone lastTone() {
    return lastTone;
  }
}
