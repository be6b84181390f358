package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.action;
import static io.callvert.verticles.it.MediaItSupport.awaitEnd;
import static io.callvert.verticles.it.MediaItSupport.awaitTerminated;
import static io.callvert.verticles.it.MediaItSupport.callPath;
import static io.callvert.verticles.it.MediaItSupport.download;
import static io.callvert.verticles.it.MediaItSupport.establishedCall;
import static io.callvert.verticles.it.MediaItSupport.heard;
import static io.callvert.verticles.it.MediaItSupport.playBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CallvertOptions;
import io.callvert.config.ClockMode;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The live caller media protocol without a browser (contract rules 60–64, docs/live-media.md): a Vert.x
 * WebSocket client against a started Callvert on the system clock.
 */
@CallvertTest(options = LiveMediaIT.Options.class)
class LiveMediaIT {

  /** Live media runs on the system clock only (contract rule 60). */
  static final class Options implements UnaryOperator<CallvertOptions> {
    @Override
    public CallvertOptions apply(CallvertOptions o) {
      return o.withClock(ClockMode.SYSTEM);
    }
  }

  /** Kept in a field: an unreachable Vert.x 5 client can be reclaimed mid-test. */
  private static WebSocketClient client;

  @BeforeAll
  static void client(TestRuntime rt) {
    client = rt.vertx.createWebSocketClient();
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  private static boolean is(JsonObject t, String type, String event, String opId) {
    return type.equals(t.getString("type")) && (event == null || event.equals(t.getString("event")))
        && (opId == null || opId.equals(t.getString("operationId")));
  }

  static byte[] pcm(Clip clip) {
    byte[] out = new byte[clip.length() * 2];
    clip.writePcm(0, clip.length(), out, 0);
    return out;
  }

  /** Where {@code needle} starts in {@code hay} at an even offset from {@code from - 64} on, or -1. */
  static int find(byte[] hay, byte[] needle, int from) {
    for (int i = Math.max(0, from - 64) & ~1; i <= Math.min(hay.length - needle.length, from + 64); i += 2) {
      if (java.util.Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }

  static int firstNonZero(byte[] pcm) {
    for (int i = 0; i < pcm.length; i++) {
      if (pcm[i] != 0) {
        return i & ~1;
      }
    }
    return -1;
  }

  @Test
  @DisplayName("frames of 640 bytes arrive 20 ms apart; the prompt is streamed as it plays, cut where the cancel landed, and the stream holds exactly the audio /heard returns, silence around it")
  void paced_stream_is_what_the_caller_heard_and_cancel_cuts_it(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot);
    LiveSocket s = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
    JsonObject hello = s.awaitText(t -> is(t, "hello", null, null));
    assertThat(hello.getString("callId")).isEqualTo(callId);
    assertThat(hello.getString("state")).isEqualTo("established");
    assertThat(hello.getJsonObject("format")).isEqualTo(new JsonObject().put("encoding", "pcm_s16le")
        .put("sampleRate", 16000).put("channels", 1).put("frameMs", 20).put("frameBytes", 640));

    String prompt = media.tone("live-3s.wav", 3000, 440);
    String opId = action(rt, callId, "playPrompt", playBody("live", prompt)).json().getString("id");
    s.awaitText(t -> is(t, "prompt", "started", opId));
    s.awaitFrames(s.frameCount() + 25); // about half a second of the prompt on the wire
    action(rt, callId, "cancelMediaProcessing", new JsonObject());
    JsonObject ended = s.awaitText(t -> is(t, "prompt", "ended", opId));
    assertThat(ended.getBoolean("cut")).isTrue();
    assertThat(s.awaitText(t -> is(t, "operation", null, opId) && "failed".equals(t.getString("status")))
        .getString("outcome")).isEqualTo("cancelled");
    s.awaitFrames(Math.max(s.frameCount() + 10, 60)); // frames after the cut
    awaitEnd(bot, callId, opId);

    List<LiveSocket.Frame> frames = s.frames();
    assertThat(frames).allSatisfy(f -> assertThat(f.pcm()).hasSize(640));
    assertThat(frames.size()).isGreaterThanOrEqualTo(50);
    // pacing, on the stream's own arrival times (the first frames wait for the connection to warm up)
    List<LiveSocket.Frame> paced = frames.subList(5, frames.size());
    long first = paced.get(0).arrivedNanos();
    long last = paced.get(paced.size() - 1).arrivedNanos();
    double meanMs = (last - first) / 1e6 / (paced.size() - 1);
    assertThat(meanMs).as("mean interval over %d frames", paced.size()).isBetween(19.0, 21.0);
    // each frame's lateness against the stream's best-kept schedule: never a burst, never far behind
    long origin = Long.MAX_VALUE;
    for (int i = 0; i < paced.size(); i++) {
      origin = Math.min(origin, paced.get(i).arrivedNanos() - i * 20_000_000L);
    }
    List<Double> lateMs = new ArrayList<>();
    for (int i = 0; i < paced.size(); i++) {
      lateMs.add((paced.get(i).arrivedNanos() - origin - i * 20_000_000L) / 1e6);
    }
    lateMs.sort(null);
    assertThat(lateMs.get(lateMs.size() / 2)).as("median lateness, ms").isLessThan(10.0);
    assertThat(lateMs.get(lateMs.size() - 1)).as("worst lateness, ms").isLessThan(100.0);

    byte[] heard = pcm(heard(rt, callId));
    assertThat(heard.length).as("heard: more than 0.4 s, less than the 3 s prompt").isBetween(12_800, 95_000);
    byte[] stream = s.audio();
    int start = find(stream, heard, firstNonZero(stream));
    assertThat(start).as("the stream holds /heard's bytes").isGreaterThanOrEqualTo(0);
    for (int i = 0; i < start; i++) {
      assertThat(stream[i]).as("silence before the prompt, byte %d", i).isZero();
    }
    for (int i = start + heard.length; i < stream.length; i++) {
      assertThat(stream[i]).as("silence after the cut, byte %d", i).isZero();
    }
    s.ws.close();
  }

  @Test
  @DisplayName("the caller's voice from the socket ends up in a recordResponse recording that completes by silence, byte for byte")
  void inbound_voice_is_recorded_and_silence_ends_the_record(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    LiveSocket s = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
    String opId = action(rt, callId, "recordResponse", new JsonObject().put("clientContext", "live-voice")
        .put("playBeep", false).put("initialSilenceTimeoutInSeconds", 5).put("maxSilenceTimeoutInSeconds", 1)
        .put("maxRecordDurationInSeconds", 20)).json().getString("id");
    s.awaitText(t -> is(t, "operation", null, opId) && "running".equals(t.getString("status")));

    byte[] speech = pcm(Tones.speech(1000, 42));
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      frames.add(new byte[640]); // 200 ms of silence first
    }
    for (int i = 0; i < speech.length; i += 640) {
      frames.add(java.util.Arrays.copyOfRange(speech, i, i + 640));
    }
    // the caller speaks in real time: one frame every 20 ms, then silence until the record ends
    int[] next = {0};
    long timer = rt.vertx.setPeriodic(20, id -> s.sendBinary(next[0] < frames.size() ? frames.get(next[0]++) : new byte[640]));
    try {
      JsonObject end = awaitEnd(bot, callId, opId).resourceData();
      assertThat(end.getString("status")).isEqualTo("completed");
      assertThat(end.getString("completionReason")).isEqualTo("maxSilenceTimeout");
      byte[] recording = pcm(download(rt, end.getString("recordingLocation"), end.getString("recordingAccessToken")));
      int at = find(recording, speech, firstNonZero(recording));
      assertThat(at).as("the recording holds the spoken bytes").isGreaterThanOrEqualTo(0);
      assertThat(recording.length - at - speech.length).as("then about a second of silence (maxSilence)")
          .isBetween(25_000, 45_000);
    } finally {
      rt.vertx.cancelTimer(timer);
    }
    s.ws.close();
  }

  @Test
  @DisplayName("dtmf text frames reach the bot as toneInfo notifications in order (and the socket), a hangup frame ends the call 200/4097 and closes the socket 1000")
  void dtmf_and_hangup_text_frames(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    action(rt, callId, "subscribeToTone", new JsonObject());
    LiveSocket s = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
    s.sendText(new JsonObject().put("type", "dtmf").put("key", "5"));
    s.sendText(new JsonObject().put("type", "dtmf").put("key", "#"));
    List<WebhookReceiver.Received> tones = bot.awaitMatching(r -> r.callId().equals(callId)
        && r.resourceData().getJsonObject("toneInfo") != null, 2);
    assertThat(tones).extracting(r -> r.resourceData().getJsonObject("toneInfo").getString("tone"))
        .containsExactly("tone5", "pound");
    s.awaitText(t -> is(t, "tone", null, null) && "#".equals(t.getString("tone")));

    s.sendText(new JsonObject().put("type", "hangup"));
    assertThat(s.awaitClose()).isEqualTo((short) 1000);
    assertThat(s.closeReason).isEqualTo("call ended");
    JsonObject result = awaitTerminated(bot, callId).resourceData().getJsonObject("resultInfo");
    assertThat(result.getInteger("code")).isEqualTo(200);
    assertThat(result.getInteger("subcode")).isEqualTo(4097);
    assertThat(s.texts()).anySatisfy(t -> assertThat(t).isEqualTo(new JsonObject().put("type", "state")
        .put("state", "terminated").put("reason", "callerHungUp")));
  }

  @Test
  @DisplayName("the upgrade needs a fresh ticket for that call: none, unknown, reused 401; another call's 404; a foreign Origin 403; a plain GET 400 in the envelope")
  void tickets_and_upgrade_refusals(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    String other = establishedCall(rt, bot);
    String ws = rt.baseUrl.replace("http:", "ws:") + "/callvert/calls/" + callId + "/media";
    assertThat(LiveSocket.refusal(client, ws, null)).isEqualTo(401);
    assertThat(LiveSocket.refusal(client, ws + "?ticket=not-a-ticket", null)).isEqualTo(401);

    String url = LiveSocket.ticketUrl(rt, callId);
    assertThat(url).startsWith(ws + "?ticket=");
    assertThat(LiveSocket.refusal(client, url, rt.baseUrl)).as("own origin").isEqualTo(101);
    assertThat(LiveSocket.refusal(client, url, null)).as("reused").isEqualTo(401);
    assertThat(LiveSocket.refusal(client, LiveSocket.ticketUrl(rt, callId), "https://evil.example")).isEqualTo(403);
    String othersTicket = LiveSocket.ticketUrl(rt, other);
    assertThat(LiveSocket.refusal(client, ws + othersTicket.substring(othersTicket.indexOf('?')), null)).isEqualTo(404);

    TestRuntime.Resp plain = rt.get("/callvert/calls/" + callId + "/media");
    assertThat(plain.status()).isEqualTo(400);
    assertThat(plain.json().getJsonObject("error").getString("code")).isEqualTo("invalidRequest");
    assertThat(rt.post("/callvert/calls/" + java.util.UUID.randomUUID() + "/media-ticket", null).status()).isEqualTo(404);
    assertThat(rt.send(java.net.http.HttpRequest.newBuilder(rt.uri("/callvert/calls/" + callId + "/media-ticket"))
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody())).status()).as("no token").isEqualTo(401);
  }

  @Test
  @DisplayName("an expired ticket is 401; with clock=virtual a ticket is refused 400 notSupported")
  void expired_ticket_and_virtual_clock() {
    try (TestRuntime shortTickets = TestRuntime.start(o -> o.withClock(ClockMode.SYSTEM)
        .withMedia(o.media().withLive(o.media().live().withTicketLifetimeMs(1))));
        WebhookReceiver bot = new WebhookReceiver(shortTickets.vertx)) {
      String callId = establishedCall(shortTickets, bot);
      String url = LiveSocket.ticketUrl(shortTickets, callId); // valid for 1 ms: gone by the time it is used
      WebSocketClient own = shortTickets.vertx.createWebSocketClient();
      assertThat(LiveSocket.refusal(own, url, null)).isEqualTo(401);
      own.close();
    }
    try (TestRuntime virtual = TestRuntime.start(); WebhookReceiver bot = new WebhookReceiver(virtual.vertx)) {
      String callId = establishedCall(virtual, bot);
      TestRuntime.Resp r = virtual.post("/callvert/calls/" + callId + "/media-ticket", null);
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("notSupported");
      assertThat(r.json().getJsonObject("error").getString("message")).contains("system clock");
    }
  }

  @Test
  @DisplayName("bad frames close the socket with a clear code (wrong size 4400, text garbage 4400, flood 4429, too large 1009); the call keeps answering and its prompt still completes")
  void bad_frames_close_the_socket_not_the_call(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    String callId = establishedCall(rt, bot);
    String opId = action(rt, callId, "playPrompt", playBody("bad-frames", media.tone("live-2s.wav", 2000, 300)))
        .json().getString("id");

    LiveSocket wrongSize = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
    wrongSize.sendBinary(new byte[100]);
    assertThat(wrongSize.awaitClose()).isEqualTo((short) 4400);
    assertThat(wrongSize.closeReason).startsWith("bad frame: a binary frame must be 640 bytes");

    LiveSocket garbage = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
    garbage.ws.writeTextMessage("{not json");
    assertThat(garbage.awaitClose()).isEqualTo((short) 4400);

    LiveSocket unknown = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
    unknown.sendText(new JsonObject().put("type", "dtmf").put("key", "55"));
    assertThat(unknown.awaitClose()).isEqualTo((short) 4400);

    LiveSocket flood = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
    for (int i = 0; i < 150; i++) { // 3 s of audio at once: beyond media.live.maxBacklogMs (2 s)
      flood.sendBinary(new byte[640]);
    }
    assertThat(flood.awaitClose()).isEqualTo((short) 4429);

    LiveSocket large = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
    large.sendBinary(new byte[5000]);
    assertThat(large.awaitClose()).isEqualTo((short) 1009);

    assertThat(rt.get(callPath(callId)).json().getString("state")).isEqualTo("established");
    assertThat(awaitEnd(bot, callId, opId).resourceData().getString("status")).isEqualTo("completed");
    LiveSocket healthy = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
    healthy.awaitText(t -> is(t, "hello", null, null));
    healthy.ws.close();
  }

  @Test
  @DisplayName("a second socket to the same call takes it over: the first is closed 4409, the second streams")
  void second_socket_takes_over(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    LiveSocket first = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
    first.awaitFrames(1);
    LiveSocket second = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
    assertThat(first.awaitClose()).isEqualTo((short) 4409);
    assertThat(first.closeReason).isEqualTo("replaced by a newer connection");
    second.awaitFrames(5);
    assertThat(rt.get(callPath(callId)).json().getString("state")).isEqualTo("established");
    second.ws.close();
  }

  @Test
  @DisplayName("contract rule 86: each socket's opening and closing (code, reason, which side) are entries of the call's timeline, pushed as they happen")
  void socket_life_is_on_the_calls_timeline(TestRuntime rt, WebhookReceiver bot) {
    String callId = establishedCall(rt, bot);
    // the dashboard's push of this call's timeline: awaited until it has carried the four socket entries
    io.vertx.core.Promise<Void> fourPushed = io.vertx.core.Promise.promise();
    StringBuilder pushed = new StringBuilder();
    io.vertx.core.http.HttpClient http = rt.vertx.createHttpClient();
    io.vertx.core.http.HttpClientResponse events = LiveSocket.await(http.request(new io.vertx.core.http.RequestOptions()
            .setAbsoluteURI(rt.baseUrl + "/callvert/events?call=" + callId).putHeader("Authorization", "Bearer " + TestRuntime.TOKEN))
        .compose(req -> req.send()));
    events.handler(chunk -> {
      pushed.append(chunk);
      if (pushed.toString().split("\"kind\":\"media\"", -1).length - 1 >= 4) {
        fourPushed.tryComplete();
      }
    });
    try {
      LiveSocket first = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
      first.awaitFrames(1);
      LiveSocket second = LiveSocket.open(client, LiveSocket.ticketUrl(rt, callId));
      assertThat(first.awaitClose()).isEqualTo((short) 4409);
      second.awaitFrames(1);
      LiveSocket.await(second.ws.close((short) 4000, "caller left"));
      LiveSocket.await(fourPushed.future());

      List<JsonObject> media = new ArrayList<>();
      rt.get("/callvert/calls/" + callId + "/timeline").json().getJsonArray("entries").forEach(e -> {
        if ("media".equals(((JsonObject) e).getString("kind"))) {
          JsonObject m = ((JsonObject) e).copy();
          m.remove("seq");
          m.remove("at");
          media.add(m);
        }
      });
      JsonObject opened = new JsonObject().put("kind", "media").put("event", "opened");
      JsonObject closed = new JsonObject().put("kind", "media").put("event", "closed");
      JsonObject replaced = closed.copy().put("code", 4409).put("reason", "replaced by a newer connection").put("by", "server");
      JsonObject left = closed.copy().put("code", 4000).put("reason", "caller left").put("by", "caller");
      // the first socket learns of its takeover at its next frame: the second's opening may come before its closing
      assertThat(media).containsExactlyInAnyOrder(opened, replaced, opened, left);
      assertThat(media.get(0)).isEqualTo(opened);
      assertThat(media.indexOf(replaced)).isLessThan(media.indexOf(left));
    } finally {
      http.close();
    }
  }

  @Test
  @DisplayName("mounted in a host's router (a host's server, a prefix), the ticket's URL carries the prefix and the socket upgrades through vertx-web")
  void mounted_router_upgrades_through_vertx_web(TestRuntime rt, WebhookReceiver bot) {
    io.vertx.ext.web.Router host = io.vertx.ext.web.Router.router(rt.vertx);
    host.route("/telephony/*").subRouter(rt.callvert.router());
    io.vertx.core.http.HttpServer server = LiveSocket.await(rt.vertx.createHttpServer().requestHandler(host).listen(0, "127.0.0.1"));
    try {
      String callId = establishedCall(rt, bot);
      String hostBase = "http://127.0.0.1:" + server.actualPort() + "/telephony";
      TestRuntime.Resp ticket = rt.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(hostBase
              + "/callvert/calls/" + callId + "/media-ticket")).header("Authorization", "Bearer " + TestRuntime.TOKEN)
          .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
      assertThat(ticket.status()).as(ticket.text()).isEqualTo(201);
      String url = ticket.json().getString("url");
      assertThat(url).startsWith("ws://127.0.0.1:" + server.actualPort() + "/telephony/callvert/calls/" + callId + "/media?ticket=");
      LiveSocket s = LiveSocket.open(client, url);
      assertThat(s.awaitText(t -> is(t, "hello", null, null)).getString("callId")).isEqualTo(callId);
      s.awaitFrames(3);
      assertThat(LiveSocket.refusal(client, url, null)).as("the ticket was spent").isEqualTo(401);
      s.ws.close();
    } finally {
      LiveSocket.await(server.close());
    }
  }
}
