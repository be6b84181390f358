package io.callvert.verticles.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.TracingOptions;
import io.callvert.verticles.ops.Tracing;
import io.callvert.verticles.testkit.TestRuntime;
import io.callvert.verticles.testkit.WavServer;
import io.callvert.verticles.testkit.WebhookReceiver;
import io.callvert.verticles.testkit.WebhookReceiver.Received;
import io.callvert.verticles.testkit.WebhookReceiver.Reply;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Traces from the bot's request to its webhooks (contract rule 70 — Traces from request to webhook), recorded with the OpenTelemetry SDK's
 * in-memory exporter: the API request's server span (vertx-opentelemetry, joining the bot's {@code traceparent}),
 * the call actor's span under it, and one span per delivery attempt under that, whose {@code traceparent} the bot
 * received.
 */
class TracingIT {

  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String BOT_SPAN = "00f067aa0ba902b7";
  static final AttributeKey<String> CALL_ID = AttributeKey.stringKey(Tracing.Attributes.CALL_ID);
  static final AttributeKey<String> OP_ID = AttributeKey.stringKey(Tracing.Attributes.OPERATION_ID);
  static final AttributeKey<String> ACTION = AttributeKey.stringKey(Tracing.Attributes.ACTION);
  static final AttributeKey<String> STATUS = AttributeKey.stringKey(Tracing.Attributes.STATUS);
  static final AttributeKey<Long> SEQUENCE = AttributeKey.longKey(Tracing.Attributes.SEQUENCE);
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey(Tracing.Attributes.ATTEMPT);

  static InMemorySpanExporter spans;
  static OpenTelemetrySdk sdk;
  static TestRuntime rt;
  static WebhookReceiver bot;
  static WavServer media;

  @BeforeAll
  static void start() {
    spans = InMemorySpanExporter.create();
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    Vertx vertx = Vertx.builder().with(new VertxOptions().setTracingOptions(new OpenTelemetryOptions()))
        .withTracer(new OpenTelemetryTracingFactory(sdk)).build();
    Tracing.register(vertx, sdk);
    rt = TestRuntime.start(vertx, o -> o.withTracing(new TracingOptions(true)));
    bot = new WebhookReceiver(vertx);
    media = new WavServer(vertx);
  }

  @AfterAll
  static void stop() {
    rt.close();
    sdk.close();
  }

  @BeforeEach
  void fresh() {
    bot.clearScript();
    spans.reset();
  }

  static List<SpanData> callvertSpans(String name) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getInstrumentationScopeInfo().getName().equals(Tracing.SCOPE) && s.getName().equals(name)).toList();
  }

  static String traceparentOf(SpanData s) {
    return "00-" + s.getTraceId() + "-" + s.getSpanId() + "-01";
  }

  @Test
  @DisplayName("one playPrompt: server span in the bot's trace → the actor's span → the completion's delivery span, whose traceparent the bot received")
  void play_prompt_span_tree() {
    String callId = rt.createOutgoingCall(bot.url());
    rt.advance(1_000);
    bot.awaitOne(callId, r -> "established".equals(r.resourceData().getString("state")));
    String prompt = media.tone("trace-200ms.wav", 200, 440);
    spans.reset();

    TestRuntime.Resp play = rt.send(HttpRequest.newBuilder(rt.uri("/v1.0/communications/calls/" + callId + "/playPrompt"))
        .header("Authorization", "Bearer " + TestRuntime.TOKEN).header("Content-Type", "application/json")
        .header("traceparent", "00-" + TRACE_ID + "-" + BOT_SPAN + "-01")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("prompts", new JsonArray()
            .add(new JsonObject().put("mediaInfo", new JsonObject().put("uri", prompt)))).encode())));
    assertThat(play.status()).isEqualTo(200);
    String opId = play.json().getString("id");
    rt.advance(1_000); // the prompt plays to its end
    Received done = bot.awaitOne(callId, r -> r.resourceUrl().endsWith("/operations/" + opId));
    assertThat(done.resourceData().getString("status")).isEqualTo("completed");
    rt.awaitJournal(callId, j -> j.stream().map(JsonObject.class::cast)
        .anyMatch(e -> e.getLong("sequence") == done.sequence() && "delivered".equals(e.getString("state"))));

    SpanData server = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getKind() == SpanKind.SERVER && s.getTraceId().equals(TRACE_ID)
            && s.getInstrumentationScopeInfo().getName().equals("io.vertx")
            && s.getParentSpanId().equals(BOT_SPAN)).findFirst().orElseThrow();
    assertThat(server.getAttributes().get(CALL_ID)).isEqualTo(callId);
    assertThat(server.getAttributes().get(ACTION)).isEqualTo("PlayPrompt");

    SpanData actor = callvertSpans("callvert.call PlayPrompt").get(0);
    assertThat(actor.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(actor.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(actor.getAttributes().get(CALL_ID)).isEqualTo(callId);
    assertThat(actor.getAttributes().get(OP_ID)).isEqualTo(opId);
    assertThat(actor.getAttributes().get(STATUS)).isEqualTo("running");

    SpanData delivery = callvertSpans("callvert.webhook.deliver").stream()
        .filter(s -> s.getAttributes().get(SEQUENCE) == done.sequence()).findFirst().orElseThrow();
    assertThat(delivery.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(delivery.getParentSpanId()).isEqualTo(actor.getSpanId());
    assertThat(delivery.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(delivery.getAttributes().get(CALL_ID)).isEqualTo(callId);
    assertThat(delivery.getAttributes().get(ATTEMPT)).isEqualTo(1L);
    assertThat(delivery.getAttributes().get(STATUS)).isEqualTo("delivered");
    assertThat(done.headers().get("traceparent")).isEqualTo(traceparentOf(delivery));
  }

  @Test
  @DisplayName("a retried delivery: one span per attempt, in the same trace, each attempt's traceparent as the bot saw it")
  void retried_delivery_shows_each_attempt() {
    bot.script(Reply.of(503), Reply.of(503)); // the first notification of the next call fails twice
    String callId = rt.createOutgoingCall(bot.url());
    List<Received> attempts = bot.awaitAttempts(r -> r.callId().equals(callId) && r.sequence() == 1, 3);
    rt.awaitJournal(callId, j -> !j.isEmpty() && "delivered".equals(j.getJsonObject(0).getString("state")));

    List<SpanData> tries = callvertSpans("callvert.webhook.deliver").stream()
        .filter(s -> callId.equals(s.getAttributes().get(CALL_ID)) && s.getAttributes().get(SEQUENCE) == 1L)
        .sorted(java.util.Comparator.comparing(s -> s.getAttributes().get(ATTEMPT))).toList();
    assertThat(tries).hasSize(3);
    assertThat(tries).extracting(s -> s.getAttributes().get(ATTEMPT)).containsExactly(1L, 2L, 3L);
    assertThat(tries).extracting(s -> s.getAttributes().get(STATUS)).containsExactly("retry", "retry", "delivered");
    assertThat(tries).extracting(SpanData::getTraceId).containsOnly(tries.get(0).getTraceId());
    assertThat(tries).extracting(SpanData::getParentSpanId).containsOnly(tries.get(0).getParentSpanId());
    // the creating request's server span is their parent: the call's first notification joins its trace
    SpanData create = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getSpanId().equals(tries.get(0).getParentSpanId())).findFirst().orElseThrow();
    assertThat(create.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(create.getAttributes().get(CALL_ID)).isEqualTo(callId);
    for (int i = 0; i < 3; i++) {
      assertThat(attempts.get(i).headers().get("x-callvert-attempt")).isEqualTo(Integer.toString(i + 1));
      assertThat(attempts.get(i).headers().get("traceparent")).isEqualTo(traceparentOf(tries.get(i)));
    }
  }
}
