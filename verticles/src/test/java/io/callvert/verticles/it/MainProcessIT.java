package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fat jar's {@code Main} as a real process: it reads the environment, prints one line saying
 * where it listens and how to authenticate, ends live calls on SIGTERM (the bot is told) and exits
 * 0; a bad configuration value stops it with exit code 2 and the key named.
 */
class MainProcessIT {

  static Vertx vertx;
  static WebhookReceiver bot;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    bot = new WebhookReceiver(vertx);
  }

  @AfterAll
  static void stop() {
    bot.close();
    vertx.close();
  }

  /** Every process a test started: a test failing before it stops its process must not leave it running. */
  private static final java.util.List<Process> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void killLeftovers() throws Exception {
    for (Process p : STARTED) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    STARTED.clear();
  }

  @Test
  @DisplayName("SIGTERM: live calls end with their terminated notification, then the process exits 0")
  void sigterm_is_a_graceful_stop() throws Exception {
    Process p = main("CALLVERT_HTTP_PORT", "0", "CALLVERT_METRICS_ENABLED", "false");
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        Pattern listening = Pattern.compile("listening on (http://\\S+) .*Bearer callvert-dev-token");
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          Matcher m = listening.matcher(line);
          if (m.find()) {
            url.complete(m.group(1));
          }
        }
        url.completeExceptionally(new AssertionError("Main never printed where it listens"));
      } catch (Exception e) {
        url.completeExceptionally(e);
      }
    });
    reader.start();
    String base = url.get(60, TimeUnit.SECONDS);

    HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v1.0/communications/calls"))
        .header("Authorization", "Bearer " + TestRuntime.TOKEN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(TestRuntime.outgoingCallBody(bot.url(), "+15558000").encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(201);
    String callId = new io.vertx.core.json.JsonObject(created.body()).getString("id");
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));

    p.destroy(); // SIGTERM
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    WebhookReceiver.Received end = bot.awaitOne(callId, r -> "terminated".equals(r.resourceData().getString("state")));
    assertThat(end.resourceData().getJsonObject("resultInfo").getInteger("code")).isEqualTo(503);
  }

  @Test
  @DisplayName("an invalid configuration value stops startup with exit code 2 and names the key")
  void invalid_config_names_the_key() throws Exception {
    Process p = main("CALLVERT_HTTP_PORT", "not-a-port");
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(output).contains("http.port");
  }

  /** Main in a new JVM, on this test's classpath, with the given environment variables. */
  private static Process main(String... env) throws Exception {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", classpath, "io.callvert.verticles.boot.Main").redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CALLVERT_"));
    for (int i = 0; i < env.length; i += 2) {
      pb.environment().put(env[i], env[i + 1]);
    }
    Process p = pb.start();
    STARTED.add(p);
    return p;
  }
}
