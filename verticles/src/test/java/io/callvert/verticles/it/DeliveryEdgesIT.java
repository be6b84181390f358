package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.CallvertOptions;
import io.callvert.config.ShutdownOptions;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Received;
import io.callvert.verticles.testkit.WebhookReceiver.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery at its edges (contract rules 16, 17 and 40), against a real receiver on loopback:
 * one POST in flight per call whatever the receiver does (slow, 429, 500, reset, 302), Retry-After
 * values that are huge, infinite, negative or garbage, waits beyond the retry budget, and the
 * minimum spacing between retries.
 */
@CallvertTest(options = DeliveryEdgesIT.Options.class, receiver = CallvertTest.Scope.TEST)
class DeliveryEdgesIT {

  static final long BUDGET_MS = 5_000;
  static final long TIMEOUT_MS = 300;
  static final long MIN_RETRY_DELAY_MS = 100;

  static final class Options implements UnaryOperator<CallvertOptions> {
    @Override
    public CallvertOptions apply(CallvertOptions o) {
      return o.withShutdown(new ShutdownOptions(2_000)).withWebhook(o.webhook().withTimeoutMs(TIMEOUT_MS)
          .withRetryBudgetMs(BUDGET_MS).withMinRetryDelayMs(MIN_RETRY_DELAY_MS));
    }
  }

  private final TestRuntime rt;
  private final WebhookReceiver bot;

  DeliveryEdgesIT(TestRuntime rt, WebhookReceiver bot) {
    this.rt = rt;
    this.bot = bot;
  }

  private static int attempt(Received r) {
    return Integer.parseInt(r.headers().get("x-callvert-attempt"));
  }

  private static boolean settled(JsonArray journal, int n) {
    return journal.size() == n && journal.stream().map(JsonObject.class::cast)
        .allMatch(e -> e.getString("state").equals("delivered") || e.getString("state").equals("deadLettered"));
  }

  @Test
  @DisplayName("one POST in flight per call, always: 10 calls on one receiver, each failing its first two attempts of every "
      + "notification in its own way (slow past the timeout, 429 Retry-After: 0, 500, connection reset, 302 then 500), "
      + "all delivered in order, and the receiver never held two POSTs of one call at once")
  void one_post_in_flight_per_call_under_faults() {
    bot.respond(r -> {
      String mode = r.path().substring(1);
      boolean failing = attempt(r) <= 2;
      return switch (mode) {
        case "slow" -> failing ? Reply.slow(503, TIMEOUT_MS * 2) : Reply.slow(202, TIMEOUT_MS / 3);
        case "throttled" -> failing ? new Reply(429, Map.of("Retry-After", "0")) : null;
        case "failing" -> failing ? Reply.of(500) : null;
        case "reset" -> failing ? Reply.reset() : null;
        case "moving" -> new Reply(302, Map.of("Location", "/moved"));
        case "moved" -> attempt(r) <= 3 ? Reply.slow(500, 20) : null; // the 302 was attempt 1
        default -> null;
      };
    });
    Map<String, String> calls = new LinkedHashMap<>();
    for (String mode : List.of("slow", "throttled", "failing", "reset", "moving")) {
      for (int i = 0; i < 2; i++) {
        calls.put(rt.createOutgoingCall(bot.url("/" + mode)), mode);
      }
    }
    rt.advance(500); // every call established
    for (String id : calls.keySet()) {
      assertThat(rt.delete("/v1.0/communications/calls/" + id).status()).isEqualTo(204);
    }
    for (Map.Entry<String, String> call : calls.entrySet()) {
      String id = call.getKey();
      List<Received> got = bot.await(id, 4);
      assertThat(got).as(call.getValue()).extracting(Received::sequence).containsExactly(1L, 2L, 3L, 4L);
      JsonArray journal = rt.awaitJournal(id, j -> settled(j, 4));
      assertThat(journal.stream().map(JsonObject.class::cast).map(e -> e.getString("state")))
          .as(call.getValue()).containsOnly("delivered");
      assertThat(journal.getJsonObject(0).getInteger("attempts")).as(call.getValue()).isGreaterThanOrEqualTo(3);
    }
    for (Map.Entry<String, String> call : calls.entrySet()) {
      assertThat(bot.maxInFlight(call.getKey())).as("POSTs of a '%s' call at once", call.getValue()).isEqualTo(1);
    }
    assertThat(bot.attempts().stream().filter(r -> r.path().equals("/moving"))).hasSize(2); // one 302 per call
  }

  @Test
  @DisplayName("429 with a Retry-After beyond what is left of the 5 s budget (10 s, Infinity, 1e400, a date in 9999) "
      + "dead-letters at once after one attempt, naming the Retry-After; the call's later notifications still go")
  void retry_after_beyond_budget_dead_letters_now() {
    List<String> values = List.of("10", "Infinity", "1e400", "99999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT");
    bot.respond(r -> attempt(r) == 1 && r.sequence() == 1
        ? new Reply(429, Map.of("Retry-After", values.get(Integer.parseInt(r.path().substring(2))))) : null);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      ids.add(rt.createOutgoingCall(bot.url("/v" + i)));
    }
    long start = System.currentTimeMillis();
    rt.advance(500);
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      assertThat(bot.awaitOne(id, r -> r.sequence() == 2).resourceData().getString("state")).isEqualTo("established");
      JsonArray journal = rt.awaitJournal(id, j -> settled(j, 2));
      JsonObject first = journal.getJsonObject(0);
      assertThat(first.getString("state")).as(values.get(i)).isEqualTo("deadLettered");
      assertThat(first.getInteger("attempts")).isEqualTo(1);
      assertThat(first.getString("lastError")).contains("HTTP 429").contains("retry budget of 5000 ms exhausted")
          .contains("Retry-After asks for");
    }
    assertThat(System.currentTimeMillis() - start).as("no one waited for the budget").isLessThan(BUDGET_MS);
    ids.forEach(id -> rt.delete("/v1.0/communications/calls/" + id));
  }

  @Test
  @DisplayName("a negative, NaN or garbage Retry-After is ignored: backoff applies and the notification is delivered on a later attempt")
  void unusable_retry_after_is_ignored() {
    List<String> values = List.of("-5", "NaN", "soon", "");
    bot.respond(r -> attempt(r) <= 2 && r.sequence() == 1
        ? new Reply(503, Map.of("Retry-After", values.get(Integer.parseInt(r.path().substring(2))))) : null);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      ids.add(rt.createOutgoingCall(bot.url("/v" + i)));
    }
    for (String id : ids) {
      assertThat(bot.awaitOne(id, r -> r.sequence() == 1).headers().get("x-callvert-attempt")).isEqualTo("3");
      rt.delete("/v1.0/communications/calls/" + id);
    }
  }

  @Test
  @DisplayName("429 Retry-After: 0 from 3 calls: each call's attempts are at least webhook.minRetryDelayMs (100 ms) apart, "
      + "not hundreds a second; delivered once the bot accepts")
  void minimum_spacing_between_retries() {
    int failures = 6;
    bot.respond(r -> attempt(r) <= failures && r.sequence() == 1 ? new Reply(429, Map.of("Retry-After", "0")) : null);
    List<String> ids = List.of(rt.createOutgoingCall(bot.url()), rt.createOutgoingCall(bot.url()), rt.createOutgoingCall(bot.url()));
    for (String id : ids) {
      bot.awaitOne(id, r -> r.sequence() == 1);
      List<Received> tries = bot.attempts().stream().filter(r -> r.callId().equals(id) && r.sequence() == 1).toList();
      assertThat(tries).hasSize(failures + 1);
      for (int i = 1; i < tries.size(); i++) {
        assertThat(tries.get(i).receivedAt() - tries.get(i - 1).receivedAt())
            .as("gap before attempt %d", i + 1).isGreaterThanOrEqualTo(MIN_RETRY_DELAY_MS - 5);
      }
      assertThat(bot.maxInFlight(id)).isEqualTo(1);
      rt.delete("/v1.0/communications/calls/" + id);
    }
  }
}
