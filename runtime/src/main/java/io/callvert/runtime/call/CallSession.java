package io.callvert.runtime.call;

import io.callvert.config.CalleeOptions;
import io.callvert.config.CalleeRule;
import io.callvert.config.CallsOptions;
import io.callvert.runtime.api.Ids;
import io.callvert.runtime.audio.EnergyDetector;
import io.callvert.runtime.call.CallProtocol.Admits;
import io.callvert.runtime.call.CallProtocol.Answer;
import io.callvert.runtime.call.CallProtocol.CallView;
import io.callvert.runtime.call.CallProtocol.CallerHangUp;
import io.callvert.runtime.call.CallProtocol.CancelMedia;
import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.GetCall;
import io.callvert.runtime.call.CallProtocol.GetHeard;
import io.callvert.runtime.call.CallProtocol.GetOperation;
import io.callvert.runtime.call.CallProtocol.HangUp;
import io.callvert.runtime.call.CallProtocol.Heard;
import io.callvert.runtime.call.CallProtocol.KeepAlive;
import io.callvert.runtime.call.CallProtocol.NewCall;
import io.callvert.runtime.call.CallProtocol.OperationView;
import io.callvert.runtime.call.CallProtocol.PlayPrompt;
import io.callvert.runtime.call.CallProtocol.PressKeys;
import io.callvert.runtime.call.CallProtocol.RecordResponse;
import io.callvert.runtime.call.CallProtocol.Redirect;
import io.callvert.runtime.call.CallProtocol.Reject;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.callvert.runtime.call.CallProtocol.SendDtmf;
import io.callvert.runtime.call.CallProtocol.Shutdown;
import io.callvert.runtime.call.CallProtocol.Speak;
import io.callvert.runtime.call.CallProtocol.SubscribeToTone;
import io.callvert.runtime.clock.Clock;
import java.util.List;
import java.util.Map;

/**
 * The deterministic state machine of one call: commands (the bot's requests, the simulated
 * caller's input), clock ticks and media results go in; replies come out, and {@link Effects}
 * (events, timers, fetches, recordings) are requested in order. It does no I/O, reads time only
 * from its {@link Clock} and ids only from its {@link IdSource}, so with a manual clock and seeded
 * ids a run replays identically.
 *
 * <p>This class holds the call's state and the receive table; its lifecycle ({@link CallLifecycle}), the media
 * queue ({@link MediaQueue}), DTMF ({@link DtmfSender}), the simulated caller ({@link CallerSide}) and the
 * remembered operations ({@link OperationHistory}) are one file each.
 *
 * <p>Not thread-safe: its host (one call verticle) feeds it from a single context. Once
 * terminated it is no longer changed, and its host may answer reads from it on any thread.
 *
 * <p>Contract rules it implements: 6–15 of {@code docs/contract.md}.
 */
public final class CallSession {

  /** What a session needs from its node. */
  public record Env(Clock clock, CallsOptions calls, CalleeOptions callee, String defaultAppId,
      EnergyDetector detector, IdSource ids) {
  }

  /** Length of the record beep. */
  public static final int BEEP_MS = 250;
  /** Length of each DTMF tone Callvert sends for sendDtmfTones. */
  public static final int DTMF_TONE_MS = 100;
  /** Caller key presses: each tone lasts this long ... */
  public static final int CALLER_TONE_MS = 80;
  /** ... and presses are this far apart; the first is detected at once. */
  public static final int CALLER_TONE_SPACING_MS = 100;
  /** The receive table: every command a call accepts, and its handler. */
  static final ReceiveTable<CallSession> RECEIVE = new ReceiveTable<CallSession>()
      .on(GetCall.class, (s, c) -> new CallView(s.snapshot()))
      .on(GetOperation.class, CallSession::onGetOperation)
      .on(GetHeard.class, (s, c) -> new Heard(s.heard.slices(s.now())))
      .on(HangUp.class, CallLifecycle::hangUp)
      .on(KeepAlive.class, CallLifecycle::keepAlive)
      .on(Answer.class, CallLifecycle::answer)
      .on(Reject.class, CallLifecycle::reject)
      .on(Redirect.class, CallLifecycle::redirect)
      .on(PlayPrompt.class, (s, c) -> s.media.play(c))
      .on(RecordResponse.class, (s, c) -> s.media.record(c))
      .on(CallProtocol.Recognize.class, (s, c) -> s.media.recognize(c))
      .on(CallProtocol.UnsubscribeFromTone.class, (s, c) -> s.caller.unsubscribe(c))
      .on(CancelMedia.class, (s, c) -> s.media.cancel(c))
      .on(SubscribeToTone.class, (s, c) -> s.caller.subscribe(c))
      .on(SendDtmf.class, (s, c) -> s.dtmf.send(c))
      .on(PressKeys.class, (s, c) -> s.caller.press(c))
      .on(Speak.class, (s, c) -> s.caller.speak(c))
      .on(CallProtocol.LiveAudio.class, (s, c) -> s.caller.live(c))
      .on(CallerHangUp.class, CallLifecycle::callerHangUp)
      .on(Shutdown.class, CallLifecycle::shutdown)
      .on(Admits.class, (s, c) -> {
        Admission.check(s.state, s.direction, c.type());
        return CallProtocol.DONE;
      });


  private final String id;
  final Direction direction;
  final Env env;
  final Effects fx;

  // state, callback, media setup, end reason and callee rule are changed by CallLifecycle (same package) only
  CallState state;
  String callbackUri;
  private final String tenantId;
  private final String subject;
  private final String appId;
  private final Echo echo;
  private final List<Modality> modalities;
  MediaSetup mediaSetup;
  EndReason endReason;
  /** How the simulated callee decides (an outgoing call); dropped once it decided, so a live call keeps no copy. */
  CalleeRule calleeRule;

  final HeardTimeline heard;
  final CallerAudio callerAudio;
  final OperationHistory history;
  final MediaQueue media;
  final DtmfSender dtmf;
  final CallerSide caller;

  private CallSession(String id, NewCall call, Env env, Effects fx) {
    this.id = id;
    this.direction = call.direction();
    this.env = env;
    this.history = new OperationHistory(env.calls().maxRememberedOperations());
    this.fx = fx;
    // a bot's callback, tenant and app id repeat across its calls: one shared copy each
    this.callbackUri = Ids.shared(call.callbackUri());
    this.tenantId = Ids.shared(call.tenantId());
    this.subject = call.subject();
    this.echo = call.echo();
    this.modalities = call.modalities();
    this.mediaSetup = call.media();
    this.appId = call.appId() != null ? Ids.shared(call.appId()) : env.defaultAppId();
    boolean incoming = direction == Direction.INCOMING;
    this.state = incoming ? CallState.INCOMING : CallState.ESTABLISHING;
    this.calleeRule = incoming ? null : env.callee().ruleFor(call.calleeKey());
    this.heard = new HeardTimeline(fx);
    this.callerAudio = new CallerAudio(env.detector());
    this.media = new MediaQueue(this);
    this.dtmf = new DtmfSender(this);
    this.caller = new CallerSide(this);
  }

  /** A new call: a bot placing one, or the simulated caller calling a bot. */
  public static CallSession create(String id, NewCall call, Env env, Effects fx) {
    return new CallSession(id, call, env, fx);
  }

  // ------------------------------------------------------------------ inputs

  /** First input of a new session: announce it and arm its timers. */
  public void start() {
    long now = now();
    fx.schedule(TimerKey.Call.KEEP_ALIVE, now + env.calls().keepAliveTimeoutMs());
    if (direction == Direction.INCOMING) {
      notify(new CallEvent.CallArrived(snapshot()), id);
      fx.schedule(TimerKey.Call.ANSWER_DEADLINE, now + env.calls().answerDeadlineMs());
    } else {
      CallLifecycle.changeState(this, CallState.ESTABLISHING, id);
      long delay = switch (calleeRule.behaviour()) {
        case NO_ANSWER -> env.callee().ringTimeoutMs();
        case UNREACHABLE -> 0; // fails at once (still after the 201: it is a timer input)
        default -> calleeRule.answerDelayMs();
      };
      fx.schedule(TimerKey.Call.CALLEE_DECISION, now + delay);
      CallLifecycle.prefetch(this);
    }
  }

  /**
   * Handles one command addressed to this call.
   *
   * @throws CallRejected when the command is refused; nothing changed then
   */
  public Reply handle(Command command) {
    Admission.check(state, direction, command.getClass());
    return RECEIVE.apply(this, command);
  }


  /** A timer armed through {@link Effects#schedule} fired. Stale timers are ignored. */
  public void onTimer(TimerKey key) {
    if (isTerminated()) {
      return;
    }
    if (key == TimerKey.Call.KEEP_ALIVE) {
      CallLifecycle.terminate(this, EndReason.KEEPALIVE_MISSED, false);
    } else if (key == TimerKey.Call.ANSWER_DEADLINE) {
      if (state == CallState.INCOMING) {
        CallLifecycle.terminate(this, EndReason.ANSWER_NOT_ACKNOWLEDGED, false);
      }
    } else if (key == TimerKey.Call.CALLEE_DECISION) {
      CallLifecycle.calleeDecided(this);
    } else if (key instanceof TimerKey.CallerKey k) {
      caller.onKeyDue(k);
    } else {
      if (!media.onTimer(key)) {
        dtmf.onTimer(key);
      }
    }
  }

  /** The media of {@code opId} was fetched and decoded, clips in prompt order. */
  public void onMediaReady(String opId, List<io.callvert.runtime.audio.Clip> clips) {
    if (!isTerminated()) {
      media.onMediaReady(opId, clips);
    }
  }

  /** The media of {@code opId} could not be fetched or is not a playable WAV. */
  public void onMediaFailed(String opId, String detail) {
    if (!isTerminated()) {
      media.onMediaFailed(opId, detail);
    }
  }

  // ------------------------------------------------------------------ the bot's call verbs

  private Reply onGetOperation(GetOperation c) {
    String opId = Ids.canonical(c.operationId());
    Operation op = media.find(opId);
    if (op == null) {
      op = dtmf.find(opId);
    }
    if (op != null) {
      return new OperationView(op.snapshot(), false, false);
    }
    OperationSnapshot done = history.find(opId);
    if (done == null) {
      throw CallRejected.operationNotFound(opId);
    }
    return new OperationView(done, false, false);
  }

  // ------------------------------------------------------------------ shared with the parts

  /** Emits an event to the bot, gated on {@code gate} (contract rule 7 — No notification before its answer) when not null. */
  void notify(CallEvent event, String gate) {
    fx.notify(new Notification(delivery(), gate, event));
  }

  /** Where this call's events go, as of now. */
  Notification.Delivery delivery() {
    return new Notification.Delivery(id, callbackUri, appId, tenantId);
  }

  /** A terminal operation: its one terminal event (gated on its own id, contract rule 7 — No notification before its answer), then remembered. */
  void ended(Operation op) {
    OperationSnapshot s = op.snapshot();
    notify(new CallEvent.OperationEnded(id, s), op.id);
    history.remember(s);
    operationChanged(op);
  }

  /** An operation was created, started or ended: told to a live caller (contract rule 62). */
  void operationChanged(Operation op) {
    fx.feed(new CallerFeed.OperationChanged(op.id, op.kind, op.status, op.outcome));
  }

  long now() {
    return env.clock().now();
  }

  String newId() {
    return env.ids().newId();
  }

  // ------------------------------------------------------------------ reads

  public String id() {
    return id;
  }

  public CallState state() {
    return state;
  }

  public boolean isTerminated() {
    return state == CallState.TERMINATED;
  }

  /** The call as it is now. */
  public CallSnapshot snapshot() {
    return new CallSnapshot(id, state, direction, callbackUri, tenantId, subject, echo, modalities, mediaSetup,
        endReason, caller.lastTone());
  }

  /** What is playing to the caller right now, as it started (a live caller joining mid-call, contract rule 62). */
  public List<CallerFeed.Playing> playingNow() {
    return heard.playing(now());
  }

  /** What the caller heard so far (immutable slices; the host renders them off the event loop). */
  public List<io.callvert.runtime.audio.Wav.Slice> heardSlices() {
    return heard.slices(now());
  }

  /**
   * What a surviving node needs to report this call if its node dies (contract rule 22 — Node loss): where to send, as
   * whom, and the operations that are still live. Written to the cluster call directory.
   */
  public OwnerRecord ownerRecord() {
    List<OwnerRecord.LiveOperation> live = new java.util.ArrayList<>();
    media.forEachLive(op -> live.add(new OwnerRecord.LiveOperation(op.id, op.kind, op.clientContext)));
    dtmf.forEachLive(op -> live.add(new OwnerRecord.LiveOperation(op.id, op.kind, op.clientContext)));
    return new OwnerRecord(echo.dialect(), delivery(), state, live);
  }
}
