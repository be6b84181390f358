package io.callvert.runtime.graph;

import io.callvert.config.CallsOptions;
import io.callvert.config.MediaOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.audio.AudioFormatException;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.audio.Wav;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Graph request bodies parsed into the call protocol: all of Graph's input validation lives here
 * (contract rules 4, 5), and every refusal is a Graph-shaped {@link ApiException} naming the field.
 * Bodies may be null (no body).
 */
public final class GraphRequests {

  /** The dialect's name in an {@link Echo}. */
  public static final String DIALECT = "graph";

  private final String defaultAppId;
  /** Refuses callback URIs whose host is refused without DNS (contract rule 37 — Outbound host policy). */
  private final HostPolicy outbound;
  /** {@code media.maxPreFetchMedia}. */
  private final int maxPreFetchMedia;

  /** @param defaultAppId the bot app id used when a request names none ({@code webhook.appId}) */
  public GraphRequests(String defaultAppId) {
    this(defaultAppId, HostPolicy.ALLOW_ALL, MediaOptions.DEFAULT_MAX_PRE_FETCH_MEDIA);
  }

  /**
   * @param outbound         the host policy a callback URI must pass (when its host is decided without DNS)
   * @param maxPreFetchMedia most {@code mediaConfig.preFetchMedia} items a request may name
   */
  public GraphRequests(String defaultAppId, HostPolicy outbound, int maxPreFetchMedia) {
    this.defaultAppId = defaultAppId;
    this.outbound = outbound;
    this.maxPreFetchMedia = maxPreFetchMedia;
  }

  // ------------------------------------------------------------------ new calls

  /** {@code POST /communications/calls}: the bot places a call. */
  public NewCall outgoingCall(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    Common c = common(b);
    JsonObject src = Fields.object(b, "source", "source");
    JsonArray tgts = Fields.array(b, "targets", "targets");
    if (tgts == null || tgts.isEmpty()) {
      throw ApiException.invalidRequest("'targets' is required and must hold at least one invitationParticipantInfo.");
    }
    if (Fields.object(b, "meetingInfo", "meetingInfo") != null) {
      throw ApiException.invalidRequest("'meetingInfo': joining meetings is not supported by Callvert; place a peer-to-peer call with 'targets'.");
    }
    JsonArray targets = GraphShapes.invitationTargets(tgts);
    String source = src != null ? GraphShapes.participantInfo(src, "source").encode() : null;
    String sourceApp = src == null ? null : GraphShapes.identityId(src.getJsonObject("identity"), "application");
    MediaSetup media = mediaConfig(Fields.object(b, "mediaConfig", "mediaConfig"));
    return new NewCall(Direction.OUTGOING, c.callbackUri, c.tenantId, c.subject, new Echo(DIALECT, source, targets.encode()),
        c.modalities, media, sourceApp, GraphShapes.targetId(targets.getJsonObject(0)));
  }

  /** {@code POST /callvert/calls}: the simulated caller calls the bot. */
  public NewCall incomingCall(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    Common c = common(b);
    JsonObject src = Fields.object(b, "source", "source");
    JsonArray tgts = Fields.array(b, "targets", "targets");
    String source = GraphShapes.participantInfo(src != null ? src : GraphShapes.defaultCaller(), "source").encode();
    String targets = (tgts != null ? GraphShapes.invitationTargets(tgts)
        : new JsonArray().add(GraphShapes.invitationParticipant(GraphShapes.application(defaultAppId, "Callvert bot"))))
        .encode();
    return new NewCall(Direction.INCOMING, c.callbackUri, c.tenantId, c.subject, new Echo(DIALECT, source, targets),
        c.modalities, null, null, null);
  }

  /** The usual modalities, one list for every call that asks for them (an idle call must stay small). */
  private static final List<Modality> AUDIO_ONLY = List.of(Modality.AUDIO);

  private static List<Modality> shared(List<Modality> modalities) {
    return modalities.equals(AUDIO_ONLY) ? AUDIO_ONLY : List.copyOf(modalities);
  }

  private record Common(String callbackUri, String tenantId, String subject, List<Modality> modalities) {}

  private Common common(JsonObject b) {
    String cb = callbackUri(Fields.requiredString(b, "callbackUri", "callbackUri"));
    String tenant = Fields.string(b, "tenantId", "tenantId");
    String subject = Fields.string(b, "subject", "subject");
    JsonArray requested = Fields.array(b, "requestedModalities", "requestedModalities");
    return new Common(cb, tenant, subject, requested == null ? AUDIO_ONLY : shared(modalities(requested, "requestedModalities")));
  }

  // ------------------------------------------------------------------ the bot's call verbs

  /**
   * The command of a call-scoped action.
   *
   * @param recordingsUrl where the call's recordings will be downloadable (recordResponse only)
   */
  public Command command(GraphAction action, JsonObject body, String recordingsUrl) {
    return switch (action) {
      case ANSWER -> answer(body);
      case REJECT -> reject(body);
      case REDIRECT -> redirect(body);
      case KEEP_ALIVE -> CallProtocol.KEEP_ALIVE;
      case PLAY_PROMPT -> new CallProtocol.PlayPrompt(Fields.clientContext(body), prompts(body, 1, 20));
      case RECORD_RESPONSE -> recordResponse(body, recordingsUrl);
      case CANCEL_MEDIA_PROCESSING -> new CallProtocol.CancelMedia(Fields.clientContext(body));
      case SUBSCRIBE_TO_TONE -> new CallProtocol.SubscribeToTone(Fields.clientContext(body));
      case SEND_DTMF_TONES -> sendDtmfTones(body);
    };
  }

  private Command answer(JsonObject body) {
    JsonObject b = body == null ? new JsonObject() : body;
    String cb = Fields.string(b, "callbackUri", "callbackUri");
    JsonArray accepted = Fields.array(b, "acceptedModalities", "acceptedModalities");
    if (accepted == null || accepted.isEmpty()) {
      throw ApiException.invalidRequest("'acceptedModalities' is required (e.g. [\"audio\"]).");
    }
    modalities(accepted, "acceptedModalities");
    MediaSetup media = mediaConfig(Fields.object(b, "mediaConfig", "mediaConfig"));
    return new CallProtocol.Answer(cb == null ? null : callbackUri(cb), media);
  }

  private Command reject(JsonObject body) {
    String reason = Fields.string(body, "reason", "reason");
    String r = reason == null ? "none" : reason.toLowerCase(Locale.ROOT);
    CallProtocol.RejectReason why = switch (r) {
      case "none" -> CallProtocol.RejectReason.NONE;
      case "busy" -> CallProtocol.RejectReason.BUSY;
      case "forbidden" -> CallProtocol.RejectReason.FORBIDDEN;
      default -> throw ApiException.invalidRequest("'reason' must be one of none, busy, forbidden; got '" + reason + "'.");
    };
    String cb = Fields.string(body, "callbackUri", "callbackUri");
    return new CallProtocol.Reject(why, cb == null ? null : callbackUri(cb));
  }

  private Command redirect(JsonObject body) {
    JsonArray t = Fields.array(body, "targets", "targets");
    if (t == null || t.isEmpty() || t.size() > 25) {
      throw ApiException.invalidRequest("'targets' is required and must hold 1 to 25 invitationParticipantInfo.");
    }
    GraphShapes.invitationTargets(t);
    Fields.intInRange(body, "timeout", 55, 15, 90);
    String cb = Fields.string(body, "callbackUri", "callbackUri");
    return new CallProtocol.Redirect(cb == null ? null : callbackUri(cb));
  }

  private static Command recordResponse(JsonObject body, String recordingsUrl) {
    JsonObject b = body == null ? new JsonObject() : body;
    String cc = Fields.clientContext(b);
    List<MediaRef> media = prompts(b, 0, 1);
    Boolean bargeIn = Fields.bool(b, "bargeInAllowed", "bargeInAllowed");
    Boolean beep = Fields.bool(b, "playBeep", "playBeep");
    int initial = Fields.intInRange(b, "initialSilenceTimeoutInSeconds", 5, 1, 120);
    int silence = Fields.intInRange(b, "maxSilenceTimeoutInSeconds", 5, 1, 120);
    int max = Fields.intInRange(b, "maxRecordDurationInSeconds", 5, 1, 120);
    String stopTones = stopTones(Fields.array(b, "stopTones", "stopTones"));
    return new CallProtocol.RecordResponse(cc, media, bargeIn != null && bargeIn, beep == null || beep,
        initial * 1000L, silence * 1000L, max * 1000L, stopTones, recordingsUrl == null ? "" : recordingsUrl);
  }

  private static Command sendDtmfTones(JsonObject body) {
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
    return new CallProtocol.SendDtmf(cc, keys.toString(), delay);
  }

  // ------------------------------------------------------------------ the simulated caller (Callvert's own API)

  /** {@code POST /callvert/calls/{id}/tones}. */
  public static Command pressKeys(JsonObject body) {
    String tones = Fields.requiredString(body, "tones", "tones");
    if (tones.length() > CallsOptions.MAX_KEYS_PER_REQUEST) {
      throw ApiException.invalidRequest("'tones' holds " + tones.length() + " keys; at most "
          + CallsOptions.MAX_KEYS_PER_REQUEST + " are allowed.");
    }
    StringBuilder keys = new StringBuilder(tones.length());
    for (int i = 0; i < tones.length(); i++) {
      char c = Character.toUpperCase(tones.charAt(i));
      if ("0123456789*#ABCD".indexOf(c) < 0) {
        throw ApiException.invalidRequest("'tones' may only hold 0-9 * # A-D; got '" + tones.charAt(i) + "' at position " + i + ".");
      }
      keys.append(c);
    }
    return new CallProtocol.PressKeys(keys.toString());
  }

  /** {@code POST /callvert/calls/{id}/speech} with a JSON body: synthetic speech. */
  public static Command speak(JsonObject body) {
    int ms = Fields.intInRange(body, "durationMs", -1, 1, CallsOptions.MAX_SPEECH_REQUEST_MS);
    if (ms < 0) {
      throw ApiException.invalidRequest("'durationMs' is required (or send a WAV body with Content-Type audio/wav).");
    }
    return new CallProtocol.Speak(null, ms, null);
  }

  /**
   * {@code POST /callvert/calls/{id}/speech} with a WAV body: the caller says exactly that. Its
   * length after conversion to 16 kHz is read from the header, and checked against one request's
   * maximum, before a sample is converted (contract rule 38 — Bounded caller input); the call
   * converts it once it knows it has room.
   */
  public static Command speakWav(byte[] wav) {
    long samples;
    try {
      samples = Wav.convertedSamples(wav);
    } catch (AudioFormatException e) {
      throw ApiException.invalidRequest("The speech body is not a usable WAV: " + e.getMessage());
    }
    long ms = (samples * 1000 + Clip.SAMPLE_RATE - 1) / Clip.SAMPLE_RATE;
    if (ms > CallsOptions.MAX_SPEECH_REQUEST_MS) {
      throw ApiException.invalidRequest("The speech WAV lasts " + ms + " ms at 16 kHz; at most "
          + CallsOptions.MAX_SPEECH_REQUEST_MS + " ms per request.");
    }
    return new CallProtocol.Speak(null, (int) ms, wav);
  }

  // ------------------------------------------------------------------ shapes

  /** Canonical modalities; {@code path} names the field in errors. */
  private static List<Modality> modalities(JsonArray in, String path) {
    List<Modality> out = new ArrayList<>(in.size());
    for (int i = 0; i < in.size(); i++) {
      Object m = in.getValue(i);
      String s = m instanceof String str ? str : null;
      Modality canonical = s == null ? null : switch (s.toLowerCase(Locale.ROOT)) {
        case "audio" -> Modality.AUDIO;
        case "video" -> Modality.VIDEO;
        case "videobasedscreensharing" -> Modality.VIDEO_BASED_SCREEN_SHARING;
        case "data" -> Modality.DATA;
        default -> null;
      };
      if (canonical == null) {
        throw ApiException.invalidRequest("'" + path + "[" + i + "]' must be one of audio, video, videoBasedScreenSharing, data; got " + m + ".");
      }
      out.add(canonical);
    }
    return out;
  }

  /** A callback URI (contract rule 33) that the host policy does not refuse before DNS (rule 37). */
  private String callbackUri(String value) {
    String cb = Fields.callbackUri(value, "callbackUri");
    String why = outbound.refusalOfUri(cb);
    if (why != null) {
      throw ApiException.invalidRequest("'callbackUri' is refused by the outbound host policy: " + why + ".");
    }
    return cb;
  }

  /** A required serviceHostedMediaConfig. */
  private MediaSetup mediaConfig(JsonObject mc) {
    if (mc == null) {
      throw ApiException.invalidRequest("'mediaConfig' is required (a #microsoft.graph.serviceHostedMediaConfig).");
    }
    if (Fields.isODataType(mc, "appHostedMediaConfig") || mc.containsKey("blob")) {
      throw ApiException.invalidRequest("'mediaConfig': appHostedMediaConfig is not supported by Callvert; use serviceHostedMediaConfig.");
    }
    JsonArray pre = Fields.array(mc, "preFetchMedia", "mediaConfig.preFetchMedia");
    if (pre == null) {
      return MediaSetup.NOTHING_TO_PREFETCH;
    }
    if (pre.size() > maxPreFetchMedia) {
      throw ApiException.invalidRequest("'mediaConfig.preFetchMedia' may hold at most " + maxPreFetchMedia
          + " mediaInfo (media.maxPreFetchMedia), got " + pre.size() + ".");
    }
    List<MediaRef> refs = new ArrayList<>(pre.size());
    for (int i = 0; i < pre.size(); i++) {
      if (!(pre.getValue(i) instanceof JsonObject mi)) {
        throw ApiException.invalidRequest("'mediaConfig.preFetchMedia[" + i + "]' must be a mediaInfo object.");
      }
      refs.add(mediaInfo(mi, "mediaConfig.preFetchMedia[" + i + "]"));
    }
    return new MediaSetup(refs);
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
      if (!(prompts.getValue(i) instanceof JsonObject prompt)) {
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
