package io.callvert.verticles.it;

import static io.callvert.verticles.it.MediaItSupport.callPath;
import static io.callvert.verticles.it.MediaItSupport.opPath;
import static io.callvert.verticles.it.MediaItSupport.prompt;
import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contract rules 7 and 8 (and 16's per-call sequence) under randomized interleavings of every media
 * action, caller input, clock moves and call ends, on several calls at once, including bursts of
 * concurrent requests to one call. Seeded: a failure names its seed; rerun it with
 * {@code -Dinvariants.seed=<seed> -Dinvariants.rounds=1}.
 */
@CallvertTest
class InvariantsIT {

  static final int CALLS = 3;
  static final int STEPS = 160;

  private final TestRuntime rt;
  private final WebhookReceiver bot;
  /** For concurrent bursts; kept in a field so it is not collected mid-test. */
  private final HttpClient async = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();
  private final List<String> goodPrompts;
  private final List<String> badPrompts;

  InvariantsIT(TestRuntime rt, WebhookReceiver bot, WavServer media) {
    this.rt = rt;
    this.bot = bot;
    goodPrompts = List.of(media.tone("inv-150.wav", 150, 440), media.tone("inv-400.wav", 400, 550),
        media.tone("inv-900.wav", 900, 660));
    badPrompts = List.of(media.url("/inv-missing.wav"), media.put("inv-8k.wav", MediaItSupport.sineWav(8000, 1, 300, 440)));
  }

  /** An operation as the client saw it created. */
  record Op(String callId, String opId, String kind, String answeredStatus, long sentAt) {
    String resourceUrl() {
      return opPath(callId, opId);
    }
  }

  /** One randomized run. */
  final class Round {
    final VertxTestContext ctx;
    final long seed;
    final Random rnd;
    final List<String> live = new ArrayList<>();
    final List<String> allCalls = new ArrayList<>();
    final Map<String, Op> ops = new LinkedHashMap<>();
    final List<String> log = new ArrayList<>();

    Round(VertxTestContext ctx, long seed) {
      this.ctx = ctx;
      this.seed = seed;
      this.rnd = new Random(seed);
    }

    String newCall() {
      String callId = MediaItSupport.establishedCall(rt, bot);
      allCalls.add(callId);
      return callId;
    }

    void run() {
      for (int i = 0; i < CALLS; i++) {
        live.add(newCall());
      }
      for (int step = 0; step < STEPS; step++) {
        int slot = rnd.nextInt(live.size());
        String callId = live.get(slot);
        int dice = rnd.nextInt(100);
        if (dice < 16) {
          create(callId, "playPrompt", playBody());
        } else if (dice < 28) {
          create(callId, "recordResponse", recordBody());
        } else if (dice < 36) {
          create(callId, "cancelMediaProcessing", new JsonObject().put("clientContext", "c" + step));
        } else if (dice < 40) {
          create(callId, "subscribeToTone", new JsonObject());
        } else if (dice < 46) {
          create(callId, "sendDtmfTones", dtmfBody());
        } else if (dice < 54) {
          caller(callId, "tones", new JsonObject().put("tones", randomKeys()));
        } else if (dice < 61) {
          caller(callId, "speech", new JsonObject().put("durationMs", 100 + rnd.nextInt(1500)));
        } else if (dice < 79) {
          long ms = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(1500);
          log.add("advance " + ms);
          rt.advance(ms);
        } else if (dice < 84) {
          burst(callId);
        } else if (dice < 87) {
          endCall(callId);
          live.add(slot, newCall());
        } else if (dice < 92) {
          caller(callId, "tones", new JsonObject().put("tones", "#"));
        } else {
          long ms = 50 + rnd.nextInt(300);
          log.add("advance " + ms);
          rt.advance(ms);
        }
      }
      log.add("settle");
      rt.advance(30_000);
      rt.advance(30_000);
      for (String callId : List.copyOf(live)) {
        endCall(callId);
      }
    }

    JsonObject playBody() {
      JsonArray prompts = new JsonArray();
      int n = 1 + (rnd.nextInt(4) == 0 ? 1 : 0);
      for (int i = 0; i < n; i++) {
        prompts.add(prompt(promptUri(), rnd.nextBoolean() ? null : "inv-res-" + rnd.nextInt(3)));
      }
      return new JsonObject().put("clientContext", "p" + rnd.nextInt(1000)).put("prompts", prompts);
    }

    String promptUri() {
      return rnd.nextInt(12) == 0 ? badPrompts.get(rnd.nextInt(badPrompts.size())) : goodPrompts.get(rnd.nextInt(goodPrompts.size()));
    }

    JsonObject recordBody() {
      JsonObject b = new JsonObject().put("clientContext", "r" + rnd.nextInt(1000))
          .put("bargeInAllowed", rnd.nextInt(4) == 0)
          .put("playBeep", rnd.nextBoolean())
          .put("initialSilenceTimeoutInSeconds", 1 + rnd.nextInt(3))
          .put("maxSilenceTimeoutInSeconds", 1 + rnd.nextInt(2))
          .put("maxRecordDurationInSeconds", 1 + rnd.nextInt(4));
      if (rnd.nextBoolean()) {
        b.put("stopTones", new JsonArray().add("#").add("*"));
      }
      if (rnd.nextInt(5) == 0) {
        b.put("prompts", new JsonArray().add(prompt(promptUri(), null)));
      }
      return b;
    }

    JsonObject dtmfBody() {
      JsonArray tones = new JsonArray();
      String[] names = {"tone1", "tone5", "pound", "star", "a"};
      for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
        tones.add(names[rnd.nextInt(names.length)]);
      }
      return new JsonObject().put("tones", tones).put("delayBetweenTonesMs", rnd.nextInt(150));
    }

    String randomKeys() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
        sb.append("129#*".charAt(rnd.nextInt(5)));
      }
      return sb.toString();
    }

    void create(String callId, String action, JsonObject body) {
      long sentAt = System.currentTimeMillis();
      TestRuntime.Resp r = rt.post(callPath(callId) + "/" + action, body);
      accept(callId, action, body, sentAt, r.status(), r.text());
    }

    void accept(String callId, String action, JsonObject body, long sentAt, int status, String text) {
      log.add(action + " " + callId.substring(0, 8) + " " + body.encode() + " -> " + status + " " + (status == 200 ? "" : text));
      if (status == 429 && !action.equals("cancelMediaProcessing") && !action.equals("subscribeToTone")) {
        return;
      }
      if (status != 200) {
        throw new AssertionError(action + " answered " + status + ": " + text);
      }
      JsonObject op = new JsonObject(text);
      String opId = op.getString("id");
      Op created = new Op(callId, opId, action, op.getString("status"), sentAt);
      ops.put(callId + "/" + opId, created);
      log.set(log.size() - 1, log.get(log.size() - 1) + op.getString("status") + " " + opId.substring(0, 8));
      expectEnd(created);
    }

    /**
     * Contract rule 8 — Exactly one ending per operation as its notifications arrive: an operation answered running or notStarted gets exactly one
     * terminal notification (a strict checkpoint: a second flag fails the test), with a payload of
     * contract rules 7, 11 and 13; one answered completed is never notified.
     */
    void expectEnd(Op op) {
      if (op.answeredStatus().equals("completed")) {
        bot.onReceived(r -> r.resourceUrl().equals(op.resourceUrl()),
            r -> ctx.failNow(new AssertionError("seed " + seed + ": " + op + " answered completed must never be notified: " + r.body())));
        return;
      }
      Checkpoint ended = ctx.checkpoint();
      java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
      bot.onReceived(r -> r.resourceUrl().equals(op.resourceUrl()), end -> ctx.verify(() -> {
        assertThat(seen.incrementAndGet()).as("seed %d, contract rule 8 — Exactly one ending per operation: exactly one terminal notification for %s", seed, op).isEqualTo(1);
        assertTerminal(op, end);
        ended.flag();
      }));
    }

    void caller(String callId, String what, JsonObject body) {
      TestRuntime.Resp r = rt.post("/callvert/calls/" + callId + "/" + what, body);
      log.add(what + " " + callId.substring(0, 8) + " " + body.encode() + " -> " + r.status());
      assertThat(r.status()).as("%s: %s", what, r.text()).isEqualTo(202);
    }

    /** 2-4 requests to one call at the same time: responses race their own notifications. */
    void burst(String callId) {
      List<String> actions = new ArrayList<>();
      List<JsonObject> bodies = new ArrayList<>();
      for (int i = 0, n = 2 + rnd.nextInt(3); i < n; i++) {
        switch (rnd.nextInt(4)) {
          case 0 -> {
            actions.add("playPrompt");
            bodies.add(playBody());
          }
          case 1 -> {
            actions.add("recordResponse");
            bodies.add(recordBody());
          }
          case 2 -> {
            actions.add("cancelMediaProcessing");
            bodies.add(new JsonObject());
          }
          default -> {
            actions.add("sendDtmfTones");
            bodies.add(dtmfBody());
          }
        }
      }
      List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
      long[] sentAt = new long[actions.size()];
      for (int i = 0; i < actions.size(); i++) {
        sentAt[i] = System.currentTimeMillis();
        futures.add(async.sendAsync(HttpRequest.newBuilder(rt.uri(callPath(callId) + "/" + actions.get(i)))
            .header("Authorization", "Bearer " + TestRuntime.TOKEN).header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i).encode())).build(), HttpResponse.BodyHandlers.ofString()));
      }
      for (int i = 0; i < actions.size(); i++) {
        HttpResponse<String> r = futures.get(i).join();
        accept(callId, "burst " + actions.get(i), bodies.get(i), sentAt[i], r.statusCode(), r.body());
      }
    }

    void endCall(String callId) {
      if (rnd.nextBoolean()) {
        log.add("DELETE " + callId.substring(0, 8));
        assertThat(rt.delete(callPath(callId)).status()).isEqualTo(204);
      } else {
        log.add("hangup " + callId.substring(0, 8));
        assertThat(rt.post("/callvert/calls/" + callId + "/hangup", null).status()).isEqualTo(202);
      }
      live.remove(callId);
    }

    void check() {
      Map<String, List<WebhookReceiver.Received>> byCall = new HashMap<>();
      for (String callId : allCalls) {
        MediaItSupport.awaitTerminated(bot, callId);
        byCall.put(callId, bot.received().stream().filter(r -> r.callId().equals(callId)).toList());
      }
      // after the ends: poking ended calls and moving the clock produces nothing more
      for (String callId : allCalls) {
        assertThat(rt.post("/callvert/calls/" + callId + "/tones", new JsonObject().put("tones", "1")).status()).isEqualTo(404);
        assertThat(rt.post(callPath(callId) + "/playPrompt", new JsonObject().put("prompts",
            new JsonArray().add(prompt(goodPrompts.get(0), null)))).status()).isEqualTo(404);
      }
      rt.advance(10_000);

      Map<String, List<WebhookReceiver.Received>> byOp = new HashMap<>();
      for (String callId : allCalls) {
        List<WebhookReceiver.Received> got = byCall.get(callId);
        // contract rule 16 — Per-call notification order/17: sequence 1..n, strictly increasing, no gaps; the terminated notification is the last
        for (int i = 0; i < got.size(); i++) {
          assertThat(got.get(i).sequence()).as("sequence #%d of call %s", i, callId).isEqualTo(i + 1L);
        }
        WebhookReceiver.Received last = got.get(got.size() - 1);
        assertThat(last.resourceUrl()).isEqualTo("/communications/calls/" + callId);
        assertThat(last.changeType()).isEqualTo("deleted");
        assertThat(last.resourceData().getString("state")).isEqualTo("terminated");
        List<JsonObject> journal = MediaItSupport.settledJournal(rt, callId);
        assertThat(journal).as("journal of %s: nothing produced after terminated", callId).hasSize(got.size());
        assertThat(journal).allMatch(e -> e.getString("state").equals("delivered"));
        assertThat(bot.received().stream().filter(r -> r.callId().equals(callId)).count()).isEqualTo(got.size());
        for (WebhookReceiver.Received r : got) {
          if (r.resourceUrl().contains("/operations/")) {
            byOp.computeIfAbsent(callId + "/" + r.resourceUrl().substring(r.resourceUrl().lastIndexOf('/') + 1),
                k -> new ArrayList<>()).add(r);
          }
        }
      }
      // contract rules 9-12: the media queue and the DTMF queue are FIFOs, so their operations end in the order
      // they were accepted (completion, cancel, barge-in and call end all take them in queue order).
      // Only sequential requests have a known acceptance order, so burst operations are left out.
      for (String callId : allCalls) {
        for (List<String> kinds : List.of(List.of("playPrompt", "recordResponse"), List.of("sendDtmfTones"))) {
          List<String> created = ops.values().stream()
              .filter(o -> o.callId().equals(callId) && kinds.contains(o.kind()) && !o.answeredStatus().equals("completed"))
              .map(Op::opId).toList();
          List<String> ended = byCall.get(callId).stream().filter(r -> r.resourceUrl().contains("/operations/"))
              .map(r -> r.resourceUrl().substring(r.resourceUrl().lastIndexOf('/') + 1)).filter(created::contains).toList();
          assertThat(ended).as("%s of call %s end in acceptance order", kinds, callId).containsExactlyElementsOf(created);
        }
      }
      for (String key : byOp.keySet()) {
        assertThat(ops).as("notification about an operation nobody created: %s", key).containsKey(key);
      }
      for (Op op : ops.values()) {
        List<WebhookReceiver.Received> about = byOp.getOrDefault(op.callId() + "/" + op.opId(), List.of());
        if (op.answeredStatus().equals("completed")) {
          assertThat(about).as("%s answered completed must never be notified", op).isEmpty();
          continue;
        }
        assertThat(op.answeredStatus()).isIn("running", "notStarted");
        assertThat(about).as("contract rule 8 — Exactly one ending per operation: exactly one terminal notification for %s", op).hasSize(1);
        JsonObject data = about.get(0).resourceData();
        JsonObject now = MediaItSupport.getOperation(rt, op.callId(), op.opId());
        assertThat(now.getString("status")).as("GET %s after the end", op).isEqualTo(data.getString("status"));
      }
    }
  }

  /** The terminal notification of {@code op}: a deleted one after its request was sent, with an allowed payload. */
  static void assertTerminal(Op op, WebhookReceiver.Received end) {
    assertThat(end.changeType()).isEqualTo("deleted");
    // contract rule 7 — No notification before its answer, observable form: it arrived after the client sent the request that created it
    assertThat(end.receivedAt()).as("contract rule 7 — No notification before its answer for %s", op).isGreaterThanOrEqualTo(op.sentAt());
    JsonObject data = end.resourceData();
    assertThat(data.getString("id")).isEqualTo(op.opId());
    assertThat(data.getString("status")).isIn("completed", "failed");
    JsonObject ri = data.getJsonObject("resultInfo");
    assertThat(ri).isNotNull();
    assertThat(ri.getInteger("code")).isIn(200, 400, 410);
    if (data.getString("@odata.type").equals("#microsoft.graph.recordOperation")) {
      boolean hasRecording = !data.getString("recordingLocation").isEmpty();
      assertThat(!data.getString("recordingAccessToken").isEmpty()).isEqualTo(hasRecording);
      if (data.getString("status").equals("completed")) {
        assertThat(hasRecording).as("successful record %s has a recording", op).isTrue();
      }
    }
    String tuple = data.getString("status") + " " + ri.getInteger("code") + "/" + ri.getInteger("subcode") + " "
        + data.getString("completionReason") + " " + ri.getString("message");
    assertThat(tuple).as("terminal payload of %s (contract rules 11, 13)", op).isIn(ALLOWED_ENDS.get(data.getString("@odata.type")));
    if (data.getString("status").equals("failed") && ri.getInteger("code") == 400
        && data.getString("@odata.type").equals("#microsoft.graph.recordOperation")) {
      assertThat(data.getString("recordingLocation")).as("failed record %s has no recording", op).isEmpty();
    }
  }

  static final Map<String, List<String>> ALLOWED_ENDS = Map.of(
      "#microsoft.graph.playPromptOperation", List.of(
          "completed 200/0 completedSuccessfully Action completed successfully.",
          "failed 400/8508 mediaOperationCanceled Action failed, the operation was cancelled.",
          "failed 400/8511 unknown Action failed, the prompt could not be played.",
          "failed 410/8509 unknown Action failed, the call ended."),
      "#microsoft.graph.recordOperation", List.of(
          "completed 200/8515 maxRecordDurationReached Action completed, max record duration reached.",
          "completed 200/8514 stopToneDetected Action completed, stop tone detected.",
          "completed 200/8513 maxSilenceTimeout Action completed, max silence timeout reached.",
          "failed 400/8510 initialSilenceTimeout Action failed, initial silence timeout reached.",
          "failed 400/8508 operationCanceled Action failed, the operation was cancelled.",
          "failed 400/8511 playPromptFailed Action failed, the prompt could not be played.",
          "failed 410/8509 unspecifiedError Action failed, the call ended."),
      "#microsoft.graph.sendDtmfTonesOperation", List.of(
          "completed 200/0 completedSuccessfully Action completed successfully.",
          "failed 410/8509 unknown Action failed, the call ended."));

  @Test
  @DisplayName("contract rules 7, 8, 16 hold under randomized interleavings of media actions, caller input, clock moves, concurrent bursts and call ends")
  void randomized_interleavings(VertxTestContext ctx) {
    long base = Long.getLong("invariants.seed", System.nanoTime());
    int rounds = Integer.getInteger("invariants.rounds", 4);
    long started = System.currentTimeMillis();
    // holds the context open until the last round is checked: the operations' checkpoints come and go
    Checkpoint checked = ctx.checkpoint(rounds);
    for (int i = 0; i < rounds; i++) {
      long seed = base + i;
      Round round = new Round(ctx, seed);
      try {
        round.run();
        round.check();
        if (ctx.failed()) {
          throw new AssertionError(ctx.causeOfFailure().getMessage(), ctx.causeOfFailure());
        }
      } catch (AssertionError | RuntimeException e) {
        List<String> tail = round.log.subList(Math.max(0, round.log.size() - 40), round.log.size());
        System.out.println("InvariantsIT failed with seed " + seed + "; last steps:\n  " + String.join("\n  ", tail));
        throw new AssertionError("seed " + seed + " (rerun with -Dinvariants.seed=" + seed + " -Dinvariants.rounds=1): " + e.getMessage(), e);
      }
      checked.flag();
      System.out.println("InvariantsIT seed " + seed + ": " + round.ops.size() + " operations on " + round.allCalls.size()
          + " calls, " + (System.currentTimeMillis() - started) + " ms so far");
    }
  }
}
