package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.callvert.config.TracingOptions;
import io.callvert.verticles.ops.Tracing;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Received;
import io.callvert.verticles.testkit.WebhookReceiver.Reply;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Logs a machine can read (contract rule 74 — Logs a machine can read), with the fat jar's own {@code callvert-logback.xml} switched to
 * {@code json}: every line is one JSON object; the lines about a call carry its callId (and operationId and traceId
 * where known); no line carries a token, a recording access token, the notification JWT or a private key. The
 * test reloads Logback with the shipped file for its run (output captured from stderr) and restores the test
 * configuration after.
 */
class JsonLogsIT {

  @Test
  @DisplayName("json format: every line parses, call lines carry callId/operationId/traceId, no secret in any line")
  void json_lines_with_call_fields_and_no_secrets() throws Exception {
    List<String> lines = new ArrayList<>();
    String callId;
    String recordingToken;
    String jwt;
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();
    Vertx vertx = Vertx.builder().with(new io.vertx.core.VertxOptions()
            .setTracingOptions(new io.vertx.tracing.opentelemetry.OpenTelemetryOptions()))
        .withTracer(new io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory(sdk)).build();
    Tracing.register(vertx, sdk);
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    try (TestRuntime rt = TestRuntime.start(vertx, o -> o.withTracing(new TracingOptions(true)))) {
      WebhookReceiver bot = new WebhookReceiver(vertx);
      WavServer media = new WavServer(vertx);
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      reload(logback, "callvert-logback.xml", "json");
      logback.getLogger("io.callvert").setLevel(Level.DEBUG);

      callId = rt.createOutgoingCall(bot.url());
      rt.advance(1_000);
      bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
      String prompt = media.tone("json-logs.wav", 200, 440);
      String cid = callId;
      rt.post("/v1.0/communications/calls/" + callId + "/playPrompt", new JsonObject().put("prompts", new JsonArray()
          .add(new JsonObject().put("mediaInfo", new JsonObject().put("uri", prompt)))));
      rt.post("/v1.0/communications/calls/" + callId + "/recordResponse", new JsonObject().put("maxRecordDurationInSeconds", 1));
      bot.script(Reply.of(400)); // the prompt's completion is refused: a dead letter, logged at WARN
      rt.advance(3_000);
      Received recorded = bot.awaitOne(callId, r -> r.resourceData().getString("recordingAccessToken") != null);
      recordingToken = recorded.resourceData().getString("recordingAccessToken");
      jwt = recorded.headers().get("authorization").substring("Bearer ".length());
      rt.post("/callvert/calls/" + callId + "/hangup", null);
      bot.awaitOne(callId, r -> "terminated".equals(r.resourceData().getString("state")));
      rt.awaitJournal(cid, j -> j.stream().map(JsonObject.class::cast)
          .noneMatch(e -> "pending".equals(e.getString("state")) || "delivering".equals(e.getString("state"))));
    } finally {
      reload(logback, "logback-test.xml", null);
      System.setErr(originalErr);
      sdk.close();
    }

    for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    assertThat(lines).isNotEmpty();
    List<JsonObject> json = new ArrayList<>();
    for (String line : lines) {
      assertThat(line).as("every line is one JSON object").startsWith("{").endsWith("}");
      json.add(new JsonObject(line));
      assertThat(line).doesNotContain(TestRuntime.TOKEN).doesNotContain(recordingToken).doesNotContain(jwt)
          .doesNotContain("PRIVATE KEY");
    }
    List<JsonObject> aboutCall = json.stream().filter(j -> j.getString("message", "").contains(callId)).toList();
    assertThat(aboutCall).as("lines about the call").isNotEmpty();
    assertThat(aboutCall).allSatisfy(j -> assertThat(j.getString("callId")).as(j.encode()).isEqualTo(callId));
    assertThat(aboutCall).anySatisfy(j -> assertThat(j.getString("level")).isEqualTo("WARN")); // the dead letter
    List<JsonObject> actor = aboutCall.stream().filter(j -> j.getString("message").contains("answered OperationView")).toList();
    assertThat(actor).isNotEmpty();
    assertThat(actor).allSatisfy(j -> {
      assertThat(j.getString("operationId")).isNotBlank();
      assertThat(j.getString("traceId")).hasSize(32);
    });
    // nothing of the call leaks onto lines about something else (the MDC is cleared after each input)
    assertThat(json).filteredOn(j -> j.containsKey("callId") && !j.getString("message", "").contains(callId))
        .allSatisfy(j -> assertThat(j.getString("callId")).isEqualTo(callId));
  }

  private static void reload(LoggerContext context, String resource, String format) throws Exception {
    context.reset();
    if (format != null) {
      context.putProperty("callvert.logging.format", format);
    }
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    joran.doConfigure(JsonLogsIT.class.getClassLoader().getResource(resource));
  }
}
