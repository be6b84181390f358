package io.callvert.runtime.call;

import io.callvert.config.CalleeRule;
import io.callvert.runtime.api.Ids;
import io.callvert.runtime.call.CallEvent.CallEnded;
import io.callvert.runtime.call.CallEvent.StateChanged;
import io.callvert.runtime.call.CallProtocol.Answer;
import io.callvert.runtime.call.CallProtocol.CallerHangUp;
import io.callvert.runtime.call.CallProtocol.HangUp;
import io.callvert.runtime.call.CallProtocol.KeepAlive;
import io.callvert.runtime.call.CallProtocol.Redirect;
import io.callvert.runtime.call.CallProtocol.Reject;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.callvert.runtime.call.CallProtocol.Shutdown;

/**
 * A call's lifecycle (contract rule 15 — Call lifecycle): the verbs that move it from ringing to ended (answer,
 * reject, redirect, keepAlive, the hang-ups of both sides, a node's shutdown), the simulated callee's decision, and
 * the one way a call ends. Functions over the {@link CallSession} whose state they change, so the session's receive
 * table names them directly and a call carries no extra object for them.
 */
final class CallLifecycle {

  private CallLifecycle() {}

  // ------------------------------------------------------------------ verbs (the receive table's)

  static Reply hangUp(CallSession s, HangUp c) {
    terminate(s, EndReason.BOT_HUNG_UP, true);
    return CallProtocol.DONE;
  }

  static Reply keepAlive(CallSession s, KeepAlive c) {
    s.fx.schedule(TimerKey.Call.KEEP_ALIVE, s.now() + s.env.calls().keepAliveTimeoutMs());
    return CallProtocol.DONE;
  }

  static Reply answer(CallSession s, Answer c) {
    if (c.callbackUri() != null) {
      s.callbackUri = Ids.shared(c.callbackUri());
    }
    s.mediaSetup = c.media();
    s.fx.cancelTimer(TimerKey.Call.ANSWER_DEADLINE);
    prefetch(s);
    changeState(s, CallState.ESTABLISHING, null);
    changeState(s, CallState.ESTABLISHED, null);
    return CallProtocol.DONE;
  }

  static Reply reject(CallSession s, Reject c) {
    if (c.callbackUri() != null) {
      s.callbackUri = Ids.shared(c.callbackUri());
    }
    terminate(s, switch (c.reason()) {
      case NONE -> EndReason.REJECTED_NONE;
      case BUSY -> EndReason.REJECTED_BUSY;
      case FORBIDDEN -> EndReason.REJECTED_FORBIDDEN;
    }, false);
    return CallProtocol.DONE;
  }

  static Reply redirect(CallSession s, Redirect c) {
    if (c.callbackUri() != null) {
      s.callbackUri = Ids.shared(c.callbackUri());
    }
    terminate(s, EndReason.REDIRECTED, false);
    return CallProtocol.DONE;
  }

  static Reply callerHangUp(CallSession s, CallerHangUp c) {
    terminate(s, EndReason.CALLER_HUNG_UP, false);
    return CallProtocol.DONE;
  }

  static Reply shutdown(CallSession s, Shutdown c) {
    terminate(s, EndReason.NODE_SHUT_DOWN, false);
    return CallProtocol.DONE;
  }

  // ------------------------------------------------------------------ transitions

  /** The simulated callee's decision on an outgoing call; its rule is dropped then (a live call keeps no copy). */
  static void calleeDecided(CallSession s) {
    if (s.state != CallState.ESTABLISHING) {
      return;
    }
    CalleeRule rule = s.calleeRule;
    s.calleeRule = null;
    switch (rule.behaviour()) {
      case ANSWER -> changeState(s, CallState.ESTABLISHED, null);
      case BUSY -> terminate(s, EndReason.CALLEE_BUSY, false);
      case NO_ANSWER -> terminate(s, EndReason.CALLEE_NO_ANSWER, false);
      case UNREACHABLE -> terminate(s, EndReason.CALLEE_UNREACHABLE, false);
      default -> { }
    }
  }

  /**
   * Ends the call: optionally announces {@code terminating}, ends every media and DTMF operation
   * (a record keeps what it captured), then announces the end (contract rule 15 — Call lifecycle).
   */
  static void terminate(CallSession s, EndReason reason, boolean announceTerminating) {
    if (announceTerminating) {
      changeState(s, CallState.TERMINATING, null);
    }
    s.media.endAll();
    s.dtmf.endAll();
    s.caller.endAll();
    s.fx.cancelTimer(TimerKey.Call.KEEP_ALIVE);
    s.fx.cancelTimer(TimerKey.Call.ANSWER_DEADLINE);
    s.fx.cancelTimer(TimerKey.Call.CALLEE_DECISION);
    s.state = CallState.TERMINATED;
    s.endReason = reason;
    s.notify(new CallEnded(s.id(), reason, s.direction), null);
    s.fx.ended();
  }

  static void changeState(CallSession s, CallState newState, String gate) {
    s.state = newState;
    s.notify(new StateChanged(s.id(), newState), gate);
  }

  /** Fetches the prompts the bot's media configuration names ahead of their first use. */
  static void prefetch(CallSession s) {
    if (s.mediaSetup != null && !s.mediaSetup.toPrefetch().isEmpty()) {
      s.fx.prefetch(s.mediaSetup.toPrefetch());
    }
  }
}
