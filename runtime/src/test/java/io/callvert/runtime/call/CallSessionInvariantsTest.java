package io.callvert.runtime.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CalleeOptions;
import io.callvert.config.CallsOptions;
import io.callvert.runtime.api.ApiException;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Tones;
import io.callvert.runtime.call.FakeEffects.Fetch;
import io.callvert.runtime.graph.GraphResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contract rules 7 and 8 under randomized interleavings of requests, caller input, time and media results.
 * Reproducible: the base seed is fixed (override with {@code -Dcallvert.seed=N}); a failure names
 * the run's seed, which {@code -Dcallvert.runSeed=N} replays alone, and lists the steps taken.
 */
class CallSessionInvariantsTest {

  private static final int RUNS = 300;
  private static final int STEPS = 60;

  @Test
  @DisplayName("random interleavings: one terminal notification per running operation, gated and after its reply")
  void random_interleavings_keep_the_operation_invariants() {
    Long only = Long.getLong("callvert.runSeed");
    if (only != null) {
      runOrExplain(only);
      return;
    }
    Random seeds = new Random(Long.getLong("callvert.seed", 20_261_128L));
    Set<String> endings = new TreeSet<>();
    Set<Integer> refusals = new TreeSet<>();
    for (int run = 0; run < RUNS; run++) {
      RandomRun r = runOrExplain(seeds.nextLong());
      endings.addAll(r.endings);
      refusals.addAll(r.refusals);
    }
    // the walk must reach every way an operation can end, and the queue limit, or it proves little
    assertThat(endings).as("endings reached").containsExactlyInAnyOrderElementsOf(SessionInvariants.ALLOWED_ENDINGS);
    assertThat(refusals).as("refusals met").contains(400, 429);
  }

  private static RandomRun runOrExplain(long seed) {
    RandomRun run = new RandomRun(seed);
    try {
      run.play();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("run seed " + seed + " (replay with -Dcallvert.runSeed=" + seed + ") failed: "
          + e.getMessage() + "\nsteps:\n  " + String.join("\n  ", run.trace), e);
    }
    return run;
  }

  /** One randomized run: a sequence of calls, each checked by {@link SessionInvariants} once it ended. */
  private static final class RandomRun {
    private final Random rnd;
    private final List<String> trace = new ArrayList<>();
    private final Set<String> endings = new TreeSet<>();
    private final Set<Integer> refusals = new TreeSet<>();
    private CallDriver d;
    private Map<String, JsonObject> answered;
    private final Map<String, JsonObject> recordRequests = new LinkedHashMap<>();
    private int calls;

    RandomRun(long seed) {
      this.rnd = new Random(seed);
    }

    void play() {
      freshCall();
      for (int step = 0; step < STEPS; step++) {
        step();
        if (d.session.isTerminated()) {
          finishCall();
          freshCall();
        }
      }
      trace.add("end: delete");
      request("delete", null);
      finishCall();
      assertThat(calls).isPositive();
    }

    private void freshCall() {
      calls++;
      answered = new LinkedHashMap<>();
      CallsOptions options = CallsOptions.defaults().withMediaQueueLimit(1 + rnd.nextInt(6));
      if (rnd.nextBoolean()) {
        trace.add("new outgoing call, queue limit " + options.mediaQueueLimit());
        d = CallDriver.outgoing(Bodies.outgoingCall("+15550199"), options, CalleeOptions.defaults());
        d.advance(CalleeOptions.DEFAULT_ANSWER_DELAY_MS);
      } else {
        trace.add("new incoming call, queue limit " + options.mediaQueueLimit());
        d = CallDriver.incoming(options);
        d.advance(rnd.nextInt(3_000));
        request("answer", Bodies.answer());
      }
      assertThat(d.state()).isEqualTo("established");
    }

    private void finishCall() {
      d.advance(1_000); // late timers must stay silent
      SessionInvariants.check(d, answered, endings);
      checkRecordingLengths();
    }

    /** A recording never outlasts maxRecordDuration; one cut by it lasts exactly that long. */
    private void checkRecordingLengths() {
      for (Map.Entry<String, JsonObject> e : recordRequests.entrySet()) {
        if (!answered.containsKey(e.getKey())) {
          continue;
        }
        JsonObject data = d.terminal(e.getKey()).data();
        String location = data.getString("recordingLocation");
        if (location.isEmpty()) {
          continue;
        }
        long max = e.getValue().getInteger("maxRecordDurationInSeconds") * 1000L;
        long silence = e.getValue().getInteger("maxSilenceTimeoutInSeconds") * 1000L;
        long ms = d.recordingAt(location).audio().durationMs();
        assertThat(ms).as("recording of %s", e.getKey()).isLessThanOrEqualTo(max);
        switch (data.getJsonObject("resultInfo").getInteger("subcode")) {
          case 8515 -> assertThat(ms).as("max-duration recording of %s", e.getKey()).isEqualTo(max);
          case 8513 -> assertThat(ms).as("max-silence recording of %s", e.getKey()).isGreaterThanOrEqualTo(silence);
          default -> { }
        }
      }
      recordRequests.clear();
    }

    private void step() {
      int pick = rnd.nextInt(100);
      if (pick < 12) {
        request("playprompt", Bodies.playPrompt(1 + rnd.nextInt(3)).put("clientContext", "p" + trace.size()));
      } else if (pick < 24) {
        request("recordresponse", randomRecord());
      } else if (pick < 28) {
        request("cancelmediaprocessing", new JsonObject().put("clientContext", "c" + trace.size()));
      } else if (pick < 31) {
        request("subscribetotone", null);
      } else if (pick < 37) {
        JsonObject body = Bodies.dtmf(randomToneNames(1 + rnd.nextInt(4))).put("delayBetweenTonesMs", rnd.nextInt(3) * 50);
        request("senddtmftones", body.put("clientContext", "d" + trace.size()));
      } else if (pick < 43) {
        request("caller.tones", Bodies.callerTones(randomKeys(1 + rnd.nextInt(3))));
      } else if (pick < 49) {
        request("caller.speech", Bodies.speech(100 + rnd.nextInt(3_000)));
      } else if (pick < 69) {
        long ms = rnd.nextInt(10) == 0 ? rnd.nextInt(8_000) : rnd.nextInt(1_500);
        trace.add("advance " + ms);
        d.advance(ms);
      } else if (pick < 85) {
        answerAFetch();
      } else if (pick < 88) {
        request("keepalive", null);
      } else if (pick < 91) {
        invalidRequest();
      } else if (pick < 92) {
        trace.add("heard");
        int before = d.fx.log().size();
        d.heard();
        assertThat(d.fx.log()).hasSize(before);
      } else if (pick < 95) {
        trace.add("advance 46 min (keepAlive expires unless renewed)");
        request("keepalive", null);
        d.advance(46 * 60_000L);
      } else {
        request(rnd.nextBoolean() ? "delete" : "caller.hangup", null);
      }
    }

    private JsonObject randomRecord() {
      JsonObject body = new JsonObject()
          .put("clientContext", "r" + trace.size())
          .put("playBeep", rnd.nextBoolean())
          .put("bargeInAllowed", rnd.nextInt(4) == 0)
          .put("initialSilenceTimeoutInSeconds", 1 + rnd.nextInt(4))
          .put("maxSilenceTimeoutInSeconds", 1 + rnd.nextInt(4))
          .put("maxRecordDurationInSeconds", 1 + rnd.nextInt(8));
      if (rnd.nextBoolean()) {
        body.put("prompts", Bodies.prompts(1));
      }
      JsonArray stops = new JsonArray();
      for (String t : new String[] {"#", "*", "1"}) {
        if (rnd.nextInt(3) == 0) {
          stops.add(t);
        }
      }
      return stops.isEmpty() ? body : body.put("stopTones", stops);
    }

    private String randomKeys(int n) {
      String keys = "0123456789*#AB";
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < n; i++) {
        sb.append(keys.charAt(rnd.nextInt(keys.length())));
      }
      return sb.toString();
    }

    private String[] randomToneNames(int n) {
      String[] out = new String[n];
      String keys = randomKeys(n);
      for (int i = 0; i < n; i++) {
        out[i] = Tones.toneName(keys.charAt(i));
      }
      return out;
    }

    private void answerAFetch() {
      List<Fetch> pending = d.pendingFetches();
      if (pending.isEmpty()) {
        trace.add("no fetch to answer");
        return;
      }
      Fetch f = pending.get(rnd.nextInt(pending.size()));
      if (rnd.nextInt(7) == 0) {
        trace.add("fetch of " + f.opId() + " fails");
        d.mediaFailed(f.opId(), "404");
        return;
      }
      Clip[] clips = new Clip[f.media().size()];
      for (int i = 0; i < clips.length; i++) {
        clips[i] = Tones.beep(50 + rnd.nextInt(1_950));
      }
      trace.add("fetch of " + f.opId() + " ready, " + clips.length + " clips");
      d.mediaReady(f.opId(), clips);
    }

    private void invalidRequest() {
      JsonObject[] bodies = {
          Bodies.playPrompt(0), Bodies.playPrompt(21),
          Bodies.record(0, 5, 5).put("bargeInAllowed", true),
          Bodies.record(5, 5, 5).put("stopTones", new JsonArray().add("Z")).put("bargeInAllowed", true),
          Bodies.dtmf("flash"), new JsonObject().put("clientContext", "x".repeat(257))};
      String[] actions = {"playprompt", "playprompt", "recordresponse", "recordresponse", "senddtmftones",
          "cancelmediaprocessing"};
      int i = rnd.nextInt(bodies.length);
      trace.add("invalid " + actions[i]);
      ApiException e = d.rejected(actions[i], bodies[i]);
      assertThat(e.status()).isEqualTo(400);
      refusals.add(e.status());
    }

    /** Sends a request; a refusal must be a 4xx that changed nothing. Remembers the operations it created. */
    private void request(String action, JsonObject body) {
      int before = d.fx.log().size();
      try {
        GraphResponse r = d.request(action, body);
        JsonObject b = r.body();
        if (b != null && b.getString("@odata.type", "").endsWith("Operation")) {
          String opId = d.opId(r);
          answered.put(opId, b.copy());
          if (action.equals("recordresponse")) {
            recordRequests.put(opId, body);
          }
          trace.add(action + " -> " + opId + " " + b.getString("status"));
        } else {
          trace.add(action + " -> " + r.status());
        }
      } catch (ApiException e) {
        trace.add(action + " -> " + e.status() + " " + e.getMessage());
        assertThat(e.status()).as("refusal of %s", action).isBetween(400, 499);
        refusals.add(e.status());
        assertThat(d.fx.log()).as("effects of a refused %s", action).hasSize(before);
      }
    }
  }
}
