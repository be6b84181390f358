package io.callvert.runtime.call;

import static io.callvert.runtime.call.Payloads.OK;
import static io.callvert.runtime.call.Payloads.callState;
import static io.callvert.runtime.call.Payloads.dtmfOp;
import static io.callvert.runtime.call.Payloads.notification;
import static io.callvert.runtime.call.Payloads.opDeleted;
import static io.callvert.runtime.call.Payloads.resultInfo;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.audio.DtmfDetector;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.call.FakeEffects.Notified;
import io.callvert.runtime.graph.GraphResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Contract rules 9, 10 and 14: tone subscriptions, caller key presses and sendDtmfTones. */
class TonesTest {

  private final CallDriver d = CallDriver.established();

  private List<Notified> toneNotifications() {
    return d.callNotifications().stream().filter(n -> n.data().containsKey("toneInfo")).toList();
  }

  private static JsonObject toneNotification(String callId, long sequenceId, String tone) {
    return notification("updated", "/communications/calls/" + callId, callState(callId, "established")
        .put("toneInfo", new JsonObject()
            .put("@odata.type", "#microsoft.graph.toneInfo")
            .put("sequenceId", sequenceId)
            .put("tone", tone)));
  }

  @Test
  @DisplayName("subscribeToTone is answered completed 200/0 and never notified")
  void subscribe_is_answered_completed() {
    GraphResponse r = d.request("subscribetotone", new JsonObject().put("clientContext", "tones"));
    String op = d.opId(r);

    assertThat(r.body()).isEqualTo(new JsonObject()
        .put("@odata.type", "#microsoft.graph.subscribeToToneOperation")
        .put("id", op)
        .put("clientContext", "tones")
        .put("status", "completed")
        .put("resultInfo", resultInfo(200, 0, OK)));
    d.advance(60_000);
    assertThat(d.about(op)).isEmpty();
  }

  @Test
  @DisplayName("each caller key press gives one toneInfo notification: sequenceId 1, 2, 3, presses 100 ms apart")
  void caller_tones_are_reported_in_sequence() {
    d.request("subscribetotone", null);
    long t = d.now();

    GraphResponse r = d.request("caller.tones", Bodies.callerTones("12#"));
    d.advance(1_000);

    assertThat(r.status()).isEqualTo(202);
    List<Notified> tones = toneNotifications();
    assertThat(tones).extracting(n -> n.outbound().body()).containsExactly(
        toneNotification(d.id, 1, "tone1"), toneNotification(d.id, 2, "tone2"), toneNotification(d.id, 3, "pound"));
    assertThat(tones).extracting(Notified::at).containsExactly(t, t + 100, t + 200);
    assertThat(tones).extracting(Notified::gate).containsOnlyNulls();
    assertThat(d.callJson().getJsonObject("toneInfo").getLong("sequenceId")).isEqualTo(3L);
  }

  @Test
  @DisplayName("key presses before subscribeToTone are not reported")
  void tones_before_subscribe_are_not_reported() {
    d.request("caller.tones", Bodies.callerTones("5"));
    d.request("subscribetotone", null);
    d.request("caller.tones", Bodies.callerTones("a"));
    d.advance(CallSession.CALLER_TONE_SPACING_MS); // presses queue behind the one still sounding

    assertThat(toneNotifications()).extracting(n -> n.outbound().body()).containsExactly(toneNotification(d.id, 1, "a"));
  }

  @Test
  @DisplayName("the tone subscription survives cancelMediaProcessing and the sequence goes on")
  void subscription_survives_cancel() {
    d.request("subscribetotone", null);
    d.request("caller.tones", Bodies.callerTones("1"));
    d.request("playprompt", Bodies.playPrompt());

    d.request("cancelmediaprocessing", null);
    d.request("caller.tones", Bodies.callerTones("*"));
    d.advance(CallSession.CALLER_TONE_SPACING_MS); // presses queue behind the one still sounding

    assertThat(toneNotifications()).extracting(n -> n.data().getJsonObject("toneInfo").getLong("sequenceId"))
        .containsExactly(1L, 2L);
    assertThat(toneNotifications().get(1).data().getJsonObject("toneInfo").getString("tone")).isEqualTo("star");
  }

  @Test
  @DisplayName("presses still queued when the call ends are dropped")
  void pending_presses_are_dropped_when_the_call_ends() {
    d.request("subscribetotone", null);
    d.request("caller.tones", Bodies.callerTones("123"));

    d.request("caller.hangup", null);
    d.advance(1_000);

    assertThat(toneNotifications()).hasSize(1);
    assertThat(d.fx.armedTimers()).isEmpty();
  }

  @Test
  @DisplayName("sendDtmfTones runs on its own FIFO: the second is notStarted, each completes after its tones and gaps")
  void send_dtmf_runs_on_its_own_fifo() {
    long t = d.now();
    GraphResponse r1 = d.request("senddtmftones", Bodies.dtmf("tone1", "tone2", "pound"));
    GraphResponse r2 = d.request("senddtmftones", Bodies.dtmf("a").put("clientContext", "second"));
    String first = d.opId(r1);
    String second = d.opId(r2);

    assertThat(r1.body()).isEqualTo(dtmfOp(first, "dtmf-ctx", "running", null, null));
    assertThat(r2.body()).isEqualTo(dtmfOp(second, "second", "notStarted", null, null));
    d.advance(2_000);

    assertThat(d.terminal(first).outbound().body()).isEqualTo(opDeleted(d.opPath(first),
        dtmfOp(first, "dtmf-ctx", "completed", resultInfo(200, 0, OK), "completedSuccessfully")));
    assertThat(d.terminal(first).at()).isEqualTo(t + 3 * 100 + 2 * 100);
    assertThat(d.terminal(second).at()).isEqualTo(t + 500 + 100);
  }

  @Test
  @DisplayName("sendDtmfTones does not enter the media queue: a running playPrompt does not delay it")
  void send_dtmf_runs_beside_media() {
    String play = d.opId(d.request("playprompt", Bodies.playPrompt()));
    d.mediaReady(play, Tones.beep(3_000));
    long t = d.now();

    String dtmf = d.opId(d.request("senddtmftones", Bodies.dtmf("tone9").put("delayBetweenTonesMs", 0)));
    d.advance(100);

    assertThat(d.terminal(dtmf).at()).isEqualTo(t + 100);
    assertThat(d.about(play)).isEmpty();
  }

  @Test
  @DisplayName("cancelMediaProcessing does not cancel sendDtmfTones")
  void cancel_does_not_touch_send_dtmf() {
    String dtmf = d.opId(d.request("senddtmftones", Bodies.dtmf("tone1", "tone2")));
    String queued = d.opId(d.request("senddtmftones", Bodies.dtmf("tone3")));

    d.request("cancelmediaprocessing", null);
    d.advance(1_000);

    assertThat(d.terminal(dtmf).data().getString("status")).isEqualTo("completed");
    assertThat(d.terminal(queued).data().getString("status")).isEqualTo("completed");
  }

  @Test
  @DisplayName("the caller hears the DTMF: the heard audio decodes back to the keys sent")
  void heard_audio_decodes_to_the_keys() {
    d.request("senddtmftones", Bodies.dtmf("tone1", "tone2", "pound"));
    d.request("senddtmftones", Bodies.dtmf("a", "star", "tone0").put("delayBetweenTonesMs", 50));

    d.advance(2_000);

    assertThat(DtmfDetector.detect(d.heard())).isEqualTo("12#A*0");
  }

  @Test
  @DisplayName("tone objects ({\"tone\": ...}) are accepted as well as tone names")
  void tone_objects_are_accepted() {
    JsonObject body = new JsonObject().put("tones",
        new io.vertx.core.json.JsonArray().add(new JsonObject().put("tone", "tone4")).add("TONE5"));

    d.request("senddtmftones", body);
    d.advance(1_000);

    assertThat(DtmfDetector.detect(d.heard())).isEqualTo("45");
  }
}
