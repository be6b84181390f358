package io.callvert.runtime.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CallsOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.graph.GraphResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract rules 4–6: wrong types and out-of-range values are 400 invalidRequest naming the field,
 * a full media queue is 429 with Retry-After, and a rejected request changes nothing
 * ({@link CallDriver#rejected} checks effects, call state and timers for every case here).
 */
class RequestValidationTest {

  private final CallDriver d = CallDriver.established();

  private String invalid(String action, JsonObject body) {
    ApiException e = d.rejected(action, body);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("invalidRequest");
    return e.getMessage();
  }

  @ParameterizedTest(name = "{0} prompts")
  @ValueSource(ints = {0, 21})
  @DisplayName("playPrompt needs 1 to 20 prompts")
  void play_prompt_count_is_checked(int n) {
    assertThat(invalid("playprompt", Bodies.playPrompt(n)))
        .isEqualTo("'prompts' must hold 1 to 20 mediaPrompts, got " + n + ".");
  }

  @Test
  @DisplayName("playPrompt accepts exactly 20 prompts")
  void play_prompt_accepts_20() {
    assertThat(d.request("playprompt", Bodies.playPrompt(20)).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("recordResponse takes at most one prompt")
  void record_takes_at_most_one_prompt() {
    assertThat(invalid("recordresponse", Bodies.record(5, 5, 5).put("prompts", Bodies.prompts(2))))
        .isEqualTo("'prompts' may hold at most 1 mediaPrompt, got 2.");
  }

  @Test
  @DisplayName("clientContext over 256 characters is 400; 256 is echoed")
  void client_context_length_is_checked() {
    assertThat(invalid("playprompt", Bodies.playPrompt().put("clientContext", "x".repeat(257))))
        .isEqualTo("'clientContext' must be at most 256 characters, got 257.");
    assertThat(invalid("cancelmediaprocessing", new JsonObject().put("clientContext", "x".repeat(257))))
        .contains("'clientContext'");

    GraphResponse ok = d.request("playprompt", Bodies.playPrompt().put("clientContext", "y".repeat(256)));
    assertThat(ok.body().getString("clientContext")).isEqualTo("y".repeat(256));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
      "initialSilenceTimeoutInSeconds, 0", "initialSilenceTimeoutInSeconds, 121",
      "maxSilenceTimeoutInSeconds, 0", "maxSilenceTimeoutInSeconds, 121",
      "maxRecordDurationInSeconds, 0", "maxRecordDurationInSeconds, 121"})
  @DisplayName("record timeouts must be 1 to 120 seconds")
  void record_seconds_out_of_range(String field, int value) {
    assertThat(invalid("recordresponse", Bodies.record(5, 5, 5).put(field, value)))
        .isEqualTo("'" + field + "' must be between 1 and 120, got " + value + ".");
  }

  @Test
  @DisplayName("known fields of the wrong type are 400 naming the field")
  void wrong_types_name_the_field() {
    assertThat(invalid("recordresponse", Bodies.record(5, 5, 5).put("bargeInAllowed", "yes")))
        .isEqualTo("'bargeInAllowed' must be a boolean.");
    assertThat(invalid("recordresponse", Bodies.record(5, 5, 5).put("playBeep", 1)))
        .isEqualTo("'playBeep' must be a boolean.");
    assertThat(invalid("recordresponse", Bodies.record(5, 5, 5).put("maxRecordDurationInSeconds", "5")))
        .isEqualTo("'maxRecordDurationInSeconds' must be an integer.");
    assertThat(invalid("recordresponse", Bodies.record(5, 5, 5).put("maxSilenceTimeoutInSeconds", 2.5)))
        .isEqualTo("'maxSilenceTimeoutInSeconds' must be an integer.");
    assertThat(invalid("playprompt", Bodies.playPrompt().put("clientContext", 7)))
        .isEqualTo("'clientContext' must be a string.");
    assertThat(invalid("playprompt", new JsonObject().put("prompts", new JsonObject())))
        .isEqualTo("'prompts' must be an array.");
    assertThat(invalid("playprompt", new JsonObject().put("prompts", new JsonArray().add("a.wav"))))
        .isEqualTo("'prompts[0]' must be a mediaPrompt object.");
    assertThat(invalid("senddtmftones", new JsonObject().put("tones", "tone1")))
        .isEqualTo("'tones' must be an array.");
    assertThat(invalid("recordresponse", Bodies.record(5, 5, 5).put("stopTones", "#")))
        .isEqualTo("'stopTones' must be an array.");
  }

  @Test
  @DisplayName("unknown JSON properties and nulls are ignored")
  void unknown_properties_are_ignored() {
    JsonObject body = Bodies.record(5, 5, 5).put("@odata.type", "#microsoft.graph.recordResponse")
        .put("bargeInAllowed", null).put("somethingNew", new JsonObject().put("x", 1));

    assertThat(d.request("recordresponse", body).status()).isEqualTo(200);
  }

  @ParameterizedTest(name = "uri {0}")
  @ValueSource(strings = {"ftp://media.test/a.wav", "a.wav", "https:///nohost.wav"})
  @DisplayName("prompt uris must be absolute http(s) URIs")
  void bad_uri_names_the_field(String uri) {
    JsonObject body = new JsonObject().put("prompts", new JsonArray().add(Bodies.prompt("https://ok.test/a.wav"))
        .add(Bodies.prompt(uri)));

    assertThat(invalid("playprompt", body)).startsWith("'prompts[1].mediaInfo.uri'");
  }

  @Test
  @DisplayName("a prompt without uri or mediaInfo names the missing field")
  void missing_uri_names_the_field() {
    assertThat(invalid("playprompt", new JsonObject().put("prompts", new JsonArray().add(new JsonObject()))))
        .isEqualTo("'prompts[0].mediaInfo' is required.");
    JsonObject noUri = new JsonObject().put("mediaInfo", new JsonObject().put("resourceId", "r1"));
    assertThat(invalid("playprompt", new JsonObject().put("prompts", new JsonArray().add(noUri))))
        .isEqualTo("'prompts[0].mediaInfo.uri' is required.");
  }

  @ParameterizedTest(name = "tone {0}")
  @ValueSource(strings = {"tone10", "flash", "hash", ""})
  @DisplayName("sendDtmfTones rejects unknown tones, naming the index")
  void unknown_dtmf_tone(String tone) {
    assertThat(invalid("senddtmftones", Bodies.dtmf("tone1", tone))).startsWith("'tones[1]' must be a tone");
  }

  @Test
  @DisplayName("sendDtmfTones needs 1 to 64 tones and a delay of 0 to 10000 ms")
  void send_dtmf_limits() {
    assertThat(invalid("senddtmftones", Bodies.dtmf())).contains("'tones' is required");
    assertThat(invalid("senddtmftones", new JsonObject().put("tones", new JsonArray(java.util.Collections.nCopies(65, "tone1")))))
        .contains("at most 64");
    assertThat(invalid("senddtmftones", Bodies.dtmf("tone1").put("delayBetweenTonesMs", -1)))
        .isEqualTo("'delayBetweenTonesMs' must be between 0 and 10000, got -1.");
  }

  @Test
  @DisplayName("unknown stop tones are rejected, naming the index")
  void unknown_stop_tone() {
    JsonObject body = Bodies.record(5, 5, 5).put("stopTones", new JsonArray().add("#").add("X"));

    assertThat(invalid("recordresponse", body)).startsWith("'stopTones[1]'");
  }

  @Test
  @DisplayName("caller tones and speech are validated too")
  void caller_input_is_validated() {
    assertThat(invalid("caller.tones", Bodies.callerTones("12x"))).contains("position 2");
    assertThat(invalid("caller.tones", new JsonObject())).isEqualTo("'tones' is required.");
    assertThat(invalid("caller.speech", Bodies.speech(0))).isEqualTo("'durationMs' must be between 1 and 120000, got 0.");
    assertThat(invalid("caller.speech", new JsonObject())).startsWith("'durationMs' is required");
  }

  @Test
  @DisplayName("a full media queue is 429 activityLimitReached with Retry-After, and nothing changes")
  void full_queue_is_429() {
    CallDriver small = CallDriver.established(CallsOptions.defaults().withMediaQueueLimit(2));
    small.request("playprompt", Bodies.playPrompt());
    small.request("recordresponse", Bodies.record(5, 5, 5));

    ApiException play = small.rejected("playprompt", Bodies.playPrompt());
    ApiException record = small.rejected("recordresponse", Bodies.record(5, 5, 5));

    assertThat(play.status()).isEqualTo(429);
    assertThat(play.code()).isEqualTo("activityLimitReached");
    assertThat(play.retryAfterSeconds()).isEqualTo(1L);
    assertThat(record.status()).isEqualTo(429);
  }

  @Test
  @DisplayName("the DTMF queue has the same limit")
  void full_dtmf_queue_is_429() {
    CallDriver small = CallDriver.established(CallsOptions.defaults().withMediaQueueLimit(1));
    small.request("senddtmftones", Bodies.dtmf("tone1"));

    assertThat(small.rejected("senddtmftones", Bodies.dtmf("tone2")).status()).isEqualTo(429);
  }

  @Test
  @DisplayName("a rejected barge-in record does not cancel the running prompt")
  void rejected_barge_in_cancels_nothing() {
    String play = d.opId(d.request("playprompt", Bodies.playPrompt()));
    d.mediaReady(play, Tones.beep(1_000));

    invalid("recordresponse", Bodies.record(5, 5, 200).put("bargeInAllowed", true));
    d.advance(1_000);

    assertThat(d.terminal(play).data().getString("status")).isEqualTo("completed");
  }

  @Test
  @DisplayName("a rejected request takes no place in the queue: the next one queues behind the running one only")
  void rejected_request_takes_no_queue_place() {
    String first = d.opId(d.request("playprompt", Bodies.playPrompt()));
    invalid("playprompt", Bodies.playPrompt(21));

    GraphResponse second = d.request("playprompt", Bodies.playPrompt());
    d.mediaReady(first, Tones.beep(200));
    d.advance(200);

    assertThat(second.body().getString("status")).isEqualTo("notStarted");
    assertThat(d.pendingFetches()).extracting(FakeEffects.Fetch::opId).containsExactly(d.opId(second));
  }
}
