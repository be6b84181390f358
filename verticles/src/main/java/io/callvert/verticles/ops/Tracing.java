package io.callvert.verticles.ops;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.tracing.TracingPolicy;

/**
 * Callvert's own spans (contract rule 70 — Traces from request to webhook), on the OpenTelemetry API only.
 *
 * <p>vertx-opentelemetry makes the server span of every API request (honouring an incoming W3C
 * {@code traceparent}) and keeps the active context in the Vert.x context, so {@link Span#current()} in a
 * request handler is that span. From there Callvert carries the context itself, explicitly, in the
 * event-bus header {@value #HEADER} (W3C format): from the HTTP edge to the call actor, which opens a
 * {@code callvert.call <Command>} span, and from the call actor to the webhook dispatcher, which opens a
 * {@code callvert.webhook.deliver} span per delivery attempt and sends its {@code traceparent} to the bot.
 * Callvert's own event-bus messages carry {@link TracingPolicy#IGNORE} (see {@link #local}) so Vert.x does not
 * add a producer/consumer span pair named after each call's address.
 *
 * <p>Where the {@link OpenTelemetry} comes from: what {@link #register} recorded for the Vert.x instance (the fat
 * jar does this when it builds its Vert.x with tracing), else {@link GlobalOpenTelemetry}.
 */
public final class Tracing {

  /** The event-bus header carrying the W3C traceparent of the span that caused a message. */
  public static final String HEADER = "callvert-traceparent";
  /** The instrumentation scope of Callvert's spans. */
  public static final String SCOPE = "io.callvert";
  /** Traces nothing. */
  public static final Tracing OFF = new Tracing(null);

  private static final String REGISTRY = "callvert.tracing";
  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final TextMapGetter<MultiMap> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(MultiMap carrier) {
      return carrier.names();
    }

    @Override
    public String get(MultiMap carrier, String key) {
      return carrier == null ? null : carrier.get(key.equals("traceparent") ? HEADER : key);
    }
  };

  private final Tracer tracer;

  private Tracing(Tracer tracer) {
    this.tracer = tracer;
  }

  private record Registered(OpenTelemetry openTelemetry) implements Shareable {}

  /** Records the OpenTelemetry that {@code vertx}'s tracer (vertx-opentelemetry) was built with. */
  public static void register(Vertx vertx, OpenTelemetry openTelemetry) {
    vertx.sharedData().<String, Registered>getLocalMap(REGISTRY).put("otel", new Registered(openTelemetry));
  }

  /** Tracing for a Callvert on {@code vertx}: {@link #OFF} unless {@code enabled}. */
  public static Tracing of(Vertx vertx, boolean enabled) {
    if (!enabled) {
      return OFF;
    }
    Registered r = vertx.sharedData().<String, Registered>getLocalMap(REGISTRY).get("otel");
    OpenTelemetry otel = r != null ? r.openTelemetry() : GlobalOpenTelemetry.get();
    return new Tracing(otel.getTracer(SCOPE));
  }

  public boolean enabled() {
    return tracer != null;
  }

  /** {@code base} with Vert.x's own event-bus tracing off: Callvert propagates explicitly. */
  public static DeliveryOptions local(DeliveryOptions base) {
    return base.setTracingPolicy(TracingPolicy.IGNORE);
  }

  /**
   * {@code base}, or a copy of it carrying the current span's context in {@value #HEADER} when tracing is on and a
   * span is current.
   */
  public DeliveryOptions propagate(DeliveryOptions base) {
    if (tracer == null) {
      return base;
    }
    SpanContext current = Span.current().getSpanContext();
    if (!current.isValid()) {
      return base;
    }
    return new DeliveryOptions(base).addHeader(HEADER, traceparent(current));
  }

  /** {@code base} carrying {@code trace}'s span (when tracing is on and it has a valid one). */
  public DeliveryOptions propagate(DeliveryOptions base, Context trace) {
    if (tracer == null || trace == null) {
      return base;
    }
    SpanContext span = Span.fromContext(trace).getSpanContext();
    return span.isValid() ? new DeliveryOptions(base).addHeader(HEADER, traceparent(span)) : base;
  }

  /** The context a message carries in {@value #HEADER}; the root context when none. */
  public static Context parentOf(MultiMap headers) {
    if (headers == null || headers.get(HEADER) == null) {
      return Context.root();
    }
    return W3C.extract(Context.root(), headers, GETTER);
  }

  /** The call actor's span for one command (a child of the context the message carries); null when off. */
  public Span startCall(MultiMap headers, String callId, String command) {
    if (tracer == null) {
      return null;
    }
    return tracer.spanBuilder("callvert.call " + command).setParent(parentOf(headers)).setSpanKind(SpanKind.INTERNAL)
        .setAttribute(Attributes.CALL_ID, callId).setAttribute(Attributes.ACTION, command).startSpan();
  }

  /** A span for a delivery attempt of notification {@code sequence}, child of {@code parent}; null when off. */
  public Span startDelivery(Context parent, String callId, long sequence, int attempt) {
    if (tracer == null) {
      return null;
    }
    return tracer.spanBuilder("callvert.webhook.deliver").setParent(parent == null ? Context.root() : parent)
        .setSpanKind(SpanKind.CLIENT).setAttribute(Attributes.CALL_ID, callId)
        .setAttribute(Attributes.SEQUENCE, sequence).setAttribute(Attributes.ATTEMPT, (long) attempt).startSpan();
  }

  /** The W3C {@code traceparent} value of {@code span}'s context. */
  public static String traceparent(SpanContext span) {
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
  }

  /** The attribute names of Callvert's spans (documented in docs/operations.md). */
  public static final class Attributes {
    public static final String CALL_ID = "callvert.call.id";
    public static final String OPERATION_ID = "callvert.operation.id";
    public static final String ACTION = "callvert.action";
    public static final String SEQUENCE = "callvert.notification.sequence";
    public static final String ATTEMPT = "callvert.delivery.attempt";
    public static final String STATUS = "callvert.status";

    private Attributes() {}

    /** Names the call and the action on the current span (an API request's server span). */
    public static void onRequest(String callId, Object command) {
      Span.current().setAttribute(CALL_ID, callId).setAttribute(ACTION, command.getClass().getSimpleName());
    }
  }
}
