package io.callvert.runtime.call;

import io.callvert.runtime.call.CallProtocol.Admits;
import io.callvert.runtime.call.CallProtocol.Answer;
import io.callvert.runtime.call.CallProtocol.CancelMedia;
import io.callvert.runtime.call.CallProtocol.GetCall;
import io.callvert.runtime.call.CallProtocol.GetHeard;
import io.callvert.runtime.call.CallProtocol.GetOperation;
import io.callvert.runtime.call.CallProtocol.PlayPrompt;
import io.callvert.runtime.call.CallProtocol.PressKeys;
import io.callvert.runtime.call.CallProtocol.RecordResponse;
import io.callvert.runtime.call.CallProtocol.Redirect;
import io.callvert.runtime.call.CallProtocol.Recognize;
import io.callvert.runtime.call.CallProtocol.Reject;
import io.callvert.runtime.call.CallProtocol.SendDtmf;
import io.callvert.runtime.call.CallProtocol.Speak;
import io.callvert.runtime.call.CallProtocol.SubscribeToTone;
import io.callvert.runtime.call.CallProtocol.UnsubscribeFromTone;
import java.util.Map;
import java.util.Set;

/**
 * Which commands a call takes in which state (contract rules 15, 31): checked before every command
 * is handled, so a refused command changes nothing.
 */
final class Admission {

  private Admission() {}

  /** The state each command needs; commands not named need a live call, or nothing (reads). */
  private static final Map<Class<?>, CallState> REQUIRES = Map.ofEntries(
      Map.entry(Recognize.class, CallState.ESTABLISHED), Map.entry(UnsubscribeFromTone.class, CallState.ESTABLISHED),
      Map.entry(PlayPrompt.class, CallState.ESTABLISHED), Map.entry(RecordResponse.class, CallState.ESTABLISHED),
      Map.entry(CancelMedia.class, CallState.ESTABLISHED), Map.entry(SubscribeToTone.class, CallState.ESTABLISHED),
      Map.entry(SendDtmf.class, CallState.ESTABLISHED), Map.entry(PressKeys.class, CallState.ESTABLISHED),
      Map.entry(Speak.class, CallState.ESTABLISHED),
      Map.entry(Answer.class, CallState.INCOMING), Map.entry(Reject.class, CallState.INCOMING),
      Map.entry(Redirect.class, CallState.INCOMING));

  /** Reads work after the end (and so do the incoming-call verbs, which say why they come too late). */
  private static final Set<Class<?>> READS = Set.of(GetCall.class, GetOperation.class, GetHeard.class, Admits.class);

  /**
   * Refuses a command of {@code type} that a call in {@code state} cannot take.
   *
   * @throws CallRejected not found once ended (reads excepted), or the wrong state or direction
   */
  static void check(CallState state, Direction direction, Class<?> type) {
    CallState required = REQUIRES.get(type);
    if (required == CallState.INCOMING) {
      if (state != CallState.TERMINATED && direction != Direction.INCOMING) {
        throw CallRejected.notIncoming(state);
      }
      require(state, CallState.INCOMING);
    } else if (state == CallState.TERMINATED && !READS.contains(type)) {
      throw CallRejected.callNotFound();
    } else if (required != null) {
      require(state, required);
    }
  }

  private static void require(CallState state, CallState required) {
    if (state != required) {
      throw CallRejected.wrongState(state, required);
    }
  }
}
