package io.callvert.verticles.webhook;

import io.callvert.config.WebhookOptions;
import io.callvert.runtime.protocol.Outbound;
import io.callvert.verticles.auth.NotificationSigner;
import io.callvert.verticles.metrics.CallvertMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.callvert.verticles.net.OutboundHttp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications to bots (contract rules 7, 16, 17): per call, strictly in the order the
 * call produced them, one in flight at a time, signed, retried with backoff, and journaled.
 *
 * <p>Per call it keeps a {@link CallQueue}: a FIFO and a journal. The head of the FIFO waits while
 * it is gated on an operation whose creating HTTP response has not been written yet (causality,
 * contract rule 7 — No notification before its answer; a gate opens on release or after {@code causalityGateMs}). Each attempt is a
 * {@link WebhookPost}: a 2xx delivers; a 302 with Location moves the call's callback URI and
 * retries there at once; connection errors, timeouts, 408, 429 and 5xx retry with exponential
 * backoff and jitter (honouring Retry-After) within the retry budget; any other status
 * dead-letters. Nothing is dropped silently: every notification ends delivered or dead-lettered,
 * visible in the journal.
 *
 * <p>One shard of {@link WebhookDispatchers}: it owns the calls whose id hashes to it, and runs on
 * the event loop of the shard verticle that hosts it, a deployment of its own so that during
 * undeploy it outlives the call verticles whose final notifications it still has to deliver.
 *
 * <p>Delivery timing uses real time even with the virtual clock: the virtual clock drives call
 * logic, not the network.
 */
public final class WebhookDispatcher {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final String address;
  private final WebhookOptions options;
  private final WebhookPost post;
  private final RetryPolicy retries;
  private CallvertMetrics metrics = CallvertMetrics.NOOP;
  /** The dashboard's per-call timelines (docs/ui.md); set before start. */
  private DeliveryObserver observer = DeliveryObserver.NONE;
  /** Keeps each notification until it is settled, and the owner records, in the order this shard sees them (rule 42). */
  private io.callvert.verticles.store.DurableStore store = io.callvert.verticles.store.DurableStore.NONE;
  private final Map<String, CallQueue> calls = new HashMap<>();
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();
  /** In-process listeners (embedding): notifications are also published here, in per-call order. */
  private final String tapAddress;
  private volatile boolean tapped;
  /** Notifications not yet settled; written on the shard's loop only, read by readiness (contract rule 72 — Readiness, down before the port closes). */
  private volatile int busy;
  private io.callvert.verticles.ops.Tracing tracing = io.callvert.verticles.ops.Tracing.OFF;
  /** The delivery profile of calls whose first notification comes from now on (contract rules 77-79). */
  private volatile DeliveryProfile profile;
  private final ProfiledDelivery profiled = new ProfiledDelivery(this);

  private MessageConsumer<Object> consumer;
  /** Set when the instance is gone: late timers of this shard then do nothing. */
  private volatile boolean closed;

  public WebhookDispatcher(Vertx vertx, String address, String tapAddress, WebhookOptions options,
      OutboundHttp client, NotificationSigner signer) {
    this.vertx = vertx;
    this.address = address;
    this.tapAddress = tapAddress;
    this.options = options;
    this.post = new WebhookPost(client, signer, options);
    this.retries = new RetryPolicy(options);
    this.profile = new DeliveryProfile(options.profile());
  }

  /** Registers the shard's local consumer on the calling context (its own event loop). */
  public Future<Void> start() {
    consumer = vertx.eventBus().localConsumer(address, this::onMessage);
    return consumer.completion();
  }

  /** The instance is gone: stop consuming; timers still pending find the shard closed. Call on its context. */
  public Future<Void> close() {
    closed = true;
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The receive table of a shard: a notification to deliver, or one of the {@link DispatcherMessage}s. */
  private void onMessage(Message<Object> msg) {
    Object body = msg.body();
    if (body instanceof Outbound o) {
      enqueue(o, 0, tracing.enabled() ? io.callvert.verticles.ops.Tracing.parentOf(msg.headers()) : null);
    } else if (body instanceof DispatcherMessage.Restored r) {
      enqueue(r.outbound(), r.sequence(), null);
    } else if (body instanceof DispatcherMessage.Owner w) {
      store.putCall(w.callId(), w.owner()).onComplete(ar -> msg.reply(ar.succeeded()));
    } else if (body instanceof DispatcherMessage.Release r) {
      CallQueue q = calls.computeIfAbsent(r.callId(), k -> new CallQueue());
      q.release(r.gate());
      pump(r.callId(), q);
    } else if (body instanceof DispatcherMessage.JournalQuery j) {
      msg.reply(journal(j.callId()));
    } else if (body instanceof DispatcherMessage.CallEnded e) {
      CallQueue q = calls.get(e.callId());
      if (q != null) {
        q.ended = true;
      }
      store.removeCall(e.callId()); // after its last notifications, which the store now keeps
    } else if (body instanceof DispatcherMessage.Forget f) {
      CallQueue q = calls.get(f.callId());
      if (q != null) {
        q.forgotten = true;
        maybeForget(f.callId(), q);
      }
    } else if (body instanceof DispatcherMessage.Drain d) {
      drain(d.graceMs()).onComplete(ar -> msg.reply(ar.succeeded()));
    }
  }

  private JsonObject journal(String callId) {
    CallQueue q = calls.get(callId);
    JsonArray value = new JsonArray();
    if (q != null) {
      for (JournalEntry e : q.journal) {
        value.add(e.toJson());
      }
    }
    return new JsonObject().put("value", value);
  }

  /** {@code restoredSequence}: 0 for a new notification, else the sequence it had before a restart (already stored). */
  private void enqueue(Outbound o, long restoredSequence, io.opentelemetry.context.Context trace) {
    CallQueue q = calls.computeIfAbsent(o.callId(), k -> new CallQueue());
    if (q.profile == null) {
      q.profile = profile; // a call keeps the profile of its first notification
    }
    long sequence;
    if (restoredSequence > 0) {
      sequence = restoredSequence;
      q.nextSequence = Math.max(q.nextSequence, restoredSequence + 1);
    } else {
      sequence = q.nextSequence++;
      store.putNotification(sequence, o);
    }
    JournalEntry e = new JournalEntry(sequence, o, System.currentTimeMillis());
    observer.journaled(sequence, o);
    e.trace(trace); // the span that caused it (contract rule 70 — Traces from request to webhook), or null
    q.journal.add(e);
    q.pending.add(e);
    busy++;
    pump(o.callId(), q);
  }

  public void metrics(CallvertMetrics metrics) {
    this.metrics = metrics;
  }

  /** Who watches delivery for the dashboard's timelines (docs/ui.md); set before start. */
  public void observer(DeliveryObserver observer) {
    this.observer = observer;
  }

  /** A span per delivery attempt (contract rule 70 — Traces from request to webhook); set before start. */
  public void tracing(io.callvert.verticles.ops.Tracing tracing) {
    this.tracing = tracing;
  }

  /** Notifications this shard holds that are not yet delivered or dead-lettered. */
  public int backlog() {
    return busy;
  }

  /** Where notifications and owner records are kept across a restart (contract rule 42); set before start. */
  public void store(io.callvert.verticles.store.DurableStore store) {
    this.store = store;
  }

  /** The local address call verticles send notifications and control messages to. */
  public String address() {
    return address;
  }

  /** Where in-process listeners receive notifications. */
  public String tapAddress() {
    return tapAddress;
  }

  /** Starts publishing notifications to {@link #tapAddress()} (kept on once a listener appeared). */
  public void enableTap() {
    tapped = true;
  }

  /** The delivery profile for calls that start from now on, and the second key its rollover signs with. */
  public void profile(DeliveryProfile profile, KeyRollover keys) {
    this.profile = profile;
    post.keys(keys);
  }

  Vertx vertx() {
    return vertx;
  }

  boolean closed() {
    return closed;
  }

  boolean tapped() {
    return tapped;
  }

  WebhookPost post() {
    return post;
  }

  /** Sends the head of the call's queue if nothing is in flight and its gate is open. */
  void pump(String callId, CallQueue q) {
    if (q.inFlight) {
      return;
    }
    JournalEntry head = q.pending.peek();
    if (head == null) {
      maybeForget(callId, q);
      return;
    }
    if (!q.isOpen(head.gate)) {
      long waited = System.currentTimeMillis() - head.enqueuedAt;
      if (waited < options.causalityGateMs()) {
        if (q.gateTimer < 0) {
          q.gateTimer = vertx.setTimer(options.causalityGateMs() - waited, t -> {
            q.gateTimer = -1;
            if (closed) {
              return;
            }
            pump(callId, q);
          });
        }
        return;
      }
      try (var mdc = io.callvert.verticles.ops.CallLog.open(callId, null)) { // contract rule 74 — Logs a machine can read
        log.warn("call {}: response for {} not confirmed written within {} ms; delivering notification {} anyway",
            callId, head.gate, options.causalityGateMs(), head.sequence);
      }
      q.expire(head.gate);
    }
    if (q.gateTimer >= 0) {
      vertx.cancelTimer(q.gateTimer);
      q.gateTimer = -1;
    }
    if (profiled.intercept(callId, q, head)) {
      return; // held, delayed or reordered by the call's delivery profile (contract rules 77-79)
    }
    q.inFlight = true;
    for (JournalEntry e = head; tapped && e != null; e = e == head ? head.rider() : null) {
      vertx.eventBus().publish(tapAddress, new JsonObject().put("callId", callId).put("sequence", e.sequence)
          .put("notification", e.notification()), LOCAL);
    }
    if (head.callbackUri.startsWith("local:") && !q.moved()) {
      head.attempts++;
      settle(callId, q, head, JournalEntry.DELIVERED, null);
      return;
    }
    attempt(callId, q, head, 0);
  }

  private void attempt(String callId, CallQueue q, JournalEntry e, int redirects) {
    String uri = q.target(e);
    if (e.firstAttemptAt == 0) {
      e.firstAttemptAt = System.currentTimeMillis();
    }
    e.attempts++;
    e.state = JournalEntry.DELIVERING;
    long started = System.nanoTime();
    DeliverySpan span = DeliverySpan.start(tracing, callId, e);
    post.send(uri, e, redirects, outcome -> {
      span.end(outcome);
      profiled.attempted(callId, e, outcome, false);
      int number = e.attempts;
      long latencyMs = (System.nanoTime() - started) / 1_000_000;
      if (outcome instanceof WebhookPost.Outcome.Moved m) { // reported before the next attempt starts
        observer.attempted(callId, e.sequence, new DeliveryObserver.Attempt(number, e.lastStatus(), latencyMs, "moved", m.error()));
      }
      if (outcome instanceof WebhookPost.Outcome.Delivered) {
        profiled.delivered(callId, q, e, () -> settle(callId, q, e, JournalEntry.DELIVERED, null));
      } else if (outcome instanceof WebhookPost.Outcome.Moved moved) {
        q.move(e, moved.target());
        e.lastError(moved.error());
        attempt(callId, q, e, redirects + 1);
      } else if (outcome instanceof WebhookPost.Outcome.Retry retry) {
        retry(callId, q, e, retry.error(), retry.retryAfterMs());
      } else if (outcome instanceof WebhookPost.Outcome.DeadLetter dead) {
        settle(callId, q, e, JournalEntry.DEAD_LETTERED, dead.error());
      }
      if (!(outcome instanceof WebhookPost.Outcome.Moved)) {
        String result = e.state.equals(JournalEntry.DELIVERED) ? "delivered"
            : e.state.equals(JournalEntry.DEAD_LETTERED) ? "deadLettered" : "retry";
        observer.attempted(callId, e.sequence, new DeliveryObserver.Attempt(number, e.lastStatus(), latencyMs, result,
            result.equals("delivered") ? null : e.lastError()));
      }
    });
  }

  /**
   * A failed attempt: the next one after the wait {@link RetryPolicy} decides, within the retry
   * budget, or dead-lettered now (contract rule 40). The entry stays in flight while it waits, so
   * nothing else of the call is sent meanwhile (contract rule 16).
   */
  private void retry(String callId, CallQueue q, JournalEntry e, String error, long retryAfterMs) {
    e.lastError(error);
    RetryPolicy.Decision next = retries.next(e, retryAfterMs, System.currentTimeMillis());
    if (!next.retries()) {
      settle(callId, q, e, JournalEntry.DEAD_LETTERED, error + "; " + next.giveUpReason());
      return;
    }
    long delay = next.delayMs();
    e.state = JournalEntry.PENDING;
    metrics.retried();
    vertx.setTimer(Math.max(1, delay), t -> {
      if (!closed) {
        attempt(callId, q, e, 0);
      }
    });
  }

  private void settle(String callId, CallQueue q, JournalEntry e, String state, String error) {
    e.state = state;
    if (state.equals(JournalEntry.DELIVERED)) {
      metrics.delivered(e.enqueuedAt);
    } else {
      metrics.deadLettered();
    }
    if (error != null) {
      e.lastError(error);
      try (var mdc = io.callvert.verticles.ops.CallLog.open(callId, null)) { // contract rule 74 — Logs a machine can read
        log.warn("call {}: notification {} dead-lettered: {}", callId, e.sequence, error);
      }
    }
    q.pending.poll();
    store.removeNotification(callId, e.sequence);
    q.inFlight = false;
    q.settled(e);
    busy--;
    if (busy == 0) {
      for (Promise<Void> p : drainWaiters) {
        p.tryComplete();
      }
      drainWaiters.clear();
    }
    pump(callId, q);
  }

  /** A batch's second notification, delivered in its first's POST (contract rule 78): settled without a pump. */
  void settled(String callId, CallQueue q, JournalEntry e) {
    e.state = JournalEntry.DELIVERED;
    metrics.delivered(e.enqueuedAt);
    store.removeNotification(callId, e.sequence);
    q.settled(e);
    busy--;
  }

  private void maybeForget(String callId, CallQueue q) {
    if (q.forgettable()) {
      calls.remove(callId);
    }
  }

  /** Completes when nothing is pending any more, or fails after {@code graceMs}. Call on the owning context. */
  public Future<Void> drain(long graceMs) {
    if (busy == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    drainWaiters.add(p);
    long timer = vertx.setTimer(Math.max(1, graceMs), t -> p.tryFail(busy + " notifications still pending after " + graceMs + " ms"));
    return p.future().andThen(ar -> vertx.cancelTimer(timer));
  }
}
