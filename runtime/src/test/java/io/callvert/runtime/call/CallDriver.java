package io.callvert.runtime.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.callvert.config.CalleeOptions;
import io.callvert.config.CallsOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.graph.Graph;
import io.callvert.runtime.graph.GraphAction;
import io.callvert.runtime.graph.GraphDialect;
import io.callvert.runtime.graph.GraphJson;
import io.callvert.runtime.graph.GraphReplies;
import io.callvert.runtime.graph.GraphRequests;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.EnergyDetector;
import io.callvert.runtime.audio.Wav;
import io.callvert.runtime.call.FakeEffects.Fetch;
import io.callvert.runtime.call.FakeEffects.Notified;
import io.callvert.runtime.call.FakeEffects.Replied;
import io.callvert.runtime.call.FakeEffects.Stored;
import io.callvert.runtime.graph.GraphResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives one {@link CallSession} through the Graph dialect, like its HTTP edge and call verticle
 * would: Graph JSON bodies are parsed into commands, replies rendered as Graph answers, events as
 * Graph notifications, on a {@link ManualClock}: requests
 * (replies are logged into the effect log), a virtual scheduler that fires due timers in (time,
 * arming) order as time advances, and answers to media fetches.
 */
final class CallDriver {

  static final long T0 = 1_700_000_000_000L;
  static final String BASE = "https://callvert.test";
  static final String APP_ID = "11111111-2222-3333-4444-555555555555";
  static final EnergyDetector DETECTOR = new EnergyDetector();
  static final GraphDialect GRAPH = GraphDialect.create(APP_ID, io.callvert.config.CallsOptions.DEFAULT_KEEP_ALIVE_TIMEOUT_MS);

  final ManualClock clock;
  final FakeEffects fx;
  final CallSession session;
  final String id;
  private final Set<Integer> answeredFetches = new HashSet<>();

  private CallDriver(ManualClock clock, FakeEffects fx, CallSession session) {
    this.clock = clock;
    this.fx = fx;
    this.session = session;
    this.id = session.id();
  }

  static CallSession.Env env(ManualClock clock, CallsOptions calls, CalleeOptions callee) {
    return new CallSession.Env(clock, calls, callee, APP_ID, DETECTOR, IdSource.seeded(clock.now()));
  }

  /** Places an outgoing call as the HTTP layer does: create, start, then the 201 is written. */
  static CallDriver outgoing(JsonObject body, CallsOptions calls, CalleeOptions callee) {
    return outgoing(body, calls, callee, T0);
  }

  static CallDriver outgoing(JsonObject body, CallsOptions calls, CalleeOptions callee, long at) {
    ManualClock clock = new ManualClock(at);
    FakeEffects fx = new FakeEffects(clock, GraphDialect.create(APP_ID, calls.keepAliveTimeoutMs()));
    CallSession s = CallSession.create(io.callvert.runtime.api.Ids.newId(), GRAPH.requests().outgoingCall(body),
        env(clock, calls, callee), fx);
    return started(clock, fx, s);
  }

  static CallDriver outgoing() {
    return outgoing(Bodies.outgoingCall("+15550199"), CallsOptions.defaults(), CalleeOptions.defaults());
  }

  static CallDriver incoming(CallsOptions calls) {
    return incoming(calls, T0);
  }

  static CallDriver incoming(CallsOptions calls, long at) {
    ManualClock clock = new ManualClock(at);
    FakeEffects fx = new FakeEffects(clock, GraphDialect.create(APP_ID, calls.keepAliveTimeoutMs()));
    CallSession s = CallSession.create(io.callvert.runtime.api.Ids.newId(), GRAPH.requests().incomingCall(Bodies.incomingCall()),
        env(clock, calls, CalleeOptions.defaults()), fx);
    return started(clock, fx, s);
  }

  static CallDriver incoming() {
    return incoming(CallsOptions.defaults());
  }

  private static CallDriver started(ManualClock clock, FakeEffects fx, CallSession s) {
    GraphResponse created = fx.graph.replies().created(s.snapshot());
    s.start();
    fx.replied("create", created);
    return new CallDriver(clock, fx, s);
  }

  /** An outgoing call to a callee that answers (default 500 ms), advanced until established. */
  static CallDriver established() {
    return established(CallsOptions.defaults());
  }

  static CallDriver established(CallsOptions calls) {
    CallDriver d = outgoing(Bodies.outgoingCall("+15550199"), calls, CalleeOptions.defaults());
    d.advance(CalleeOptions.DEFAULT_ANSWER_DELAY_MS);
    assertThat(d.state()).isEqualTo("established");
    return d;
  }

  /** The call's state as Graph names it. */
  String state() {
    return GraphJson.state(session.state());
  }

  /** The call as Graph shows it. */
  JsonObject callJson() {
    return fx.graph.json().call(session.snapshot());
  }

  /** The command a Graph request (or a caller action: caller.tones, caller.speech, caller.hangup) parses to. */
  CallProtocol.Command command(String action, JsonObject body) {
    switch (action) {
      case "get": return CallProtocol.GET_CALL;
      case "operation": return new CallProtocol.GetOperation(body == null ? null : body.getString("operationId"));
      case "heard": return CallProtocol.GET_HEARD;
      case "delete": return CallProtocol.HANG_UP;
      case "shutdown": return CallProtocol.SHUTDOWN;
      case "caller.hangup": return CallProtocol.CALLER_HANG_UP;
      case "caller.tones": return GraphRequests.pressKeys(body);
      case "caller.speech": return GraphRequests.speak(body);
      default:
        GraphAction a = GraphAction.fromSegment(action);
        if (a == null) {
          throw new IllegalArgumentException("unknown action " + action);
        }
        return fx.graph.requests().command(a, body, BASE + "/callvert/calls/" + id + "/recordings");
    }
  }

  /** Parses, handles and answers like the HTTP edge; throws the Graph error on refusal. */
  GraphResponse handle(CallProtocol.Command command) {
    CallProtocol.Reply reply;
    try {
      reply = session.handle(command);
    } catch (CallRejected e) {
      throw GraphReplies.error(command, e);
    }
    if (reply instanceof CallProtocol.Heard h) {
      return GraphResponse.binary(Buffer.buffer(Wav.render(h.slices())), "audio/wav");
    }
    return fx.graph.replies().response(id, command, reply);
  }

  // ------------------------------------------------------------------ requests

  GraphResponse request(String action, JsonObject body) {
    GraphResponse reply = handle(command(action, body));
    fx.replied(action, reply);
    return reply;
  }

  /** Caller speech sent as a WAV body. */
  GraphResponse speechWav(Buffer wav) {
    GraphResponse reply = handle(GraphRequests.speakWav(wav.getBytes()));
    fx.replied("caller.speech", reply);
    return reply;
  }

  /** Id of the operation a reply created (also checks the Location header path). */
  String opId(GraphResponse reply) {
    String opId = reply.body().getString("id");
    assertThat(reply.location()).isEqualTo(Graph.operationPath(id, opId));
    return opId;
  }

  /** Sends a request that must fail, and checks that it changed nothing: no effect, same call, same timers. */
  ApiException rejected(String action, JsonObject body) {
    int before = fx.log().size();
    JsonObject call = callJson();
    Map<TimerKey, Long> timers = fx.armedTimers();
    ApiException e = catchThrowableOfType(ApiException.class, () -> handle(command(action, body)));
    assertThat(e).as("%s should be rejected", action).isNotNull();
    assertThat(fx.log().subList(before, fx.log().size())).as("effects of a rejected %s", action).isEmpty();
    assertThat(callJson()).isEqualTo(call);
    assertThat(fx.armedTimers()).isEqualTo(timers);
    return e;
  }

  JsonObject operation(String opId) {
    return handle(new CallProtocol.GetOperation(opId)).body();
  }

  /** Everything the caller heard so far, decoded. */
  Clip heard() {
    GraphResponse r = handle(CallProtocol.GET_HEARD);
    assertThat(r.contentType()).isEqualTo("audio/wav");
    try {
      return Wav.parseStrict(r.payload().getBytes());
    } catch (io.callvert.runtime.audio.AudioFormatException e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------ time

  long now() {
    return clock.now();
  }

  /** Moves time forward by {@code ms}, firing every timer that falls due on the way, in order. */
  void advance(long ms) {
    advanceTo(clock.now() + ms);
  }

  void advanceTo(long target) {
    while (true) {
      var due = fx.popDue(target);
      if (due.isEmpty()) {
        break;
      }
      clock.set(Math.max(clock.now(), due.get().getValue()));
      session.onTimer(due.get().getKey());
    }
    clock.set(target);
  }

  // ------------------------------------------------------------------ media

  /** Fetches requested and not answered yet, oldest first. */
  List<Fetch> pendingFetches() {
    List<Fetch> out = new ArrayList<>();
    List<FakeEffects.Effect> log = fx.log();
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i) instanceof Fetch f && !answeredFetches.contains(i)) {
        out.add(f);
      }
    }
    return out;
  }

  Fetch fetchOf(String opId) {
    return pendingFetches().stream().filter(f -> f.opId().equals(opId)).findFirst()
        .orElseThrow(() -> new AssertionError("no pending fetch for " + opId));
  }

  /** Answers the pending fetch of {@code opId} with the given clips. */
  void mediaReady(String opId, Clip... clips) {
    markAnswered(opId);
    session.onMediaReady(opId, Arrays.asList(clips));
  }

  void mediaFailed(String opId, String detail) {
    markAnswered(opId);
    session.onMediaFailed(opId, detail);
  }

  private void markAnswered(String opId) {
    List<FakeEffects.Effect> log = fx.log();
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i) instanceof Fetch f && f.opId().equals(opId) && !answeredFetches.contains(i)) {
        answeredFetches.add(i);
        return;
      }
    }
    throw new AssertionError("no pending fetch for " + opId);
  }

  // ------------------------------------------------------------------ notifications

  List<Notified> notifications() {
    return fx.notifications();
  }

  List<Notified> about(String opId) {
    return notifications().stream().filter(n -> opId.equals(n.operationId())).toList();
  }

  /** The single notification about {@code opId}; fails if there is none or more than one. */
  Notified terminal(String opId) {
    List<Notified> ns = about(opId);
    assertThat(ns).as("notifications about operation %s", opId).hasSize(1);
    return ns.get(0);
  }

  List<Notified> callNotifications() {
    return notifications().stream().filter(n -> n.operationId() == null).toList();
  }

  Notified lastCallNotification() {
    List<Notified> ns = callNotifications();
    assertThat(ns).isNotEmpty();
    return ns.get(ns.size() - 1);
  }

  /** The recording whose id ends {@code location}. */
  Stored recordingAt(String location) {
    return fx.all(Stored.class).stream()
        .filter(s -> location.equals(BASE + "/callvert/calls/" + id + "/recordings/" + s.recordingId()))
        .findFirst().orElseThrow(() -> new AssertionError("no stored recording for " + location));
  }

  /** Index in the effect log of the reply that released {@code gate}, or -1. */
  int replyIndex(String gate) {
    List<FakeEffects.Effect> log = fx.log();
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i) instanceof Replied r && gate.equals(r.reply().release())) {
        return i;
      }
    }
    return -1;
  }

  String callPath() {
    return Graph.callPath(id);
  }

  String opPath(String opId) {
    return Graph.operationPath(id, opId);
  }
}
