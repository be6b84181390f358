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
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetches prompt media over HTTP(S) without blocking an event loop, checks it is what Graph plays
 * (WAV, PCM 16-bit mono 16 kHz) and caches the decoded clip by {@code resourceId} (else by uri).
 * One per Callvert instance, shared by all its calls; concurrent fetches of the same media share
 * one download. The cache is an LRU bounded by decoded bytes.
 */
public final class MediaService {

  /** Decoding below this size is cheap enough to do on the event loop. */
  private static final int INLINE_DECODE_BYTES = 256 * 1024;

  private final Vertx vertx;
  private final WebClient client;
  private final MediaOptions options;
  private final Map<String, Future<Clip>> inFlight = new ConcurrentHashMap<>();
  private final LinkedHashMap<String, Clip> cache = new LinkedHashMap<>(64, 0.75f, true);
  private long cachedBytes;

  public MediaService(Vertx vertx, WebClient client, MediaOptions options) {
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
    Future<HttpResponse<Buffer>> sent;
    try {
      sent = client.getAbs(uri).timeout(options.fetchTimeoutMs()).send();
    } catch (RuntimeException e) {
      // e.g. a port out of range: the client throws instead of failing the future
      sent = Future.failedFuture(e);
    }
    return sent
        .recover(e -> Future.failedFuture(new MediaException(describe(e) + " fetching " + uri)))
        .compose(resp -> decode(uri, resp));
  }

  private Future<Clip> decode(String uri, HttpResponse<Buffer> resp) {
    if (resp.statusCode() != 200) {
      return Future.failedFuture(new MediaException("HTTP " + resp.statusCode() + " fetching " + uri));
    }
    Buffer body = resp.body();
    if (body == null || body.length() == 0) {
      return Future.failedFuture(new MediaException("empty body fetching " + uri));
    }
    if (body.length() > options.maxPromptBytes()) {
      return Future.failedFuture(new MediaException(uri + " is " + body.length() + " bytes; media.maxPromptBytes is " + options.maxPromptBytes()));
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
      return Future.failedFuture(new MediaException(uri + ": " + e.getMessage()));
    }
  }

  private static String describe(Throwable e) {
    String name = e.getClass().getSimpleName();
    if (name.contains("Timeout") || (e.getMessage() != null && e.getMessage().contains("timeout"))) {
      return "timed out";
    }
    return "connection failed (" + (e.getMessage() == null ? name : e.getMessage()) + ")";
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
