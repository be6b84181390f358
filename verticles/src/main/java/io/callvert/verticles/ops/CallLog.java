package io.callvert.verticles.ops;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * The logging context of a call (contract rule 74 — Logs a machine can read): {@value #CALL_ID},
 * {@value #OPERATION_ID} and {@value #TRACE_ID} in SLF4J's MDC while a call actor handles one input.
 *
 * <p>MDC is thread-local and an event loop serves many calls, so it is set around each handled message,
 * timer and media result, on the thread that handles it, and cleared when that handling returns
 * ({@link Scope#close()}); nothing is left behind for the next call on the same loop.
 */
public final class CallLog {

  public static final String CALL_ID = "callId";
  public static final String OPERATION_ID = "operationId";
  public static final String TRACE_ID = "traceId";

  private CallLog() {}

  /** Clears what {@link #open} set. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  private static final Scope CLEAR = () -> {
    MDC.remove(CALL_ID);
    MDC.remove(OPERATION_ID);
    MDC.remove(TRACE_ID);
  };

  /** Sets the call's MDC fields on this thread: its id and the trace of {@code span} (may be null). */
  public static Scope open(String callId, Span span) {
    MDC.put(CALL_ID, callId);
    SpanContext trace = span == null ? null : span.getSpanContext();
    if (trace != null && trace.isValid()) {
      MDC.put(TRACE_ID, trace.getTraceId());
    }
    return CLEAR;
  }

  /** Adds the operation the handling is about. */
  public static void operation(String operationId) {
    if (operationId != null) {
      MDC.put(OPERATION_ID, operationId);
    }
  }
}
