package io.callvert.verticles.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.CallProtocol;
import io.callvert.runtime.call.Notification;
import io.callvert.runtime.call.OperationKind;
import io.callvert.runtime.call.OperationSnapshot;
import io.callvert.runtime.call.OperationStatus;
import io.callvert.runtime.call.Outcome;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a call actor keeps for tracing is bounded (contract rule 70 — Traces from request to webhook): an operation's context is held only while the
 * operation is under way and goes with its terminal notification; one answered already terminal (a cancel, a
 * subscribeToTone) is never held. (Holding every cancel's context once grew the heap under the cancel benchmark.)
 */
class CallTracesTest {

  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();

  private static OperationSnapshot op(OperationKind kind, String id, OperationStatus status, Outcome outcome) {
    return new OperationSnapshot(kind, id, null, status, outcome, null, null, null);
  }

  @Test
  @DisplayName("held while running, released by its ending; a cancel answered completed is never held")
  void bounded_by_live_operations() {
    CallTraces traces = CallTraces.of(true, "call-1");
    Span span = sdk.getTracer("test").spanBuilder("callvert.call PlayPrompt").startSpan();
    try (Scope s = span.makeCurrent()) {
      traces.replied("call-1", new CallProtocol.PlayPrompt(null, java.util.List.of()),
          new CallProtocol.OperationView(op(OperationKind.PLAY_PROMPT, "op-1", OperationStatus.RUNNING, null), true, false), span);
      for (int i = 0; i < 10_000; i++) {
        traces.replied("call-1", new CallProtocol.PlayPrompt(null, java.util.List.of()), new CallProtocol.OperationView(
            op(OperationKind.CANCEL_MEDIA, "cancel-" + i, OperationStatus.COMPLETED, Outcome.COMPLETED), true, false), span);
      }
    }
    assertThat(traces.remembered()).isEqualTo(1);
    Notification ended = new Notification(new Notification.Delivery("call-1", "http://bot", "app", null), null,
        new CallEvent.OperationEnded("call-1", op(OperationKind.PLAY_PROMPT, "op-1", OperationStatus.COMPLETED, Outcome.COMPLETED)));
    Context cause = traces.causeOf(ended, null);
    assertThat(Span.fromContext(cause).getSpanContext().getSpanId()).isEqualTo(span.getSpanContext().getSpanId());
    assertThat(traces.remembered()).isZero();
    span.end();
  }
}
