package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.action;
import static io.callvert.verticles.it.MediaItSupport.awaitEnd;
import static io.callvert.verticles.it.MediaItSupport.callPath;
import static io.callvert.verticles.it.MediaItSupport.establishedCall;
import static io.callvert.verticles.it.MediaItSupport.hangUp;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CallvertOptions;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contract rule 39 (Retained calls are bounded): at most {@code calls.maxRetainedCalls} ended calls
 * stay readable; one more ending evicts the call that ended first, exactly as if its retention had
 * run out (GET 404 8522, journal 404, recordings deleted), while live calls are not touched.
 */
@CallvertTest(options = RetainedCallsIT.Options.class)
class RetainedCallsIT {

  static final int MAX_RETAINED = 3;

  static final class Options implements UnaryOperator<CallvertOptions> {
    @Override
    public CallvertOptions apply(CallvertOptions o) {
      return o.withCalls(o.calls().withMaxRetainedCalls(MAX_RETAINED).withMaxCalls(2));
    }
  }

  private static void assertGone(TestRuntime rt, String callId) {
    TestRuntime.Resp get = rt.get(callPath(callId));
    assertThat(get.status()).as(get.text()).isEqualTo(404);
    assertThat(get.json().getJsonObject("error").getString("code")).isEqualTo("8522");
    assertThat(rt.get("/callvert/calls/" + callId + "/notifications").status()).isEqualTo(404);
    assertThat(rt.get("/callvert/calls/" + callId + "/heard").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("calls.maxRetainedCalls=3 under calls.maxCalls=2: of 8 calls created and ended one after the other, the "
      + "3 that ended last stay readable; the others are 404 with their recordings deleted; a live call is untouched")
  void oldest_ended_call_is_evicted_first(TestRuntime rt, WebhookReceiver bot) {
    String live = establishedCall(rt, bot);
    List<String> ended = new ArrayList<>();
    String[] recording = null;
    for (int i = 0; i < 8; i++) {
      String callId = establishedCall(rt, bot);
      if (i == 0) {
        String opId = action(rt, callId, "recordResponse", new JsonObject().put("playBeep", false)
            .put("maxRecordDurationInSeconds", 1).put("initialSilenceTimeoutInSeconds", 2)).json().getString("id");
        rt.advance(1_000);
        JsonObject end = awaitEnd(bot, callId, opId).resourceData();
        recording = new String[] {end.getString("recordingLocation"), end.getString("recordingAccessToken")};
        assertThat(download(rt, recording).status()).isEqualTo(200);
      }
      hangUp(rt, bot, callId);
      ended.add(callId);
      // ended calls do not count against calls.maxCalls (2, one of them the live call): every create succeeded
      int held = Math.min(ended.size(), MAX_RETAINED);
      for (String kept : ended.subList(ended.size() - held, ended.size())) {
        assertThat(rt.get(callPath(kept)).json().getString("state")).isEqualTo("terminated");
      }
      for (String gone : ended.subList(0, ended.size() - held)) {
        assertGone(rt, gone);
      }
    }
    TestRuntime.Resp evictedRecording = download(rt, recording);
    assertThat(evictedRecording.status()).isEqualTo(404);
    assertThat(rt.callvert.retainedCalls()).isEqualTo(MAX_RETAINED);

    assertThat(rt.get(callPath(live)).json().getString("state")).isEqualTo("established");
    hangUp(rt, bot, live);
    assertGone(rt, ended.get(ended.size() - MAX_RETAINED));
    // the evicted calls' retention timers run out later and find nothing to forget
    rt.advance(io.callvert.config.CallsOptions.DEFAULT_RETENTION_MS + 1);
    assertThat(rt.callvert.retainedCalls()).isZero();
  }

  private static TestRuntime.Resp download(TestRuntime rt, String[] recording) {
    return rt.send(HttpRequest.newBuilder(rt.uri(recording[0])).header("Authorization", "Bearer " + recording[1]).GET());
  }
}
