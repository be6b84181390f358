package io.callvert.verticles.webhook;

import io.callvert.config.WebhookOptions;
import io.callvert.verticles.auth.NotificationSigner;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.callvert.verticles.net.OutboundHttp;
import java.net.URI;
import java.util.Locale;

/**
 * One delivery attempt of a notification and the retry policy (contract rules 16, 17): the signed
 * POST, what its outcome means (2xx delivered; 302 with a usable Location moves the callback;
 * connection errors, timeouts, 408, 429 and 5xx retry; anything else dead-letters), and how long
 * to wait before the next attempt (exponential backoff with jitter, or Retry-After, within the
 * retry budget).
 *
 * <p>The body is sent with {@link JournalEntry#payload()}, a copy of the journal's bytes through
 * public API. It used to be wrapped without a copy through Vert.x's internal
 * {@code BufferInternal}; the webhook benchmark ({@code -Dbench.only=webhook}) measured no
 * difference between the two (a body is under a kilobyte; an attempt is an HTTP exchange).
 */
final class WebhookPost {

  /** 302s followed for one attempt; one more is not followed (and dead-letters). */
  static final int MAX_REDIRECTS = 5;

  /** What an attempt came to. */
  sealed interface Outcome {
    /** The bot acknowledged it (2xx). */
    record Delivered() implements Outcome {}

    /** A 302 moved the callback to {@code target}; {@code error} says so in the journal. */
    record Moved(String target, String error) implements Outcome {}

    /** Worth another attempt, after {@code retryAfterMs} when the bot said so (-1 otherwise). */
    record Retry(String error, long retryAfterMs) implements Outcome {}

    /** No attempt can help. */
    record DeadLetter(String error) implements Outcome {}
  }

  private final OutboundHttp client;
  private final NotificationSigner signer;
  private final WebhookOptions options;
  /** The Graph-like profile's second key (contract rule 79), or null: the signer signs everything. */
  private volatile KeyRollover keys;

  WebhookPost(OutboundHttp client, NotificationSigner signer, WebhookOptions options) {
    this.client = client;
    this.signer = signer;
    this.options = options;
  }

  void keys(KeyRollover keys) {
    this.keys = keys;
  }

  /**
   * POSTs {@code e} to {@code uri} once ({@code redirects} 302s already followed for this attempt)
   * and reports the outcome to {@code done}: at once for a URI the client refuses, else when the
   * exchange is over, on the calling context.
   */
  void send(String uri, JournalEntry e, int redirects, Handler<Outcome> done) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
        .add("X-Callvert-Sequence", Long.toString(e.sequence))
        .add("X-Callvert-Attempt", Integer.toString(e.attempts));
    String traceparent = e.traceparent();
    if (traceparent != null) {
      headers.add("traceparent", traceparent); // the bot's tracing joins the attempt's span (contract rule 70 — Traces from request to webhook)
    }
    JournalEntry rider = e.rider();
    if (rider != null) { // a batch of the Graph-like profile (contract rule 78): every sequence it carries
      headers.add("X-Callvert-Sequences", e.sequence + "," + rider.sequence);
    }
    // no audience: a notification not signed with a Graph JWT (ACS CloudEvents, contract rule 57 — ACS callbacks)
    if (signer != null && e.audience != null) {
      KeyRollover k = keys;
      NotificationSigner s = k == null ? signer : k.signer(e.rolledOver());
      headers.add(HttpHeaders.AUTHORIZATION.toString(), s.authorization(e.audience, e.tenantId));
    }
    // webhook.timeoutMs is a total deadline (DNS, connect, request, the whole response); the response body is
    // discarded; the host policy (contract rule 37 — Outbound host policy) is checked after DNS on every attempt,
    // so also on every 302 target
    client.exchange(HttpMethod.POST, uri, headers, e.payload(), options.timeoutMs(), -1).onComplete(ar -> {
      e.lastStatus(ar.succeeded() ? ar.result().statusCode() : 0);
      if (ar.succeeded()) {
        done.handle(outcome(uri, ar.result(), redirects));
        return;
      }
      Throwable cause = ar.cause();
      OutboundHttp.Kind kind = cause instanceof OutboundHttp.Failure f ? f.kind() : OutboundHttp.Kind.CONNECTION;
      String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      switch (kind) {
        // no retry can help, and leaving the entry in flight would block the call's queue forever
        case UNUSABLE -> done.handle(new Outcome.DeadLetter("cannot POST to " + uri + ": " + message));
        case REFUSED -> done.handle(new Outcome.DeadLetter("POST " + uri + " refused by the outbound host policy: "
            + message + " (not retried)"));
        default -> done.handle(new Outcome.Retry("POST " + uri + " failed: " + message, -1));
      }
    });
  }

  private static Outcome outcome(String uri, OutboundHttp.Response resp, int redirects) {
    int status = resp.statusCode();
    if (status >= 200 && status < 300) {
      return new Outcome.Delivered();
    }
    if (status == 302 && resp.getHeader("Location") != null && redirects < MAX_REDIRECTS) {
      String location = resp.getHeader("Location");
      String target = resolve(uri, location);
      if (target == null) {
        return new Outcome.DeadLetter("302 from " + uri + " with an unusable Location '" + location + "'");
      }
      return new Outcome.Moved(target, "302 from " + uri + ": callback moved to " + target);
    }
    if (status == 408 || status == 429 || status >= 500) {
      return new Outcome.Retry("HTTP " + status + " from " + uri, retryAfterMs(resp.headers()));
    }
    return new Outcome.DeadLetter("HTTP " + status + " from " + uri + " (not retried)");
  }

  /**
   * A 302 {@code Location} resolved against the URI that answered it (RFC 9110 allows relative
   * references); null unless the result is an absolute http(s) URI with a host.
   */
  static String resolve(String base, String location) {
    try {
      URI target = URI.create(base).resolve(location.trim());
      String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && target.getHost() != null ? target.toString() : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Retry-After in ms, read defensively ({@link RetryPolicy#retryAfterMs}); -1 when absent or unusable. */
  static long retryAfterMs(MultiMap headers) {
    return RetryPolicy.retryAfterMs(headers.get("Retry-After"), System.currentTimeMillis());
  }
}
