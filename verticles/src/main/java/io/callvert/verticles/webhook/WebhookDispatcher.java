package io.callvert.verticles.webhook;

import io.callvert.config.WebhookOptions;
import io.callvert.runtime.protocol.Outbound;
import io.callvert.verticles.auth.NotificationSigner;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications to bots (contract rules 7, 16, 17): per call, strictly in the order the
 * call produced them, one in flight at a time, signed, retried with backoff, and journaled.
 *
 * <p>Per call it keeps a FIFO and a journal. The head of the FIFO waits while it is gated on an
 * operation whose creating HTTP response has not been written yet (causality, rule 7; a gate
 * opens on release or after {@code causalityGateMs}). A 2xx delivers; a 302 with Location moves the
 * call's callback URI and retries there at once; connection errors, timeouts, 408, 429 and 5xx
 * retry with exponential backoff and jitter (honouring Retry-After) within the retry budget; any
 * other status dead-letters. Nothing is dropped silently: every notification ends delivered or
 * dead-lettered, visible in the journal.
 *
 * <p>One shard of {@link WebhookDispatchers}: it owns the calls whose id hashes to it. Not a
 * verticle: it runs on an event-loop context of its own, so that during undeploy it outlives the
 * call verticles whose final notifications it still has to deliver.
 *
 * <p>Delivery timing uses real time even with the virtual clock: the virtual clock drives call
 * logic, not the network.
 */
public final class WebhookDispatcher {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final int MAX_REDIRECTS = 5;

  /**
   * One journaled notification. It keeps the encoded body only (not the JSON tree): a call's
   * journal lives as long as the call plus retention, so its entries must be small.
   */
  private static final class Entry {
    final long sequence;
    final String callbackUri;
    final String audience;
    final String tenantId;
    final String gate;
    /** The notification that ends the operation its gate names (that gate can then be forgotten). */
    final boolean endsGate;
    final byte[] body;
    final long enqueuedAt;
    String state = "pending";
    int attempts;
    String lastError;
    long firstAttemptAt;

    Entry(long sequence, Outbound outbound, long enqueuedAt) {
      this.sequence = sequence;
      this.callbackUri = outbound.callbackUri();
      this.audience = outbound.audience();
      this.tenantId = outbound.tenantId();
      this.gate = outbound.gate();
      this.endsGate = gate != null
          && "deleted".equals(outbound.body().getJsonArray("value").getJsonObject(0).getString("changeType"));
      this.body = encode(outbound.body());
      this.enqueuedAt = enqueuedAt;
    }

    /** Encoded once, straight to bytes ({@code toBuffer().getBytes()} copied them twice more). */
    private static byte[] encode(JsonObject json) {
      try {
        return io.vertx.core.json.jackson.DatabindCodec.mapper().writeValueAsBytes(json.getMap());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new io.vertx.core.json.EncodeException("Failed to encode a notification: " + e.getMessage(), e);
      }
    }

    JsonObject notification() {
      return new JsonObject(Buffer.buffer(body));
    }

    JsonObject toJson() {
      return new JsonObject().put("sequence", sequence).put("state", state).put("attempts", attempts)
          .put("lastError", lastError).put("notification", notification());
    }
  }

  /** Delivery state of one call. */
  private static final class CallQueue {
    final ArrayDeque<Entry> pending = new ArrayDeque<>(2);
    final List<Entry> journal = new ArrayList<>(4);
    /** Gates opened (responses written); a handful at most, so a list beats a hash set here. */
    final List<String> released = new ArrayList<>(2);
    /** Gates a notification went through by timeout: their late release must not be remembered. */
    List<String> expired;
    long nextSequence = 1;
    boolean inFlight;
    long gateTimer = -1;
    /** Set by a 302: replaces {@link #movedFrom}, the callback URI the call gave, and only that one. */
    String movedTo;
    String movedFrom;
    boolean ended;
    boolean forgotten;
  }

  private final io.vertx.core.Vertx vertx;
  private final String address;
  private final WebhookOptions options;
  private final WebClient client;
  private final NotificationSigner signer;
  private io.callvert.verticles.metrics.CallvertMetrics metrics = io.callvert.verticles.metrics.CallvertMetrics.NOOP;
  private final Map<String, CallQueue> calls = new HashMap<>();
  private final List<Promise<Void>> drainWaiters = new ArrayList<>();
  /** In-process listeners (embedding): notifications are also published here, in per-call order. */
  private final String tapAddress;
  private volatile boolean tapped;
  private int busy;

  private io.vertx.core.eventbus.MessageConsumer<Object> consumer;
  /** Set when the instance is gone: late timers of this shard then do nothing. */
  private volatile boolean closed;

  public WebhookDispatcher(io.vertx.core.Vertx vertx, String address, String tapAddress, WebhookOptions options,
      WebClient client, NotificationSigner signer) {
    this.vertx = vertx;
    this.address = address;
    this.tapAddress = tapAddress;
    this.options = options;
    this.client = client;
    this.signer = signer;
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
      enqueue(o);
    } else if (body instanceof DispatcherMessage.Release r) {
      onRelease(r);
    } else if (body instanceof DispatcherMessage.JournalQuery j) {
      msg.reply(journal(j.callId()));
    } else if (body instanceof DispatcherMessage.CallEnded e) {
      CallQueue q = calls.get(e.callId());
      if (q != null) {
        q.ended = true;
      }
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

  private void onRelease(DispatcherMessage.Release r) {
    CallQueue q = calls.computeIfAbsent(r.callId(), k -> new CallQueue());
    if (q.expired == null || !q.expired.remove(r.gate())) {
      q.released.add(r.gate());
    }
    pump(r.callId(), q);
  }

  private JsonObject journal(String callId) {
    CallQueue q = calls.get(callId);
    JsonArray value = new JsonArray();
    if (q != null) {
      for (Entry e : q.journal) {
        value.add(e.toJson());
      }
    }
    return new JsonObject().put("value", value);
  }

  private void enqueue(Outbound o) {
    CallQueue q = calls.computeIfAbsent(o.callId(), k -> new CallQueue());
    Entry e = new Entry(q.nextSequence++, o, System.currentTimeMillis());
    q.journal.add(e);
    q.pending.add(e);
    busy++;
    pump(o.callId(), q);
  }

  public void metrics(io.callvert.verticles.metrics.CallvertMetrics metrics) {
    this.metrics = metrics;
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

  /** Sends the head of the call's queue if nothing is in flight and its gate is open. */
  private void pump(String callId, CallQueue q) {
    if (q.inFlight) {
      return;
    }
    Entry head = q.pending.peek();
    if (head == null) {
      maybeForget(callId, q);
      return;
    }
    String gate = head.gate;
    if (gate != null && !q.released.contains(gate)) {
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
      log.warn("call {}: response for {} not confirmed written within {} ms; delivering notification {} anyway",
          callId, gate, options.causalityGateMs(), head.sequence);
      if (q.expired == null) {
        q.expired = new ArrayList<>(1);
      }
      q.expired.add(gate);
    }
    if (q.gateTimer >= 0) {
      vertx.cancelTimer(q.gateTimer);
      q.gateTimer = -1;
    }
    q.inFlight = true;
    if (tapped) {
      vertx.eventBus().publish(tapAddress, new JsonObject().put("callId", callId).put("sequence", head.sequence)
          .put("notification", head.notification()), new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true));
    }
    if (head.callbackUri.startsWith("local:") && q.movedTo == null) {
      head.attempts++;
      settle(callId, q, head, "delivered", null);
      return;
    }
    attempt(callId, q, head, 0);
  }

  private void attempt(String callId, CallQueue q, Entry e, int redirects) {
    // a callback URI the bot gave after the move (e.g. in answer) is not redirected
    String uri = q.movedTo != null && e.callbackUri.equals(q.movedFrom) ? q.movedTo : e.callbackUri;
    if (e.firstAttemptAt == 0) {
      e.firstAttemptAt = System.currentTimeMillis();
    }
    e.attempts++;
    e.state = "delivering";
    Future<HttpResponse<Buffer>> sent;
    try {
      var request = client.postAbs(uri)
          .timeout(options.timeoutMs())
          .followRedirects(false)
          .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
          .putHeader("X-Callvert-Sequence", Long.toString(e.sequence))
          .putHeader("X-Callvert-Attempt", Integer.toString(e.attempts));
      if (signer != null) {
        request.putHeader(HttpHeaders.AUTHORIZATION.toString(), signer.authorization(e.audience, e.tenantId));
      }
      // wrapped, not copied: the journal's bytes are never written to
      sent = request.sendBuffer(io.vertx.core.internal.buffer.BufferInternal.buffer(io.netty.buffer.Unpooled.wrappedBuffer(e.body)));
    } catch (RuntimeException ex) {
      // The client throws for URIs it can never use (e.g. port out of range): no retry can help,
      // and leaving the entry in flight would block the call's queue forever.
      settle(callId, q, e, "deadLettered", "cannot POST to " + uri + ": " + ex.getMessage());
      return;
    }
    sent.onComplete(ar -> {
      if (ar.failed()) {
        String cause = ar.cause().getMessage() == null ? ar.cause().getClass().getSimpleName() : ar.cause().getMessage();
        retry(callId, q, e, "POST " + uri + " failed: " + cause, -1);
        return;
      }
      HttpResponse<Buffer> resp = ar.result();
      int status = resp.statusCode();
      if (status >= 200 && status < 300) {
        settle(callId, q, e, "delivered", null);
      } else if (status == 302 && resp.getHeader("Location") != null && redirects < MAX_REDIRECTS) {
        String location = resp.getHeader("Location");
        String target = resolve(uri, location);
        if (target == null) {
          settle(callId, q, e, "deadLettered", "302 from " + uri + " with an unusable Location '" + location + "'");
          return;
        }
        q.movedFrom = e.callbackUri;
        q.movedTo = target;
        e.lastError = "302 from " + uri + ": callback moved to " + q.movedTo;
        attempt(callId, q, e, redirects + 1);
      } else if (status == 408 || status == 429 || status >= 500) {
        retry(callId, q, e, "HTTP " + status + " from " + uri, retryAfterMs(resp.headers()));
      } else {
        settle(callId, q, e, "deadLettered", "HTTP " + status + " from " + uri + " (not retried)");
      }
    });
  }

  private void retry(String callId, CallQueue q, Entry e, String error, long retryAfterMs) {
    e.lastError = error;
    long elapsed = System.currentTimeMillis() - e.firstAttemptAt;
    long backoff = Math.min(options.backoffMaxMs(), options.backoffInitialMs() << Math.min(20, e.attempts - 1));
    long delay = retryAfterMs >= 0 ? retryAfterMs : backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
    if (elapsed + delay > options.retryBudgetMs()) {
      settle(callId, q, e, "deadLettered", error + "; retry budget of " + options.retryBudgetMs() + " ms exhausted");
      return;
    }
    e.state = "pending";
    metrics.retried();
    vertx.setTimer(Math.max(1, delay), t -> {
      if (!closed) {
        attempt(callId, q, e, 0);
      }
    });
  }

  private void settle(String callId, CallQueue q, Entry e, String state, String error) {
    e.state = state;
    if (state.equals("delivered")) {
      metrics.delivered(e.enqueuedAt);
    } else {
      metrics.deadLettered();
    }
    if (error != null) {
      e.lastError = error;
      log.warn("call {}: notification {} dead-lettered: {}", callId, e.sequence, error);
    }
    q.pending.poll();
    q.inFlight = false;
    String gate = e.gate;
    if (e.endsGate) {
      q.released.remove(gate);
    }
    busy--;
    if (busy == 0) {
      for (Promise<Void> p : drainWaiters) {
        p.tryComplete();
      }
      drainWaiters.clear();
    }
    pump(callId, q);
  }

  private void maybeForget(String callId, CallQueue q) {
    if (q.forgotten && q.pending.isEmpty() && !q.inFlight) {
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

  /**
   * A 302 {@code Location} resolved against the URI that answered it (RFC 9110 allows relative
   * references); null unless the result is an absolute http(s) URI with a host.
   */
  static String resolve(String base, String location) {
    try {
      java.net.URI target = java.net.URI.create(base).resolve(location.trim());
      String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(java.util.Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && target.getHost() != null ? target.toString() : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Retry-After as delta-seconds or HTTP-date, in ms; -1 when absent or unreadable. */
  static long retryAfterMs(MultiMap headers) {
    String v = headers.get("Retry-After");
    if (v == null || v.isBlank()) {
      return -1;
    }
    try {
      return Math.max(0, (long) (Double.parseDouble(v.trim()) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        long at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Math.max(0, at - System.currentTimeMillis());
      } catch (RuntimeException notDate) {
        return -1;
      }
    }
  }
}
