package io.callvert.runtime.call;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Wav;
import java.util.List;

/**
 * Every message a call accepts and every answer it gives: the typed protocol between the edges
 * (a dialect's HTTP routes, the Java client, the cluster ingress) and the call actor. Records are
 * deeply immutable, so the local event-bus codec passes them without copying; only the cluster
 * ingress serialises them. {@link CallSession#handle} is the receive table.
 *
 * <p>Dialect-neutral: no HTTP status, header, JSON or wire field name appears here. A dialect
 * parses its requests into these commands and renders the replies in its own shapes.
 */
public final class CallProtocol {

  private CallProtocol() {}

  /** A message to one call. */
  public sealed interface Command {}

  // ---------------------------------------------------------------- the bot's requests

  /** Show the call. */
  public record GetCall() implements Command {}

  /** Show one of the call's operations, live or remembered (contract rule 6 — An action answers with its operation). */
  public record GetOperation(String operationId) implements Command {}

  /** The bot hangs up: the call ends for everyone. */
  public record HangUp() implements Command {}

  /** The bot says it is still there (contract rule 15 — Call lifecycle): the inactivity timer starts again. */
  public record KeepAlive() implements Command {}

  /** The bot answers an incoming call, optionally moving its callback. */
  public record Answer(String callbackUri, MediaSetup media) implements Command {}

  /** The bot declines an incoming call. */
  public record Reject(RejectReason reason, String callbackUri) implements Command {}

  /** The bot sends an incoming call elsewhere; for the simulated caller the call ends. */
  public record Redirect(String callbackUri) implements Command {}

  /**
   * Play prompts, in order, after the media queued before (contract rule 9 — One media queue per call); with
   * {@code bargeIn} the running and queued media operations are cancelled first, as a barge-in record does (contract
   * rule 12).
   */
  public record PlayPrompt(String clientContext, List<MediaRef> prompts, boolean bargeIn) implements Command {
    public PlayPrompt {
      prompts = List.copyOf(prompts);
    }

    /** Queued behind the media before it. */
    public PlayPrompt(String clientContext, List<MediaRef> prompts) {
      this(clientContext, prompts, false);
    }
  }

  /**
   * Collect the caller's DTMF keys (contract rule 54 — DTMF recognize): queued in the media queue like a prompt;
   * optionally plays {@code prompts} first (a key interrupts them when {@code interruptPrompt}); then listens until
   * {@code maxTones} keys, a stop tone (kept as the last key), {@code interToneMs} without a key after the first, or
   * {@code initialSilenceMs} without any key. With {@code bargeIn} the media queue is cancelled first.
   *
   * @param stopTones keys ({@code 0-9 * # A-D}) that end the collection; empty for none
   */
  public record Recognize(String clientContext, List<MediaRef> prompts, boolean interruptPrompt, boolean bargeIn,
      long initialSilenceMs, long interToneMs, int maxTones, String stopTones) implements Command {
    public Recognize {
      prompts = List.copyOf(prompts);
    }
  }

  /**
   * Optionally play a prompt, beep, then record the caller until silence, a stop tone or the
   * maximum duration (contract rules 13, 14). A barge-in record cancels the media queue first (contract rule 12 — Barge-in cancels, then records).
   *
   * @param recordingBaseUrl where the recording will be downloadable from, prefixed to its path
   */
  public record RecordResponse(String clientContext, List<MediaRef> prompts, boolean bargeIn, boolean playBeep,
      long initialSilenceMs, long maxSilenceMs, long maxDurationMs, String stopTones, String recordingBaseUrl)
      implements Command {
    public RecordResponse {
      prompts = List.copyOf(prompts);
    }
  }

  /** End the running media operation and every queued one; never a tone subscription (contract rule 10 — Cancel empties the media queue). */
  public record CancelMedia(String clientContext) implements Command {}

  /** Tell the bot about every key the caller presses from now on. */
  public record SubscribeToTone(String clientContext) implements Command {}

  /** Stop telling the bot about key presses: an operation done at once, with its one terminal event. */
  public record UnsubscribeFromTone(String clientContext) implements Command {}

  /** Send DTMF keys to the caller, {@code delayMs} apart, after those queued before. */
  public record SendDtmf(String clientContext, String keys, int delayMs) implements Command {}

  // ---------------------------------------------------------------- the simulated caller

  /** The caller presses keys ({@code 0-9 * # A-D}), after the keys still pending. */
  public record PressKeys(String keys) implements Command {}

  /**
   * The caller speaks: the given audio; else the given WAV, converted by the call once it has room
   * for it (contract rule 38 — Bounded caller input; {@code durationMs} is its converted length,
   * read from its header); else synthetic speech of {@code durationMs}.
   */
  public record Speak(Clip audio, int durationMs, byte[] wav) implements Command {

    /** Audio as it will be held: canonical samples (16 per ms). */
    public long samples() {
      return audio != null ? audio.length() : (long) durationMs * (Clip.SAMPLE_RATE / 1000);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Speak s && java.util.Objects.equals(audio, s.audio) && durationMs == s.durationMs
          && java.util.Arrays.equals(wav, s.wav);
    }

    @Override
    public int hashCode() {
      return 31 * java.util.Objects.hash(audio, durationMs) + java.util.Arrays.hashCode(wav);
    }

    @Override
    public String toString() {
      return "Speak[audio=" + audio + ", durationMs=" + durationMs + ", wav=" + (wav == null ? "null" : wav.length + " bytes") + "]";
    }
  }

  /** The caller hangs up. */
  public record CallerHangUp() implements Command {}

  /** What the caller heard so far. */
  public record GetHeard() implements Command {}

  /**
   * Would the call accept a command of {@code type} in its current state? Answered {@link Done} or
   * {@link Rejected}. A dialect asks when a request's body was invalid, so that a missing call or
   * a wrong state is reported before the body's faults, as when the command itself is sent.
   */
  public record Admits(Class<? extends Command> type) implements Command {}

  // ---------------------------------------------------------------- the node

  /** The node is shutting down: the call ends now. */
  public record Shutdown() implements Command {}

  /**
   * A new call, as a dialect parsed it: not a message to a call but the state it starts from.
   *
   * @param appId     the bot's app id (the audience of its notifications), or null for the node's default
   * @param calleeKey the target the simulated callee rules are keyed by (outgoing calls), or null
   * @param media     the media set-up; null for an incoming call until the bot answers
   */
  public record NewCall(Direction direction, String callbackUri, String tenantId, String subject, Echo echo,
      List<Modality> modalities, MediaSetup media, String appId, String calleeKey) {
    public NewCall {
      modalities = List.copyOf(modalities);
    }
  }

  /** How a bot declines a call. */
  public enum RejectReason { NONE, BUSY, FORBIDDEN }

  // ---------------------------------------------------------------- answers

  /** What a call answers. */
  public sealed interface Reply {}

  /** Done; nothing to show. */
  public record Done() implements Reply {}

  /** The call. */
  public record CallView(CallSnapshot call) implements Reply {}

  /**
   * An operation. When it was created by this command, {@code gated} says that its notifications
   * wait until the answer has been written (contract rule 7 — No notification before its answer); operations complete at once are not gated.
   */
  public record OperationView(OperationSnapshot operation, boolean created, boolean gated) implements Reply {}

  /** What the caller heard, as slices of immutable clips for the host to render. */
  public record Heard(List<Wav.Slice> slices) implements Reply {
    public Heard {
      slices = List.copyOf(slices);
    }
  }

  /** Refused; nothing changed (see {@link CallRejected}). */
  public record Rejected(CallRejected.Reason reason, CallState state, CallState required, int limit, String operationId)
      implements Reply {

    /** The rejection as an exception, for a future's failure. */
    public CallRejected toException() {
      return new CallRejected(reason, state, required, limit, operationId);
    }
  }

  /** Instances of the commands without parameters, shared. */
  public static final GetCall GET_CALL = new GetCall();
  public static final HangUp HANG_UP = new HangUp();
  public static final KeepAlive KEEP_ALIVE = new KeepAlive();
  public static final CallerHangUp CALLER_HANG_UP = new CallerHangUp();
  public static final GetHeard GET_HEARD = new GetHeard();
  public static final Shutdown SHUTDOWN = new Shutdown();
  public static final Done DONE = new Done();
}
