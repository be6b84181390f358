package io.callvert.verticles.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.ClockMode;
import io.callvert.config.CallvertOptions;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.audio.Wav;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The softphone at /callvert/ui/phone.html in a real headless Chromium with a fake microphone (docs/ui.md): it
 * hears the bot's prompt exactly as /heard has it and silence once the bot cancels, its microphone's speech ends up
 * in the bot's recording, its keypad reaches the bot as toneInfo in order, its hang-up ends the call 200/4097, and
 * its form places an incoming call. Live media runs on the system clock, so this class does too.
 */
@CallvertTest(options = PhoneIT.Options.class)
class PhoneIT {

  static final class Options implements UnaryOperator<CallvertOptions> {
    @Override
    public CallvertOptions apply(CallvertOptions o) {
      return o.withClock(ClockMode.SYSTEM).withCallee(o.callee().withAnswerDelayMs(100));
    }
  }

  private static Browser browser;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  private static String establishedCall(TestRuntime rt, WebhookReceiver bot, String path) {
    String callId = rt.createOutgoingCall(bot.url(path));
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
    return callId;
  }

  /** Opens the softphone on {@code callId} and joins it as the caller. */
  private static void join(TestRuntime rt, String callId) {
    browser.open(rt.baseUrl + "/callvert/ui/phone.html?call=" + callId);
    browser.until(Duration.ofSeconds(10), d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    browser.find("#join").click();
    browser.until(Duration.ofSeconds(10), d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-connected"))
        && "established".equals(d.findElement(By.tagName("body")).getAttribute("data-call-state")));
  }

  private static long framesReceived() {
    return ((Number) browser.js("return window.callvertPhone.receivedFrames;")).longValue();
  }

  private static boolean pageEvent(String predicateJs) {
    return Boolean.TRUE.equals(browser.js("return window.callvertPhone.events.some(m => " + predicateJs + ");"));
  }

  private static short[] pcm(byte[] bytes, int offset) {
    short[] s = new short[(bytes.length - offset) / 2];
    ByteBuffer.wrap(bytes, offset, bytes.length - offset).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
    return s;
  }

  private static int firstNonZero(short[] s) {
    for (int i = 0; i < s.length; i++) {
      if (s[i] != 0) {
        return i;
      }
    }
    return -1;
  }

  @Test
  @DisplayName("the softphone hears the prompt sample for sample as /heard has it, and nothing once the bot cancels")
  void hears_the_prompt_until_the_cancel(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot, "/phone-prompt");
    join(rt, callId);
    String prompt = media.put("ui-phone-speech.wav", Wav.encode(Tones.speech(4000, 7)));
    TestRuntime.Resp play = rt.post("/v1.0/communications/calls/" + callId + "/playPrompt", new JsonObject()
        .put("prompts", new JsonArray().add(new JsonObject().put("@odata.type", "#microsoft.graph.mediaPrompt")
            .put("mediaInfo", new JsonObject().put("uri", prompt)))));
    assertThat(play.status()).isEqualTo(200);

    // the page is hearing the prompt: it announced it and about a second of it has arrived
    browser.until(Duration.ofSeconds(10), d -> pageEvent("m.type === 'prompt' && m.event === 'started'"));
    long startedAt = framesReceived();
    browser.until(Duration.ofSeconds(10), d -> framesReceived() >= startedAt + 50);
    assertThat(rt.post("/v1.0/communications/calls/" + callId + "/cancelMediaProcessing", new JsonObject()).status())
        .isEqualTo(200);
    browser.until(Duration.ofSeconds(10), d -> pageEvent("m.type === 'prompt' && m.event === 'ended' && m.cut"));
    long cutAt = framesReceived();
    browser.until(Duration.ofSeconds(10), d -> framesReceived() >= cutAt + 40); // 800 ms more of the stream
    browser.screenshot("softphone");

    short[] received = pcm(Base64.getDecoder().decode((String) browser.js("return window.callvertPhone.receivedPcm();")), 0);
    short[] heard = pcm(rt.get("/callvert/calls/" + callId + "/heard").bytes(), Wav.HEADER_BYTES);
    int r0 = firstNonZero(received);
    int h0 = firstNonZero(heard);
    assertThat(r0).as("the page received the prompt").isNotNegative();
    int n = heard.length - h0;
    assertThat(n).as("heard about a second of prompt, cut by the cancel").isBetween(16_000 * 8 / 10, 16_000 * 3);
    assertThat(received.length).isGreaterThanOrEqualTo(r0 + n + 40 * 320);
    for (int k = 0; k < n; k++) {
      if (received[r0 + k] != heard[h0 + k]) {
        throw new AssertionError("sample " + k + " of the prompt differs: page " + received[r0 + k] + ", /heard " + heard[h0 + k]);
      }
    }
    for (int k = r0 + n; k < received.length; k++) {
      if (received[k] != 0) {
        throw new AssertionError("the page still heard audio " + (k - r0 - n) / 16 + " ms after the cut");
      }
    }
  }

  @Test
  @DisplayName("the fake microphone's speech ends up in the bot's recording: recordResponse completes by silence, the WAV holds the speech")
  void microphone_speech_is_recorded(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot, "/phone-record");
    join(rt, callId);
    TestRuntime.Resp record = rt.post("/v1.0/communications/calls/" + callId + "/recordResponse", new JsonObject()
        .put("playBeep", false).put("initialSilenceTimeoutInSeconds", 10).put("maxSilenceTimeoutInSeconds", 1)
        .put("maxRecordDurationInSeconds", 30));
    assertThat(record.status()).isEqualTo(200);
    String opId = record.json().getString("id");

    WebhookReceiver.Received end = bot.awaitOne(callId, r -> opId.equals(r.resourceData().getString("id"))
        && "deleted".equals(r.changeType()));
    JsonObject op = end.resourceData();
    assertThat(op.getString("status")).isEqualTo("completed");
    assertThat(op.getString("completionReason")).isEqualTo("maxSilenceTimeout");
    TestRuntime.Resp wav = rt.send(HttpRequest.newBuilder(rt.uri(op.getString("recordingLocation")))
        .header("Authorization", "Bearer " + op.getString("recordingAccessToken")).GET());
    assertThat(wav.status()).isEqualTo(200);
    short[] samples = pcm(wav.bytes(), Wav.HEADER_BYTES);
    int loud = 0;
    for (int f = 0; f + 320 <= samples.length; f += 320) {
      double sum = 0;
      for (int i = f; i < f + 320; i++) {
        sum += (double) samples[i] * samples[i];
      }
      if (20 * Math.log10(Math.sqrt(sum / 320) / 32768.0) > Tones.SPEECH_RMS_DBFS - 12) {
        loud++;
      }
    }
    System.out.println("PhoneIT: recording of " + samples.length / 16 + " ms holds " + loud * 20 + " ms of speech from the page's microphone");
    assertThat(loud * 20).as("ms of speech in the recording").isGreaterThanOrEqualTo(Browser.MIC_WAV_SPEECH_MS / 2);
    assertThat(samples.length / 16).as("the record ended by silence, long before its 30 s maximum").isLessThan(15_000);
  }

  @Test
  @DisplayName("keypad presses reach the bot as toneInfo notifications, in order")
  void keypad_reaches_the_bot_in_order(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot, "/phone-keys");
    assertThat(rt.post("/v1.0/communications/calls/" + callId + "/subscribeToTone", new JsonObject()).status()).isEqualTo(200);
    join(rt, callId);
    for (String key : List.of("1", "2", "#", "0", "*")) {
      browser.find("#keypad button[data-key='" + key + "']").click();
    }
    List<WebhookReceiver.Received> tones = bot.awaitMatching(r -> r.callId().equals(callId)
        && r.resourceData().getJsonObject("toneInfo") != null, 5);
    assertThat(tones).extracting(r -> r.resourceData().getJsonObject("toneInfo").getString("tone"))
        .containsExactly("tone1", "tone2", "pound", "tone0", "star");
  }

  @Test
  @DisplayName("hang-up in the page ends the call 200/4097 (the caller hung up) and closes the socket 1000")
  void hang_up_from_the_page(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot, "/phone-hangup");
    join(rt, callId);
    browser.find("#hangup").click();
    WebhookReceiver.Received end = bot.awaitOne(callId, r -> "terminated".equals(r.resourceData().getString("state")));
    assertThat(end.changeType()).isEqualTo("deleted");
    JsonObject result = end.resourceData().getJsonObject("resultInfo");
    assertThat(result.getInteger("code")).isEqualTo(200);
    assertThat(result.getInteger("subcode")).isEqualTo(4097);
    browser.until(Duration.ofSeconds(10), d -> "false".equals(d.findElement(By.tagName("body")).getAttribute("data-connected")));
    assertThat(browser.js("return window.callvertPhone.closed.code;")).isEqualTo(1000L);
  }

  @Test
  @DisplayName("the form places an incoming call to the bot, which answers it through Graph; the page joins it")
  void incoming_call_from_the_form(TestRuntime rt, WebhookReceiver bot) {
    browser.open(rt.baseUrl + "/callvert/ui/phone.html");
    browser.until(Duration.ofSeconds(10), d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    browser.find("#in-callback").sendKeys(bot.url("/phone-incoming"));
    browser.find("#in-caller").clear();
    browser.find("#in-caller").sendKeys("+15550199");
    browser.find("#incoming button[type=submit]").click();

    WebhookReceiver.Received created = bot.awaitMatching(r -> r.path().equals("/phone-incoming")
        && "created".equals(r.changeType()), 1).get(0);
    String callId = created.callId();
    assertThat(created.resourceData().getString("state")).isEqualTo("incoming");
    assertThat(created.resourceData().encode()).contains("+15550199");
    browser.until(Duration.ofSeconds(10), d -> d.findElement(By.id("in-result")).getText().equals(callId) ? true : null);

    assertThat(rt.post("/v1.0/communications/calls/" + callId + "/answer", new JsonObject()
        .put("acceptedModalities", new JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig"))).status())
        .isEqualTo(202);
    browser.until(Duration.ofSeconds(10), d -> "established".equals(d.findElement(By.tagName("body")).getAttribute("data-call-state")));
  }
}
