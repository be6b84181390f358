package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.OK;
import static io.callvert.verticles.it.MediaItSupport.action;
import static io.callvert.verticles.it.MediaItSupport.awaitEnd;
import static io.callvert.verticles.it.MediaItSupport.establishedCall;
import static io.callvert.verticles.it.MediaItSupport.hangUp;
import static io.callvert.verticles.it.MediaItSupport.heard;
import static io.callvert.verticles.it.MediaItSupport.journal;
import static io.callvert.verticles.it.MediaItSupport.journalAbout;
import static io.callvert.verticles.it.MediaItSupport.opPath;
import static io.callvert.verticles.it.MediaItSupport.playBody;
import static io.callvert.verticles.it.MediaItSupport.resultInfo;
import static io.callvert.verticles.it.MediaItSupport.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.DtmfDetector;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Tones both ways (contract rules 9, 10, 14): subscribeToTone and caller key presses; sendDtmfTones. */
@CallvertTest
class TonesIT {

  private static List<WebhookReceiver.Received> awaitTones(WebhookReceiver bot, String callId, int n) {
    return bot.awaitMatching(r -> r.callId().equals(callId) && r.resourceData().getJsonObject("toneInfo") != null, n);
  }

  private static boolean isTone(WebhookReceiver.Received r) {
    return r.resourceData().getJsonObject("toneInfo") != null;
  }

  private static long tonesInJournal(TestRuntime rt, String callId) {
    return journal(rt, callId).stream().filter(e -> e.getJsonObject("notification").getJsonArray("value").getJsonObject(0)
        .getJsonObject("resourceData").getJsonObject("toneInfo") != null).count();
  }

  private static void press(TestRuntime rt, String callId, String tones) {
    assertThat(rt.post("/callvert/calls/" + callId + "/tones", new JsonObject().put("tones", tones)).status()).isEqualTo(202);
  }

  @Test
  @DisplayName("subscribeToTone answers 200 completed 200/0 with Location and never notifies; \"12#\" gives three updated notifications, sequenceId 1,2,3, 100 ms apart on the clock")
  void subscribe_and_press_keys(TestRuntime rt, WebhookReceiver bot, VertxTestContext ctx) {
    String callId = establishedCall(rt, bot);
    TestRuntime.Resp sub = action(rt, callId, "subscribeToTone", new JsonObject().put("clientContext", "tones"));
    String subId = sub.json().getString("id");
    assertThat(sub.json()).isEqualTo(new JsonObject()
        .put("@odata.type", "#microsoft.graph.subscribeToToneOperation")
        .put("id", subId).put("clientContext", "tones").put("status", "completed").put("resultInfo", resultInfo(200, 0, OK)));
    assertThat(sub.header("Location")).isEqualTo(rt.baseUrl + "/v1.0" + opPath(callId, subId));

    // each tone notification is checked as it arrives; a fourth one fails the test (strict checkpoint)
    Checkpoint toneNotified = ctx.checkpoint(3);
    List<String> keys = List.of("tone1", "tone2", "pound");
    List<WebhookReceiver.Received> tones = new CopyOnWriteArrayList<>();
    bot.onReceived(r -> r.callId().equals(callId) && isTone(r), r -> ctx.verify(() -> {
      int i = tones.size();
      tones.add(r);
      assertThat(i).as("tone notification #%d: %s", i + 1, r.body()).isLessThan(keys.size());
      assertThat(r.changeType()).isEqualTo("updated");
      assertThat(r.resourceUrl()).isEqualTo("/communications/calls/" + callId);
      assertThat(r.resourceData().getString("@odata.type")).isEqualTo("#microsoft.graph.call");
      assertThat(r.resourceData().getString("state")).isEqualTo("established");
      assertThat(r.resourceData().getJsonObject("toneInfo")).isEqualTo(new JsonObject()
          .put("@odata.type", "#microsoft.graph.toneInfo").put("sequenceId", i + 1).put("tone", keys.get(i)));
      if (i > 0) {
        assertThat(r.sequence()).isGreaterThan(tones.get(i - 1).sequence());
      }
      toneNotified.flag();
    }));

    press(rt, callId, "12#");
    awaitTones(bot, callId, 1);
    assertThat(tonesInJournal(rt, callId)).as("only the first key is pressed before the clock moves").isEqualTo(1);
    rt.advance(99);
    assertThat(tonesInJournal(rt, callId)).isEqualTo(1);
    rt.advance(1);
    awaitTones(bot, callId, 2);
    rt.advance(100);
    awaitTones(bot, callId, 3);
    hangUp(rt, bot, callId);
    assertThat(journalAbout(rt, callId, opPath(callId, subId))).isEmpty();
  }

  @Test
  @DisplayName("key presses before subscribeToTone are not reported; sequenceId starts at 1 with the first reported one")
  void no_tones_before_subscribing(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    press(rt, callId, "9");
    rt.advance(100);
    action(rt, callId, "subscribeToTone", new JsonObject());
    press(rt, callId, "*");
    WebhookReceiver.Received tone = awaitTones(bot, callId, 1).get(0);
    assertThat(tone.resourceData().getJsonObject("toneInfo").getInteger("sequenceId")).isEqualTo(1);
    assertThat(tone.resourceData().getJsonObject("toneInfo").getString("tone")).isEqualTo("star");
    assertThat(tonesInJournal(rt, callId)).isEqualTo(1);
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("tones before and after cancelMediaProcessing are reported: the subscription survives the cancel (contract rule 10 — Cancel empties the media queue)")
  void subscription_survives_cancel(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot);
    action(rt, callId, "subscribeToTone", new JsonObject());
    press(rt, callId, "5");
    awaitTones(bot, callId, 1);
    String play = action(rt, callId, "playPrompt", playBody("p", media.tone("tones-3s.wav", 3000, 440))).json().getString("id");
    String rec = action(rt, callId, "recordResponse", new JsonObject().put("stopTones", new JsonArray().add("#"))).json().getString("id");
    rt.advance(500);
    press(rt, callId, "6");
    awaitTones(bot, callId, 2);
    action(rt, callId, "cancelMediaProcessing", new JsonObject());
    awaitEnd(bot, callId, play);
    awaitEnd(bot, callId, rec);
    press(rt, callId, "7D");
    rt.advance(200); // the keypad is busy until 100 ms after the "6"
    List<WebhookReceiver.Received> tones = awaitTones(bot, callId, 4);
    assertThat(tones).extracting(r -> r.resourceData().getJsonObject("toneInfo").getString("tone"))
        .containsExactly("tone5", "tone6", "tone7", "d");
    assertThat(tones).extracting(r -> r.resourceData().getJsonObject("toneInfo").getLong("sequenceId"))
        .containsExactly(1L, 2L, 3L, 4L);
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("keys POSTed while earlier ones are still being pressed queue behind them, 100 ms apart (one caller, one keypad: decision, the contract leaves it open); the recording holds them in that order")
  void overlapping_tone_requests_queue(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    action(rt, callId, "subscribeToTone", new JsonObject());
    String rec = action(rt, callId, "recordResponse", new JsonObject().put("playBeep", false)
        .put("maxRecordDurationInSeconds", 2)).json().getString("id");
    press(rt, callId, "12");
    press(rt, callId, "34");
    awaitTones(bot, callId, 1);
    assertThat(tonesInJournal(rt, callId)).isEqualTo(1);
    rt.advance(100);
    awaitTones(bot, callId, 2);
    assertThat(tonesInJournal(rt, callId)).isEqualTo(2);
    rt.advance(200);
    List<WebhookReceiver.Received> tones = awaitTones(bot, callId, 4);
    assertThat(tones).extracting(r -> r.resourceData().getJsonObject("toneInfo").getString("tone"))
        .containsExactly("tone1", "tone2", "tone3", "tone4");
    rt.advance(1700);
    JsonObject end = awaitEnd(bot, callId, rec).resourceData();
    Clip recording = MediaItSupport.download(rt, end.getString("recordingLocation"), end.getString("recordingAccessToken"));
    assertThat(DtmfDetector.detect(recording)).isEqualTo("1234");
    // once the keypad is idle again, the next key is pressed at once
    rt.advance(1000);
    press(rt, callId, "9");
    assertThat(awaitTones(bot, callId, 5).get(4).resourceData().getJsonObject("toneInfo").getString("tone")).isEqualTo("tone9");
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("sendDtmfTones answers 200 running with Location and completes completedSuccessfully after 3 x 100 ms tones + 2 x delay; the caller heard exactly \"12#\"")
  void send_dtmf_tones(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    TestRuntime.Resp send = action(rt, callId, "sendDtmfTones", new JsonObject().put("clientContext", "dtmf")
        .put("tones", new JsonArray().add("tone1").add("tone2").add("pound")).put("delayBetweenTonesMs", 150));
    JsonObject op = send.json();
    String opId = op.getString("id");
    assertThat(op.getString("@odata.type")).isEqualTo("#microsoft.graph.sendDtmfTonesOperation");
    assertThat(op.getString("status")).isEqualTo("running");
    assertThat(send.header("Location")).isEqualTo(rt.baseUrl + "/v1.0" + opPath(callId, opId));

    rt.advance(599);
    assertThat(status(rt, callId, opId)).isEqualTo("running");
    rt.advance(1);
    JsonObject end = awaitEnd(bot, callId, opId).resourceData();
    assertThat(end).isEqualTo(new JsonObject()
        .put("@odata.type", "#microsoft.graph.sendDtmfTonesOperation")
        .put("id", opId).put("clientContext", "dtmf").put("status", "completed")
        .put("resultInfo", resultInfo(200, 0, OK)).put("completionReason", "completedSuccessfully")
        .put("@odata.id", opPath(callId, opId)));

    Clip heard = heard(rt, callId);
    assertThat(heard.durationMs()).isEqualTo(600);
    assertThat(DtmfDetector.detect(heard)).isEqualTo("12#");
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("sendDtmfTones is not cancelled by cancelMediaProcessing and runs beside a prompt; a second sendDtmfTones waits for the first (its own FIFO)")
  void send_dtmf_survives_cancel(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot);
    String play = action(rt, callId, "playPrompt", playBody("beside", media.tone("tones-beside.wav", 2000, 440))).json().getString("id");
    TestRuntime.Resp first = action(rt, callId, "sendDtmfTones", new JsonObject()
        .put("tones", new JsonArray().add("tone4").add("tone2")).put("delayBetweenTonesMs", 0));
    TestRuntime.Resp second = action(rt, callId, "sendDtmfTones", new JsonObject()
        .put("tones", new JsonArray().add("a")).put("delayBetweenTonesMs", 0));
    assertThat(first.json().getString("status")).isEqualTo("running");
    assertThat(second.json().getString("status")).isEqualTo("notStarted");
    String firstId = first.json().getString("id");
    String secondId = second.json().getString("id");
    rt.advance(50);
    action(rt, callId, "cancelMediaProcessing", new JsonObject());
    awaitEnd(bot, callId, play);
    assertThat(status(rt, callId, firstId)).isEqualTo("running");
    assertThat(status(rt, callId, secondId)).isEqualTo("notStarted");
    rt.advance(150);
    assertThat(awaitEnd(bot, callId, firstId).resourceData().getString("completionReason")).isEqualTo("completedSuccessfully");
    assertThat(status(rt, callId, secondId)).isEqualTo("running");
    rt.advance(100);
    assertThat(awaitEnd(bot, callId, secondId).resourceData().getString("status")).isEqualTo("completed");
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("sendDtmfTones running when the call ends: failed 410/8509 (completionReason unknown: left open by the contract)")
  void send_dtmf_call_ends(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    String opId = action(rt, callId, "sendDtmfTones", new JsonObject().put("clientContext", "cut")
        .put("tones", new JsonArray().add("tone0").add("tone0").add("tone0"))).json().getString("id");
    rt.advance(120);
    assertThat(rt.post("/callvert/calls/" + callId + "/hangup", null).status()).isEqualTo(202);
    assertThat(awaitEnd(bot, callId, opId).resourceData()).isEqualTo(new JsonObject()
        .put("@odata.type", "#microsoft.graph.sendDtmfTonesOperation")
        .put("id", opId).put("clientContext", "cut").put("status", "failed")
        .put("resultInfo", resultInfo(410, 8509, MediaItSupport.CALL_ENDED)).put("completionReason", "unknown")
        .put("@odata.id", opPath(callId, opId)));
    // the caller heard the first tone and 20 ms of the default 100 ms delay, not more
    assertThat(heard(rt, callId).durationMs()).isEqualTo(120);
  }
}
