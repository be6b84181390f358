package io.callvert.verticles.webhook;

import io.callvert.verticles.ops.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/**
 * The span of one delivery attempt (contract rule 70 — Traces from request to webhook): a child of the span that
 * caused the notification, its {@code traceparent} sent with the POST, ended with the attempt's outcome.
 */
final class DeliverySpan {

  private static final DeliverySpan NONE = new DeliverySpan(null);

  private final Span span;

  private DeliverySpan(Span span) {
    this.span = span;
  }

  /** Starts the attempt's span (after {@code e.attempts} counted it) and sets {@code e.traceparent()}. */
  static DeliverySpan start(Tracing tracing, String callId, JournalEntry e) {
    if (!tracing.enabled()) {
      return NONE;
    }
    Span span = tracing.startDelivery(e.trace(), callId, e.sequence, e.attempts);
    e.traceparent(Tracing.traceparent(span.getSpanContext()));
    return new DeliverySpan(span);
  }

  void end(WebhookPost.Outcome outcome) {
    if (span == null) {
      return;
    }
    String status;
    if (outcome instanceof WebhookPost.Outcome.Delivered) {
      status = "delivered";
    } else if (outcome instanceof WebhookPost.Outcome.Moved m) {
      status = "moved";
    } else if (outcome instanceof WebhookPost.Outcome.Retry r) {
      status = "retry";
      span.setStatus(StatusCode.ERROR, r.error());
    } else {
      status = "deadLettered";
      span.setStatus(StatusCode.ERROR, ((WebhookPost.Outcome.DeadLetter) outcome).error());
    }
    span.setAttribute(Tracing.Attributes.STATUS, status);
    span.end();
  }
}
