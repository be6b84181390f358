package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Received;
import io.callvert.verticles.testkit.WebhookReceiver.Reply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contract rule 42 (A restarted node ends its calls), black-box: the fat jar's {@code Main} as a real process with a
 * {@code store.dir}, killed ({@code kill -9}) or stopped (SIGTERM) while its bot answers every notification 500, then
 * started again on the same store while the bot answers 200. What was pending arrives, in order with its sequence
 * numbers, then each open operation's and the call's end, each exactly once, also across a further restart.
 */
class RestartIT {

  static Vertx vertx;
  static WebhookReceiver bot;
  static WavServer media;
  final HttpClient http = HttpClient.newHttpClient();
  final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    bot = new WebhookReceiver(vertx);
    media = new WavServer(vertx);
  }

  @AfterAll
  static void stop() {
    bot.close();
    media.close();
    vertx.close();
  }

  @AfterEach
  void killLeftovers() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    bot.respond(null);
  }

  @Test
  @DisplayName("kill -9 mid-delivery: on restart the pending notifications arrive in order, then each open operation "
      + "failed 503/9103 and the call terminated 503/9102, exactly once each, and the call is gone")
  void kill_minus_9_mid_delivery() throws Exception {
    Path store = Files.createTempDirectory("callvert-store");
    Path recordings = Files.createTempDirectory("callvert-recordings");
    bot.respond(r -> Reply.of(500)); // the bot is sick: nothing is delivered, everything stays pending
    Node first = node(store, recordings);
    String callId = first.createCall();
    bot.awaitAttempts(r -> callId.equals(r.callId()), 2); // establishing, refused and retried (one in flight per call)
    first.awaitJournal(callId, 2); // established waits behind it
    String longPrompt = media.tone("long", 60_000, 440);
    String running = first.action(callId, "playPrompt", MediaItSupport.playBody("running", longPrompt));
    String queued = first.action(callId, "playPrompt", MediaItSupport.playBody("queued", longPrompt));
    assertThat(bot.received()).noneMatch(r -> callId.equals(r.callId()));

    first.process.destroyForcibly(); // kill -9, mid-delivery: the bot has been retried and refused all along
    assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    bot.respond(r -> Reply.of(200)); // the bot recovered
    Node second = node(store, recordings);
    List<Received> got = awaitAccepted(r -> callId.equals(r.callId()), 4);
    List<String> seen = got.stream().map(RestartIT::describe).toList();
    assertThat(seen).containsExactly(
        "1 updated call establishing",
        "2 updated call established",
        "3 deleted operation " + running + " running failed 503/9103 unknown",
        "4 deleted operation " + queued + " queued failed 503/9103 unknown");
    Received end = awaitAccepted(r -> callId.equals(r.callId()), 5).get(4);
    assertThat(describe(end)).isEqualTo("5 deleted call terminated 503/9102");
    assertThat(end.resourceData().getJsonObject("resultInfo").getString("message"))
        .isEqualTo("The call was ended because its Callvert node restarted.");
    assertThat(got.get(2).resourceData().getJsonObject("resultInfo").getString("message"))
        .isEqualTo("Action failed, the call's Callvert node restarted.");
    assertThat(second.get("/v1.0/communications/calls/" + callId).statusCode()).isEqualTo(404);

    // a further restart, graceful this time, has nothing left to say about that call
    second.process.destroy();
    assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Node third = node(store, recordings);
    String probe = third.createCall(); // its notifications come after anything the store still held
    awaitAccepted(r -> probe.equals(r.callId()) && "established".equals(r.resourceData().getString("state")), 1);
    assertThat(bot.received().stream().filter(r -> callId.equals(r.callId())).map(RestartIT::describe).toList())
        .hasSize(5);
  }

  @Test
  @DisplayName("graceful restart: the calls' 503/0 endings and a recording's notification, undelivered at shutdown, "
      + "arrive after the restart, and the recording downloads again with its token")
  void graceful_restart_keeps_pending_and_recordings() throws Exception {
    Path store = Files.createTempDirectory("callvert-store");
    Path recordings = Files.createTempDirectory("callvert-recordings");
    bot.respond(r -> Reply.of(503));
    Node first = node(store, recordings, "CALLVERT_SHUTDOWN_GRACE_MS", "500");
    String callId = first.createCall();
    first.awaitJournal(callId, 2);
    assertThat(first.post("/callvert/calls/" + callId + "/speech", new JsonObject().put("durationMs", 3000))
        .statusCode()).isEqualTo(202);
    String record = first.action(callId, "recordResponse", new JsonObject().put("clientContext", "rec")
        .put("playBeep", false).put("maxRecordDurationInSeconds", 1));
    first.awaitJournal(callId, 3); // the recording's notification, pending behind the call's first

    first.process.destroy(); // SIGTERM: the call ends 503/0, which the sick bot refuses too
    assertThat(first.process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    bot.respond(r -> Reply.of(200));
    Node second = node(store, recordings);
    List<Received> got = awaitAccepted(r -> callId.equals(r.callId()), 4);
    assertThat(got.stream().map(RestartIT::describe).toList()).containsExactly(
        "1 updated call establishing",
        "2 updated call established",
        "3 deleted operation " + record + " rec completed 200/8515 maxRecordDurationReached",
        "4 deleted call terminated 503/0");
    JsonObject rec = got.get(2).resourceData();
    URI location = URI.create(rec.getString("recordingLocation"));
    // same path on the restarted node (its port is new: a fixed http.port or http.publicBaseUrl keeps URLs valid)
    HttpResponse<byte[]> wav = http.send(HttpRequest.newBuilder(URI.create(second.base + location.getPath()))
        .header("Authorization", "Bearer " + rec.getString("recordingAccessToken")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(wav.statusCode()).isEqualTo(200);
    assertThat(new String(wav.body(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    HttpResponse<byte[]> wrongToken = http.send(HttpRequest.newBuilder(URI.create(second.base + location.getPath()))
        .header("Authorization", "Bearer nope").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(wrongToken.statusCode()).isEqualTo(401);
    // nothing more comes for the call: the restart, done before the node listened, ended no call (it
    // ended before the shutdown), so no 9102 was queued behind the four notifications received
    assertThat(List.copyOf(second.output)).anyMatch(line -> line.contains("restart: delivering")
        && line.contains("ending 0 calls (0 operations)"));
    assertThat(bot.received().stream().filter(r -> callId.equals(r.callId())).toList()).hasSize(4);
  }

  // ------------------------------------------------------------------ helpers

  private static List<Received> awaitAccepted(Predicate<Received> p, int n) throws Exception {
    return bot.whenReceived(p, n).await(60, TimeUnit.SECONDS);
  }

  /** "sequence changeType call|operation state|clientContext status code/subcode completionReason". */
  private static String describe(Received r) {
    JsonObject d = r.resourceData();
    boolean op = r.resourceUrl().contains("/operations/");
    StringBuilder s = new StringBuilder().append(r.sequence()).append(' ').append(r.changeType()).append(' ');
    if (!op) {
      s.append("call ").append(d.getString("state"));
    } else {
      s.append("operation ").append(d.getString("id")).append(' ').append(d.getString("clientContext")).append(' ')
          .append(d.getString("status"));
    }
    JsonObject ri = d.getJsonObject("resultInfo");
    if (ri != null) {
      s.append(' ').append(ri.getInteger("code")).append('/').append(ri.getInteger("subcode"));
    }
    if (op) {
      s.append(' ').append(d.getString("completionReason"));
    }
    return s.toString();
  }

  private Node node(Path store, Path recordings, String... env) throws Exception {
    List<String> all = new ArrayList<>(List.of("CALLVERT_HTTP_PORT", "0", "CALLVERT_METRICS_ENABLED", "false",
        "CALLVERT_STORE_DIR", store.toString(), "CALLVERT_MEDIA_RECORDINGS_DIR", recordings.toString(),
        "CALLVERT_WEBHOOK_BACKOFF_INITIAL_MS", "100", "CALLVERT_WEBHOOK_BACKOFF_MAX_MS", "300",
        "CALLVERT_CALLEE_ANSWER_DELAY_MS", "100"));
    all.addAll(List.of(env));
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java", "-cp", classpath, "io.callvert.verticles.boot.Main").redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CALLVERT_"));
    for (int i = 0; i < all.size(); i += 2) {
      pb.environment().put(all.get(i), all.get(i + 1));
    }
    Process p = pb.start();
    processes.add(p);
    CompletableFuture<String> url = new CompletableFuture<>();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        Pattern listening = Pattern.compile("listening on (http://\\S+) ");
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          output.add(line);
          Matcher m = listening.matcher(line);
          if (m.find()) {
            url.complete(m.group(1));
          }
        }
        url.completeExceptionally(new AssertionError("Main never printed where it listens: " + output));
      } catch (Exception e) {
        url.completeExceptionally(e);
      }
    }, "restart-it-output");
    reader.setDaemon(true);
    reader.start();
    return new Node(p, url.get(60, TimeUnit.SECONDS), output);
  }

  private final class Node {
    final Process process;
    final String base;
    /** What the process printed; everything before "listening on" is complete once the node is returned. */
    final List<String> output;

    Node(Process process, String base, List<String> output) {
      this.process = process;
      this.output = output;
      this.base = base;
    }

    String createCall() throws Exception {
      HttpResponse<String> r = post("/v1.0/communications/calls", TestRuntime.outgoingCallBody(bot.url(), "+15558001"));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      return new JsonObject(r.body()).getString("id");
    }

    /** A Graph action on the call; returns the operation's id. */
    String action(String callId, String action, JsonObject body) throws Exception {
      HttpResponse<String> r = post("/v1.0/communications/calls/" + callId + "/" + action, body);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return new JsonObject(r.body()).getString("id");
    }

    HttpResponse<String> post(String path, JsonObject body) throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TestRuntime.TOKEN)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** Polls the call's journal until it holds {@code n} notifications (delivered or not: the bot refuses them). */
    void awaitJournal(String callId, int n) throws Exception {
      long deadline = System.currentTimeMillis() + 20_000;
      int size = 0;
      while (System.currentTimeMillis() < deadline) {
        HttpResponse<String> r = get("/callvert/calls/" + callId + "/notifications");
        size = r.statusCode() == 200 ? new JsonObject(r.body()).getJsonArray("value").size() : -1;
        if (size >= n) {
          return;
        }
        // no timer: the next read goes out as soon as this one answered (nothing is sent when a
        // journal entry is added, and the bot, refusing everything, sees only the first)
      }
      throw new AssertionError("journal of " + callId + " holds " + size + " notifications, expected " + n);
    }

    HttpResponse<String> get(String path) throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TestRuntime.TOKEN)
          .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
