package io.callvert.verticles.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.audio.Wav;
import io.callvert.verticles.CallvertClient;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dashboard at /callvert/ui/ in a real headless Chromium (docs/ui.md): live push of new calls, the timeline's
 * failed delivery and its retry, the waveform's cut, and 10,000 calls paged by the server.
 */
@CallvertTest
class DashboardIT {

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

  private static void openDashboard(TestRuntime rt, String query) {
    browser.open(rt.baseUrl + "/callvert/ui/index.html" + query);
    browser.until(Duration.ofSeconds(10), d -> "open".equals(d.findElement(By.tagName("body")).getAttribute("data-stream")));
  }

  @Test
  @DisplayName("a call created through the Graph API appears on an open dashboard within a second, pushed (no page reload)")
  void new_call_appears_within_a_second(TestRuntime rt, WebhookReceiver bot) {
    openDashboard(rt, "");
    Object marker = browser.js("window.__sameDocument = Math.random(); return window.__sameDocument;");

    long created = System.nanoTime();
    String callId = rt.createOutgoingCall(bot.url());
    String row = browser.until(Duration.ofSeconds(1), d -> {
      List<WebElement> rows = d.findElements(By.cssSelector("#calls tbody tr[data-id='" + callId + "']"));
      return rows.isEmpty() ? null : rows.get(0).getText();
    });
    long elapsedMs = (System.nanoTime() - created) / 1_000_000;
    System.out.println("DashboardIT: call visible on the dashboard " + elapsedMs + " ms after its 201");

    assertThat(elapsedMs).isLessThan(1000);
    assertThat(row).contains(callId.substring(0, 13)).contains("outgoing").contains("127.0.0.1:");
    assertThat(browser.js("return window.__sameDocument;")).isEqualTo(marker); // pushed, not reloaded
  }

  @Test
  @DisplayName("the timeline shows the bot's requests, a failed delivery (503) and its retry (202) as they happen, and the waveform's cut")
  void timeline_shows_failed_delivery_and_retry(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    // the bot answers the first attempt of a prompt's notification with 503: Callvert retries it
    bot.respond(r -> r.path().equals("/flaky") && "1".equals(r.headers().get("x-callvert-attempt"))
        && r.resourceData().getString("@odata.type", "").endsWith("playPromptOperation") ? WebhookReceiver.Reply.of(503) : null);
    String callId = rt.createOutgoingCall(bot.url("/flaky"));
    rt.advance(600);
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
    openDashboard(rt, "?call=" + callId);
    browser.until(Duration.ofSeconds(5), d -> !d.findElements(By.cssSelector("#timeline li[data-kind=request]")).isEmpty());

    String prompt = media.put("ui-dashboard-speech.wav", Wav.encode(Tones.speech(3000, 3)));
    assertThat(rt.post("/v1.0/communications/calls/" + callId + "/playPrompt", new JsonObject()
        .put("prompts", new JsonArray().add(new JsonObject().put("@odata.type", "#microsoft.graph.mediaPrompt")
            .put("mediaInfo", new JsonObject().put("uri", prompt))))).status()).isEqualTo(200);
    rt.advance(1200);
    assertThat(rt.post("/v1.0/communications/calls/" + callId + "/cancelMediaProcessing", new JsonObject()).status())
        .isEqualTo(200);

    // a short prompt after the cancel, played to its end: the waveform shows the cut between the two
    assertThat(rt.post("/v1.0/communications/calls/" + callId + "/playPrompt", new JsonObject()
        .put("prompts", new JsonArray().add(new JsonObject().put("@odata.type", "#microsoft.graph.mediaPrompt")
            .put("mediaInfo", new JsonObject().put("uri", media.tone("ui-dashboard-600ms.wav", 600, 660)))))).status())
        .isEqualTo(200);
    rt.advance(700);

    // pushed into the open page: attempt 1 → 503 retry, then attempt 2 → 202 delivered, same notification
    List<String> retried = browser.until(Duration.ofSeconds(10), d -> first(d.findElements(
            By.cssSelector("#timeline li[data-kind=attempt][data-result=retry][data-status='503']")).stream()
        .map(li -> List.of(li.getText(), li.getAttribute("data-sequence"), li.getAttribute("data-seq"), li.getAttribute("class")))
        .toList()));
    String sequence = retried.get(1);
    List<String> delivered = browser.until(Duration.ofSeconds(10), d -> first(d.findElements(By.cssSelector(
            "#timeline li[data-kind=attempt][data-result=delivered][data-sequence='" + sequence + "']")).stream()
        .map(li -> List.of(li.getText(), li.getAttribute("data-seq"))).toList()));
    assertThat(retried.get(0)).contains("attempt 1").contains("503").contains("retry");
    assertThat(delivered.get(0)).contains("attempt 2").contains("202").contains("delivered");
    assertThat(Integer.parseInt(retried.get(2))).isLessThan(Integer.parseInt(delivered.get(1)));
    assertThat(retried.get(3)).contains("failed");
    // the bot's own requests, with status and latency
    assertThat(browser.all("#timeline li[data-kind=request]")).extracting(WebElement::getText)
        .anyMatch(t -> t.contains("POST /v1.0/communications/calls/{id}/playPrompt → 200"))
        .anyMatch(t -> t.contains("/cancelMediaProcessing → 200"));
    // the prompt's end, with the cancel's resultInfo
    assertThat(browser.all("#timeline li[data-kind=notification]")).extracting(WebElement::getText)
        .anyMatch(t -> t.contains("playPromptOperation failed") && t.contains("400/8508"));

    // the waveform: 1.2 s of the first prompt, cut where the cancel landed, then the whole second one
    WebElement canvas = browser.until(Duration.ofSeconds(5), d -> {
      WebElement c = d.findElement(By.id("waveform"));
      return "1800".equals(c.getAttribute("data-duration")) ? c : null;
    });
    assertThat(canvas.getAttribute("data-cuts")).isEqualTo("1200");
    browser.screenshot("dashboard");
  }

  @Test
  @DisplayName("10,000 calls: the server pages and filters them, the page shows 50 at a time and finds one by id")
  void ten_thousand_calls(WebhookReceiver bot) throws Exception {
    try (TestRuntime own = TestRuntime.start()) {
      CallvertClient client = own.callvert.client();
      List<String> ids = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int batch = 0; batch < 20; batch++) {
        List<Future<JsonObject>> created = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          created.add(client.createCall(TestRuntime.outgoingCallBody(CallvertClient.LOCAL_CALLBACK, "+1555" + batch + i)));
        }
        Future.all(created).await(60, TimeUnit.SECONDS);
        created.forEach(f -> ids.add(f.result().getString("id")));
      }
      long createdMs = (System.nanoTime() - t0) / 1_000_000;

      long opened = System.nanoTime();
      browser.open(own.baseUrl + "/callvert/ui/index.html");
      browser.until(Duration.ofSeconds(15), d -> d.findElement(By.id("count")).getText().equals("1–50 of 10000") ? true : null);
      long renderedMs = (System.nanoTime() - opened) / 1_000_000;
      assertThat(browser.all("#calls tbody tr")).hasSize(50);

      long listStart = System.nanoTime();
      TestRuntime.Resp page = own.get("/callvert/calls?state=live&offset=9950&limit=50");
      long listMs = (System.nanoTime() - listStart) / 1_000_000;
      assertThat(page.json().getInteger("total")).isEqualTo(10_000);
      assertThat(page.json().getJsonArray("items")).hasSize(50);

      browser.find("#next").click();
      browser.until(Duration.ofSeconds(10), d -> d.findElement(By.id("count")).getText().equals("51–100 of 10000") ? true : null);
      String wanted = ids.get(4321);
      browser.find("#text-filter").sendKeys(wanted);
      browser.until(Duration.ofSeconds(10), d -> d.findElement(By.id("count")).getText().equals("1–1 of 1") ? true : null);
      assertThat(browser.all("#calls tbody tr")).singleElement()
          .satisfies(tr -> assertThat(tr.getAttribute("data-id")).isEqualTo(wanted));
      System.out.println("DashboardIT: 10000 calls created in-process in " + createdMs + " ms; dashboard showed its first page in "
          + renderedMs + " ms; GET /callvert/calls?offset=9950&limit=50 took " + listMs + " ms");
    }
  }

  @Test
  @DisplayName("mounted under a host's prefix (embedded), the same pages work: relative URLs only, the dev token on loopback, live push")
  void works_under_a_mount_prefix(TestRuntime rt, WebhookReceiver bot) throws Exception {
    io.vertx.ext.web.Router host = io.vertx.ext.web.Router.router(rt.vertx);
    host.route("/telephony/*").subRouter(rt.callvert.router());
    io.vertx.core.http.HttpServer server = rt.vertx.createHttpServer().requestHandler(host).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    try {
      String base = "http://127.0.0.1:" + server.actualPort() + "/telephony";
      browser.open(base + "/callvert/ui/");
      browser.until(Duration.ofSeconds(10), d -> "open".equals(d.findElement(By.tagName("body")).getAttribute("data-stream")));
      String callId = rt.createOutgoingCall(bot.url());
      browser.until(Duration.ofSeconds(2), d -> first(d.findElements(By.cssSelector("#calls tbody tr[data-id='" + callId + "']"))));
      browser.click("#calls tbody tr[data-id='" + callId + "']");
      browser.until(Duration.ofSeconds(5), d -> first(d.findElements(By.cssSelector("#timeline li[data-kind=request]"))));
    } finally {
      server.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static <T> T first(List<T> list) {
    return list.isEmpty() ? null : list.get(0);
  }
}
