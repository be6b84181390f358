package io.callvert.runtime.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.call.CallProtocol.OperationView;
import io.callvert.runtime.call.CallProtocol.Recognize;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Contract rule 54 — DTMF recognize: the recognize operation in the call core, on the manual clock. */
class RecognizeTest {

  private static final MediaRef PROMPT = new MediaRef("https://media.test/menu.wav", null);

  private final CallDriver d = CallDriver.established();

  private static Recognize recognize(List<MediaRef> prompts, boolean interrupt, boolean bargeIn, int maxTones,
      String stopTones) {
    return new Recognize("reco-ctx", prompts, interrupt, bargeIn, 5_000, 2_000, maxTones, stopTones);
  }

  private String start(Recognize r) {
    OperationView v = (OperationView) d.session.handle(r);
    assertThat(v.created()).isTrue();
    assertThat(v.gated()).isTrue();
    return v.operation().id();
  }

  private void press(String keys) {
    d.request("caller.tones", new JsonObject().put("tones", keys));
  }

  /** The terminal operation events about {@code opId}, as the call produced them. */
  private List<OperationSnapshot> ended(String opId) {
    return d.notifications().stream().map(n -> n.event().event())
        .filter(e -> e instanceof CallEvent.OperationEnded o && o.operation().id().equals(opId))
        .map(e -> ((CallEvent.OperationEnded) e).operation()).toList();
  }

  private OperationSnapshot only(String opId) {
    List<OperationSnapshot> all = ended(opId);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  @Test
  @DisplayName("without a prompt it listens at once; max tones ends it completed with the keys")
  void max_tones_completes() {
    String op = start(recognize(List.of(), true, false, 3, ""));
    press("12");
    d.advance(500);
    assertThat(ended(op)).isEmpty();
    press("9");
    d.advance(300);
    OperationSnapshot s = only(op);
    assertThat(s.outcome()).isEqualTo(Outcome.MAX_TONES);
    assertThat(s.status()).isEqualTo(OperationStatus.COMPLETED);
    assertThat(s.tones()).isEqualTo("129");
    assertThat(s.clientContext()).isEqualTo("reco-ctx");
  }

  @Test
  @DisplayName("a stop tone ends it and is kept as the last key: 1 2 # -> 12#, stop tone")
  void stop_tone_is_kept() {
    String op = start(recognize(List.of(), true, false, 10, "#"));
    press("12#");
    d.advance(1_000);
    OperationSnapshot s = only(op);
    assertThat(s.outcome()).isEqualTo(Outcome.STOP_TONE);
    assertThat(s.tones()).isEqualTo("12#");
  }

  @Test
  @DisplayName("no key within the initial silence timeout fails it (8510); the timer runs exactly that long")
  void initial_silence_fails() {
    String op = start(recognize(List.of(), true, false, 4, ""));
    d.advance(4_999);
    assertThat(ended(op)).isEmpty();
    d.advance(1);
    OperationSnapshot s = only(op);
    assertThat(s.outcome()).isEqualTo(Outcome.INITIAL_SILENCE);
    assertThat(s.status()).isEqualTo(OperationStatus.FAILED);
    assertThat(s.tones()).isEmpty();
  }

  @Test
  @DisplayName("after a key, the inter-tone timeout ends it with the keys so far")
  void inter_tone_timeout_keeps_keys() {
    String op = start(recognize(List.of(), true, false, 4, ""));
    press("7");
    d.advance(1_999);
    assertThat(ended(op)).isEmpty();
    d.advance(1);
    OperationSnapshot s = only(op);
    assertThat(s.outcome()).isEqualTo(Outcome.INTER_TONE_TIMEOUT);
    assertThat(s.tones()).isEqualTo("7");
  }

  @Test
  @DisplayName("the initial silence timeout starts when the prompt ends, not when the operation starts")
  void initial_silence_after_prompt() {
    String op = start(recognize(List.of(PROMPT), true, false, 4, ""));
    d.advance(100);
    d.mediaReady(op, Tones.beep(3_000));
    d.advance(3_000 + 4_999);
    assertThat(ended(op)).isEmpty();
    d.advance(1);
    assertThat(only(op).outcome()).isEqualTo(Outcome.INITIAL_SILENCE);
  }

  @Test
  @DisplayName("a key interrupts an interruptible prompt (the caller hears it cut) and is collected")
  void key_interrupts_prompt() {
    String op = start(recognize(List.of(PROMPT), true, false, 2, ""));
    d.advance(100);
    d.mediaReady(op, Tones.beep(3_000));
    d.advance(1_000);
    press("5");
    d.advance(100);
    press("6");
    d.advance(100);
    OperationSnapshot s = only(op);
    assertThat(s.outcome()).isEqualTo(Outcome.MAX_TONES);
    assertThat(s.tones()).isEqualTo("56");
    // the caller heard the prompt only until the key: about 1 s of it, not 3 s
    long heardMs = d.heard().length() / 16;
    assertThat(heardMs).isLessThan(1_500);
  }

  @Test
  @DisplayName("keys during a prompt that may not be interrupted are ignored")
  void uninterruptible_prompt_ignores_keys() {
    String op = start(recognize(List.of(PROMPT), false, false, 1, ""));
    d.advance(100);
    d.mediaReady(op, Tones.beep(2_000));
    press("1");
    d.advance(2_000);
    assertThat(ended(op)).isEmpty();
    press("2");
    d.advance(100);
    assertThat(only(op).tones()).isEqualTo("2");
  }

  @Test
  @DisplayName("queued behind a play; cancel ends both, each once, in queue order, as cancelled")
  void queued_then_cancelled() {
    String play = d.opId(d.request("playprompt", Bodies.playPrompt(1)));
    String op = start(recognize(List.of(), true, false, 3, ""));
    assertThat(((OperationView) d.session.handle(new CallProtocol.GetOperation(op))).operation().status())
        .isEqualTo(OperationStatus.NOT_STARTED);
    press("1"); // not collected: the recognize is not running yet
    d.request("cancelMediaProcessing", Bodies.cancel());
    List<String> order = d.notifications().stream().map(n -> n.event().event())
        .filter(e -> e instanceof CallEvent.OperationEnded).map(e -> ((CallEvent.OperationEnded) e).operation().id())
        .toList();
    assertThat(order).containsExactly(play, op);
    assertThat(only(op).outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(only(op).tones()).isEmpty();
    d.advance(10_000);
    assertThat(ended(op)).hasSize(1);
  }

  @Test
  @DisplayName("a barge-in recognize cancels the running play first")
  void barge_in_cancels_play() {
    String play = d.opId(d.request("playprompt", Bodies.playPrompt(1)));
    String op = start(recognize(List.of(), true, true, 1, ""));
    assertThat(only(play).outcome()).isEqualTo(Outcome.CANCELLED);
    press("4");
    d.advance(100);
    assertThat(only(op).tones()).isEqualTo("4");
  }

  @Test
  @DisplayName("the caller hanging up ends a listening recognize once, as call ended")
  void hang_up_ends_it() {
    String op = start(recognize(List.of(), true, false, 3, ""));
    press("1");
    d.request("caller.hangup", null);
    d.advance(10_000);
    assertThat(only(op).outcome()).isEqualTo(Outcome.CALL_ENDED);
  }

  @Test
  @DisplayName("unsubscribing from tones answers a completed operation with one gated event, and stops tone events")
  void unsubscribe_from_tones() {
    d.request("subscribeToTone", new JsonObject());
    press("1");
    d.advance(100);
    long tones = d.notifications().stream().filter(n -> n.event().event() instanceof CallEvent.ToneReceived).count();
    assertThat(tones).isEqualTo(1);
    OperationView v = (OperationView) d.session.handle(new CallProtocol.UnsubscribeFromTone("stop-ctx"));
    assertThat(v.gated()).isTrue();
    assertThat(only(v.operation().id()).kind()).isEqualTo(OperationKind.UNSUBSCRIBE_TONE);
    press("2");
    d.advance(100);
    assertThat(d.notifications().stream().filter(n -> n.event().event() instanceof CallEvent.ToneReceived).count())
        .isEqualTo(1);
  }

  @Test
  @DisplayName("a recognize is refused before the call is established")
  void refused_before_established() {
    CallDriver early = CallDriver.outgoing();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> early.session.handle(recognize(List.of(), true, false, 1, "")))
        .isInstanceOf(CallRejected.class);
  }
}
