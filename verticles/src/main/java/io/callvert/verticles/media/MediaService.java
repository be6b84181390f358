package io.callvert.verticles.media;

import io.callvert.config.MediaOptions;
import io.callvert.runtime.audio.AudioFormatException;
import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Wav;
import io.callvert.runtime.call.MediaRef;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.callvert.verticles.net.OutboundHttp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches prompt media over HTTP(S) without blocking an event loop, checks it is what Graph plays
 * (WAV, PCM 16-bit mono 16 kHz) and caches the decoded clip by {@code resourceId} (else by uri).
 * One per Callvert instance, shared by all its calls; concurrent fetches of the same media share
 * one download. The cache is an LRU bounded by decoded bytes.
 *
 * <p>Downloads go through the media {@link OutboundHttp} (its own connection pool, the outbound host policy after
 * DNS, {@code media.fetchTimeoutMs} as a total deadline, reading stopped at {@code media.maxPromptBytes}). Why a
 * prompt failed (contract rule 24 — Why a prompt failed) is told in one generic wording for every network, HTTP
 * and not-a-WAV failure, so that prompt URIs cannot be used to tell a closed port from an open service that is not
 * a WAV server (contract rule 37 — Outbound host policy); Callvert's own limits (deadline, size, a refusal decided
 * without DNS) and the format problems of a real RIFF/WAVE file are named.
 */
public final class MediaService {

  private static final Logger log = LoggerFactory.getLogger(MediaService.class);

  /** The detail of every fetch failure that could tell one network service from another. */
  static final String UNAVAILABLE = "could not fetch a WAV file from %s (the connection failed, the server answered "
      + "with an error, or the body is not RIFF/WAVE)";

  /** Decoding below this size is cheap enough to do on the event loop. */
  private static final int INLINE_DECODE_BYTES = 256 * 1024;

  private final Vertx vertx;
  private final OutboundHttp client;
  private final MediaOptions options;
  private final Map<String, Future<Clip>> inFlight = new ConcurrentHashMap<>();
  private final LinkedHashMap<String, Clip> cache = new LinkedHashMap<>(64, 0.75f, true);
  private long cachedBytes;

  public MediaService(Vertx vertx, OutboundHttp client, MediaOptions options) {
    this.vertx = vertx;
    this.client = client;
    this.options = options;
  }

  /** All clips of a prompt list, in order; fails with the first problem found. */
  public Future<List<Clip>> fetchAll(List<MediaRef> refs) {
    List<Future<Clip>> all = new ArrayList<>(refs.size());
    for (MediaRef ref : refs) {
      all.add(fetch(ref));
    }
    return Future.all(all).map(cf -> {
      List<Clip> clips = new ArrayList<>(refs.size());
      for (int i = 0; i < refs.size(); i++) {
        clips.add(cf.resultAt(i));
      }
      return clips;
    });
  }

  /**
   * Warms the cache with {@code refs}, at most {@code media.preFetchConcurrency} downloads at a time; completes when
   * all are done, failed with the first problem found.
   */
  public Future<Void> prefetch(List<MediaRef> refs) {
    ArrayDeque<MediaRef> todo = new ArrayDeque<>(refs);
    Promise<Void> done = Promise.promise();
    int lanes = Math.min(options.preFetchConcurrency(), todo.size());
    int[] running = {lanes};
    Throwable[] first = {null};
    if (lanes == 0) {
      return Future.succeededFuture();
    }
    for (int i = 0; i < lanes; i++) {
      nextPrefetch(todo, running, first, done);
    }
    return done.future();
  }

  /** One lane of {@link #prefetch}: takes the next item when the last one is done. */
  private void nextPrefetch(ArrayDeque<MediaRef> todo, int[] running, Throwable[] first, Promise<Void> done) {
    MediaRef ref;
    synchronized (todo) {
      ref = todo.poll();
      if (ref == null) {
        if (--running[0] == 0) {
          if (first[0] == null) {
            done.complete();
          } else {
            done.fail(first[0]);
          }
        }
        return;
      }
    }
    fetch(ref).onComplete(ar -> {
      if (ar.failed()) {
        synchronized (todo) {
          if (first[0] == null) {
            first[0] = ar.cause();
          }
        }
      }
      nextPrefetch(todo, running, first, done);
    });
  }

  public Future<Clip> fetch(MediaRef ref) {
    String key = ref.cacheKey();
    Clip hit = cached(key);
    if (hit != null) {
      return Future.succeededFuture(hit);
    }
    // Registered before the download starts: a download that fails at once (the HTTP client
    // rejects some URIs synchronously) must not complete inside a map operation on the same key.
    Promise<Clip> promise = Promise.promise();
    Future<Clip> shared = inFlight.putIfAbsent(key, promise.future());
    if (shared != null) {
      return shared;
    }
    download(ref).onComplete(ar -> {
      if (ar.succeeded()) {
        remember(key, ar.result()); // before leaving inFlight: no window for a second download
      }
      inFlight.remove(key, promise.future());
      promise.handle(ar);
    });
    return promise.future();
  }

  private Future<Clip> download(MediaRef ref) {
    String uri = ref.uri();
    return client.exchange(HttpMethod.GET, uri, null, null, options.fetchTimeoutMs(), options.maxPromptBytes())
        .recover(e -> Future.failedFuture(failure(uri, e)))
        .compose(resp -> decode(uri, resp));
  }

  /** A failed exchange as the bot is told it: Callvert's own limits by name, anything else generically. */
  private MediaException failure(String uri, Throwable e) {
    OutboundHttp.Kind kind = e instanceof OutboundHttp.Failure f ? f.kind() : OutboundHttp.Kind.CONNECTION;
    switch (kind) {
      case TIMEOUT:
        return new MediaException("timed out fetching " + uri + " (media.fetchTimeoutMs is " + options.fetchTimeoutMs()
            + " ms)");
      case TOO_LARGE:
        return tooLarge(uri);
      case REFUSED:
        if (((OutboundHttp.Failure) e).decidedWithoutDns()) {
          return new MediaException(uri + " is refused by the outbound host policy: " + e.getMessage());
        }
        return unavailable(uri, "refused by the outbound host policy: " + e.getMessage());
      default:
        return unavailable(uri, e.getMessage());
    }
  }

  private MediaException tooLarge(String uri) {
    return new MediaException(uri + " is larger than media.maxPromptBytes (" + options.maxPromptBytes() + " bytes)");
  }

  /** The generic failure; the specific reason goes to the log only (debug: a bot must not flood it). */
  private static MediaException unavailable(String uri, String reason) {
    log.debug("prompt {}: {}", uri, reason);
    return new MediaException(String.format(UNAVAILABLE, uri));
  }

  private Future<Clip> decode(String uri, OutboundHttp.Response resp) {
    if (resp.statusCode() != 200) {
      return Future.failedFuture(unavailable(uri, "HTTP " + resp.statusCode()));
    }
    Buffer body = resp.body();
    if (body == null || body.length() == 0) {
      return Future.failedFuture(unavailable(uri, "empty body"));
    }
    if (body.length() > options.maxPromptBytes()) {
      return Future.failedFuture(tooLarge(uri));
    }
    if (body.length() <= INLINE_DECODE_BYTES) {
      return parse(uri, body.getBytes());
    }
    return vertx.executeBlocking(() -> parse(uri, body.getBytes()), false).compose(f -> f);
  }

  private static Future<Clip> parse(String uri, byte[] bytes) {
    try {
      return Future.succeededFuture(Wav.parseStrict(bytes));
    } catch (AudioFormatException e) {
      // a RIFF/WAVE file in the wrong format is named (it came from a media server); anything else is generic
      return Future.failedFuture(e.getMessage().startsWith("not a RIFF/WAVE file")
          ? unavailable(uri, e.getMessage()) : new MediaException(uri + ": " + e.getMessage()));
    }
  }

  private synchronized Clip cached(String key) {
    return cache.get(key);
  }

  private synchronized void remember(String key, Clip clip) {
    long bytes = clip.length() * 2L;
    if (bytes > options.cacheMaxBytes()) {
      return;
    }
    Clip old = cache.put(key, clip);
    if (old != null) {
      cachedBytes -= old.length() * 2L;
    }
    cachedBytes += bytes;
    var it = cache.entrySet().iterator();
    while (cachedBytes > options.cacheMaxBytes() && it.hasNext()) {
      cachedBytes -= it.next().getValue().length() * 2L;
      it.remove();
    }
  }

  /** A media problem, described for the bot (it ends up in the operation's resultInfo.detail). */
  static final class MediaException extends RuntimeException {
    MediaException(String message) {
      super(message, null, false, false);
    }
  }
}
