package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.action;
import static io.callvert.verticles.it.MediaItSupport.awaitEnd;
import static io.callvert.verticles.it.MediaItSupport.callPath;
import static io.callvert.verticles.it.MediaItSupport.establishedCall;
import static io.callvert.verticles.it.MediaItSupport.hangUp;
import static io.callvert.verticles.it.MediaItSupport.journal;
import static io.callvert.verticles.it.MediaItSupport.playBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * URIs that java.net.URI accepts but the Vert.x HTTP client refuses synchronously (a port out of
 * range) or that HTTP allows but an absolute-URI client cannot use as is (a relative Location).
 * Regression tests: these once answered 500 and left a prompt fetching forever (freezing the
 * virtual clock), or left a call's notifications "delivering" forever.
 */
@CallvertTest
class UnusableUriIT {

  @Test
  @DisplayName("a prompt uri with a port above 65535 is a 400 invalidRequest naming the field, and the call's media queue keeps working")
  void prompt_port_out_of_range(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot);
    TestRuntime.Resp r = rt.post(callPath(callId) + "/playPrompt", playBody("bad-port", "http://127.0.0.1:99999/x.wav"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("invalidRequest");
    assertThat(r.json().getJsonObject("error").getString("message")).contains("prompts[0].mediaInfo.uri").contains("99999");

    String opId = action(rt, callId, "playPrompt", playBody("good", media.tone("unusable-ok.wav", 200, 440))).json().getString("id");
    assertThat(rt.post("/v1.0/communications/calls/" + callId + "/playPrompt", playBody("queued", media.tone("unusable-ok2.wav", 100, 440)))
        .json().getString("status")).isEqualTo("notStarted");
    rt.advance(200);
    assertThat(awaitEnd(bot, callId, opId).resourceData().getString("status")).isEqualTo("completed");
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("a callbackUri with a port above 65535 is a 400 invalidRequest, not a call whose notifications can never leave")
  void callback_port_out_of_range(TestRuntime rt) {
    TestRuntime.Resp r = rt.post("/callvert/calls", new JsonObject().put("callbackUri", "http://127.0.0.1:70000/cb"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getJsonObject("error").getString("message")).contains("callbackUri");
    TestRuntime.Resp out = rt.post("/v1.0/communications/calls", TestRuntime.outgoingCallBody("http://127.0.0.1:70000/cb", "+15550003"));
    assertThat(out.status()).isEqualTo(400);
  }

  @Test
  @DisplayName("302 with a relative Location moves the callback to that path on the same host (decision: resolved per RFC 9110)")
  void redirect_relative_location(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot);
    bot.script(new WebhookReceiver.Reply(302, Map.of("Location", "/moved-here")));
    action(rt, callId, "playPrompt", playBody("redirected", media.tone("unusable-redirect.wav", 100, 440)));
    rt.advance(100);
    List<WebhookReceiver.Received> ends = bot.awaitMatching(r -> r.callId().equals(callId) && r.changeType().equals("deleted"), 1);
    assertThat(ends.get(0).path()).isEqualTo("/moved-here");
    hangUp(rt, bot, callId);
    assertThat(MediaItSupport.awaitTerminated(bot, callId).path()).isEqualTo("/moved-here");
  }

  @Test
  @DisplayName("302 to a Location the client cannot use dead-letters that notification and the following ones instead of blocking the call's delivery forever")
  void redirect_to_unusable_location(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot);
    bot.script(new WebhookReceiver.Reply(302, Map.of("Location", "http://127.0.0.1:99999/nowhere")));
    action(rt, callId, "playPrompt", playBody("lost", media.tone("unusable-lost.wav", 100, 440)));
    rt.advance(100);
    assertThat(rt.delete(callPath(callId)).status()).isEqualTo(204);
    List<JsonObject> j = rt.awaitJournal(callId, journal -> journal.size() >= 6 && journal.stream().map(JsonObject.class::cast)
        .noneMatch(e -> e.getString("state").equals("pending") || e.getString("state").equals("delivering")))
        .stream().map(JsonObject.class::cast).toList();
    // created, establishing, established were delivered before the redirect; the rest dead-lettered
    assertThat(j.subList(0, 3)).allMatch(e -> e.getString("state").equals("delivered"));
    assertThat(j.subList(3, j.size())).allMatch(e -> e.getString("state").equals("deadLettered"))
        .allMatch(e -> e.getString("lastError").contains("99999"));
    assertThat(new JsonArray(j).encode()).contains("terminated");
  }
}
