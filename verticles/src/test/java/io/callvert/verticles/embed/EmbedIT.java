package io.callvert.verticles.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callvert.config.CallvertOptions;
import io.callvert.config.ClockMode;
import io.callvert.runtime.api.ApiException;
import io.callvert.verticles.CallvertClient;
import io.callvert.verticles.CallvertVerticle;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.TestRuntime.Resp;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.Wire;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Callvert embedded in a host application ({@link HostApplication}): its own server, mounted under
 * a prefix on the host's server, driven through the Java API, undeployed without leftovers, twice
 * in one Vert.x, and without hijacking the host.
 *
 * <p>Leftover timers are checked two ways: with the virtual clock through
 * {@link CallvertVerticle#pendingTimers()} (those timers live in Callvert's own queue, Vert.x
 * cannot cancel them), with the system clock in Vert.x's own timer table ({@link VertxTimers}).
 */
@ExtendWith(VertxExtension.class)
class EmbedIT {

  private static final String TENANT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

  private final EmbedHttp http = new EmbedHttp();
  private HostApplication host;
  private WebhookReceiver bot;
  private WavServer media;
  /** One host context for Java API calls and in-process listeners, so their order is observable. */
  private Context hostContext;
  private final List<String> order = new CopyOnWriteArrayList<>();
  private final Map<CallvertVerticle, String> deployments = new LinkedHashMap<>();

  @BeforeEach
  void start_host() {
    host = new HostApplication(false);
    bot = new WebhookReceiver(host.vertx);
    media = new WavServer(host.vertx);
    hostContext = host.vertx.getOrCreateContext();
  }

  @AfterEach
  void stop_host() {
    // Callverts first, while the bots still listen, so their last notifications are delivered at once
    for (String id : deployments.values()) {
      if (host.vertx.deploymentIDs().contains(id)) {
        await(host.vertx.undeploy(id));
      }
    }
    host.close();
  }

  // ------------------------------------------------------------------ serving the HTTP API

  @Test
  @DisplayName("own server: deployed into the host's Vert.x, Callvert serves the seed scenario on its own port")
  void own_server_runs_the_seed_scenario() {
    CallvertVerticle callvert = deploy(o -> o, "callvert");
    assertThat(callvert.actualPort()).isPositive();
    String api = "http://127.0.0.1:" + callvert.actualPort();

    seedScenarioOverHttp(api, bot);

    // the host's own server is untouched
    assertThat(http.get(host.baseUrl() + "/hello").text()).isEqualTo("hello from the host");
    assertThat(http.get(host.baseUrl() + "/v1.0/communications/calls/x").json().getInteger("hostError")).isEqualTo(404);
  }

  @Test
  @DisplayName("mounted: under the host's /telephony prefix the seed scenario runs, and Location and recordingLocation URLs carry the prefix and work")
  void mounted_router_runs_the_seed_scenario_with_prefixed_urls() {
    CallvertVerticle callvert = deploy(EmbedIT::noOwnServer, "callvert");
    assertThat(callvert.actualPort()).isEqualTo(-1);
    host.mount("/telephony", callvert.router());
    String api = host.baseUrl() + "/telephony";

    seedScenarioOverHttp(api, bot);

    // a completed recording: its URL carries the prefix and downloads with its token
    String callId = establishedOutgoingCall(api, bot);
    Resp record = http.post(api + "/v1.0/communications/calls/" + callId + "/recordResponse",
        new JsonObject().put("clientContext", "record-ok").put("maxRecordDurationInSeconds", 2).put("playBeep", false));
    assertThat(record.status()).isEqualTo(200);
    assertThat(record.header("Location")).startsWith(api + "/v1.0/communications/calls/" + callId + "/operations/");
    assertThat(http.post(api + "/callvert/calls/" + callId + "/speech", new JsonObject().put("durationMs", 3000)).status()).isEqualTo(202);
    advance(api, 2500);
    JsonObject done = bot.awaitOne(callId, r -> r.changeType().equals("deleted")
        && record.json().getString("id").equals(r.resourceData().getString("id"))).resourceData();
    assertThat(done.getString("status")).isEqualTo("completed");
    String location = done.getString("recordingLocation");
    assertThat(location).startsWith(api + "/callvert/calls/" + callId + "/recordings/");
    Resp wav = http.get(location, done.getString("recordingAccessToken"));
    assertThat(wav.status()).isEqualTo(200);
    assertThat(wav.header("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(new String(wav.bytes(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    assertThat(http.get(location, "not-the-token").status()).isEqualTo(401);
    // the operation's Location works when followed
    Resp op = http.get(record.header("Location"));
    assertThat(op.status()).isEqualTo(200);
    assertThat(op.json().getString("status")).isEqualTo("completed");
  }

  @Test
  @DisplayName("mounted: the host's own routes, body handler, auth and failure handlers keep working, and Callvert keeps its own error envelope")
  void mounted_router_leaves_the_host_routes_and_handlers_alone() {
    CallvertVerticle callvert = deploy(EmbedIT::noOwnServer, "callvert");
    host.mount("/telephony", callvert.router());
    String api = host.baseUrl() + "/telephony";

    Resp hello = http.get(host.baseUrl() + "/hello");
    assertThat(hello.status()).isEqualTo(200);
    assertThat(hello.text()).isEqualTo("hello from the host");
    assertThat(hello.header("request-id")).as("Callvert's handlers do not run for host routes").isNull();
    Resp echo = http.send(EmbedHttp.request(host.baseUrl() + "/echo").POST(HttpRequest.BodyPublishers.ofString("ping")));
    assertThat(echo.status()).isEqualTo(200);
    assertThat(echo.text()).isEqualTo("ping");
    // requests the host rejects are answered by the host, in the host's format
    Resp tooBig = http.send(EmbedHttp.request(host.baseUrl() + "/echo")
        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(HostApplication.ECHO_BODY_LIMIT + 1))));
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.json()).isEqualTo(new JsonObject().put("hostError", 413));
    Resp noKey = http.get(host.baseUrl() + "/admin/status");
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.json()).isEqualTo(new JsonObject().put("hostError", 401));
    Resp withKey = http.send(EmbedHttp.request(host.baseUrl() + "/admin/status").header("x-host-key", HostApplication.HOST_KEY).GET());
    assertThat(withKey.json()).isEqualTo(new JsonObject().put("admin", "ok"));
    assertThat(http.get(host.baseUrl() + "/boom").json()).isEqualTo(new JsonObject().put("hostError", 500));
    assertThat(http.get(host.baseUrl() + "/nowhere").json()).isEqualTo(new JsonObject().put("hostError", 404));
    assertThat(host.hostFailures).containsExactly(413, 401, 500, 404);

    // under the prefix, Callvert answers its own errors (contract rule 5 — Graph's error envelope; client mistakes are 4xx), whatever failure handlers the host has
    Resp unknownCall = http.get(api + "/v1.0/communications/calls/0b7e5f4c-0000-4000-8000-000000000000");
    assertThat(unknownCall.status()).isEqualTo(404);
    assertThat(unknownCall.json().getJsonObject("error").getString("code")).isEqualTo("8522");
    Resp noToken = http.send(EmbedHttp.request(api + "/v1.0/communications/calls").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(noToken.json().getJsonObject("error").getString("code")).isEqualTo("InvalidAuthenticationToken");
    Resp unknownPath = http.get(api + "/nowhere");
    assertThat(unknownPath.status()).isEqualTo(404);
    assertThat(unknownPath.json().getJsonObject("error").getString("code")).isEqualTo("itemNotFound");
    Resp malformed = http.send(EmbedHttp.request(api + "/v1.0/communications/calls").header("Authorization", "Bearer " + TestRuntime.TOKEN)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{not json")));
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().getJsonObject("error").getString("code")).isEqualTo("invalidRequest");
    Resp callvertTooBig = http.post(api + "/v1.0/communications/calls",
        new JsonObject().put("padding", "x".repeat((int) callvert.options().http().maxBodyBytes())));
    assertThat(callvertTooBig.status()).isEqualTo(413);
    assertThat(callvertTooBig.json().getJsonObject("error").getString("code")).isEqualTo("requestEntityTooLarge");
    assertThat(host.hostFailures).as("the host's failure handlers saw none of Callvert's errors").hasSize(4);
    // the host's global handlers still run first for Callvert's requests
    assertThat(host.seenByHost).contains("/telephony/nowhere");
    assertThat(unknownPath.header("x-host")).isEqualTo("yes");
  }

  @Test
  @DisplayName("mounted under a host that reads every body itself: Callvert uses that body, once, and still applies its own limit")
  void mounted_under_a_host_with_a_global_body_handler() {
    host.close();
    host = new HostApplication(true);
    bot = new WebhookReceiver(host.vertx);
    media = new WavServer(host.vertx);
    hostContext = host.vertx.getOrCreateContext();
    CallvertVerticle callvert = deploy(o -> noOwnServer(o).withHttp(noOwnServer(o).http().withMaxBodyBytes(4096)), "callvert");
    host.mount("/telephony", callvert.router());
    String api = host.baseUrl() + "/telephony";

    seedScenarioOverHttp(api, bot);

    Resp tooBig = http.post(api + "/v1.0/communications/calls", new JsonObject().put("padding", "x".repeat(5000)));
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.json().getJsonObject("error").getString("code")).isEqualTo("requestEntityTooLarge");
    Resp echo = http.send(EmbedHttp.request(host.baseUrl() + "/echo").POST(HttpRequest.BodyPublishers.ofString("pong")));
    assertThat(echo.text()).isEqualTo("pong");
  }

  // ------------------------------------------------------------------ the Java API

  @Test
  @DisplayName("Java API: the seed scenario with in-process notifications, in order, each after the result that created its operation")
  void java_api_runs_the_seed_scenario_with_in_process_notifications(VertxTestContext ctx) {
    CallvertVerticle callvert = deploy(EmbedIT::noOwnServer, "callvert");
    CallvertClient api = callvert.client();
    Inbox inbox = new Inbox(order);
    onHost(() -> api.onNotification(inbox));

    JsonObject call = onHost(() -> api.createCall(TestRuntime.outgoingCallBody(CallvertClient.LOCAL_CALLBACK, "+15550002")));
    assertThat(call.getString("state")).isEqualTo("establishing");
    String callId = call.getString("id");
    onHost(() -> api.advanceClock(500));
    inbox.awaitOne(callId, n -> "established".equals(n.resourceData().getString("state")));

    // the operations' terminal notifications, checked as they arrive; a third one fails the test (strict)
    Checkpoint operationEnded = ctx.checkpoint(2);
    Checkpoint bothEnded = ctx.checkpoint();
    Predicate<Inbox.Note> operationEnd = n -> n.callId().equals(callId) && n.changeType().equals("deleted")
        && n.resourceUrl().contains("/operations/");
    inbox.onNote(operationEnd, n -> ctx.verify(() -> {
      // contract rule 7 — No notification before its answer in-process: the caller holds each result before any notification about that operation
      assertThat(order).as("contract rule 7 — No notification before its answer for %s", n.subjectId()).contains("result " + n.subjectId());
      assertThat(n.resourceUrl()).isEqualTo("/communications/calls/" + callId + "/operations/" + n.subjectId());
      operationEnded.flag();
    }));

    String prompt = media.tone("embed-3s.wav", 3000, 440);
    JsonObject play = onHost(() -> api.playPrompt(callId, List.of(prompt), "play-1").onSuccess(op -> order.add("result " + op.getString("id"))));
    assertThat(play.getString("status")).isEqualTo("running");
    assertThat(play.getString("clientContext")).isEqualTo("play-1");
    JsonObject record = onHost(() -> api.recordResponse(callId, new JsonObject().put("clientContext", "record-1").put("maxRecordDurationInSeconds", 10))
        .onSuccess(op -> order.add("result " + op.getString("id"))));
    assertThat(record.getString("status")).isEqualTo("notStarted");
    inbox.when(operationEnd, 2).onComplete(ctx.succeeding(ends -> ctx.verify(() -> {
      Wire.assertSeedCancelled(ends.get(0).resourceData(), ends.get(1).resourceData(), play.getString("id"), record.getString("id"));
      assertThat(ends.get(0).sequence()).isLessThan(ends.get(1).sequence());
      assertThat(ends.get(0).subjectId()).isEqualTo(play.getString("id"));
      for (String opId : List.of(play.getString("id"), record.getString("id"))) {
        assertThat(order).containsSubsequence("result " + opId, "notification " + opId + " deleted");
      }
      bothEnded.flag();
    })));
    onHost(() -> api.advanceClock(1000));

    JsonObject cancel = onHost(() -> api.cancelMediaProcessing(callId, "cancel-1"));
    assertThat(cancel.getString("@odata.type")).isEqualTo("#microsoft.graph.cancelMediaProcessingOperation");
    assertThat(cancel.getString("status")).isEqualTo("completed");
    assertThat(cancel.getJsonObject("resultInfo").getMap()).containsEntry("code", 200).containsEntry("subcode", 0);

    JsonObject played = onHost(() -> api.getOperation(callId, play.getString("id")));
    assertThat(played.getString("status")).isEqualTo("failed");
    // no HTTP delivery was attempted for the in-process bot
    assertThat(bot.attempts()).isEmpty();
  }

  @Test
  @DisplayName("Java API on a mounted router: recording URLs carry the URL the host serves Callvert at")
  void java_api_recording_urls_use_the_given_base_url() {
    CallvertVerticle callvert = deploy(EmbedIT::noOwnServer, "callvert");
    host.mount("/telephony", callvert.router());
    String base = host.baseUrl() + "/telephony";
    CallvertClient api = callvert.client(base + "/");
    Inbox inbox = new Inbox(order);
    onHost(() -> api.onNotification(inbox));
    String callId = onHost(() -> api.simulateIncomingCall(new JsonObject().put("callbackUri", CallvertClient.LOCAL_CALLBACK)
        .put("tenantId", TENANT))).getString("id");
    onHost(() -> api.answer(callId));
    inbox.awaitOne(callId, n -> "established".equals(n.resourceData().getString("state")));

    JsonObject record = onHost(() -> api.recordResponse(callId, new JsonObject().put("maxRecordDurationInSeconds", 1).put("playBeep", false)));
    onHost(() -> api.speak(callId, 2000));
    onHost(() -> api.advanceClock(1500));
    JsonObject done = inbox.awaitOne(callId, n -> n.changeType().equals("deleted") && n.subjectId().equals(record.getString("id"))).resourceData();
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("recordingLocation")).startsWith(base + "/callvert/calls/" + callId + "/recordings/");
    assertThat(http.get(done.getString("recordingLocation"), done.getString("recordingAccessToken")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("Java API errors carry the Graph status and code")
  void java_api_errors_are_api_exceptions() {
    CallvertClient api = deploy(EmbedIT::noOwnServer, "callvert").client();
    Throwable e = failure(() -> api.getCall("0b7e5f4c-0000-4000-8000-000000000000"));
    assertThat(e).isInstanceOf(ApiException.class);
    assertThat(((ApiException) e).status()).isEqualTo(404);
    assertThat(((ApiException) e).code()).isEqualTo("8522");
  }

  // ------------------------------------------------------------------ undeploying

  @Test
  @DisplayName("undeploy (virtual clock): live calls end and their bots are told; no deployment, server, consumer or timer of Callvert remains")
  void undeploy_leaves_nothing_behind() throws Exception {
    CallvertVerticle callvert = deploy(o -> o, "callvert");
    String api = "http://127.0.0.1:" + callvert.actualPort();
    int port = callvert.actualPort();
    CallvertClient client = callvert.client();
    Inbox inbox = new Inbox(order);
    onHost(() -> client.onNotification(inbox));

    // a webhook bot's call with a prompt running, an in-process bot's call, and an ended call in retention
    String webhookCall = establishedOutgoingCall(api, bot);
    Resp play = http.post(api + "/v1.0/communications/calls/" + webhookCall + "/playPrompt", playBody(media.tone("long.wav", 3000, 440), "play-live"));
    assertThat(play.status()).isEqualTo(200);
    String localCall = onHost(() -> client.createCall(TestRuntime.outgoingCallBody(CallvertClient.LOCAL_CALLBACK, "+15550003"))).getString("id");
    String endedCall = http.post(api + "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15550004")).json().getString("id");
    advance(api, 500);
    inbox.awaitOne(localCall, n -> "established".equals(n.resourceData().getString("state")));
    assertThat(http.delete(api + "/v1.0/communications/calls/" + endedCall).status()).isEqualTo(204);
    bot.awaitOne(endedCall, r -> "terminated".equals(r.resourceData().getString("state")));

    Set<String> addresses = callvert.eventBusAddresses();
    // the dispatcher's shards (one per HTTP server instance), in-process notifications, three calls
    assertThat(addresses).hasSize(callvert.options().http().effectiveServerInstances() + 4);
    assertThat(host.vertx.deploymentIDs()).hasSizeGreaterThan(host.ownDeployments().size() + 1);
    assertThat(callvert.pendingTimers()).as("keepAlive timers, retention of the ended call").isPositive();

    await(host.vertx.undeploy(deploymentOf(callvert)));

    assertThat(host.vertx.deploymentIDs()).containsExactlyInAnyOrderElementsOf(host.ownDeployments());
    assertThatThrownBy(() -> connect(port)).isInstanceOf(ConnectException.class);
    for (String address : addresses) {
      assertThat(noHandlers(address)).as(address).isTrue();
    }
    assertThat(callvert.pendingTimers()).isZero();
    // live calls were ended and their bots told: the running prompt's terminal notification, then terminated
    List<WebhookReceiver.Received> ends = bot.awaitMatching(r -> r.callId().equals(webhookCall) && r.changeType().equals("deleted"), 2);
    assertThat(ends.get(0).resourceData().getString("id")).isEqualTo(play.json().getString("id"));
    assertThat(ends.get(0).resourceData().getJsonObject("resultInfo").getMap()).containsEntry("code", 410).containsEntry("subcode", 8509);
    assertThat(ends.get(1).resourceData().getString("state")).isEqualTo("terminated");
    Inbox.Note localEnd = inbox.awaitOne(localCall, n -> "terminated".equals(n.resourceData().getString("state")));
    assertThat(localEnd.changeType()).isEqualTo("deleted");
    // whatever still holds the client or the router gets a clear answer, and nothing is started again
    Throwable late = failure(() -> client.createCall(TestRuntime.outgoingCallBody(CallvertClient.LOCAL_CALLBACK, "+15550005")));
    assertThat(((ApiException) late).status()).isEqualTo(503);
    assertThat(host.vertx.deploymentIDs()).containsExactlyInAnyOrderElementsOf(host.ownDeployments());
  }

  @Test
  @DisplayName("undeploy (system clock): Vert.x's timer table is back to the host's own timers")
  void undeploy_with_the_system_clock_leaves_no_vertx_timer() {
    int hostTimers = VertxTimers.count(host.vertx);
    CallvertVerticle callvert = deploy(o -> noOwnServer(o).withClock(ClockMode.SYSTEM), "callvert");
    host.mount("/telephony", callvert.router());
    CallvertClient api = callvert.client();
    Inbox inbox = new Inbox(order);
    onHost(() -> api.onNotification(inbox));
    String live = onHost(() -> api.simulateIncomingCall(new JsonObject().put("callbackUri", CallvertClient.LOCAL_CALLBACK))).getString("id");
    onHost(() -> api.answer(live));
    inbox.awaitOne(live, n -> "established".equals(n.resourceData().getString("state")));
    String ended = onHost(() -> api.simulateIncomingCall(new JsonObject().put("callbackUri", CallvertClient.LOCAL_CALLBACK))).getString("id");
    onHost(() -> api.reject(ended, "busy"));
    inbox.awaitOne(ended, n -> "terminated".equals(n.resourceData().getString("state")));
    assertThat(callvert.pendingTimers()).isPositive();
    assertThat(VertxTimers.count(host.vertx)).isGreaterThan(hostTimers);

    await(host.vertx.undeploy(deploymentOf(callvert)));

    assertThat(VertxTimers.count(host.vertx)).isEqualTo(hostTimers);
    assertThat(callvert.pendingTimers()).isZero();
    inbox.awaitOne(live, n -> "terminated".equals(n.resourceData().getString("state")));
    // the host still routes the prefix to the old router: it answers 503 until the host unmounts it
    Resp stale = http.get(host.baseUrl() + "/telephony/v1.0/communications/calls/" + live);
    assertThat(stale.status()).isEqualTo(503);
    assertThat(stale.json().getJsonObject("error").getString("code")).isEqualTo("serviceNotAvailable");
  }

  // ------------------------------------------------------------------ two instances

  @Test
  @DisplayName("two Callverts in one Vert.x (two names, two prefixes) do not see each other's calls or bots, and one outlives the other")
  void two_instances_do_not_interfere() {
    WebhookReceiver botB = new WebhookReceiver(host.vertx);
    CallvertVerticle a = deploy(EmbedIT::noOwnServer, "tenant-a");
    CallvertVerticle b = deploy(EmbedIT::noOwnServer, "tenant-b");
    Route mountA = host.mount("/tenant-a", a.router());
    host.mount("/tenant-b", b.router());
    String apiA = host.baseUrl() + "/tenant-a";
    String apiB = host.baseUrl() + "/tenant-b";
    assertThat(new HashSet<>(a.eventBusAddresses())).doesNotContainAnyElementsOf(b.eventBusAddresses());

    String callA = establishedOutgoingCall(apiA, bot);
    String callB = establishedOutgoingCall(apiB, botB);
    assertThat(http.get(apiB + "/v1.0/communications/calls/" + callA).json().getJsonObject("error").getString("code")).isEqualTo("8522");
    assertThat(http.get(apiA + "/v1.0/communications/calls/" + callB).status()).isEqualTo(404);
    assertThat(http.get(apiA + "/v1.0/communications/calls/" + callA).status()).isEqualTo(200);
    Throwable crossed = failure(() -> b.client().getCall(callA));
    assertThat(((ApiException) crossed).status()).isEqualTo(404);
    assertThat(bot.received()).allMatch(r -> r.callId().equals(callA));
    assertThat(botB.received()).allMatch(r -> r.callId().equals(callB));
    // each instance has its own clock: advancing A does not move B
    JsonObject clockB = http.get(apiB + "/callvert/clock").json();
    advance(apiA, 60_000);
    assertThat(http.get(apiB + "/callvert/clock").json()).isEqualTo(clockB);

    Set<String> addressesA = a.eventBusAddresses();
    await(host.vertx.undeploy(deploymentOf(a)));
    mountA.remove();

    assertThat(addressesA).allMatch(this::noHandlers);
    assertThat(host.vertx.deploymentIDs()).contains(deploymentOf(b)).doesNotContain(deploymentOf(a));
    assertThat(http.get(apiA + "/health").json().getInteger("hostError")).isEqualTo(404);
    assertThat(http.get(apiB + "/v1.0/communications/calls/" + callB).json().getString("state")).isEqualTo("established");
    seedScenarioOverHttp(apiB, botB);
    assertThat(bot.received()).allMatch(r -> r.callId().equals(callA));
  }

  // ------------------------------------------------------------------ not hijacking the host

  /** A host message type with a default codec the host registered. */
  record HostGreeting(String text) {}

  /** A host message type the host's codec selector picks a codec for. */
  record HostEvent(String name) {}

  @Test
  @DisplayName("embedding does not hijack the host: its codec selector and default codecs stay in force, no exit, no env or system properties, no logging backend")
  void embedding_does_not_hijack_the_host() throws Exception {
    var bus = host.vertx.eventBus();
    bus.registerDefaultCodec(HostGreeting.class, new MarkingCodec<>("host-greeting", g -> new HostGreeting(g.text() + " (host codec)")));
    bus.registerCodec(new MarkingCodec<HostEvent>("host-event-1", e -> new HostEvent(e.name() + " (selector 1)")));
    bus.registerCodec(new MarkingCodec<HostEvent>("host-event-2", e -> new HostEvent(e.name() + " (selector 2)")));
    bus.codecSelector(body -> body instanceof HostEvent ? "host-event-1" : null);
    bus.<Object>consumer("host.echo", m -> m.reply(m.body()));
    assertThat(hostRoundTrip(new HostGreeting("hi"))).isEqualTo(new HostGreeting("hi (host codec) (host codec)"));
    assertThat(hostRoundTrip(new HostEvent("e"))).isEqualTo(new HostEvent("e (selector 1) (selector 1)"));

    CallvertVerticle callvert = deploy(EmbedIT::noOwnServer, "callvert");
    CallvertClient api = callvert.client();
    Inbox inbox = new Inbox(order);
    onHost(() -> api.onNotification(inbox));
    establishedLocalCall(api, inbox);
    assertThat(hostRoundTrip(new HostGreeting("hi"))).isEqualTo(new HostGreeting("hi (host codec) (host codec)"));
    assertThat(hostRoundTrip(new HostEvent("e"))).as("the host's selector is still the one in force").isEqualTo(new HostEvent("e (selector 1) (selector 1)"));

    // the host replaces its selector while Callvert runs: the host's choice holds, Callvert keeps working
    bus.codecSelector(body -> body instanceof HostEvent ? "host-event-2" : null);
    assertThat(hostRoundTrip(new HostEvent("e"))).isEqualTo(new HostEvent("e (selector 2) (selector 2)"));
    establishedLocalCall(api, inbox);

    await(host.vertx.undeploy(deploymentOf(callvert)));
    assertThat(hostRoundTrip(new HostGreeting("hi"))).isEqualTo(new HostGreeting("hi (host codec) (host codec)"));
    assertThat(hostRoundTrip(new HostEvent("e"))).isEqualTo(new HostEvent("e (selector 2) (selector 2)"));

    // inside the library (everything but the fat jar's boot package): no exit, no environment, no system properties
    Path sources = Path.of("src/main/java/io/callvert/verticles");
    assertThat(sources).isDirectory();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/boot/")).toList()) {
        String code = Files.readString(f);
        assertThat(code).as(f.toString()).doesNotContain("System.exit", "Runtime.getRuntime()", "System.getenv",
            "System.getProperty", "System.setProperty", "codecSelector(");
      }
    }
    // no logging configuration or backend in the library jar; logback and Hazelcast are optional dependencies
    Path classes = Path.of(CallvertVerticle.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    for (String forced : List.of("logback.xml", "logback-test.xml", "log4j2.xml", "hazelcast.xml",
        "META-INF/services/org.slf4j.spi.SLF4JServiceProvider", "META-INF/services/io.vertx.core.spi.cluster.ClusterManager")) {
      assertThat(classes.resolve(forced)).as(forced).doesNotExist();
    }
    String pom = Files.readString(Path.of("pom.xml")).replaceAll("\\s+", "");
    assertThat(pom).contains("<artifactId>logback-classic</artifactId><!--", "<artifactId>vertx-hazelcast</artifactId><!--");
    assertThat(pom).containsPattern("<artifactId>logback-classic</artifactId>(<!--.*?-->)?<optional>true</optional>");
    assertThat(pom).containsPattern("<artifactId>vertx-hazelcast</artifactId>(<!--.*?-->)?<optional>true</optional>");
  }

  private Object hostRoundTrip(Object body) {
    return await(host.vertx.eventBus().request("host.echo", body, new DeliveryOptions().setLocalOnly(true))).body();
  }

  /** A local codec that marks what it carries, so a test can see which codec was used. */
  private static final class MarkingCodec<T> implements MessageCodec<T, T> {
    private final String name;
    private final UnaryOperator<T> mark;

    MarkingCodec(String name, UnaryOperator<T> mark) {
      this.name = name;
      this.mark = mark;
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
      throw new UnsupportedOperationException("local only");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("local only");
    }

    @Override
    public T transform(T t) {
      return mark.apply(t);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  // ------------------------------------------------------------------ the seed scenario

  /**
   * The seed scenario over HTTP at {@code api} (an own server, or a host's prefix): a prompt
   * running, a record queued, cancelMediaProcessing, then the two terminal notifications.
   */
  private void seedScenarioOverHttp(String api, WebhookReceiver bot) {
    String callId = establishedOutgoingCall(api, bot);
    String calls = api + "/v1.0/communications/calls/";

    Resp play = http.post(calls + callId + "/playPrompt", playBody(media.tone("seed-3s.wav", 3000, 440), "play-1"));
    assertThat(play.status()).isEqualTo(200);
    assertThat(play.json().getString("status")).isEqualTo("running");
    String playId = play.json().getString("id");
    assertThat(play.header("Location")).isEqualTo(calls + callId + "/operations/" + playId);

    Resp record = http.post(calls + callId + "/recordResponse",
        new JsonObject().put("clientContext", "record-1").put("maxRecordDurationInSeconds", 10));
    assertThat(record.status()).isEqualTo(200);
    assertThat(record.json().getString("status")).isEqualTo("notStarted");
    String recordId = record.json().getString("id");

    advance(api, 1000);

    Resp cancel = http.post(calls + callId + "/cancelMediaProcessing", new JsonObject().put("clientContext", "cancel-1"));
    assertThat(cancel.status()).isEqualTo(200);
    JsonObject op = cancel.json();
    assertThat(op.getString("@odata.type")).isEqualTo("#microsoft.graph.cancelMediaProcessingOperation");
    assertThat(op.getString("status")).isEqualTo("completed");
    assertThat(op.getJsonObject("resultInfo").getMap()).containsEntry("code", 200).containsEntry("subcode", 0);
    assertThat(cancel.header("Location")).isEqualTo(calls + callId + "/operations/" + op.getString("id"));

    List<WebhookReceiver.Received> ends = bot.awaitMatching(r -> r.callId().equals(callId) && r.changeType().equals("deleted"), 2);
    Wire.assertSeedCancelled(ends.get(0).resourceData(), ends.get(1).resourceData(), playId, recordId);
    assertThat(ends.get(0).sequence()).isLessThan(ends.get(1).sequence());

    // the Location headers work when followed
    Resp followed = http.get(cancel.header("Location"));
    assertThat(followed.status()).isEqualTo(200);
    assertThat(followed.json().getString("id")).isEqualTo(op.getString("id"));
    assertThat(http.get(play.header("Location")).json().getString("status")).isEqualTo("failed");

    Resp heard = http.get(api + "/callvert/calls/" + callId + "/heard");
    assertThat(heard.status()).isEqualTo(200);
    assertThat((heard.bytes().length - 44) / 32L).isBetween(980L, 1020L);
  }

  private String establishedOutgoingCall(String api, WebhookReceiver bot) {
    Resp created = http.post(api + "/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15550001"));
    assertThat(created.status()).isEqualTo(201);
    String callId = created.json().getString("id");
    assertThat(created.header("Location")).isEqualTo(api + "/v1.0/communications/calls/" + callId);
    advance(api, 500);
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
    return callId;
  }

  private String establishedLocalCall(CallvertClient api, Inbox inbox) {
    String callId = onHost(() -> api.createCall(TestRuntime.outgoingCallBody(CallvertClient.LOCAL_CALLBACK, "+15550009"))).getString("id");
    onHost(() -> api.advanceClock(500));
    inbox.awaitOne(callId, n -> "established".equals(n.resourceData().getString("state")));
    return callId;
  }

  private static JsonObject playBody(String uri, String clientContext) {
    return new JsonObject().put("clientContext", clientContext)
        .put("prompts", new JsonArray().add(new JsonObject().put("@odata.type", "#microsoft.graph.mediaPrompt")
            .put("mediaInfo", new JsonObject().put("uri", uri))));
  }

  private void advance(String api, long ms) {
    Resp r = http.post(api + "/callvert/clock/advance", new JsonObject().put("durationMs", ms));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  // ------------------------------------------------------------------ plumbing

  private static CallvertOptions noOwnServer(CallvertOptions o) {
    return o.withHttp(o.http().withEnabled(false));
  }


  private CallvertVerticle deploy(UnaryOperator<CallvertOptions> tweak, String instanceName) {
    CallvertVerticle v = new CallvertVerticle(tweak.apply(TestRuntime.testOptions()), instanceName);
    deployments.put(v, await(host.vertx.deployVerticle(v)));
    return v;
  }

  private String deploymentOf(CallvertVerticle v) {
    return deployments.get(v);
  }

  /** Runs {@code action} on the host's context and waits for its result. */
  private <T> T onHost(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    hostContext.runOnContext(v -> action.get().onComplete(result));
    return await(result.future());
  }

  private <T> Throwable failure(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    hostContext.runOnContext(v -> action.get().onComplete(result));
    try {
      result.future().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return e instanceof ExecutionException ee && ee.getCause() != null ? ee.getCause() : e;
    }
    throw new AssertionError("expected a failure");
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Whether nothing consumes {@code address} any more. */
  private boolean noHandlers(String address) {
    Promise<Boolean> result = Promise.promise();
    host.vertx.eventBus().request(address, "ping", new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000))
        .onComplete(ar -> result.complete(ar.failed() && ar.cause() instanceof ReplyException re
            && re.failureType() == ReplyFailure.NO_HANDLERS));
    return await(result.future());
  }

  private static void connect(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    }
  }
}
