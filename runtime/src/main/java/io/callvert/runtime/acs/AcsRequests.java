package io.callvert.runtime.acs;

import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.NewCall;
import io.callvert.runtime.call.Direction;
import io.callvert.runtime.call.Echo;
import io.callvert.runtime.call.MediaRef;
import io.callvert.runtime.call.MediaSetup;
import io.callvert.runtime.call.Modality;
import io.callvert.runtime.net.HostPolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * ACS Call Automation request bodies parsed into the call protocol: all of the dialect's input validation lives
 * here (contract rules 49–54), every refusal a 400 naming the field. Bodies may be null (no body).
 */
public final class AcsRequests {

  /** The dialect's name in an {@link Echo} and an owner record. */
  public static final String DIALECT = "acs";
  /** Most targets one createCall may name. */
  public static final int MAX_TARGETS = 25;
  /** Most tones one sendDtmfTones may send (ACS's documented limit). */
  public static final int MAX_SEND_TONES = 18;
  /** Most keys one recognize may collect. */
  public static final int MAX_TONES_TO_COLLECT = 1000;
  /** Pause between the tones Callvert sends for sendDtmfTones (ACS has no such parameter). */
  public static final int SEND_TONE_GAP_MS = 100;
  private static final String CONTEXT_PREFIX = "cv1.";

  private final HostPolicy outbound;

  public AcsRequests(HostPolicy outbound) {
    this.outbound = outbound;
  }

  /** A new call and the {@code operationContext} its CallConnected / CallDisconnected carry. */
  public record Created(NewCall call, String operationContext) {}

  /** A command for the call named by an {@code incomingCallContext}. */
  public record ForCall(String callId, Command command, String operationContext) {}

  // ------------------------------------------------------------------ new calls

  /** {@code POST /calling/callConnections}: the bot places a call. */
  public Created outgoingCall(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    for (String unsupported : new String[] {"mediaStreamingOptions", "transcriptionOptions", "callIntelligenceOptions"}) {
      if (b.getValue(unsupported) != null) {
        throw AcsErrors.notSupported("'" + unsupported + "' is not supported by Callvert.");
      }
    }
    String cb = callbackUri(AcsFields.requiredString(b, "callbackUri", "callbackUri"), "callbackUri");
    JsonArray in = AcsFields.array(b, "targets", "targets");
    if (in == null || in.isEmpty() || in.size() > MAX_TARGETS) {
      throw AcsErrors.badRequest("'targets' is required and must hold 1 to " + MAX_TARGETS + " identifiers.");
    }
    JsonArray targets = new JsonArray();
    for (int i = 0; i < in.size(); i++) {
      targets.add(AcsIdentifiers.normalize(in.getValue(i), "targets[" + i + "]"));
    }
    JsonObject parties = new JsonObject();
    Object source = b.getValue("source");
    if (source != null) {
      JsonObject s = AcsFields.object(b, "source", "source");
      parties.put("source", AcsIdentifiers.normalize(new JsonObject().put("communicationUser", s), "source"));
    }
    JsonObject callerId = AcsFields.object(b, "sourceCallerIdNumber", "sourceCallerIdNumber");
    if (callerId != null) {
      parties.put("sourceCallerIdNumber", AcsIdentifiers.normalize(new JsonObject().put("phoneNumber", callerId),
          "sourceCallerIdNumber").getJsonObject("phoneNumber"));
    }
    parties.put("sourceDisplayName", AcsFields.string(b, "sourceDisplayName", "sourceDisplayName"));
    String calleeKey = AcsIdentifiers.calleeKey(targets.getJsonObject(0));
    NewCall call = new NewCall(Direction.OUTGOING, cb, null, null, new Echo(DIALECT, parties.encode(), targets.encode()),
        List.of(Modality.AUDIO), MediaSetup.NOTHING_TO_PREFETCH, null, calleeKey);
    return new Created(call, AcsFields.string(b, "operationContext", "operationContext"));
  }

  /**
   * {@code POST /callvert/acs/calls}: the simulated caller calls an ACS app (contract rule 56 — ACS incoming calls).
   * The IncomingCall event goes to {@code incomingCallUri}, else to {@code configuredUri} ({@code acs.incomingCallUri}).
   */
  public NewCall incomingCall(JsonObject body, String configuredUri) {
    JsonObject b = body == null ? new JsonObject() : body;
    String uri = AcsFields.string(b, "incomingCallUri", "incomingCallUri");
    if (uri == null) {
      uri = configuredUri;
    }
    if (uri == null) {
      throw AcsErrors.badRequest("'incomingCallUri' is required when acs.incomingCallUri is not configured.");
    }
    uri = callbackUri(uri, "incomingCallUri");
    JsonObject from = b.getValue("from") == null ? AcsIdentifiers.phone("+15550123")
        : AcsIdentifiers.normalize(b.getValue("from"), "from");
    JsonObject to = b.getValue("to") == null ? AcsIdentifiers.phone("+15550100")
        : AcsIdentifiers.normalize(b.getValue("to"), "to");
    JsonObject parties = new JsonObject().put("source", from)
        .put("sourceDisplayName", AcsFields.string(b, "callerDisplayName", "callerDisplayName"));
    return new NewCall(Direction.INCOMING, uri, null, null,
        new Echo(DIALECT, parties.encode(), new JsonArray().add(to).encode()), List.of(Modality.AUDIO), null, null, null);
  }

  /** The opaque {@code incomingCallContext} of an incoming call. */
  public static String incomingCallContext(String callId) {
    return CONTEXT_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(callId.getBytes(StandardCharsets.UTF_8));
  }

  private static String callIdOf(JsonObject b) {
    String ctx = AcsFields.requiredString(b, "incomingCallContext", "incomingCallContext");
    try {
      if (ctx.startsWith(CONTEXT_PREFIX)) {
        return new String(Base64.getUrlDecoder().decode(ctx.substring(CONTEXT_PREFIX.length())), StandardCharsets.UTF_8);
      }
    } catch (IllegalArgumentException e) {
      // not one Callvert gave out
    }
    throw AcsErrors.badRequest("'incomingCallContext' is not one Callvert sent in an IncomingCall event.");
  }

  /** {@code POST /calling/callConnections:answer}. */
  public ForCall answer(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    String callId = callIdOf(b);
    String cb = callbackUri(AcsFields.requiredString(b, "callbackUri", "callbackUri"), "callbackUri");
    return new ForCall(callId, new CallProtocol.Answer(cb, MediaSetup.NOTHING_TO_PREFETCH),
        AcsFields.string(b, "operationContext", "operationContext"));
  }

  /** {@code POST /calling/callConnections:reject}. */
  public ForCall reject(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    String callId = callIdOf(b);
    String reason = AcsFields.string(b, "callRejectReason", "callRejectReason");
    CallProtocol.RejectReason why = switch (reason == null ? "none" : reason.toLowerCase(Locale.ROOT)) {
      case "none" -> CallProtocol.RejectReason.NONE;
      case "busy" -> CallProtocol.RejectReason.BUSY;
      case "forbidden" -> CallProtocol.RejectReason.FORBIDDEN;
      default -> throw AcsErrors.badRequest("'callRejectReason' must be one of none, busy, forbidden; got '" + reason + "'.");
    };
    return new ForCall(callId, new CallProtocol.Reject(why, null), null);
  }

  /** {@code POST /calling/callConnections:redirect}: for the simulated caller the call ends. */
  public ForCall redirect(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    String callId = callIdOf(b);
    if (b.getValue("target") == null) {
      throw AcsErrors.badRequest("'target' is required.");
    }
    AcsIdentifiers.normalize(b.getValue("target"), "target");
    return new ForCall(callId, new CallProtocol.Redirect(null), null);
  }

  // ------------------------------------------------------------------ media

  /** {@code POST …/{id}:play} (contract rule 53 — ACS media). */
  public Command play(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    JsonArray sources = AcsFields.array(b, "playSources", "playSources");
    if (sources == null || sources.isEmpty()) {
      throw AcsErrors.badRequest("'playSources' is required and must hold at least one play source.");
    }
    List<MediaRef> prompts = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      prompts.add(playSource(sources.getValue(i), "playSources[" + i + "]"));
    }
    playTo(b);
    JsonObject options = AcsFields.object(b, "playOptions", "playOptions");
    if (AcsFields.bool(options, "loop", "playOptions.loop", false)) {
      throw AcsErrors.notSupported("'playOptions.loop' true is not supported by Callvert; play once, or queue the prompt again.");
    }
    boolean bargeIn = AcsFields.bool(b, "interruptCallMediaOperation", "interruptCallMediaOperation", false);
    return new CallProtocol.PlayPrompt(context(b), prompts, bargeIn);
  }

  /** {@code POST …/{id}:recognize}, DTMF only (contract rule 54 — DTMF recognize). */
  public Command recognize(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    String type = AcsFields.requiredString(b, "recognizeInputType", "recognizeInputType");
    if (!type.equalsIgnoreCase("dtmf")) {
      throw AcsErrors.notSupported("'recognizeInputType' " + type + " is not supported by Callvert; only dtmf is.");
    }
    List<MediaRef> prompts = new ArrayList<>();
    if (b.getValue("playPrompt") != null) {
      prompts.add(playSource(b.getValue("playPrompt"), "playPrompt"));
    }
    JsonArray many = AcsFields.array(b, "playPrompts", "playPrompts");
    for (int i = 0; many != null && i < many.size(); i++) {
      prompts.add(playSource(many.getValue(i), "playPrompts[" + i + "]"));
    }
    JsonObject o = AcsFields.object(b, "recognizeOptions", "recognizeOptions");
    if (o == null) {
      throw AcsErrors.badRequest("'recognizeOptions' is required.");
    }
    if (o.getValue("targetParticipant") != null) {
      AcsIdentifiers.normalize(o.getValue("targetParticipant"), "recognizeOptions.targetParticipant");
    }
    boolean interrupt = AcsFields.bool(o, "interruptPrompt", "recognizeOptions.interruptPrompt", true);
    int initial = AcsFields.integer(o, "initialSilenceTimeoutInSeconds", "recognizeOptions.initialSilenceTimeoutInSeconds", 5, 0, 300);
    JsonObject dtmf = AcsFields.object(o, "dtmfOptions", "recognizeOptions.dtmfOptions");
    int interTone = AcsFields.integer(dtmf, "interToneTimeoutInSeconds", "recognizeOptions.dtmfOptions.interToneTimeoutInSeconds", 2, 1, 60);
    int max = AcsFields.integer(dtmf, "maxTonesToCollect", "recognizeOptions.dtmfOptions.maxTonesToCollect", 1, 1, MAX_TONES_TO_COLLECT);
    String stop = keys(AcsFields.array(dtmf, "stopTones", "recognizeOptions.dtmfOptions.stopTones"), "recognizeOptions.dtmfOptions.stopTones", 0);
    boolean bargeIn = AcsFields.bool(b, "interruptCallMediaOperation", "interruptCallMediaOperation", false);
    return new CallProtocol.Recognize(context(b), prompts, interrupt, bargeIn, initial * 1000L, interTone * 1000L, max, stop);
  }

  /** {@code POST …/{id}:sendDtmfTones}. */
  public Command sendDtmfTones(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    JsonArray tones = AcsFields.array(b, "tones", "tones");
    if (tones == null || tones.isEmpty() || tones.size() > MAX_SEND_TONES) {
      throw AcsErrors.badRequest("'tones' is required and must hold 1 to " + MAX_SEND_TONES + " tones.");
    }
    target(b);
    return new CallProtocol.SendDtmf(context(b), keys(tones, "tones", 1), SEND_TONE_GAP_MS);
  }

  /** {@code POST …/{id}:startContinuousDtmfRecognition}: the tone subscription. */
  public Command startContinuousDtmf(JsonObject body) {
    target(body);
    return new CallProtocol.SubscribeToTone(context(body));
  }

  /** {@code POST …/{id}:stopContinuousDtmfRecognition}. */
  public Command stopContinuousDtmf(JsonObject body) {
    target(body);
    return new CallProtocol.UnsubscribeFromTone(context(body));
  }

  // ------------------------------------------------------------------ shapes

  /** A {@code file} play source; {@code text} and {@code ssml} need speech synthesis, which Callvert has not. */
  private static MediaRef playSource(Object value, String path) {
    if (!(value instanceof JsonObject s)) {
      throw AcsErrors.badRequest("'" + path + "' must be a play source object.");
    }
    String kind = AcsFields.string(s, "kind", path + ".kind");
    if ((kind != null && !kind.equalsIgnoreCase("file")) || (kind == null && s.getValue("file") == null)) {
      throw AcsErrors.notSupported("'" + path + "': only play sources of kind file are supported by Callvert"
          + " (text and ssml need speech synthesis).");
    }
    JsonObject file = AcsFields.object(s, "file", path + ".file");
    String uri = AcsFields.httpUri(AcsFields.requiredString(file, "uri", path + ".file.uri"), path + ".file.uri");
    return new MediaRef(uri, AcsFields.string(s, "playSourceCacheId", path + ".playSourceCacheId"));
  }

  /** {@code playTo}: identifiers, validated; the one simulated caller hears every play. */
  private static void playTo(JsonObject b) {
    JsonArray to = AcsFields.array(b, "playTo", "playTo");
    for (int i = 0; to != null && i < to.size(); i++) {
      AcsIdentifiers.normalize(to.getValue(i), "playTo[" + i + "]");
    }
  }

  private static void target(JsonObject b) {
    if (b != null && b.getValue("targetParticipant") != null) {
      AcsIdentifiers.normalize(b.getValue("targetParticipant"), "targetParticipant");
    }
  }

  /** Tone words as keys. */
  private static String keys(JsonArray words, String path, int min) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; words != null && i < words.size(); i++) {
      Object w = words.getValue(i);
      int key = w instanceof String s ? AcsTones.key(s) : -1;
      if (key < 0) {
        throw AcsErrors.badRequest("'" + path + "[" + i + "]' must be a tone (zero-nine, asterisk, pound, a-d), got " + w + ".");
      }
      sb.append((char) key);
    }
    if (sb.length() < min) {
      throw AcsErrors.badRequest("'" + path + "' must hold at least " + min + " tone.");
    }
    return sb.toString();
  }

  /** {@code operationContext} and {@code operationCallbackUri}, as the call keeps them. */
  private String context(JsonObject b) {
    String ctx = AcsFields.string(b, "operationContext", "operationContext");
    String uri = AcsFields.string(b, "operationCallbackUri", "operationCallbackUri");
    return AcsContext.encode(ctx, uri == null ? null : callbackUri(uri, "operationCallbackUri"));
  }

  /** A callback URI (contract rule 33) that the outbound host policy does not refuse before DNS (rule 37). */
  private String callbackUri(String value, String path) {
    String cb = AcsFields.callbackUri(value, path);
    String why = outbound.refusalOfUri(cb);
    if (why != null) {
      throw AcsErrors.badRequest("'" + path + "' is refused by the outbound host policy: " + why + ".");
    }
    return cb;
  }
}
