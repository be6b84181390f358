package io.callvert.verticles.http;

import io.callvert.runtime.acs.AcsErrors;
import io.callvert.runtime.acs.AcsResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code Repeatability-Request-ID} (contract rule 58 — ACS repeatability): the first request with an id is carried
 * out; a repeat with the same id, method and path gets the first one's answer and does nothing again — also while
 * the first is still running (it waits for it). A first request that failed is forgotten, so its retry is carried
 * out. At most {@code acs.repeatabilityCacheSize} ids are remembered for {@code acs.repeatabilityTtlMs}, oldest
 * forgotten first. Per node: a repeat sent to another node of a cluster is carried out there.
 * Thread-safe: every HTTP event loop uses it.
 */
final class AcsRepeatability {

  static final String REQUEST_ID = "Repeatability-Request-ID";
  static final String FIRST_SENT = "Repeatability-First-Sent";
  /** Longest request id accepted (a UUID is 36). */
  static final int MAX_ID_LENGTH = 128;

  private record Entry(Future<AcsResponse> answer, long expiresAt) {}

  private final int capacity;
  private final long ttlMs;
  private final LongSupplier clockMs;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  AcsRepeatability(int capacity, long ttlMs, LongSupplier clockMs) {
    this.capacity = capacity;
    this.ttlMs = ttlMs;
    this.clockMs = clockMs;
  }

  /**
   * The answer to a request: {@code carryOut}'s, or the remembered answer of the first request with the same id.
   *
   * @param requestId the {@code Repeatability-Request-ID} header, or null (then simply carried out)
   * @param firstSent the {@code Repeatability-First-Sent} header, or null
   */
  Future<AcsResponse> answer(String scope, String requestId, String firstSent, Supplier<Future<AcsResponse>> carryOut) {
    if (requestId == null) {
      return carryOut.get();
    }
    if (requestId.isBlank() || requestId.length() > MAX_ID_LENGTH) {
      throw AcsErrors.badRequest(REQUEST_ID + " must be 1 to " + MAX_ID_LENGTH + " characters (a UUID).");
    }
    if (firstSent != null) {
      try {
        ZonedDateTime.parse(firstSent, DateTimeFormatter.RFC_1123_DATE_TIME);
      } catch (DateTimeParseException e) {
        throw AcsErrors.badRequest(FIRST_SENT + " must be an RFC 1123 date.");
      }
    }
    if (capacity == 0) {
      return carryOut.get();
    }
    String key = scope + "\n" + requestId;
    Promise<AcsResponse> mine = Promise.promise();
    Entry previous;
    long now = clockMs.getAsLong();
    synchronized (entries) {
      expire(now);
      previous = entries.get(key);
      if (previous == null) {
        entries.put(key, new Entry(mine.future(), now + ttlMs));
        while (entries.size() > capacity) {
          Iterator<String> oldest = entries.keySet().iterator();
          oldest.next();
          oldest.remove();
        }
      }
    }
    if (previous != null) {
      return previous.answer();
    }
    Future<AcsResponse> result;
    try {
      result = carryOut.get();
    } catch (RuntimeException e) {
      forget(key, mine.future());
      mine.fail(e);
      throw e;
    }
    result.onComplete(ar -> {
      if (ar.failed()) {
        forget(key, mine.future()); // a failed first request may be retried with the same id
      }
      mine.handle(ar);
    });
    return mine.future();
  }

  private void forget(String key, Future<AcsResponse> answer) {
    synchronized (entries) {
      Entry e = entries.get(key);
      if (e != null && e.answer() == answer) {
        entries.remove(key);
      }
    }
  }

  private void expire(long now) {
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext() && it.next().getValue().expiresAt() <= now) {
      it.remove();
    }
  }

  /** Ids remembered now (tests). */
  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
