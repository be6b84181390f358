package io.callvert.verticles.call;

import io.callvert.runtime.call.CallEvent;
import io.callvert.runtime.call.CallProtocol.Command;
import io.callvert.runtime.call.CallProtocol.OperationView;
import io.callvert.runtime.call.CallProtocol.Reply;
import io.callvert.runtime.call.Notification;
import io.callvert.verticles.ops.CallLog;
import io.callvert.verticles.ops.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one call actor remembers for tracing and logging (contract rules 70 and 74): the context of the span
 * that created each live operation, so that a notification produced later by a timer (a prompt that finished, a
 * recording that ended) joins the trace of the request that started it. An entry goes with the operation's
 * terminal notification, so at most the call's live operations are held. Touched on the call's context only.
 */
final class CallTraces {

  private static final Logger log = LoggerFactory.getLogger(CallSessionVerticle.class);

  /** Most operation contexts held per call. */
  static final int MAX_REMEMBERED = 1_000;

  private final boolean on;
  private final Map<String, Context> byOperation;
  /** The context the call was created in (its creating request's span), for events no later request caused. */
  private final Context creation;

  /** Tracing off: one instance for every call (it holds nothing), so an idle call carries no object of it. */
  static final CallTraces OFF = new CallTraces(false, "");

  /** The traces of a new call: {@link #OFF} unless tracing is on. */
  static CallTraces of(boolean on, String callId) {
    return on ? new CallTraces(true, callId) : OFF;
  }

  /** Made where the call is created: with tracing on, the creating request's span is current there. */
  private CallTraces(boolean on, String callId) {
    this.on = on;
    this.byOperation = on ? new java.util.LinkedHashMap<>(4, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Context> eldest) {
        return size() > MAX_REMEMBERED; // a safety net: live operations are bounded by the media queue already
      }
    } : Map.of();
    this.creation = on ? Context.current() : null;
    if (on) {
      Span.fromContext(creation).setAttribute(Tracing.Attributes.CALL_ID, callId)
          .setAttribute(Tracing.Attributes.ACTION, "CreateCall");
    }
  }

  boolean on() {
    return on;
  }

  /** Operation contexts held now (tests). */
  int remembered() {
    return byOperation.size();
  }

  /** The command's answer: the operation it is about goes into the MDC and onto the actor's span. */
  void replied(String callId, Command command, Reply reply, Span span) {
    if (reply instanceof OperationView v) {
      String opId = v.operation().id();
      CallLog.operation(opId);
      if (span != null) {
        span.setAttribute(Tracing.Attributes.OPERATION_ID, opId)
            .setAttribute(Tracing.Attributes.STATUS, v.operation().status().name().toLowerCase(Locale.ROOT));
        // only an operation still under way gets later notifications (one answered completed, like a cancel, none)
        if (v.created() && !v.operation().status().isTerminal()) {
          byOperation.put(opId, Context.current());
        }
      }
    } else if (span != null) {
      span.setAttribute(Tracing.Attributes.STATUS, reply.getClass().getSimpleName());
    }
    if (log.isDebugEnabled()) {
      log.debug("call {}: {} answered {}", callId, command.getClass().getSimpleName(), reply.getClass().getSimpleName());
    }
  }

  /**
   * The context that caused {@code n}: the actor's span of the command being handled ({@code handling}), else the span that created its operation, else the
   * span that created the call.
   */
  Context causeOf(Notification n, Span handling) {
    String opId = n.event() instanceof CallEvent.OperationEnded e ? e.operation().id() : n.gate();
    boolean last = n.event() instanceof CallEvent.OperationEnded;
    Context remembered = opId == null ? null : last ? byOperation.remove(opId) : byOperation.get(opId);
    if (n.event() instanceof CallEvent.CallEnded) {
      byOperation.clear();
    }
    // only a command being handled counts as the cause: a timer may run inside any request (the test clock's advance)
    return handling != null ? Context.current().with(handling) : remembered != null ? remembered : creation;
  }
}
