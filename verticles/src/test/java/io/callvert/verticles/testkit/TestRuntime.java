package io.callvert.verticles.testkit;

import io.callvert.config.CallsOptions;
import io.callvert.config.CallvertOptions;
import io.callvert.config.ClockMode;
import io.callvert.config.HttpOptions;
import io.callvert.config.MediaOptions;
import io.callvert.config.WebhookOptions;
import io.callvert.config.AuthOptions;
import io.callvert.verticles.CallvertVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A started Callvert for black-box tests: its own Vert.x, the root verticle on a random loopback
 * port, the virtual clock by default, and a plain JDK HTTP client speaking to it like any bot.
 */
public final class TestRuntime implements AutoCloseable {

  public static final String TOKEN = AuthOptions.DEV_TOKEN;

  public final Vertx vertx;
  public final CallvertVerticle callvert;
  public final String deploymentId;
  public final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestRuntime(Vertx vertx, CallvertVerticle callvert, String deploymentId) {
    this.vertx = vertx;
    this.callvert = callvert;
    this.deploymentId = deploymentId;
    this.baseUrl = "http://127.0.0.1:" + callvert.actualPort();
  }

  /** Test defaults: random port, virtual clock, fast webhook retries, recordings in a temp dir. */
  public static CallvertOptions testOptions() {
    CallvertOptions d = CallvertOptions.defaults();
    try {
      Path dir = Files.createTempDirectory("callvert-test-recordings");
      return d.withHttp(HttpOptions.defaults().withPort(0))
          .withClock(ClockMode.VIRTUAL)
          .withMedia(d.media().withRecordingsDir(dir.toString()))
          .withWebhook(d.webhook().withBackoffInitialMs(20).withBackoffMaxMs(200).withTimeoutMs(2000));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TestRuntime start() {
    return start(UnaryOperator.identity());
  }

  public static TestRuntime start(UnaryOperator<CallvertOptions> tweak) {
    return start(Vertx.vertx(), tweak);
  }

  /** A Callvert on {@code vertx} (e.g. one built with a tracer); {@link #close()} closes {@code vertx} too. */
  public static TestRuntime start(Vertx vertx, UnaryOperator<CallvertOptions> tweak) {
    CallvertVerticle v = new CallvertVerticle(tweak.apply(testOptions()));
    try {
      String id = vertx.deployVerticle(v).await(30, TimeUnit.SECONDS);
      return new TestRuntime(vertx, v, id);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("Callvert did not start: " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ HTTP

  /** A response as the test sees it. */
  public record Resp(int status, java.net.http.HttpHeaders headers, byte[] bytes) {
    public String text() {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    public JsonObject json() {
      return new JsonObject(text());
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public Resp post(String path, JsonObject body) {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  public Resp get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN).GET());
  }

  public Resp delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TOKEN).DELETE());
  }

  /** Any request, for tests of headers, methods and bodies the helpers above don't send. */
  public Resp send(HttpRequest.Builder request) {
    try {
      HttpResponse<byte[]> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Resp(r.statusCode(), r.headers(), r.body());
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  public URI uri(String path) {
    return URI.create(path.startsWith("http") ? path : baseUrl + path);
  }

  // ------------------------------------------------------------------ calls

  /** Places an outgoing call (the bot calls a simulated callee) and returns its id. */
  public String createOutgoingCall(String callbackUri) {
    Resp r = post("/v1.0/communications/calls", outgoingCallBody(callbackUri, "+15550001"));
    if (r.status() != 201) {
      throw new AssertionError("create call: " + r.status() + " " + r.text());
    }
    return r.json().getString("id");
  }

  public static JsonObject outgoingCallBody(String callbackUri, String phone) {
    return new JsonObject()
        .put("@odata.type", "#microsoft.graph.call")
        .put("callbackUri", callbackUri)
        .put("source", new JsonObject().put("identity", new JsonObject().put("application",
            new JsonObject().put("id", "6f1e1b2a-1111-4222-8333-944455556666").put("displayName", "Test bot"))))
        .put("targets", new io.vertx.core.json.JsonArray().add(new JsonObject().put("identity",
            new JsonObject().put("phone", new JsonObject().put("id", phone)))))
        .put("requestedModalities", new io.vertx.core.json.JsonArray().add("audio"))
        .put("mediaConfig", new JsonObject().put("@odata.type", "#microsoft.graph.serviceHostedMediaConfig"))
        .put("tenantId", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  }

  /** A simulated caller calls the bot; returns the call id. */
  public String createIncomingCall(String callbackUri) {
    Resp r = post("/callvert/calls", new JsonObject().put("callbackUri", callbackUri).put("tenantId", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"));
    if (r.status() != 201) {
      throw new AssertionError("create incoming call: " + r.status() + " " + r.text());
    }
    return r.json().getString("id");
  }

  /** The call's notification journal ({@code GET /callvert/calls/{id}/notifications}), entries in sequence order. */
  public io.vertx.core.json.JsonArray journal(String callId) {
    Resp r = get("/callvert/calls/" + callId + "/notifications");
    if (r.status() != 200) {
      throw new AssertionError("journal: " + r.status() + " " + r.text());
    }
    return r.json().getJsonArray("value");
  }

  /**
   * Completes with the call's journal once it satisfies {@code p}, or fails after {@code timeoutMs}.
   *
   * <p>The one wait in the suite that is not on an event: a journal entry's state changes inside
   * Callvert when the bot's answer (or a refused connection, or a retry budget) is processed, and
   * nothing is sent anywhere then — the bot records a notification before its 202 reaches Callvert,
   * and an unreachable bot sees nothing at all. So this re-reads the journal, each read sent when the
   * previous answer did not match (no timer, no sleep; the HTTP round trip paces it).
   */
  public io.vertx.core.Future<io.vertx.core.json.JsonArray> whenJournal(String callId,
      java.util.function.Predicate<io.vertx.core.json.JsonArray> p, long timeoutMs) {
    io.vertx.core.Promise<io.vertx.core.json.JsonArray> matched = io.vertx.core.Promise.promise();
    readJournal(callId, p, matched, System.currentTimeMillis() + timeoutMs);
    return matched.future();
  }

  private void readJournal(String callId, java.util.function.Predicate<io.vertx.core.json.JsonArray> p,
      io.vertx.core.Promise<io.vertx.core.json.JsonArray> matched, long deadline) {
    HttpRequest request = HttpRequest.newBuilder(uri("/callvert/calls/" + callId + "/notifications"))
        .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).GET().build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, err) -> {
      if (err != null) {
        matched.tryFail(err);
        return;
      }
      if (r.statusCode() != 200) {
        matched.tryFail(new AssertionError("journal: " + r.statusCode() + " " + r.body()));
        return;
      }
      io.vertx.core.json.JsonArray journal = new JsonObject(r.body()).getJsonArray("value");
      if (p.test(journal)) {
        matched.tryComplete(journal);
      } else if (System.currentTimeMillis() > deadline) {
        matched.tryFail(new AssertionError("journal of " + callId + " never matched: " + journal.encodePrettily()));
      } else {
        readJournal(callId, p, matched, deadline);
      }
    });
  }

  /** Waits (at most 10 s) for the call's journal to satisfy {@code p}; see {@link #whenJournal}. */
  public io.vertx.core.json.JsonArray awaitJournal(String callId, java.util.function.Predicate<io.vertx.core.json.JsonArray> p) {
    try {
      return whenJournal(callId, p, 10_000).await(15, TimeUnit.SECONDS);
    } catch (AssertionError e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("journal of " + callId + ": " + e.getMessage(), e);
    }
  }

  /** Moves the virtual clock; returns once every timer due by then has run. */
  public void advance(long ms) {
    Resp r = post("/callvert/clock/advance", new JsonObject().put("durationMs", ms));
    if (r.status() != 200) {
      throw new AssertionError("advance: " + r.status() + " " + r.text());
    }
  }

  /** The one undeploy of Callvert, once asked for: by a test ({@link #undeploy}) or by {@link #close}. */
  private io.vertx.core.Future<Void> undeployed;

  /**
   * Undeploys Callvert (a graceful shutdown: live calls end, notifications are flushed) and leaves its
   * Vert.x running, so that a bot and media server on it still receive what the shutdown sends.
   * Asked again, or by {@link #close} while it is under way, it returns the same future.
   */
  public synchronized io.vertx.core.Future<Void> undeploy() {
    if (undeployed == null) {
      undeployed = vertx.deploymentIDs().contains(deploymentId) ? vertx.undeploy(deploymentId) : io.vertx.core.Future.succeededFuture();
    }
    return undeployed;
  }

  /** Undeploys Callvert (unless a test already did, or is doing so) and closes its Vert.x. */
  @Override
  public void close() {
    try {
      undeploy().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      closeVertx();
    }
  }

  /** Awaited on its own: a future composed onto close() may never complete once the event loops are gone. */
  private void closeVertx() {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
