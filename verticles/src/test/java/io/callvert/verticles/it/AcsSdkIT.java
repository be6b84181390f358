package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.AcsOptions;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The ACS Call Automation dialect driven by the official JS SDK 1.6.0 (contract rules 48–59): one Callvert, one
 * Node process for the class; the SDK's calls answer with the statuses it insists on, and the events reach the bot's
 * loopback server as CloudEvents that {@code parseCallAutomationEvent} reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AcsSdkIT {

  private static final String CALLEE = "+15550100";

  private TestRuntime rt;
  private WavServer media;
  private AcsSdkDriver sdk;

  @BeforeAll
  void start() throws Exception {
    rt = TestRuntime.start();
    media = new WavServer(rt.vertx);
    sdk = new AcsSdkDriver(rt.baseUrl + "/", AcsOptions.DEV_ACCESS_KEY);
  }

  @AfterAll
  void stop() throws Exception {
    if (sdk != null) {
      sdk.close();
    }
    if (media != null) {
      media.close();
    }
    if (rt != null) {
      rt.close();
    }
  }

  private static JsonObject cmd(String op) {
    return new JsonObject().put("op", op);
  }

  /** createCall, then the simulated callee answers (500 ms on the virtual clock): CallConnected. */
  private String connectedCall(String context) {
    JsonObject props = sdk.callObject(cmd("create").put("target", CALLEE).put("operationContext", context));
    String callId = props.getString("callConnectionId");
    rt.advance(500);
    sdk.awaitEvent(callId, "CallConnected");
    return callId;
  }

  private void press(String callId, String tones) {
    assertThat(rt.post("/callvert/calls/" + callId + "/tones", new JsonObject().put("tones", tones)).status()).isEqualTo(202);
  }

  private int liveCalls() {
    return rt.get("/health").json().getInteger("liveCalls");
  }

  @Test
  @DisplayName("createCall answers 201 with the call's properties; the callee answers: CallConnected with the create's operationContext; get shows it connected")
  void create_then_connected() {
    JsonObject props = sdk.callObject(cmd("create").put("target", CALLEE).put("operationContext", "op-create"));
    String callId = props.getString("callConnectionId");
    assertThat(props.getString("callConnectionState")).isEqualTo("connecting");
    // the SDK converts the wire's identifier models into its own identifiers
    assertThat(props.getJsonArray("targetParticipants").getJsonObject(0).getString("phoneNumber")).isEqualTo(CALLEE);
    assertThat(sdk.events(callId)).isEmpty();
    rt.advance(500);
    JsonObject connected = sdk.awaitEvent(callId, "CallConnected");
    assertThat(connected.getString("operationContext")).isEqualTo("op-create");
    assertThat(connected.getString("serverCallId")).isNotBlank();
    assertThat(connected.getJsonObject("resultInformation").getInteger("code")).isEqualTo(200);
    JsonObject got = sdk.callObject(cmd("get").put("callId", callId));
    assertThat(got.getString("callConnectionState")).isEqualTo("connected");
    assertThat(got.getString("callConnectionId")).isEqualTo(callId);
    // the same call on Callvert's own API: its journal holds the CloudEvent as delivered
    JsonArray journal = rt.awaitJournal(callId, j -> j.size() == 1 && "delivered".equals(j.getJsonObject(0).getString("state")));
    assertThat(journal.getJsonObject(0).getJsonObject("notification").getString("type"))
        .isEqualTo("Microsoft.Communication.CallConnected");
  }

  @Test
  @DisplayName("play, then a queued recognize; cancelAllOperations (202): PlayCanceled then RecognizeCanceled, 400/8508, each once, with their operationContexts; the caller's audio stops")
  void cancel_all_ends_play_and_queued_recognize() {
    String callId = connectedCall("op-cancel");
    String prompt = media.tone("/acs-long.wav", 30_000, 440);
    sdk.call(cmd("play").put("callId", callId).put("url", prompt).put("operationContext", "ctx-play"));
    sdk.call(cmd("recognize").put("callId", callId).put("caller", CALLEE).put("maxTones", 3)
        .put("operationContext", "ctx-reco"));
    media.whenFetched("/acs-long.wav", 1).await();
    rt.advance(1_000);
    sdk.call(cmd("cancelAll").put("callId", callId));
    JsonObject play = sdk.awaitEvent(callId, "PlayCanceled");
    JsonObject reco = sdk.awaitEvent(callId, "RecognizeCanceled");
    assertThat(play.getString("operationContext")).isEqualTo("ctx-play");
    assertThat(reco.getString("operationContext")).isEqualTo("ctx-reco");
    for (JsonObject e : List.of(play, reco)) {
      assertThat(e.getJsonObject("resultInformation").getInteger("code")).isEqualTo(400);
      assertThat(e.getJsonObject("resultInformation").getInteger("subCode")).isEqualTo(8508);
    }
    // the caller heard the prompt until the cancel (1 s on the clock), not its 30 s
    long heardMs = MediaItSupport.heard(rt, callId).length() / 16;
    assertThat(heardMs).isBetween(900L, 1_100L);
    rt.advance(60_000);
    List<String> kinds = sdk.events(callId).stream().map(e -> e.getString("kind")).toList();
    assertThat(kinds).containsExactly("CallConnected", "PlayCanceled", "RecognizeCanceled");
  }

  @Test
  @DisplayName("recognize DTMF with stop tone pound; the caller presses 1 2 #: RecognizeCompleted, dtmf, tones one two pound, 200/8514")
  void recognize_collects_caller_tones() {
    String callId = connectedCall("op-reco");
    sdk.call(cmd("recognize").put("callId", callId).put("caller", CALLEE).put("maxTones", 5)
        .put("stopTones", new JsonArray().add("pound")).put("operationContext", "menu"));
    press(callId, "12#");
    rt.advance(300);
    JsonObject done = sdk.awaitEvent(callId, "RecognizeCompleted");
    assertThat(done.getString("recognitionType")).isEqualTo("dtmf");
    assertThat(done.getJsonObject("dtmfResult").getJsonArray("tones")).isEqualTo(new JsonArray().add("one").add("two").add("pound"));
    assertThat(done.getString("operationContext")).isEqualTo("menu");
    assertThat(done.getJsonObject("resultInformation").getInteger("subCode")).isEqualTo(8514);
  }

  @Test
  @DisplayName("recognize with no key in time: RecognizeFailed 400/8510 after exactly the initial silence timeout")
  void recognize_initial_silence() {
    String callId = connectedCall("op-silence");
    sdk.call(cmd("recognize").put("callId", callId).put("caller", CALLEE).put("maxTones", 2)
        .put("initialSilenceTimeout", 3));
    rt.advance(2_999);
    rt.advance(1);
    JsonObject failed = sdk.awaitEvent(callId, "RecognizeFailed");
    assertThat(failed.getJsonObject("resultInformation").getInteger("subCode")).isEqualTo(8510);
    assertThat(sdk.events(callId).stream().filter(e -> e.getString("kind").startsWith("Recognize")).count()).isEqualTo(1);
  }

  @Test
  @DisplayName("hangUp for everyone answers 204: CallDisconnected; then the call is gone: get is 404 code 8522")
  void hang_up() {
    String callId = connectedCall("op-hangup");
    sdk.call(cmd("hangUp").put("callId", callId).put("forEveryone", true));
    JsonObject gone = sdk.awaitEvent(callId, "CallDisconnected");
    assertThat(gone.getString("operationContext")).isEqualTo("op-hangup");
    AcsSdkDriver.SdkError e = sdk.failure(cmd("get").put("callId", callId));
    assertThat(e.statusCode).isEqualTo(404);
    assertThat(e.code).isEqualTo("8522");
  }

  @Test
  @DisplayName("hangUp for me (DELETE, 204) ends a two-party call too: CallDisconnected")
  void hang_up_for_me() {
    String callId = connectedCall("op-leave");
    sdk.call(cmd("hangUp").put("callId", callId).put("forEveryone", false));
    sdk.awaitEvent(callId, "CallDisconnected");
  }

  @Test
  @DisplayName("a client signing with another key gets 401, and no call is created")
  void bad_signature_is_401() {
    int before = liveCalls();
    AcsSdkDriver.SdkError e = sdk.failure(cmd("badKey").put("target", CALLEE));
    assertThat(e.statusCode).isEqualTo(401);
    assertThat(e.code).isEqualTo("Unauthorized");
    assertThat(liveCalls()).isEqualTo(before);
  }

  @Test
  @DisplayName("createCall sent twice with one Repeatability-Request-ID: both answers name the same call, and there is one call")
  void repeated_request_id_creates_one_call() {
    int before = liveCalls();
    JsonArray both = (JsonArray) sdk.call(cmd("createRepeated").put("target", CALLEE)
        .put("requestId", UUID.randomUUID().toString()));
    String first = both.getJsonObject(0).getString("callConnectionId");
    assertThat(both.getJsonObject(1).getString("callConnectionId")).isEqualTo(first);
    assertThat(liveCalls()).isEqualTo(before + 1);
    rt.advance(500);
    sdk.awaitEvent(first, "CallConnected");
    assertThat(sdk.events(first)).hasSize(1);
  }

  @Test
  @DisplayName("the simulated caller calls the ACS app: IncomingCall (Event Grid CloudEvent) with incomingCallContext; answerCall 200: CallConnected with the answer's operationContext; the caller hangs up: CallDisconnected")
  void incoming_call_answered() {
    String uri = sdk.callbackBase + "/incoming";
    TestRuntime.Resp placed = rt.post("/callvert/acs/calls", new JsonObject().put("incomingCallUri", uri)
        .put("from", new JsonObject().put("phoneNumber", new JsonObject().put("value", "+15550123"))));
    assertThat(placed.status()).isEqualTo(201);
    String callId = placed.json().getString("callConnectionId");
    JsonObject incoming = sdk.await(o -> o.getJsonObject("incoming") != null
        && callId.equals(o.getJsonObject("incoming").getJsonObject("data").getString("correlationId"))).getJsonObject("incoming");
    assertThat(incoming.getString("type")).isEqualTo("Microsoft.Communication.IncomingCall");
    JsonObject data = incoming.getJsonObject("data");
    assertThat(data.getJsonObject("from").getString("rawId")).isEqualTo("4:+15550123");
    JsonObject props = sdk.callObject(cmd("answer").put("incomingCallContext", data.getString("incomingCallContext"))
        .put("operationContext", "op-answer"));
    assertThat(props.getString("callConnectionId")).isEqualTo(callId);
    assertThat(props.getString("callConnectionState")).isEqualTo("connected");
    assertThat(sdk.awaitEvent(callId, "CallConnected").getString("operationContext")).isEqualTo("op-answer");
    assertThat(rt.post("/callvert/calls/" + callId + "/hangup", null).status()).isEqualTo(202);
    JsonObject gone = sdk.awaitEvent(callId, "CallDisconnected");
    assertThat(gone.getJsonObject("resultInformation").getInteger("subCode")).isEqualTo(4097);
  }

  @Test
  @DisplayName("rejectCall answers 204 and ends the incoming call; a second answer of it is refused")
  void incoming_call_rejected() {
    TestRuntime.Resp placed = rt.post("/callvert/acs/calls", new JsonObject().put("incomingCallUri", sdk.callbackBase + "/incoming"));
    String callId = placed.json().getString("callConnectionId");
    String context = placed.json().getString("incomingCallContext");
    sdk.call(cmd("reject").put("incomingCallContext", context).put("reason", "busy"));
    assertThat(rt.awaitJournal(callId, j -> j.stream().anyMatch(e -> ((JsonObject) e).getJsonObject("notification")
        .getString("type").endsWith("CallDisconnected")))).isNotEmpty();
    AcsSdkDriver.SdkError again = sdk.failure(cmd("answer").put("incomingCallContext", context));
    assertThat(again.statusCode).isEqualTo(404);
  }

  @Test
  @DisplayName("continuous DTMF: each key a ContinuousDtmfRecognitionToneReceived with its sequenceId; stop: ContinuousDtmfRecognitionStopped; sendDtmfTones 202: SendDtmfTonesCompleted")
  void continuous_dtmf_and_send_tones() {
    String callId = connectedCall("op-dtmf");
    sdk.call(cmd("startContinuous").put("callId", callId).put("caller", CALLEE));
    press(callId, "9*");
    rt.advance(200);
    JsonObject second = sdk.await(o -> o.getJsonObject("event") != null
        && "ContinuousDtmfRecognitionToneReceived".equals(o.getJsonObject("event").getString("kind"))
        && o.getJsonObject("event").getInteger("sequenceId") == 2).getJsonObject("event");
    assertThat(second.getString("tone")).isEqualTo("asterisk");
    sdk.call(cmd("stopContinuous").put("callId", callId).put("caller", CALLEE).put("operationContext", "stop"));
    assertThat(sdk.awaitEvent(callId, "ContinuousDtmfRecognitionStopped").getString("operationContext")).isEqualTo("stop");
    JsonObject sent = sdk.callObject(cmd("sendDtmf").put("callId", callId).put("caller", CALLEE)
        .put("tones", new JsonArray().add("one").add("pound")).put("operationContext", "dial"));
    assertThat(sent.getString("operationContext")).isEqualTo("dial");
    rt.advance(1_000);
    assertThat(sdk.awaitEvent(callId, "SendDtmfTonesCompleted").getString("operationContext")).isEqualTo("dial");
  }
}
