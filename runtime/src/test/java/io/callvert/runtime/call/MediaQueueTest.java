package io.callvert.runtime.call;

import static io.callvert.runtime.call.Payloads.CALL_ENDED;
import static io.callvert.runtime.call.Payloads.CANCELLED;
import static io.callvert.runtime.call.Payloads.OK;
import static io.callvert.runtime.call.Payloads.PROMPT_FAILED;
import static io.callvert.runtime.call.Payloads.dtmfOp;
import static io.callvert.runtime.call.Payloads.opDeleted;
import static io.callvert.runtime.call.Payloads.playOp;
import static io.callvert.runtime.call.Payloads.recordOp;
import static io.callvert.runtime.call.Payloads.resultInfo;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CallsOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.call.FakeEffects.Fetch;
import io.callvert.runtime.call.FakeEffects.Notified;
import io.callvert.runtime.graph.GraphResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Contract rules 6–13 for playPrompt and the shared media queue: FIFO, cancellation, barge-in, failures. */
class MediaQueueTest {

  private final CallDriver d = CallDriver.established();

  private String play(int prompts) {
    GraphResponse r = d.request("playprompt", Bodies.playPrompt(prompts));
    return d.opId(r);
  }

  private List<Notified> since(int index) {
    List<Notified> all = d.notifications();
    return all.subList(index, all.size());
  }

  @Test
  @DisplayName("playPrompt answers 200 running with Location and clientContext, and fetches its media")
  void play_prompt_answers_running_and_fetches() {
    GraphResponse r = d.request("playprompt", Bodies.playPrompt(1));
    String op = d.opId(r);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.release()).isEqualTo(op);
    assertThat(r.body()).isEqualTo(playOp(op, "play-ctx", "running", null, null));
    Fetch f = d.fetchOf(op);
    assertThat(f.media()).containsExactly(new MediaRef("https://media.test/prompt-0.wav", null));
    assertThat(d.about(op)).isEmpty();
  }

  @Test
  @DisplayName("playPrompt completes after the real duration of its clip: deleted completed 200/0")
  void play_prompt_completes_after_clip_duration() {
    String op = play(1);
    d.advance(120); // fetch latency
    long started = d.now();
    d.mediaReady(op, Tones.beep(1500));

    d.advance(1499);
    assertThat(d.about(op)).isEmpty();
    d.advance(1);

    Notified n = d.terminal(op);
    assertThat(n.outbound().body()).isEqualTo(opDeleted(d.opPath(op),
        playOp(op, "play-ctx", "completed", resultInfo(200, 0, OK), "completedSuccessfully")));
    assertThat(n.at()).isEqualTo(started + 1500);
    assertThat(n.gate()).isEqualTo(op);
    assertThat(d.fx.log().indexOf(n)).isGreaterThan(d.replyIndex(op));
    assertThat(d.operation(op).getString("status")).isEqualTo("completed");
  }

  @Test
  @DisplayName("the durations of several prompts add up")
  void multi_prompt_durations_add_up() {
    String op = play(3);
    assertThat(d.fetchOf(op).media()).hasSize(3);
    long started = d.now();

    d.mediaReady(op, Tones.beep(700), Tones.beep(1200), Tones.beep(300));
    d.advance(5_000);

    assertThat(d.terminal(op).at()).isEqualTo(started + 2_200);
  }

  @Test
  @DisplayName("media operations run one at a time: the second is notStarted until the first completes")
  void queue_is_fifo() {
    String first = play(1);
    GraphResponse r2 = d.request("playprompt", Bodies.playPrompt(1).put("clientContext", "second"));
    String second = d.opId(r2);

    assertThat(r2.body()).isEqualTo(playOp(second, "second", "notStarted", null, null));
    assertThat(d.pendingFetches()).extracting(Fetch::opId).containsExactly(first);
    assertThat(d.operation(second).getString("status")).isEqualTo("notStarted");

    d.mediaReady(first, Tones.beep(1000));
    d.advance(1000);

    assertThat(d.pendingFetches()).extracting(Fetch::opId).containsExactly(second);
    assertThat(d.fetchOf(second).at()).isEqualTo(d.now());
    assertThat(d.operation(second).getString("status")).isEqualTo("running");
    d.mediaReady(second, Tones.beep(500));
    d.advance(500);
    assertThat(d.notifications()).extracting(Notified::operationId).containsSubsequence(first, second);
    assertThat(d.terminal(second).data().getString("status")).isEqualTo("completed");
  }

  @Test
  @DisplayName("cancelMediaProcessing ends the running then the queued operation with contract rule 11 — What a cancelled operation reports payloads, in queue order")
  void cancel_ends_running_and_queued_in_order() {
    String play = play(1);
    d.mediaReady(play, Tones.beep(3000));
    String record = d.opId(d.request("recordresponse", Bodies.record(5, 5, 5)));
    d.advance(1000);
    int before = d.notifications().size();

    GraphResponse r = d.request("cancelmediaprocessing", Bodies.cancel());

    List<Notified> ns = since(before);
    assertThat(ns).extracting(n -> n.outbound().body()).containsExactly(
        opDeleted(d.opPath(play), playOp(play, "play-ctx", "failed", resultInfo(400, 8508, CANCELLED),
            "mediaOperationCanceled")),
        opDeleted(d.opPath(record), recordOp(record, "record-ctx", "failed", resultInfo(400, 8508, CANCELLED),
            "operationCanceled", "", "")));
    assertThat(ns).extracting(Notified::gate).containsExactly(play, record);
    assertThat(d.fx.armedTimers()).containsOnlyKeys(TimerKey.Call.KEEP_ALIVE);
  }

  @Test
  @DisplayName("the cancel operation is answered completed 200/0, is readable by GET, and is never notified")
  void cancel_operation_is_answered_completed_without_notification() {
    String play = play(1);
    d.mediaReady(play, Tones.beep(3000));

    GraphResponse r = d.request("cancelmediaprocessing", Bodies.cancel());
    String cancel = d.opId(r);
    d.advance(10_000);

    JsonObject expected = new JsonObject()
        .put("@odata.type", "#microsoft.graph.cancelMediaProcessingOperation")
        .put("id", cancel)
        .put("clientContext", "cancel-ctx")
        .put("status", "completed")
        .put("resultInfo", resultInfo(200, 0, OK));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(expected);
    assertThat(d.operation(cancel)).isEqualTo(expected);
    assertThat(d.about(cancel)).isEmpty();
    assertThat(d.operation(play).getString("status")).isEqualTo("failed");
  }

  @Test
  @DisplayName("cancelMediaProcessing with nothing to cancel still succeeds and notifies nothing")
  void cancel_with_nothing_to_cancel_succeeds() {
    int before = d.fx.log().size();

    GraphResponse r = d.request("cancelmediaprocessing", null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().getString("status")).isEqualTo("completed");
    assertThat(r.body().getValue("clientContext")).isNull();
    assertThat(d.notifications()).hasSize(2); // establishing, established
    assertThat(d.fx.log().subList(before, d.fx.log().size())).hasSize(1); // the reply only
  }

  @Test
  @DisplayName("media that arrives for an operation cancelled while fetching is ignored")
  void media_arriving_after_cancel_is_ignored() {
    String play = play(1);
    d.request("cancelmediaprocessing", Bodies.cancel());
    int before = d.fx.log().size();

    d.mediaReady(play, Tones.beep(1000));
    d.advance(5_000);

    assertThat(d.fx.log().subList(before, d.fx.log().size())).isEmpty();
    assertThat(d.about(play)).hasSize(1);
  }

  @Test
  @DisplayName("recordResponse with bargeInAllowed cancels running and queued media (contract rule 11 — What a cancelled operation reports payloads) and starts at once")
  void barge_in_cancels_and_starts_at_once() {
    String first = play(1);
    d.mediaReady(first, Tones.beep(3000));
    String second = play(1);
    d.advance(500);

    GraphResponse r = d.request("recordresponse", Bodies.record(5, 5, 10).put("bargeInAllowed", true));
    String record = d.opId(r);

    assertThat(r.body().getString("status")).isEqualTo("running");
    assertThat(d.about(first)).extracting(n -> n.outbound().body()).containsExactly(opDeleted(d.opPath(first),
        playOp(first, "play-ctx", "failed", resultInfo(400, 8508, CANCELLED), "mediaOperationCanceled")));
    assertThat(d.about(second)).extracting(n -> n.data().getString("completionReason"))
        .containsExactly("mediaOperationCanceled");
    assertThat(d.fx.log().indexOf(d.terminal(first))).isLessThan(d.fx.log().indexOf(d.terminal(second)));
    assertThat(d.fx.armedTimers()).containsEntry(new TimerKey.RecordMax(record), d.now() + 10_000);
    assertThat(d.pendingFetches()).isEmpty();
  }

  @Test
  @DisplayName("barge-in is accepted even when the queue is full")
  void barge_in_is_accepted_with_a_full_queue() {
    CallDriver full = CallDriver.established(CallsOptions.defaults().withMediaQueueLimit(1));
    full.request("playprompt", Bodies.playPrompt());

    GraphResponse r = full.request("recordresponse", Bodies.record(5, 5, 5).put("bargeInAllowed", true));

    assertThat(r.body().getString("status")).isEqualTo("running");
  }

  @Test
  @DisplayName("a prompt that cannot be fetched fails the playPrompt 400/8511, and the queue moves on")
  void prompt_fetch_failure_fails_play_8511() {
    String play = play(1);
    String next = play(1);

    d.mediaFailed(play, "GET https://media.test/prompt-0.wav: 404");

    assertThat(d.terminal(play).outbound().body()).isEqualTo(opDeleted(d.opPath(play), playOp(play, "play-ctx",
        "failed", resultInfo(400, 8511, PROMPT_FAILED).put("detail", "GET https://media.test/prompt-0.wav: 404"),
        "unknown")));
    assertThat(d.pendingFetches()).extracting(Fetch::opId).containsExactly(next);
  }

  @Test
  @DisplayName("the call ending fails running and queued media and DTMF with 410/8509, then announces terminated")
  void call_end_fails_everything_410_8509() {
    String play = play(1);
    d.mediaReady(play, Tones.beep(3000));
    String record = d.opId(d.request("recordresponse", Bodies.record(5, 5, 5)));
    String dtmf = d.opId(d.request("senddtmftones", Bodies.dtmf("tone1", "tone2")));
    int before = d.notifications().size();

    d.request("caller.hangup", null);

    JsonObject ended = resultInfo(410, 8509, CALL_ENDED);
    List<Notified> ns = since(before);
    assertThat(ns).extracting(n -> n.outbound().body()).startsWith(
        opDeleted(d.opPath(play), playOp(play, "play-ctx", "failed", ended, "unknown")),
        opDeleted(d.opPath(record), recordOp(record, "record-ctx", "failed", ended, "unspecifiedError", "", "")),
        opDeleted(d.opPath(dtmf), dtmfOp(dtmf, "dtmf-ctx", "failed", ended, "unknown")));
    assertThat(ns).hasSize(4);
    assertThat(ns.get(3).data().getString("state")).isEqualTo("terminated");
  }

  @Test
  @DisplayName("media operations after the call ended are 404 'Call not found.', but GET operation still works")
  void operations_stay_readable_after_the_call_ended() {
    String play = play(1);
    d.request("delete", null);

    ApiException e = d.rejected("playprompt", Bodies.playPrompt());

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.code()).isEqualTo("8522");
    assertThat(d.operation(play).getJsonObject("resultInfo").getInteger("subcode")).isEqualTo(8509);
  }

  @Test
  @DisplayName("GET of an unknown operation is 404 itemNotFound; ids are matched in any case, with or without dashes")
  void get_operation_by_any_id_form() {
    String play = play(1);

    assertThat(d.operation(play.toUpperCase().replace("-", "")).getString("id")).isEqualTo(play);
    ApiException e = d.rejected("operation", new JsonObject().put("operationId", "00000000-0000-0000-0000-000000000000"));
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.code()).isEqualTo("itemNotFound");
  }

  @Test
  @DisplayName("a terminal operation's GET shows exactly what its deleted notification showed; a cancel's GET its 200 body")
  void terminal_operations_are_remembered_exactly() {
    String first = play(1);
    String second = play(1);
    GraphResponse cancel = d.request("cancelmediaprocessing", Bodies.cancel());

    for (String op : List.of(first, second)) {
      JsonObject notified = d.terminal(op).data().copy();
      notified.remove("@odata.id");
      assertThat(d.operation(op)).as(op).isEqualTo(notified);
    }
    assertThat(d.operation(d.opId(cancel))).isEqualTo(cancel.body());
  }

  @Test
  @DisplayName("beyond calls.maxRememberedOperations terminal operations per call the oldest are forgotten (404); the others still answer")
  void terminal_operations_are_bounded_per_call() {
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < CallsOptions.DEFAULT_MAX_REMEMBERED_OPERATIONS + 3; i++) {
      ids.add(d.opId(d.request("cancelmediaprocessing", Bodies.cancel())));
    }

    for (String forgotten : ids.subList(0, 3)) {
      assertThat(d.rejected("operation", new JsonObject().put("operationId", forgotten)).status()).isEqualTo(404);
    }
    for (String kept : List.of(ids.get(3), ids.get(ids.size() / 2), ids.get(ids.size() - 1))) {
      assertThat(d.operation(kept).getString("id")).isEqualTo(kept);
      assertThat(d.operation(kept).getString("status")).isEqualTo("completed");
    }
  }
}
