package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.awaitEnd;
import static io.callvert.verticles.it.MediaItSupport.establishedCall;
import static io.callvert.verticles.it.MediaItSupport.hangUp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.graph.communications.calls.item.CallItemRequestBuilder;
import com.microsoft.graph.communications.calls.item.cancelmediaprocessing.CancelMediaProcessingPostRequestBody;
import com.microsoft.graph.communications.calls.item.playprompt.PlayPromptPostRequestBody;
import com.microsoft.graph.communications.calls.item.recordresponse.RecordResponsePostRequestBody;
import com.microsoft.graph.communications.calls.item.senddtmftones.SendDtmfTonesPostRequestBody;
import com.microsoft.graph.communications.calls.item.subscribetotone.SubscribeToTonePostRequestBody;
import com.microsoft.graph.models.CancelMediaProcessingOperation;
import com.microsoft.graph.models.CommsOperation;
import com.microsoft.graph.models.OperationStatus;
import com.microsoft.graph.models.PlayPromptOperation;
import com.microsoft.graph.models.RecordOperation;
import com.microsoft.graph.models.SendDtmfCompletionReason;
import com.microsoft.graph.models.SendDtmfTonesOperation;
import com.microsoft.graph.models.SubscribeToToneOperation;
import com.microsoft.graph.models.Tone;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.callvert.runtime.audio.DtmfDetector;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The official Microsoft Graph Java SDK (com.microsoft.graph:microsoft-graph 6.x, v1.0 models)
 * drives the media API of a started Callvert: every response and GET parses into the typed
 * operation, with enums and resultInfo; notification payloads parse with the SDK's models too.
 *
 * <p>{@code status} is read through the casing workaround described in {@link GraphSdkMediaSupport}
 * (an SDK defect); one test pins the stock SDK's behaviour.
 *
 * <p>Note: the v1.0 models have no {@code completionReason} on playPromptOperation and
 * recordOperation (only beta has it); Callvert sends it anyway and the SDK keeps it in
 * {@code additionalData}, which is what these tests check.
 */
@CallvertTest
class GraphSdkMediaIT {

  /** With the status casing workaround; made once for the class's Callvert. */
  static GraphServiceClient graph;
  /** The SDK as shipped (no status casing workaround). */
  static GraphServiceClient stock;

  private final TestRuntime rt;
  private final WebhookReceiver bot;
  private final WavServer media;

  GraphSdkMediaIT(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    this.rt = rt;
    this.bot = bot;
    this.media = media;
  }

  @BeforeAll
  static void clients(TestRuntime rt) {
    graph = GraphSdkMediaSupport.client(rt);
    stock = GraphSdkMediaSupport.stockClient(rt);
  }

  private static CallItemRequestBuilder call(String callId) {
    return graph.communications().calls().byCallId(callId);
  }

  private static CommsOperation getOperation(String callId, String opId) {
    return call(callId).operations().byCommsOperationId(opId).get();
  }

  @Test
  @DisplayName("SDK playPrompt -> PlayPromptOperation running; GET operation -> typed PlayPromptOperation running, then completed 200/0")
  void play_prompt() {
    String callId = establishedCall(rt, bot);
    PlayPromptPostRequestBody body = new PlayPromptPostRequestBody();
    body.setClientContext("sdk-play");
    body.setPrompts(List.of(GraphSdkMediaSupport.prompt(media.tone("sdk-500.wav", 500, 440), "sdk-500")));
    PlayPromptOperation op = call(callId).playPrompt().post(body);
    assertThat(op.getId()).isNotBlank();
    assertThat(op.getStatus()).isEqualTo(OperationStatus.Running);
    assertThat(op.getClientContext()).isEqualTo("sdk-play");
    assertThat(op.getOdataType()).isEqualTo("#microsoft.graph.playPromptOperation");

    CommsOperation running = getOperation(callId, op.getId());
    assertThat(running).isInstanceOf(PlayPromptOperation.class);
    assertThat(running.getStatus()).isEqualTo(OperationStatus.Running);

    rt.advance(500);
    CommsOperation done = getOperation(callId, op.getId());
    assertThat(done).isInstanceOf(PlayPromptOperation.class);
    assertThat(done.getStatus()).isEqualTo(OperationStatus.Completed);
    assertThat(done.getResultInfo().getCode()).isEqualTo(200);
    assertThat(done.getResultInfo().getSubcode()).isEqualTo(0);
    assertThat(done.getResultInfo().getMessage()).isEqualTo("Action completed successfully.");
    assertThat(done.getAdditionalData()).containsEntry("completionReason", "completedSuccessfully");

    CommsOperation notified = GraphSdkMediaSupport.parseOperation(awaitEnd(bot, callId, op.getId()).resourceData());
    assertThat(notified).isInstanceOf(PlayPromptOperation.class);
    assertThat(notified.getStatus()).isEqualTo(OperationStatus.Completed);
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("SDK recordResponse -> RecordOperation running; after max duration GET -> RecordOperation completed 200/8515 with recordingLocation and token")
  void record_response() {
    String callId = establishedCall(rt, bot);
    RecordResponsePostRequestBody body = new RecordResponsePostRequestBody();
    body.setClientContext("sdk-record");
    body.setBargeInAllowed(true);
    body.setPlayBeep(false);
    body.setInitialSilenceTimeoutInSeconds(5);
    body.setMaxSilenceTimeoutInSeconds(5);
    body.setMaxRecordDurationInSeconds(2);
    body.setStopTones(List.of("#", "*"));
    RecordOperation op = call(callId).recordResponse().post(body);
    assertThat(op.getStatus()).isEqualTo(OperationStatus.Running);
    assertThat(op.getClientContext()).isEqualTo("sdk-record");
    rt.post("/callvert/calls/" + callId + "/speech", new JsonObject().put("durationMs", 1500));
    rt.advance(2000);

    CommsOperation got = getOperation(callId, op.getId());
    assertThat(got).isInstanceOf(RecordOperation.class);
    RecordOperation rec = (RecordOperation) got;
    assertThat(rec.getStatus()).isEqualTo(OperationStatus.Completed);
    assertThat(rec.getResultInfo().getSubcode()).isEqualTo(8515);
    assertThat(rec.getRecordingLocation()).startsWith(rt.baseUrl + "/callvert/calls/" + callId + "/recordings/");
    assertThat(rec.getRecordingAccessToken()).isNotBlank();
    assertThat(rec.getAdditionalData()).containsEntry("completionReason", "maxRecordDurationReached");
    assertThat(MediaItSupport.download(rt, rec.getRecordingLocation(), rec.getRecordingAccessToken()).durationMs()).isEqualTo(2000);

    RecordOperation notified = (RecordOperation) GraphSdkMediaSupport.parseOperation(awaitEnd(bot, callId, op.getId()).resourceData());
    assertThat(notified.getRecordingLocation()).isEqualTo(rec.getRecordingLocation());
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("SDK cancelMediaProcessing -> CancelMediaProcessingOperation completed 200/0; the cancelled prompt reads failed 400/8508 through the SDK")
  void cancel_media_processing() {
    String callId = establishedCall(rt, bot);
    PlayPromptPostRequestBody play = new PlayPromptPostRequestBody();
    play.setPrompts(List.of(GraphSdkMediaSupport.prompt(media.tone("sdk-2s.wav", 2000, 440), null)));
    PlayPromptOperation running = call(callId).playPrompt().post(play);
    RecordResponsePostRequestBody rec = new RecordResponsePostRequestBody();
    RecordOperation queued = call(callId).recordResponse().post(rec);
    assertThat(queued.getStatus()).isEqualTo(OperationStatus.NotStarted);
    assertThat(getOperation(callId, queued.getId()).getStatus()).isEqualTo(OperationStatus.NotStarted);
    rt.advance(300);

    CancelMediaProcessingPostRequestBody body = new CancelMediaProcessingPostRequestBody();
    body.setClientContext("sdk-cancel");
    CancelMediaProcessingOperation cancel = call(callId).cancelMediaProcessing().post(body);
    assertThat(cancel.getStatus()).isEqualTo(OperationStatus.Completed);
    assertThat(cancel.getClientContext()).isEqualTo("sdk-cancel");
    assertThat(cancel.getResultInfo().getCode()).isEqualTo(200);
    assertThat(getOperation(callId, cancel.getId())).isInstanceOf(CancelMediaProcessingOperation.class);

    CommsOperation cancelled = getOperation(callId, running.getId());
    assertThat(cancelled.getStatus()).isEqualTo(OperationStatus.Failed);
    assertThat(cancelled.getResultInfo().getCode()).isEqualTo(400);
    assertThat(cancelled.getResultInfo().getSubcode()).isEqualTo(8508);
    assertThat(cancelled.getAdditionalData()).containsEntry("completionReason", "mediaOperationCanceled");
    RecordOperation cancelledRecord = (RecordOperation) getOperation(callId, queued.getId());
    assertThat(cancelledRecord.getStatus()).isEqualTo(OperationStatus.Failed);
    assertThat(cancelledRecord.getRecordingLocation()).isEmpty();
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("SDK subscribeToTone -> SubscribeToToneOperation completed; key presses then arrive as toneInfo notifications")
  void subscribe_to_tone() {
    String callId = establishedCall(rt, bot);
    SubscribeToTonePostRequestBody body = new SubscribeToTonePostRequestBody();
    body.setClientContext("sdk-tones");
    SubscribeToToneOperation op = call(callId).subscribeToTone().post(body);
    assertThat(op.getStatus()).isEqualTo(OperationStatus.Completed);
    assertThat(op.getClientContext()).isEqualTo("sdk-tones");
    assertThat(op.getResultInfo().getCode()).isEqualTo(200);
    assertThat(getOperation(callId, op.getId())).isInstanceOf(SubscribeToToneOperation.class);
    rt.post("/callvert/calls/" + callId + "/tones", new JsonObject().put("tones", "0"));
    WebhookReceiver.Received tone = bot.awaitOne(callId, r -> r.resourceData().getJsonObject("toneInfo") != null);
    assertThat(Tone.forValue(tone.resourceData().getJsonObject("toneInfo").getString("tone"))).isEqualTo(Tone.Tone0);
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("SDK sendDtmfTones (Tone enums) -> SendDtmfTonesOperation running; GET -> completed with SendDtmfCompletionReason.CompletedSuccessfully; the caller heard 12#")
  void send_dtmf_tones() {
    String callId = establishedCall(rt, bot);
    SendDtmfTonesPostRequestBody body = new SendDtmfTonesPostRequestBody();
    body.setClientContext("sdk-dtmf");
    body.setTones(List.of(Tone.Tone1, Tone.Tone2, Tone.Pound));
    body.setDelayBetweenTonesMs(50);
    SendDtmfTonesOperation op = call(callId).sendDtmfTones().post(body);
    assertThat(op.getStatus()).isEqualTo(OperationStatus.Running);
    rt.advance(400);
    CommsOperation got = getOperation(callId, op.getId());
    assertThat(got).isInstanceOf(SendDtmfTonesOperation.class);
    assertThat(got.getStatus()).isEqualTo(OperationStatus.Completed);
    assertThat(((SendDtmfTonesOperation) got).getCompletionReason()).isEqualTo(SendDtmfCompletionReason.CompletedSuccessfully);
    assertThat(DtmfDetector.detect(MediaItSupport.heard(rt, callId))).isEqualTo("12#");
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("the stock SDK parses Callvert's operations but leaves status null: OperationStatus only knows 'Running', the wire (Graph docs, live Graph, Callvert) says 'running' (msgraph-sdk-java#2233)")
  void stock_sdk_status_casing() {
    String callId = establishedCall(rt, bot);
    PlayPromptPostRequestBody body = new PlayPromptPostRequestBody();
    body.setClientContext("stock");
    body.setPrompts(List.of(GraphSdkMediaSupport.prompt(media.tone("sdk-stock.wav", 300, 440), null)));
    PlayPromptOperation op = stock.communications().calls().byCallId(callId).playPrompt().post(body);
    assertThat(op.getId()).isNotBlank();
    assertThat(op.getClientContext()).isEqualTo("stock");
    assertThat(op.getStatus()).as("SDK defect, not Callvert's: see GraphSdkMediaSupport").isNull();
    rt.advance(300);
    CommsOperation done = stock.communications().calls().byCallId(callId).operations().byCommsOperationId(op.getId()).get();
    assertThat(done).isInstanceOf(PlayPromptOperation.class);
    assertThat(done.getStatus()).isNull();
    assertThat(done.getResultInfo().getCode()).isEqualTo(200);
    // the raw wire value is what the Graph docs show
    assertThat(MediaItSupport.getOperation(rt, callId, op.getId()).getString("status")).isEqualTo("completed");
    hangUp(rt, bot, callId);
  }

  @Test
  @DisplayName("errors reach the SDK as ODataError with Graph's codes: unknown call 404/8522, bad request 400 invalidRequest, unknown operation 404 itemNotFound")
  void errors_are_odata_errors() {
    PlayPromptPostRequestBody body = new PlayPromptPostRequestBody();
    body.setPrompts(List.of(GraphSdkMediaSupport.prompt(media.tone("sdk-err.wav", 100, 440), null)));
    assertThatThrownBy(() -> call("00000000-0000-4000-8000-000000000000").playPrompt().post(body))
        .isInstanceOfSatisfying(ODataError.class, e -> {
          assertThat(e.getResponseStatusCode()).isEqualTo(404);
          assertThat(e.getError().getCode()).isEqualTo("8522");
          assertThat(e.getError().getMessage()).isEqualTo("Call not found.");
        });

    String callId = establishedCall(rt, bot);
    PlayPromptPostRequestBody empty = new PlayPromptPostRequestBody();
    empty.setPrompts(List.of());
    assertThatThrownBy(() -> call(callId).playPrompt().post(empty))
        .isInstanceOfSatisfying(ODataError.class, e -> {
          assertThat(e.getResponseStatusCode()).isEqualTo(400);
          assertThat(e.getError().getCode()).isEqualTo("invalidRequest");
          assertThat(e.getError().getMessage()).contains("prompts");
        });
    assertThatThrownBy(() -> getOperation(callId, "11111111-2222-4333-8444-555555555555"))
        .isInstanceOfSatisfying(ODataError.class, e -> {
          assertThat(e.getResponseStatusCode()).isEqualTo(404);
          assertThat(e.getError().getCode()).isEqualTo("itemNotFound");
        });
    hangUp(rt, bot, callId);
  }
}
