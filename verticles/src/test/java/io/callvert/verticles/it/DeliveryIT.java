package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.ShutdownOptions;
import io.callvert.config.WebhookOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.verticles.testkit.CallvertTest;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.TestRuntime.Resp;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Received;
import io.callvert.verticles.testkit.WebhookReceiver.Reply;
import io.callvert.verticles.testkit.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Notification delivery (contract rules 16 and 17, journal of contract rule 18 — Callvert's own API): signed JWTs a bot can verify
 * from the published JWKS, per-call sequence numbers, ordered retries on 5xx/408/429 (with
 * Retry-After), 302 moves, a receiver that is down for a while, dead-lettering, and the journal.
 *
 * <p>Each test gets its own receiver, because scripted replies apply to whatever POST comes next.
 */
@CallvertTest(options = DeliveryIT.Options.class, receiver = CallvertTest.Scope.TEST)
class DeliveryIT {

  /** A 2 s shutdown grace, so that the runtime's last deliveries still land when the class ends. */
  static final class Options implements UnaryOperator<CallvertOptions> {
    @Override
    public CallvertOptions apply(CallvertOptions o) {
      return o.withShutdown(new ShutdownOptions(2_000));
    }
  }

  static final String TENANT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  static final String BOT_APP = "6f1e1b2a-1111-4222-8333-944455556666";
  static final String ISSUER = "https://api.botframework.com";

  private final TestRuntime rt;
  /** This test's own receiver: scripted replies apply to whatever POST comes next. */
  private final WebhookReceiver bot;

  DeliveryIT(TestRuntime rt, WebhookReceiver bot) {
    this.rt = rt;
    this.bot = bot;
  }

  /** Outgoing call to {@code callbackUri}, established, then ended by the bot: four notifications. */
  String fullOutgoingCall(String callbackUri) {
    String id = rt.createOutgoingCall(callbackUri);
    rt.advance(500);
    assertThat(rt.delete("/v1.0/communications/calls/" + id).status()).isEqualTo(204);
    return id;
  }

  static List<String> states(List<Received> received) {
    return received.stream().map(r -> r.resourceData().getString("state")).toList();
  }

  /** Waits until the journal satisfies {@code p} (see {@link TestRuntime#whenJournal}: the journal has no change event). */
  static JsonArray awaitJournal(TestRuntime runtime, String callId, Predicate<JsonArray> p) {
    return runtime.awaitJournal(callId, p);
  }

  static JsonObject decode(String jwt, int part) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[part]), StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------ signing

  @Test
  @DisplayName("every webhook's JWT verifies against the JWKS found via /.well-known/openid-configuration: RS256, iss api.botframework.com, aud = bot app id, tid, exp-iat ≤ 300 s")
  void jwt_verifies_against_published_jwks() throws Exception {
    Resp oidcResp = rt.send(HttpRequest.newBuilder(rt.uri("/.well-known/openid-configuration")).GET());
    assertThat(oidcResp.status()).isEqualTo(200);
    JsonObject oidc = oidcResp.json();
    assertThat(oidc.getString("issuer")).isEqualTo(ISSUER);
    String jwksUri = oidc.getString("jwks_uri");
    assertThat(jwksUri).startsWith(rt.baseUrl + "/");
    Resp jwksResp = rt.send(HttpRequest.newBuilder(rt.uri(jwksUri)).GET());
    assertThat(jwksResp.status()).isEqualTo(200);
    JsonArray keys = jwksResp.json().getJsonArray("keys");
    assertThat(keys).isNotEmpty();
    Set<String> kids = keys.stream().map(k -> ((JsonObject) k).getString("kid")).collect(Collectors.toSet());
    for (Object k : keys) {
      assertThat(((JsonObject) k).fieldNames()).doesNotContain("d", "p", "q");
    }

    // outgoing call: aud is the source application id; incoming call: the configured webhook.appId
    String outgoing = fullOutgoingCall(bot.url());
    String incoming = rt.createIncomingCall(bot.url());
    rt.post("/callvert/calls/" + incoming + "/hangup", null);
    List<Received> all = new ArrayList<>(bot.await(outgoing, 4));
    all.addAll(bot.await(incoming, 2));

    for (String aud : List.of(BOT_APP, WebhookOptions.DEFAULT_APP_ID)) {
      JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIssuer(ISSUER).setAudience(List.of(aud)));
      keys.forEach(k -> options.addJwk((JsonObject) k));
      JWTAuth verifier = JWTAuth.create(rt.vertx, options);
      String expectedCall = aud.equals(BOT_APP) ? outgoing : incoming;
      for (Received r : all) {
        if (!r.callId().equals(expectedCall)) {
          continue;
        }
        String auth = r.headers().get("authorization");
        assertThat(auth).startsWith("Bearer ");
        String jwt = auth.substring(7);
        assertThat(verifier.authenticate(new TokenCredentials(jwt)).await(10, TimeUnit.SECONDS)).isNotNull();
        JsonObject header = decode(jwt, 0);
        assertThat(header.getString("alg")).isEqualTo("RS256");
        assertThat(kids).contains(header.getString("kid"));
        JsonObject claims = decode(jwt, 1);
        assertThat(claims.getString("iss")).isEqualTo(ISSUER);
        assertThat(claims.getValue("aud")).isEqualTo(aud);
        assertThat(claims.getString("tid")).isEqualTo(TENANT);
        long iat = claims.getLong("iat");
        long exp = claims.getLong("exp");
        assertThat(claims.getLong("nbf")).isLessThanOrEqualTo(iat);
        assertThat(exp - iat).isPositive().isLessThanOrEqualTo(300);
        assertThat(Math.abs(iat - System.currentTimeMillis() / 1000)).isLessThan(300);
      }
      // the verifier really checks: a token with a tampered payload is refused
      String jwt = all.get(0).headers().get("authorization").substring(7);
      String[] parts = jwt.split("\\.");
      String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
          decode(jwt, 1).put("aud", aud).put("tid", "evil").encode().getBytes(StandardCharsets.UTF_8));
      assertThat(verifier.authenticate(new TokenCredentials(parts[0] + "." + forgedPayload + "." + parts[2]))
          .toCompletionStage().toCompletableFuture()).failsWithin(10, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------ sequence

  @Test
  @DisplayName("X-Callvert-Sequence counts per call from 1, whatever other calls do in between; X-Callvert-Attempt is 1 on first delivery")
  void sequence_per_call() {
    String a = rt.createOutgoingCall(bot.url());
    String b = rt.createIncomingCall(bot.url());
    bot.await(a, 1);
    bot.await(b, 1);
    rt.advance(500);
    rt.post("/v1.0/communications/calls/" + b + "/answer", LifecycleIT.answerBody(bot.url()));
    rt.delete("/v1.0/communications/calls/" + a);
    rt.post("/callvert/calls/" + b + "/hangup", null);
    List<Received> ra = bot.await(a, 4);
    List<Received> rb = bot.await(b, 4);
    assertThat(ra).extracting(Received::sequence).containsExactly(1L, 2L, 3L, 4L);
    assertThat(rb).extracting(Received::sequence).containsExactly(1L, 2L, 3L, 4L);
    assertThat(states(ra)).containsExactly("establishing", "established", "terminating", "terminated");
    assertThat(rb).extracting(Received::changeType).containsExactly("created", "updated", "updated", "deleted");
    assertThat(bot.received()).allMatch(r -> r.headers().get("x-callvert-attempt").equals("1"));
  }

  // ------------------------------------------------------------------ retries

  @Test
  @DisplayName("a receiver failing N times (500, 503, 408, 502) gets the notification on attempt N+1; later notifications wait and keep their order; journal attempts = N+1")
  void retries_keep_order(VertxTestContext ctx) {
    int n = 4;
    bot.script(Reply.of(500), Reply.of(503), Reply.of(408), Reply.of(502));
    // every POST for the call, in order: the first notification n + 1 times, then the others once each
    List<Long> sequences = List.of(1L, 1L, 1L, 1L, 1L, 2L, 3L, 4L);
    List<String> attemptHeaders = List.of("1", "2", "3", "4", "5", "1", "1", "1");
    Checkpoint attempted = ctx.checkpoint(sequences.size()); // strict: one attempt more fails the test
    Checkpoint delivered = ctx.checkpoint();
    Checkpoint journalled = ctx.checkpoint();

    String id = fullOutgoingCall(bot.url());
    List<Received> attempts = new CopyOnWriteArrayList<>();
    bot.onAttempted(r -> r.callId().equals(id), r -> ctx.verify(() -> {
      int i = attempts.size();
      attempts.add(r);
      assertThat(i).as("attempt #%d: %s", i + 1, r.body()).isLessThan(sequences.size());
      assertThat(r.sequence()).as("sequence of attempt #%d", i + 1).isEqualTo(sequences.get(i));
      assertThat(r.headers().get("x-callvert-attempt")).as("X-Callvert-Attempt of attempt #%d", i + 1).isEqualTo(attemptHeaders.get(i));
      if (i <= n) {
        assertThat(r.body()).as("a retry re-sends the same notification").isEqualTo(attempts.get(0).body());
      }
      attempted.flag();
    }));
    bot.whenReceived(r -> r.callId().equals(id), 4).onComplete(ctx.succeeding(got -> ctx.verify(() -> {
      assertThat(states(got)).containsExactly("establishing", "established", "terminating", "terminated");
      assertThat(got).extracting(Received::sequence).containsExactly(1L, 2L, 3L, 4L);
      delivered.flag();
    })));
    // the journal has no change event: see TestRuntime.whenJournal
    rt.whenJournal(id, j -> j.size() == 4 && j.stream().allMatch(e -> ((JsonObject) e).getString("state").equals("delivered")), 10_000)
        .onComplete(ctx.succeeding(journal -> ctx.verify(() -> {
          assertThat(journal.getJsonObject(0).getInteger("attempts")).isEqualTo(n + 1);
          assertThat(journal.getJsonObject(0).getString("lastError")).contains("502");
          for (int i = 1; i < 4; i++) {
            assertThat(journal.getJsonObject(i).getInteger("attempts")).isEqualTo(1);
          }
          journalled.flag();
        })));
  }

  @Test
  @DisplayName("429 with Retry-After: 1 is honoured: the next attempt comes ≥ 1 s later (not the 20 ms test backoff)")
  void retry_after_honoured() {
    bot.script(new Reply(429, Map.of("Retry-After", "1")));
    String id = rt.createOutgoingCall(bot.url());
    Received delivered = bot.await(id, 1).get(0);
    List<Received> attempts = bot.attempts();
    assertThat(attempts).hasSize(2);
    long gap = attempts.get(1).receivedAt() - attempts.get(0).receivedAt();
    assertThat(gap).isBetween(950L, 5_000L);
    assertThat(delivered.sequence()).isEqualTo(1);
    assertThat(rt.journal(id).getJsonObject(0).getString("lastError")).contains("429");
    rt.delete("/v1.0/communications/calls/" + id);
    bot.awaitOne(id, r -> r.changeType().equals("deleted"));
  }

  @Test
  @DisplayName("302 with an absolute Location moves the call's callback: the notification is re-sent there at once and all later ones follow")
  void redirect_moves_callback() {
    bot.script(new Reply(302, Map.of("Location", bot.url("/moved"))));
    String id = fullOutgoingCall(bot.url("/original"));
    List<Received> got = bot.await(id, 4);
    assertThat(states(got)).containsExactly("establishing", "established", "terminating", "terminated");
    assertThat(got).allMatch(r -> r.path().equals("/moved"));
    assertThat(bot.attempts()).extracting(Received::path).containsExactly("/original", "/moved", "/moved", "/moved", "/moved");
    assertThat(rt.journal(id).getJsonObject(0).getString("state")).isEqualTo("delivered");
  }

  @Test
  @DisplayName("a callbackUri the bot gives later (answer) wins over an earlier 302 move of the old callback (Callvert's choice: a 302 moves only the URI that answered it)")
  void explicit_callback_wins_over_earlier_redirect() {
    bot.script(new Reply(302, Map.of("Location", bot.url("/moved"))));
    String id = rt.createIncomingCall(bot.url("/original"));
    assertThat(bot.await(id, 1).get(0).path()).isEqualTo("/moved");
    assertThat(rt.post("/v1.0/communications/calls/" + id + "/answer", LifecycleIT.answerBody(bot.url("/answered"))).status())
        .isEqualTo(202);
    List<Received> got = bot.await(id, 3);
    assertThat(got.subList(1, 3)).extracting(Received::path).containsExactly("/answered", "/answered");
    rt.post("/callvert/calls/" + id + "/hangup", null);
    assertThat(bot.await(id, 4).get(3).path()).isEqualTo("/answered");
  }

  @Test
  @DisplayName("302 with a relative Location (allowed by RFC 9110) resolves against the callback URI; the call's notifications do not stall")
  void relative_redirect() {
    bot.script(new Reply(302, Map.of("Location", "/relative")));
    String id = fullOutgoingCall(bot.url("/original"));
    List<Received> got = bot.await(id, 4);
    assertThat(states(got)).containsExactly("establishing", "established", "terminating", "terminated");
    assertThat(got).allMatch(r -> r.path().equals("/relative"));
  }

  @Test
  @DisplayName("302 to a Location that is not http(s) dead-letters that notification (Callvert's choice) and the next one is delivered")
  void unusable_redirect_dead_letters() {
    bot.script(new Reply(302, Map.of("Location", "ftp://127.0.0.1/x")));
    String id = rt.createOutgoingCall(bot.url());
    rt.advance(500);
    assertThat(bot.await(id, 1).get(0).sequence()).isEqualTo(2);
    JsonArray journal = awaitJournal(rt, id, j -> j.size() == 2 && j.getJsonObject(1).getString("state").equals("delivered"));
    assertThat(journal.getJsonObject(0).getString("state")).isEqualTo("deadLettered");
    assertThat(journal.getJsonObject(0).getString("lastError")).contains("ftp://127.0.0.1/x");
    rt.delete("/v1.0/communications/calls/" + id);
    bot.awaitOne(id, r -> r.changeType().equals("deleted"));
  }

  @Test
  @DisplayName("a receiver that is down for a while (connection refused) gets everything, in order, once it is back")
  void receiver_down_for_a_while() {
    bot.stop();
    String id = fullOutgoingCall(bot.url());
    awaitJournal(rt, id, j -> j.size() == 4 && j.getJsonObject(0).getInteger("attempts") >= 3);
    assertThat(bot.attempts()).isEmpty();
    bot.restart();
    List<Received> got = bot.await(id, 4);
    assertThat(states(got)).containsExactly("establishing", "established", "terminating", "terminated");
    assertThat(got).extracting(Received::sequence).containsExactly(1L, 2L, 3L, 4L);
    JsonArray journal = awaitJournal(rt, id, j -> j.stream().allMatch(e -> ((JsonObject) e).getString("state").equals("delivered")));
    assertThat(journal.getJsonObject(0).getInteger("attempts")).isGreaterThanOrEqualTo(4);
    assertThat(journal.getJsonObject(0).getString("lastError")).isNotBlank();
  }

  @Test
  @DisplayName("a 400 from the bot dead-letters that notification (state deadLettered, lastError set, 1 attempt); the next one is still delivered")
  void client_error_dead_letters() {
    bot.script(Reply.of(400));
    String id = rt.createOutgoingCall(bot.url());
    rt.advance(500);
    Received next = bot.await(id, 1).get(0);
    assertThat(next.sequence()).isEqualTo(2);
    assertThat(next.resourceData().getString("state")).isEqualTo("established");
    JsonArray journal = awaitJournal(rt, id, j -> j.size() == 2 && j.getJsonObject(1).getString("state").equals("delivered"));
    JsonObject dead = journal.getJsonObject(0);
    assertThat(dead.getString("state")).isEqualTo("deadLettered");
    assertThat(dead.getInteger("attempts")).isEqualTo(1);
    assertThat(dead.getString("lastError")).contains("400");
    assertThat(dead.getJsonObject("notification")).isEqualTo(Wire.callState(id, "establishing"));
    rt.delete("/v1.0/communications/calls/" + id);
    bot.awaitOne(id, r -> r.changeType().equals("deleted"));
  }

  // ------------------------------------------------------------------ journal

  @Test
  @DisplayName("GET /callvert/calls/{id}/notifications lists every notification in sequence order: sequence, state, attempts, lastError (null when first try succeeded), the notification exactly as POSTed")
  void journal_shape() {
    String id = fullOutgoingCall(bot.url());
    List<Received> got = bot.await(id, 4);
    JsonArray journal = awaitJournal(rt, id, j -> j.size() == 4 && j.stream().allMatch(e -> ((JsonObject) e).getString("state").equals("delivered")));
    for (int i = 0; i < 4; i++) {
      JsonObject e = journal.getJsonObject(i);
      assertThat(e.fieldNames()).contains("sequence", "state", "attempts", "lastError", "notification");
      assertThat(e.getLong("sequence")).isEqualTo(i + 1);
      assertThat(e.getInteger("attempts")).isEqualTo(1);
      assertThat(e.containsKey("lastError")).isTrue();
      assertThat(e.getValue("lastError")).isNull();
      assertThat(e.getJsonObject("notification")).isEqualTo(got.get(i).body());
    }
    // retained with the call: still readable after it ended
    assertThat(rt.get("/callvert/calls/" + id).json().getString("state")).isEqualTo("terminated");
  }

  // ------------------------------------------------------------------ retry budget and timeouts

  @Test
  @DisplayName("after the retry budget a failing notification is dead-lettered and visible (timeouts count as failures); the next one is delivered")
  void retry_budget_exhausted() {
    // the servers close with the runtime's Vert.x, after Callvert has delivered its last notifications
    try (TestRuntime own = TestRuntime.start(o -> o.withShutdown(new ShutdownOptions(1_000))
            .withWebhook(o.webhook().withTimeoutMs(200).withRetryBudgetMs(600)))) {
      WavServer hang = new WavServer(own.vertx);
      WebhookReceiver receiver = new WebhookReceiver(own.vertx);
      String hanging = own.createOutgoingCall(hang.url("/hang/callback"));
      JsonArray j = awaitJournal(own, hanging, x -> x.getJsonObject(0).getString("state").equals("deadLettered"));
      assertThat(j.getJsonObject(0).getInteger("attempts")).isGreaterThanOrEqualTo(2);
      assertThat(j.getJsonObject(0).getString("lastError")).contains("retry budget");
      assertThat(hang.hits("hang/callback")).isGreaterThanOrEqualTo(2);

      for (int i = 0; i < 30; i++) {
        receiver.script(Reply.of(500)); // more than fit in the 600 ms budget at a ≥ 10 ms backoff
      }
      String failing = own.createOutgoingCall(receiver.url());
      JsonArray k = awaitJournal(own, failing, x -> x.getJsonObject(0).getString("state").equals("deadLettered"));
      assertThat(k.getJsonObject(0).getString("lastError")).contains("500").contains("retry budget");
      int unused = receiver.clearScript();
      own.advance(500);
      Received established = receiver.awaitOne(failing, r -> "established".equals(r.resourceData().getString("state")));
      assertThat(established.sequence()).isEqualTo(2);
      assertThat(unused).isPositive();
    }
  }
}
