package io.callvert.runtime.call;

import io.callvert.config.CallsOptions;
import io.callvert.config.CalleeOptions;
import io.callvert.config.CalleeRule;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.api.Fields;
import io.callvert.runtime.api.Graph;
import io.callvert.runtime.api.Ids;
import io.callvert.runtime.audio.AudioFormatException;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.EnergyDetector;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.audio.Wav;
import io.callvert.runtime.clock.Clock;
import io.callvert.runtime.protocol.CallReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The deterministic state machine of one call: Graph requests, simulated-caller input, clock ticks
 * and media results go in; replies come out, and {@link Effects} (notifications, timers, fetches,
 * recordings) are requested in order. It does no I/O and reads time only from its {@link Clock},
 * so it is unit-tested without Vert.x and replays identically.
 *
 * <p>Not thread-safe: its host (one call verticle) feeds it from a single context.
 *
 * <p>Contract rules it implements: 6–15 of {@code contract-decisions.md} (operations, causality
 * gates, exactly-one terminal notification, the media FIFO, cancellation, barge-in, completion
 * payloads, tones, lifecycle).
 */
public final class CallSession {

  /** What a session needs from its node. */
  public record Env(Clock clock, CallsOptions calls, CalleeOptions callee, String defaultAppId, EnergyDetector detector) {
  }

  /** Length of the record beep. */
  public static final int BEEP_MS = 250;
  /** Length of each DTMF tone Callvert sends for sendDtmfTones. */
  public static final int DTMF_TONE_MS = 100;
  /** Caller key presses: each tone lasts this long ... */
  public static final int CALLER_TONE_MS = 80;
  /** ... and presses are this far apart; the first is detected at once. */
  public static final int CALLER_TONE_SPACING_MS = 100;
  /** Terminal operations kept for GET: beyond this many per call they are forgotten, oldest first. */
  static final int MAX_REMEMBERED_OPERATIONS = 1000;

  private final String id;
  private final boolean incoming;
  private final Env env;
  private final Effects fx;

  private String state;
  private String callbackUri;
  private final String tenantId;
  // Echoed request objects are kept encoded: an idle call must stay small, and they are read rarely.
  private final String sourceJson;
  private final String targetsJson;
  private final String modalitiesJson;
  private String mediaConfigJson;
  private final String subject;
  private final String appId;
  private JsonObject resultInfo;
  private JsonObject toneInfo;
  private final CalleeRule calleeRule;

  // sized for an idle call: most calls queue a handful of operations at most, and 100k calls add up
  private final ArrayDeque<Operation> mediaQueue = new ArrayDeque<>(1);
  private final ArrayDeque<Operation> dtmfQueue = new ArrayDeque<>(1);
  /** Terminal operations, oldest first, compact (see {@link Operation.Done}); created with the first. */
  private ArrayDeque<Operation.Done> done;
  private boolean toneSubscribed;
  private long toneSequence;
  private long callerToneCounter;
  /** Caller key presses waiting for their timer; created on the first press. */
  private Map<String, Character> pendingCallerTones;
  /** When the simulated caller may press the next key (keys are never pressed on top of each other). */
  private long callerKeypadFreeAt;
  private final HeardTimeline heard = new HeardTimeline();
  private final CallerAudio caller;

  private CallSession(String id, boolean incoming, Env env, Effects fx, JsonObject body) {
    this.id = id;
    this.incoming = incoming;
    this.env = env;
    this.fx = fx;
    this.caller = new CallerAudio(env.detector());
    // a bot's callback, tenant and app id repeat across its calls: one shared copy each
    this.callbackUri = Ids.shared(Fields.callbackUri(Fields.requiredString(body, "callbackUri", "callbackUri"), "callbackUri"));
    this.tenantId = Ids.shared(Fields.string(body, "tenantId", "tenantId"));
    this.subject = Fields.string(body, "subject", "subject");
    this.modalitiesJson = Ids.shared(modalities(Fields.array(body, "requestedModalities", "requestedModalities"), "requestedModalities").encode());
    JsonObject src = Fields.object(body, "source", "source");
    JsonArray tgts = Fields.array(body, "targets", "targets");
    if (incoming) {
      this.sourceJson = GraphShapes.participantInfo(src != null ? src : GraphShapes.defaultCaller(), "source").encode();
      this.appId = env.defaultAppId();
      this.targetsJson = (tgts != null ? GraphShapes.invitationTargets(tgts)
          : new JsonArray().add(GraphShapes.invitationParticipant(GraphShapes.application(appId, "Callvert bot")))).encode();
      this.state = "incoming";
      this.calleeRule = null;
    } else {
      if (tgts == null || tgts.isEmpty()) {
        throw ApiException.invalidRequest("'targets' is required and must hold at least one invitationParticipantInfo.");
      }
      if (Fields.object(body, "meetingInfo", "meetingInfo") != null) {
        throw ApiException.invalidRequest("'meetingInfo': joining meetings is not supported by Callvert; place a peer-to-peer call with 'targets'.");
      }
      JsonArray normalisedTargets = GraphShapes.invitationTargets(tgts);
      this.targetsJson = normalisedTargets.encode();
      this.sourceJson = src != null ? GraphShapes.participantInfo(src, "source").encode() : null;
      String sourceApp = src == null ? null
          : GraphShapes.identityId(src.getJsonObject("identity"), "application");
      this.appId = sourceApp != null ? Ids.shared(sourceApp) : env.defaultAppId();
      this.mediaConfigJson = Ids.shared(mediaConfig(Fields.object(body, "mediaConfig", "mediaConfig"), true).encode());
      this.state = "establishing";
      this.calleeRule = env.callee().ruleFor(GraphShapes.targetId(normalisedTargets.getJsonObject(0)));
    }
  }

  /** A call the bot places ({@code POST /communications/calls}); validates the body. */
  public static CallSession outgoing(String id, JsonObject body, Env env, Effects fx) {
    return new CallSession(id, false, env, fx, body == null ? new JsonObject() : body);
  }

  /** A call the simulated caller places to the bot ({@code POST /callvert/calls}); validates the body. */
  public static CallSession incoming(String id, JsonObject body, Env env, Effects fx) {
    return new CallSession(id, true, env, fx, body == null ? new JsonObject() : body);
  }

  // ------------------------------------------------------------------ lifecycle inputs

  /** First input of a new session: announce it and arm its timers. */
  public void start() {
    long now = now();
    fx.schedule("keepAlive", now + env.calls().keepAliveTimeoutMs());
    if (incoming) {
      fx.notify(out(Graph.notification("created", Graph.callPath(id), toJson().put("@odata.id", Graph.callPath(id))), id));
      fx.schedule("answerDeadline", now + env.calls().answerDeadlineMs());
    } else {
      notifyState("establishing", id);
      long delay = switch (calleeRule.behaviour()) {
        case NO_ANSWER -> env.callee().ringTimeoutMs();
        case UNREACHABLE -> 0; // fails at once (still after the 201: it is a timer input)
        default -> calleeRule.answerDelayMs();
      };
      fx.schedule("callee", now + delay);
      prefetch();
    }
  }

  /** The reply to the request that created the call. */
  public CallReply createdReply() {
    return CallReply.json(201, toJson()).withLocation(Graph.callPath(id), id);
  }

  public String id() {
    return id;
  }

  public boolean isTerminated() {
    return "terminated".equals(state);
  }

  public String state() {
    return state;
  }

  // ------------------------------------------------------------------ requests

  /**
   * Handles one request addressed to this call.
   *
   * @param action  lower-case action: {@code get, delete, answer, reject, redirect, keepalive,
   *                playprompt, recordresponse, cancelmediaprocessing, subscribetotone, senddtmftones,
   *                operation, caller.tones, caller.speech, caller.hangup, heard}
   * @param body    request body (may be null)
   * @param baseUrl scheme, host and mount prefix of the request, for URLs Callvert emits later
   * @param payload binary body (caller speech WAV), or null
   * @throws ApiException for every client error
   */
  public CallReply handle(String action, JsonObject body, String baseUrl, Buffer payload) {
    if (isTerminated()) {
      return handleEnded(action, body);
    }
    switch (action) {
      case "get":
        return CallReply.json(200, toJson());
      case "operation":
        return getOperation(body);
      case "heard":
        return heardReply();
      case "delete":
        terminate(200, 7000, "The call was ended by the bot.", true);
        return CallReply.empty(204);
      case "keepalive":
        fx.schedule("keepAlive", now() + env.calls().keepAliveTimeoutMs());
        return CallReply.empty(200);
      case "answer":
        return answer(body);
      case "reject":
        return reject(body);
      case "redirect":
        return redirect(body);
      case "playprompt":
        return playPrompt(body);
      case "recordresponse":
        return recordResponse(body, baseUrl);
      case "cancelmediaprocessing":
        return cancelMediaProcessing(body);
      case "subscribetotone":
        return subscribeToTone(body);
      case "senddtmftones":
        return sendDtmfTones(body);
      case "caller.tones":
        return callerTones(body);
      case "caller.speech":
        return callerSpeech(body, payload);
      case "caller.hangup":
        terminate(200, 4097, "The other party ended the call.", false);
        return CallReply.empty(202);
      case "shutdown":
        terminate(503, 0, "The call was ended because its Callvert node shut down.", false);
        return CallReply.empty(202);
      default:
        throw ApiException.itemNotFound("Unknown action '" + action + "'.");
    }
  }

  private CallReply handleEnded(String action, JsonObject body) {
    switch (action) {
      case "get":
        return CallReply.json(200, toJson());
      case "operation":
        return getOperation(body);
      case "heard":
        return heardReply();
      case "answer":
      case "reject":
      case "redirect":
        throw ApiException.invalidRequest("Call is in state 'terminated'; " + action + " requires state 'incoming'.");
      default:
        throw ApiException.callNotFound();
    }
  }

  private CallReply getOperation(JsonObject body) {
    String opId = Ids.canonical(body == null ? null : body.getString("operationId"));
    Operation op = live(opId);
    if (op != null) {
      return CallReply.json(200, op.toJson());
    }
    Operation.Done d = findDone(opId);
    if (d == null) {
      throw ApiException.operationNotFound(opId);
    }
    return CallReply.json(200, d.toJson());
  }

  /**
   * The live operation {@code opId}, or null. Every operation that is not terminal waits or runs in
   * the media queue or the DTMF queue (cancel and subscribe are terminal at once), and leaves it
   * when it ends, so the queues are the index: no per-call map (bounded by the queue limits).
   */
  private Operation live(String opId) {
    if (opId == null) {
      return null;
    }
    for (Operation op : mediaQueue) {
      if (op.id.equals(opId)) {
        return op;
      }
    }
    for (Operation op : dtmfQueue) {
      if (op.id.equals(opId)) {
        return op;
      }
    }
    return null;
  }

  /** The remembered terminal operation {@code opId}, newest first; null if none (or not a GUID). */
  private Operation.Done findDone(String opId) {
    if (done == null || opId == null) {
      return null;
    }
    java.util.UUID u;
    try {
      u = java.util.UUID.fromString(opId);
    } catch (IllegalArgumentException notAGuid) {
      return null;
    }
    if (!u.toString().equals(opId)) {
      return null; // UUID.fromString is lenient (e.g. short groups): ids are matched exactly
    }
    long high = u.getMostSignificantBits();
    long low = u.getLeastSignificantBits();
    for (Iterator<Operation.Done> it = done.descendingIterator(); it.hasNext(); ) {
      Operation.Done d = it.next();
      if (d.is(high, low)) {
        return d;
      }
    }
    return null;
  }

  /**
   * Remembers an operation that just became terminal in the compact history, where GET still finds
   * it (rule 6); the oldest is forgotten beyond {@link #MAX_REMEMBERED_OPERATIONS}.
   */
  private void retire(Operation op) {
    if (done == null) {
      done = new ArrayDeque<>(2);
    }
    done.addLast(Operation.Done.of(op));
    if (done.size() > MAX_REMEMBERED_OPERATIONS) {
      done.pollFirst();
    }
  }

  private CallReply heardReply() {
    return CallReply.binary(Buffer.buffer(Wav.render(heardSlices())), "audio/wav");
  }

  /**
   * What the caller heard so far as immutable slices: hosts render the WAV from them off the event
   * loop (a long call's audio is megabytes); {@code handle("heard")} renders inline for tests.
   */
  public List<Wav.Slice> heardSlices() {
    return heard.slices(now());
  }

  private CallReply answer(JsonObject body) {
    if (!incoming) {
      throw ApiException.invalidRequest("answer is only valid for incoming calls; this call is outgoing (state '" + state + "').");
    }
    requireState("incoming", "answer");
    JsonObject b = body == null ? new JsonObject() : body;
    String cb = Fields.string(b, "callbackUri", "callbackUri");
    JsonArray accepted = Fields.array(b, "acceptedModalities", "acceptedModalities");
    if (accepted == null || accepted.isEmpty()) {
      throw ApiException.invalidRequest("'acceptedModalities' is required (e.g. [\"audio\"]).");
    }
    modalities(accepted, "acceptedModalities");
    JsonObject mc = mediaConfig(Fields.object(b, "mediaConfig", "mediaConfig"), true);
    if (cb != null) {
      callbackUri = Ids.shared(Fields.callbackUri(cb, "callbackUri"));
    }
    mediaConfigJson = Ids.shared(mc.encode());
    fx.cancelTimer("answerDeadline");
    prefetch();
    notifyState("establishing", null);
    notifyState("established", null);
    return CallReply.empty(202);
  }

  private CallReply reject(JsonObject body) {
    if (!incoming) {
      throw ApiException.invalidRequest("reject is only valid for incoming calls; this call is outgoing (state '" + state + "').");
    }
    requireState("incoming", "reject");
    String reason = Fields.string(body, "reason", "reason");
    String r = reason == null ? "none" : reason.toLowerCase(Locale.ROOT);
    int code = switch (r) {
      case "none" -> 603;
      case "busy" -> 486;
      case "forbidden" -> 403;
      default -> throw ApiException.invalidRequest("'reason' must be one of none, busy, forbidden; got '" + reason + "'.");
    };
    String cb = Fields.string(body, "callbackUri", "callbackUri");
    if (cb != null) {
      callbackUri = Ids.shared(Fields.callbackUri(cb, "callbackUri"));
    }
    terminate(code, 0, "The call was rejected by the bot (reason: " + r + ").", false);
    return CallReply.empty(202);
  }

  private CallReply redirect(JsonObject body) {
    if (!incoming) {
      throw ApiException.invalidRequest("redirect is only valid for incoming calls; this call is outgoing (state '" + state + "').");
    }
    requireState("incoming", "redirect");
    JsonArray t = Fields.array(body, "targets", "targets");
    if (t == null || t.isEmpty() || t.size() > 25) {
      throw ApiException.invalidRequest("'targets' is required and must hold 1 to 25 invitationParticipantInfo.");
    }
    GraphShapes.invitationTargets(t);
    Fields.intInRange(body, "timeout", 55, 15, 90);
    String cb = Fields.string(body, "callbackUri", "callbackUri");
    if (cb != null) {
      callbackUri = Ids.shared(Fields.callbackUri(cb, "callbackUri"));
    }
    terminate(302, 0, "The call was redirected by the bot.", false);
    return CallReply.empty(202);
  }

  private CallReply playPrompt(JsonObject body) {
    requireState("established", "playPrompt");
    String cc = Fields.clientContext(body);
    List<MediaRef> media = prompts(body, 1, 20);
    checkQueueRoom();
    Operation op = newOperation(Operation.Kind.PLAY_PROMPT, cc);
    op.media = media;
    return enqueueMedia(op);
  }

  private CallReply recordResponse(JsonObject body, String baseUrl) {
    requireState("established", "recordResponse");
    JsonObject b = body == null ? new JsonObject() : body;
    String cc = Fields.clientContext(b);
    List<MediaRef> media = prompts(b, 0, 1);
    Boolean bargeIn = Fields.bool(b, "bargeInAllowed", "bargeInAllowed");
    Boolean beep = Fields.bool(b, "playBeep", "playBeep");
    int initial = Fields.intInRange(b, "initialSilenceTimeoutInSeconds", 5, 1, 120);
    int silence = Fields.intInRange(b, "maxSilenceTimeoutInSeconds", 5, 1, 120);
    int max = Fields.intInRange(b, "maxRecordDurationInSeconds", 5, 1, 120);
    String stopTones = stopTones(Fields.array(b, "stopTones", "stopTones"));
    boolean barge = bargeIn != null && bargeIn;
    if (!barge) {
      checkQueueRoom();
    }
    if (barge) {
      cancelMediaQueue();
    }
    Operation op = newOperation(Operation.Kind.RECORD, cc);
    op.media = media;
    op.bargeIn = barge;
    op.playBeep = beep == null || beep;
    op.initialSilenceMs = initial * 1000L;
    op.maxSilenceMs = silence * 1000L;
    op.maxDurationMs = max * 1000L;
    op.stopTones = stopTones;
    op.recordingBaseUrl = baseUrl == null ? "" : baseUrl;
    return enqueueMedia(op);
  }

  private CallReply cancelMediaProcessing(JsonObject body) {
    requireState("established", "cancelMediaProcessing");
    String cc = Fields.clientContext(body);
    cancelMediaQueue();
    return completedAtOnce(Operation.Kind.CANCEL_MEDIA, cc);
  }

  private CallReply subscribeToTone(JsonObject body) {
    requireState("established", "subscribeToTone");
    String cc = Fields.clientContext(body);
    toneSubscribed = true;
    return completedAtOnce(Operation.Kind.SUBSCRIBE_TONE, cc);
  }

  /**
   * An operation that is complete when it is answered (cancel, subscribe): {@code 200} with it and
   * its {@code Location}, no notification, and straight into the remembered terminal operations.
   */
  private CallReply completedAtOnce(Operation.Kind kind, String clientContext) {
    Operation op = newOperation(kind, clientContext);
    op.status = "completed";
    op.result = Result.OK;
    op.terminal = true;
    retire(op);
    return CallReply.json(200, op.toJson()).withLocation(Graph.operationPath(id, op.id), null);
  }

  private CallReply sendDtmfTones(JsonObject body) {
    requireState("established", "sendDtmfTones");
    JsonObject b = body == null ? new JsonObject() : body;
    String cc = Fields.clientContext(b);
    JsonArray tones = Fields.array(b, "tones", "tones");
    if (tones == null || tones.isEmpty()) {
      throw ApiException.invalidRequest("'tones' is required and must hold at least one tone (e.g. \"tone1\", \"pound\").");
    }
    if (tones.size() > 64) {
      throw ApiException.invalidRequest("'tones' holds " + tones.size() + " tones; at most 64 are allowed.");
    }
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < tones.size(); i++) {
      Object t = tones.getValue(i);
      String name = t instanceof String s ? s : t instanceof JsonObject o ? o.getString("tone") : null;
      try {
        keys.append(Tones.keyOf(name));
      } catch (RuntimeException e) {
        throw ApiException.invalidRequest("'tones[" + i + "]' must be a tone (tone0-tone9, star, pound, a-d), got " + t + ".");
      }
    }
    int delay = Fields.intInRange(b, "delayBetweenTonesMs", 100, 0, 10_000);
    if (dtmfQueue.size() >= env.calls().mediaQueueLimit()) {
      throw ApiException.queueFull(env.calls().mediaQueueLimit());
    }
    Operation op = newOperation(Operation.Kind.SEND_DTMF, cc);
    op.dtmfKeys = keys.toString();
    op.dtmfDelayMs = delay;
    op.status = dtmfQueue.isEmpty() ? "running" : "notStarted";
    dtmfQueue.add(op);
    if (dtmfQueue.size() == 1) {
      startDtmf(op);
    }
    return CallReply.json(200, op.toJson()).withLocation(Graph.operationPath(id, op.id), op.id);
  }

  private CallReply callerTones(JsonObject body) {
    requireState("established", "caller tones");
    String tones = Fields.requiredString(body, "tones", "tones");
    if (tones.length() > 64) {
      throw ApiException.invalidRequest("'tones' holds " + tones.length() + " keys; at most 64 are allowed.");
    }
    for (int i = 0; i < tones.length(); i++) {
      char c = Character.toUpperCase(tones.charAt(i));
      if ("0123456789*#ABCD".indexOf(c) < 0) {
        throw ApiException.invalidRequest("'tones' may only hold 0-9 * # A-D; got '" + tones.charAt(i) + "' at position " + i + ".");
      }
    }
    long now = now();
    // One caller, one keypad: keys of this request are pressed after those still pending.
    long first = Math.max(now, callerKeypadFreeAt);
    for (int i = 0; i < tones.length(); i++) {
      char c = Character.toUpperCase(tones.charAt(i));
      long at = first + (long) i * CALLER_TONE_SPACING_MS;
      if (at == now) {
        callerTone(c, now);
      } else {
        String key = "ctone:" + (++callerToneCounter);
        if (pendingCallerTones == null) {
          pendingCallerTones = new HashMap<>(4);
        }
        pendingCallerTones.put(key, c);
        fx.schedule(key, at);
      }
    }
    callerKeypadFreeAt = first + (long) tones.length() * CALLER_TONE_SPACING_MS;
    return CallReply.empty(202);
  }

  private CallReply callerSpeech(JsonObject body, Buffer payload) {
    requireState("established", "caller speech");
    Clip clip;
    if (payload != null) {
      try {
        clip = Wav.parseAndConvert(payload.getBytes());
      } catch (AudioFormatException e) {
        throw ApiException.invalidRequest("The speech body is not a usable WAV: " + e.getMessage());
      }
    } else {
      int ms = Fields.intInRange(body, "durationMs", -1, 1, 120_000);
      if (ms < 0) {
        throw ApiException.invalidRequest("'durationMs' is required (or send a WAV body with Content-Type audio/wav).");
      }
      clip = Tones.speech(ms, callerToneCounter++ ^ id.hashCode());
    }
    long now = now();
    forgetUnrecordableAudio(now);
    caller.add(now, clip);
    Operation head = mediaQueue.peek();
    if (head != null && head.kind == Operation.Kind.RECORD && head.phase == Operation.Phase.LISTENING) {
      trackVoice(head);
    }
    return CallReply.empty(202);
  }

  // ------------------------------------------------------------------ asynchronous inputs

  /** A timer armed through {@link Effects#schedule} fired. Stale timers are ignored. */
  public void onTimer(String key) {
    if (isTerminated()) {
      return;
    }
    switch (key) {
      case "keepAlive" -> terminate(408, 8537, "The call was inactive (no keepAlive for "
          + spoken(env.calls().keepAliveTimeoutMs()) + ") and has been ended.", false);
      case "answerDeadline" -> {
        if ("incoming".equals(state)) {
          terminate(408, 1106, "Call acceptance was not acknowledged in time.", false);
        }
      }
      case "callee" -> calleeDecided();
      default -> onOperationTimer(key);
    }
  }

  /** The media of {@code opId} was fetched and decoded, clips in prompt order. */
  public void onMediaReady(String opId, List<Clip> clips) {
    Operation op = live(opId);
    if (op == null || op.terminal || op.phase != Operation.Phase.FETCHING || isTerminated()) {
      return;
    }
    long now = now();
    op.playing = List.copyOf(clips);
    op.heardItem = heard.start(op.playing, now);
    op.phase = op.kind == Operation.Kind.RECORD ? Operation.Phase.PROMPT : Operation.Phase.PLAYING;
    fx.schedule(timerKey(op), now + totalMs(op.playing));
  }

  /** The media of {@code opId} could not be fetched or is not a Graph-playable WAV. */
  public void onMediaFailed(String opId, String detail) {
    Operation op = live(opId);
    if (op == null || op.terminal || op.phase != Operation.Phase.FETCHING || isTerminated()) {
      return;
    }
    Result ri = Result.promptFailed(detail);
    if (op.kind == Operation.Kind.RECORD) {
      op.recordingLocation = "";
      op.recordingAccessToken = "";
      finish(op, "failed", ri, "playPromptFailed");
    } else {
      finish(op, "failed", ri, "unknown");
    }
    mediaQueue.remove(op);
    startNextMedia();
  }

  // ------------------------------------------------------------------ media queue

  private Operation newOperation(Operation.Kind kind, String clientContext) {
    return new Operation(Ids.newId(), kind, clientContext, "notStarted");
  }

  private void checkQueueRoom() {
    if (mediaQueue.size() >= env.calls().mediaQueueLimit()) {
      throw ApiException.queueFull(env.calls().mediaQueueLimit());
    }
  }

  private CallReply enqueueMedia(Operation op) {
    mediaQueue.add(op);
    if (mediaQueue.peek() == op) {
      startMedia(op);
    }
    // The reply shows the status at acceptance: running when it started at once, notStarted when queued.
    JsonObject json = op.toJson();
    return CallReply.json(200, json).withLocation(Graph.operationPath(id, op.id), op.id);
  }

  private void startNextMedia() {
    Operation head = mediaQueue.peek();
    if (head != null && head.phase == Operation.Phase.QUEUED && !isTerminated()) {
      startMedia(head);
    }
  }

  private void startMedia(Operation op) {
    op.status = "running";
    if (op.media.isEmpty()) {
      afterPrompt(op);
    } else {
      op.phase = Operation.Phase.FETCHING;
      fx.fetchMedia(op.id, op.media);
    }
  }

  private void afterPrompt(Operation op) {
    if (op.playBeep) {
      long now = now();
      op.phase = Operation.Phase.BEEP;
      op.playing = List.of(BEEP);
      op.heardItem = heard.start(op.playing, now);
      fx.schedule(timerKey(op), now + BEEP_MS);
    } else {
      beginListening(op);
    }
  }

  private static final Clip BEEP = Tones.beep(BEEP_MS);

  private void beginListening(Operation op) {
    long now = now();
    op.phase = Operation.Phase.LISTENING;
    op.playing = List.of();
    op.heardItem = null;
    op.windowStart = now;
    caller.prune(now);
    fx.schedule(timerKey(op) + ":max", now + op.maxDurationMs);
    trackVoice(op);
  }

  /** Re-derives the silence timer of a listening record from the caller's voiced audio. */
  private void trackVoice(Operation op) {
    long w = op.windowStart;
    long first = caller.firstVoice(w);
    if (first >= 0 && first < w + op.initialSilenceMs) {
      op.firstVoice = first;
      op.lastVoiceEnd = caller.lastVoiceEnd(w);
      fx.schedule(timerKey(op) + ":silence", op.lastVoiceEnd + op.maxSilenceMs);
    } else {
      fx.schedule(timerKey(op) + ":silence", w + op.initialSilenceMs);
    }
  }

  private static String timerKey(Operation op) {
    return "op:" + op.id;
  }

  private void onOperationTimer(String key) {
    if (key.startsWith("ctone:")) {
      Character c = pendingCallerTones == null ? null : pendingCallerTones.remove(key);
      if (c != null) {
        callerTone(c, now());
      }
      return;
    }
    if (!key.startsWith("op:")) {
      return;
    }
    String rest = key.substring(3);
    int colon = rest.indexOf(':');
    String opId = colon < 0 ? rest : rest.substring(0, colon);
    String which = colon < 0 ? "" : rest.substring(colon + 1);
    Operation op = live(opId);
    if (op == null || op.terminal) {
      return;
    }
    if (op.kind == Operation.Kind.SEND_DTMF) {
      finish(op, "completed", Result.OK, "completedSuccessfully");
      dtmfQueue.remove(op);
      Operation next = dtmfQueue.peek();
      if (next != null) {
        next.status = "running";
        startDtmf(next);
      }
      return;
    }
    switch (which) {
      case "" -> {
        switch (op.phase) {
          case PLAYING -> {
            finish(op, "completed", Result.OK, "completedSuccessfully");
            mediaQueue.remove(op);
            startNextMedia();
          }
          case PROMPT -> afterPrompt(op);
          case BEEP -> beginListening(op);
          default -> { }
        }
      }
      case "max" -> {
        long now = now();
        if (op.firstVoice < 0 && now >= op.windowStart + op.initialSilenceMs) {
          // The initial silence timeout is due at the same instant (both default to 5 s) and the
          // caller never spoke: that is "no speech at all", whichever timer the scheduler fires first.
          failInitialSilence(op);
        } else {
          endRecord(op, now, Result.MAX_DURATION, "maxRecordDurationReached");
        }
      }
      case "silence" -> {
        long now = now();
        if (op.firstVoice >= 0 && op.firstVoice < now) {
          endRecord(op, now, Result.MAX_SILENCE, "maxSilenceTimeout");
        } else {
          failInitialSilence(op);
        }
      }
      default -> { }
    }
  }

  private void failInitialSilence(Operation op) {
    op.recordingLocation = "";
    op.recordingAccessToken = "";
    endMedia(op, "failed", Result.INITIAL_SILENCE, "initialSilenceTimeout");
  }

  /** Ends a record successfully at {@code end}, publishing what the caller said in the window. */
  private void endRecord(Operation op, long end, Result result, String reason) {
    if (op.windowStart < 0) {
      // a stop tone during the prompt or beep: the prompt stops and nothing was recorded yet
      HeardTimeline.cut(op.heardItem, end);
      op.windowStart = end;
    }
    publishRecording(op, Math.min(end, op.windowStart + op.maxDurationMs));
    endMedia(op, "completed", result, reason);
  }

  private void publishRecording(Operation op, long end) {
    java.util.function.Supplier<Clip> audio = caller.renderer(op.windowStart, end);
    String recordingId = Ids.newId();
    String token = Ids.secretToken();
    fx.storeRecording(recordingId, token, audio);
    // the call id in the path lets any node of a cluster find the node holding the recording
    op.recordingLocation = op.recordingBaseUrl + "/callvert/calls/" + id + "/recordings/" + recordingId;
    op.recordingAccessToken = token;
  }

  private void endMedia(Operation op, String status, Result ri, String reason) {
    finish(op, status, ri, reason);
    mediaQueue.remove(op);
    startNextMedia();
  }

  /** Cancels the running media operation and every queued one, in queue order (rules 10, 11, 12). */
  private void cancelMediaQueue() {
    long now = now();
    List<Operation> cancelled = new ArrayList<>(mediaQueue);
    mediaQueue.clear();
    for (Operation op : cancelled) {
      HeardTimeline.cut(op.heardItem, now);
      Result ri = Result.CANCELLED;
      if (op.kind == Operation.Kind.RECORD) {
        op.recordingLocation = "";
        op.recordingAccessToken = "";
        finish(op, "failed", ri, "operationCanceled");
      } else {
        finish(op, "failed", ri, "mediaOperationCanceled");
      }
    }
  }

  /**
   * The one place an operation ends: sets its terminal state, disarms its timers and produces its
   * single {@code deleted} notification, gated on its own id (rules 7 and 8).
   */
  private void finish(Operation op, String status, Result ri, String reason) {
    if (op.terminal) {
      return;
    }
    op.terminal = true;
    op.phase = Operation.Phase.DONE;
    op.status = status;
    op.result = ri;
    op.completionReason = reason;
    String key = timerKey(op);
    fx.cancelTimer(key);
    if (op.kind == Operation.Kind.RECORD) {
      fx.cancelTimer(key + ":max");
      fx.cancelTimer(key + ":silence");
    }
    String path = Graph.operationPath(id, op.id);
    fx.notify(out(Graph.notification("deleted", path, op.toJson().put("@odata.id", path)), op.id));
    retire(op);
  }

  private void startDtmf(Operation op) {
    long now = now();
    List<Clip> clips = new ArrayList<>();
    for (int i = 0; i < op.dtmfKeys.length(); i++) {
      if (i > 0 && op.dtmfDelayMs > 0) {
        clips.add(Clip.silence(op.dtmfDelayMs));
      }
      clips.add(Tones.dtmf(op.dtmfKeys.charAt(i), DTMF_TONE_MS));
    }
    op.phase = Operation.Phase.PLAYING;
    op.playing = clips;
    op.heardItem = heard.start(clips, now);
    fx.schedule(timerKey(op), now + totalMs(clips));
  }

  // ------------------------------------------------------------------ caller side

  private void callerTone(char key, long now) {
    forgetUnrecordableAudio(now);
    caller.add(now, Tones.dtmf(key, CALLER_TONE_MS));
    if (toneSubscribed) {
      toneInfo = new JsonObject()
          .put("@odata.type", Graph.type("toneInfo"))
          .put("sequenceId", ++toneSequence)
          .put("tone", Tones.toneName(key));
      JsonObject data = callStub().put("state", state).put("toneInfo", toneInfo);
      fx.notify(out(Graph.notification("updated", Graph.callPath(id), data), null));
    }
    Operation head = mediaQueue.peek();
    if (head != null && head.kind == Operation.Kind.RECORD && !head.terminal && head.phase != Operation.Phase.QUEUED) {
      if (head.stopTones.indexOf(key) >= 0) {
        endRecord(head, now, Result.STOP_TONE, "stopToneDetected");
      } else if (head.phase == Operation.Phase.LISTENING) {
        trackVoice(head);
      }
    }
  }

  /**
   * Caller audio that ended before any window that can still record it is dropped, so a long call
   * full of speech and no records does not grow: a listening record needs audio from its window
   * start, any later record from its own (later) start.
   */
  private void forgetUnrecordableAudio(long now) {
    Operation head = mediaQueue.peek();
    boolean listening = head != null && head.kind == Operation.Kind.RECORD && head.phase == Operation.Phase.LISTENING;
    caller.prune(listening ? head.windowStart : now);
  }

  // ------------------------------------------------------------------ call lifecycle

  private void calleeDecided() {
    if (!"establishing".equals(state)) {
      return;
    }
    switch (calleeRule.behaviour()) {
      case ANSWER -> notifyState("established", null);
      case BUSY -> terminate(486, 0, "The callee is busy.", false);
      case NO_ANSWER -> terminate(408, 10057, "The callee did not answer.", false);
      case UNREACHABLE -> terminate(480, 10076, "The callee is unreachable.", false);
      default -> { }
    }
  }

  /**
   * Ends the call: optionally announces {@code terminating}, ends every media and DTMF operation
   * with 410/8509 (a record keeps what it captured), then announces {@code terminated}.
   */
  private void terminate(int code, int subcode, String message, boolean announceTerminating) {
    long now = now();
    if (announceTerminating) {
      notifyState("terminating", null);
    }
    List<Operation> live = new ArrayList<>(mediaQueue);
    live.addAll(dtmfQueue);
    mediaQueue.clear();
    dtmfQueue.clear();
    for (Operation op : live) {
      HeardTimeline.cut(op.heardItem, now);
      Result ri = Result.CALL_ENDED;
      if (op.kind == Operation.Kind.RECORD) {
        if (op.windowStart >= 0 && now > op.windowStart) {
          publishRecording(op, Math.min(now, op.windowStart + op.maxDurationMs));
        } else {
          op.recordingLocation = "";
          op.recordingAccessToken = "";
        }
        finish(op, "failed", ri, "unspecifiedError");
      } else {
        finish(op, "failed", ri, "unknown");
      }
    }
    for (String key : pendingCallerTones == null ? java.util.Set.<String>of() : pendingCallerTones.keySet()) {
      fx.cancelTimer(key);
    }
    pendingCallerTones = null;
    fx.cancelTimer("keepAlive");
    fx.cancelTimer("answerDeadline");
    fx.cancelTimer("callee");
    state = "terminated";
    resultInfo = Graph.resultInfo(code, subcode, message);
    JsonObject data = callStub().put("state", state).put("resultInfo", resultInfo)
        .put("direction", incoming ? "incoming" : "outgoing").put("callChainId", callChainId());
    fx.notify(out(Graph.notification("deleted", Graph.callPath(id), data), null));
    fx.ended();
  }

  private void notifyState(String newState, String gate) {
    state = newState;
    JsonObject data = callStub().put("state", newState);
    fx.notify(out(Graph.notification("updated", Graph.callPath(id), data), gate));
  }

  private void requireState(String required, String action) {
    if (!required.equals(state)) {
      throw ApiException.invalidRequest("Call is in state '" + state + "'; " + action + " requires state '" + required + "'.");
    }
  }

  private void prefetch() {
    if (mediaConfigJson == null) {
      return;
    }
    JsonArray pre = new JsonObject(mediaConfigJson).getJsonArray("preFetchMedia");
    if (pre != null && !pre.isEmpty()) {
      List<MediaRef> refs = new ArrayList<>();
      for (int i = 0; i < pre.size(); i++) {
        refs.add(mediaInfo(pre.getJsonObject(i), "mediaConfig.preFetchMedia[" + i + "]"));
      }
      fx.prefetch(refs);
    }
  }

  // ------------------------------------------------------------------ cluster: owner loss

  /** Call-level result when the node owning a call is lost (Callvert decision, see README). */
  public static final int OWNER_LOST_CODE = 500;
  public static final int OWNER_LOST_SUBCODE = 9100;
  public static final int OPERATION_OWNER_LOST_SUBCODE = 9101;

  /**
   * What a surviving node needs to tell the bot if this call's node dies: where to send, as whom,
   * and the operations that are still live. Written to the cluster call directory.
   */
  public JsonObject ownerRecord() {
    JsonArray ops = new JsonArray();
    List<Operation> live = new ArrayList<>(mediaQueue);
    live.addAll(dtmfQueue);
    for (Operation op : live) {
      ops.add(new JsonObject().put("id", op.id).put("type", op.kind.odataType).put("clientContext", op.clientContext));
    }
    return new JsonObject().put("callbackUri", callbackUri).put("audience", appId).put("tenantId", tenantId)
        .put("state", state).put("ops", ops);
  }

  /**
   * The notifications a survivor sends for a call whose owner node was lost (rule 8 holds even
   * then): one terminal {@code deleted} per live operation, then the call's {@code terminated}.
   */
  public static List<Outbound> ownerLost(String callId, JsonObject record) {
    List<Outbound> out = new ArrayList<>();
    String cb = record.getString("callbackUri");
    String aud = record.getString("audience");
    String tid = record.getString("tenantId");
    if ("terminated".equals(record.getString("state"))) {
      return out;
    }
    JsonArray ops = record.getJsonArray("ops", new JsonArray());
    for (int i = 0; i < ops.size(); i++) {
      JsonObject o = ops.getJsonObject(i);
      String type = o.getString("type");
      String path = Graph.operationPath(callId, o.getString("id"));
      JsonObject data = new JsonObject().put("@odata.type", type).put("@odata.id", path).put("id", o.getString("id"))
          .put("clientContext", o.getString("clientContext")).put("status", "failed")
          .put("resultInfo", Graph.resultInfo(OWNER_LOST_CODE, OPERATION_OWNER_LOST_SUBCODE,
              "Action failed, the call's Callvert node was lost."));
      if (type.equals(Operation.Kind.RECORD.odataType)) {
        data.put("completionReason", "unspecifiedError").put("recordingLocation", "").put("recordingAccessToken", "");
      } else {
        data.put("completionReason", "unknown");
      }
      out.add(new Outbound(callId, cb, aud, tid, null, Graph.notification("deleted", path, data)));
    }
    JsonObject call = new JsonObject().put("@odata.type", Graph.type("call")).put("@odata.id", Graph.callPath(callId))
        .put("id", callId).put("state", "terminated")
        .put("resultInfo", Graph.resultInfo(OWNER_LOST_CODE, OWNER_LOST_SUBCODE,
            "The call was lost: its Callvert node left the cluster."));
    out.add(new Outbound(callId, cb, aud, tid, null, Graph.notification("deleted", Graph.callPath(callId), call)));
    return out;
  }

  // ------------------------------------------------------------------ shapes

  /** The call as Graph shows it. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject()
        .put("@odata.type", Graph.type("call"))
        .put("id", id)
        .put("state", state)
        .put("direction", incoming ? "incoming" : "outgoing")
        .put("callbackUri", callbackUri)
        .put("callChainId", callChainId())
        .put("myParticipantId", myParticipantId())
        .put("tenantId", tenantId)
        .put("subject", subject)
        .put("source", sourceJson == null ? null : new JsonObject(sourceJson))
        .put("targets", new JsonArray(targetsJson))
        .put("requestedModalities", new JsonArray(modalitiesJson))
        .put("mediaConfig", mediaConfigJson == null ? null : new JsonObject(mediaConfigJson))
        .put("mediaState", "established".equals(state)
            ? new JsonObject().put("@odata.type", Graph.type("callMediaState")).put("audio", "active") : null)
        .put("resultInfo", resultInfo)
        .put("toneInfo", toneInfo)
        .put("chatInfo", null)
        .put("meetingInfo", null)
        .put("transcription", null);
    return o;
  }

  /**
   * The call chain and the bot's participant id: stable GUIDs derived from the call id, computed
   * when shown rather than stored, because they are shown rarely and an idle call must stay small.
   */
  private String callChainId() {
    return Ids.derived(id, "callChainId");
  }

  private String myParticipantId() {
    return Ids.derived(id, "myParticipantId");
  }

  private JsonObject callStub() {
    return new JsonObject().put("@odata.type", Graph.type("call")).put("@odata.id", Graph.callPath(id)).put("id", id);
  }

  private Outbound out(JsonObject body, String gate) {
    return new Outbound(id, callbackUri, appId, tenantId, gate, body);
  }

  private long now() {
    return env.clock().now();
  }

  /** A duration as a person would say it: "45 minutes", "1 minute", "30 seconds", "1500 ms". */
  private static String spoken(long ms) {
    if (ms % 60_000 == 0) {
      return ms / 60_000 + (ms == 60_000 ? " minute" : " minutes");
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + (ms == 1_000 ? " second" : " seconds");
    }
    return ms + " ms";
  }

  private static long totalMs(List<Clip> clips) {
    long samples = 0;
    for (Clip c : clips) {
      samples += c.length();
    }
    return samples / (Clip.SAMPLE_RATE / 1000);
  }

  /** Canonical modality names; {@code path} names the field in errors (rule 5). */
  private static JsonArray modalities(JsonArray in, String path) {
    if (in == null) {
      return new JsonArray().add("audio");
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < in.size(); i++) {
      Object m = in.getValue(i);
      String s = m instanceof String str ? str : null;
      String canonical = s == null ? null : switch (s.toLowerCase(Locale.ROOT)) {
        case "audio" -> "audio";
        case "video" -> "video";
        case "videobasedscreensharing" -> "videoBasedScreenSharing";
        case "data" -> "data";
        default -> null;
      };
      if (canonical == null) {
        throw ApiException.invalidRequest("'" + path + "[" + i + "]' must be one of audio, video, videoBasedScreenSharing, data; got " + m + ".");
      }
      out.add(canonical);
    }
    return out;
  }

  private static JsonObject mediaConfig(JsonObject mc, boolean required) {
    if (mc == null) {
      if (required) {
        throw ApiException.invalidRequest("'mediaConfig' is required (a #microsoft.graph.serviceHostedMediaConfig).");
      }
      return null;
    }
    if (Fields.isODataType(mc, "appHostedMediaConfig") || mc.containsKey("blob")) {
      throw ApiException.invalidRequest("'mediaConfig': appHostedMediaConfig is not supported by Callvert; use serviceHostedMediaConfig.");
    }
    JsonObject out = new JsonObject().put("@odata.type", Graph.type("serviceHostedMediaConfig"));
    JsonArray pre = Fields.array(mc, "preFetchMedia", "mediaConfig.preFetchMedia");
    if (pre != null) {
      JsonArray norm = new JsonArray();
      for (int i = 0; i < pre.size(); i++) {
        Object item = pre.getValue(i);
        if (!(item instanceof JsonObject mi)) {
          throw ApiException.invalidRequest("'mediaConfig.preFetchMedia[" + i + "]' must be a mediaInfo object.");
        }
        MediaRef ref = mediaInfo(mi, "mediaConfig.preFetchMedia[" + i + "]");
        norm.add(new JsonObject().put("@odata.type", Graph.type("mediaInfo")).put("uri", ref.uri()).put("resourceId", ref.resourceId()));
      }
      out.put("preFetchMedia", norm);
    }
    return out;
  }

  private static MediaRef mediaInfo(JsonObject mi, String path) {
    String uri = Fields.httpUri(Fields.requiredString(mi, "uri", path + ".uri"), path + ".uri");
    return new MediaRef(uri, Fields.string(mi, "resourceId", path + ".resourceId"));
  }

  private static List<MediaRef> prompts(JsonObject body, int min, int max) {
    JsonArray prompts = Fields.array(body, "prompts", "prompts");
    int n = prompts == null ? 0 : prompts.size();
    if (n < min || n > max) {
      throw ApiException.invalidRequest(min == max || min > 0
          ? "'prompts' must hold " + min + " to " + max + " mediaPrompts, got " + n + "."
          : "'prompts' may hold at most " + max + " mediaPrompt, got " + n + ".");
    }
    List<MediaRef> refs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Object p = prompts.getValue(i);
      if (!(p instanceof JsonObject prompt)) {
        throw ApiException.invalidRequest("'prompts[" + i + "]' must be a mediaPrompt object.");
      }
      JsonObject mi = Fields.object(prompt, "mediaInfo", "prompts[" + i + "].mediaInfo");
      if (mi == null) {
        throw ApiException.invalidRequest("'prompts[" + i + "].mediaInfo' is required.");
      }
      refs.add(mediaInfo(mi, "prompts[" + i + "].mediaInfo"));
    }
    return refs;
  }

  private static String stopTones(JsonArray tones) {
    if (tones == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < tones.size(); i++) {
      Object t = tones.getValue(i);
      String s = t instanceof String str ? str.trim() : null;
      char key;
      if (s != null && s.length() == 1 && "0123456789*#ABCDabcd".indexOf(s.charAt(0)) >= 0) {
        key = Character.toUpperCase(s.charAt(0));
      } else {
        try {
          key = Tones.keyOf(s);
        } catch (RuntimeException e) {
          throw ApiException.invalidRequest("'stopTones[" + i + "]' must be a key (0-9, *, #, A-D) or a tone name, got " + t + ".");
        }
      }
      sb.append(key);
    }
    return sb.toString();
  }
}
