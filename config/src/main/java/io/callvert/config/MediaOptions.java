package io.callvert.config;

import java.nio.file.Paths;

/**
 * Media handling (JSON object {@code media}).
 *
 * @param recordingsDir directory for recordings, default {@code <java.io.tmpdir>/callvert-recordings}
 * @param fetchTimeoutMs total deadline of fetching a prompt's media URI (DNS, connect, headers and body), default 10 s
 * @param cacheMaxBytes size limit of the fetched-prompt cache, default 256 MiB; 0 = no caching
 * @param maxPromptBytes largest single prompt file accepted, default 50 MiB; reading stops when a response
 *     declares or sends more
 * @param maxConnections connections of the media HTTP client per destination host and port (its own pool,
 *     apart from the notifications' one), default 16
 * @param maxPreFetchMedia most {@code mediaConfig.preFetchMedia} items one request may name (400 beyond), default 32
 * @param preFetchConcurrency most concurrent downloads of one call's preFetchMedia list, default 4
 * @param live live caller media over a WebSocket ({@code media.live}; {@code null} = defaults)
 */
public record MediaOptions(String recordingsDir, long fetchTimeoutMs, long cacheMaxBytes, long maxPromptBytes,
    int maxConnections, int maxPreFetchMedia, int preFetchConcurrency, LiveOptions live) {

  /** {@code <java.io.tmpdir>/callvert-recordings}, resolved once when this class is loaded. */
  public static final String DEFAULT_RECORDINGS_DIR =
      Paths.get(System.getProperty("java.io.tmpdir"), "callvert-recordings").toString();
  public static final long DEFAULT_FETCH_TIMEOUT_MS = 10_000L;
  public static final long DEFAULT_CACHE_MAX_BYTES = 268_435_456L;
  public static final long DEFAULT_MAX_PROMPT_BYTES = 52_428_800L;
  public static final int DEFAULT_MAX_CONNECTIONS = 16;
  public static final int DEFAULT_MAX_PRE_FETCH_MEDIA = 32;
  public static final int DEFAULT_PRE_FETCH_CONCURRENCY = 4;

  /** Validates; a {@code null} recordingsDir means the default. */
  public MediaOptions {
    recordingsDir = recordingsDir == null ? DEFAULT_RECORDINGS_DIR : Check.nonBlank("media.recordingsDir", recordingsDir);
    Check.positive("media.fetchTimeoutMs", fetchTimeoutMs);
    Check.nonNegative("media.cacheMaxBytes", cacheMaxBytes);
    Check.positive("media.maxPromptBytes", maxPromptBytes);
    Check.positive("media.maxConnections", maxConnections);
    Check.nonNegative("media.maxPreFetchMedia", maxPreFetchMedia);
    Check.positive("media.preFetchConcurrency", preFetchConcurrency);
    live = live == null ? LiveOptions.defaults() : live;
  }

  /** Without live options: their defaults. */
  public MediaOptions(String recordingsDir, long fetchTimeoutMs, long cacheMaxBytes, long maxPromptBytes,
      int maxConnections, int maxPreFetchMedia, int preFetchConcurrency) {
    this(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes, maxConnections, maxPreFetchMedia,
        preFetchConcurrency, null);
  }

  public static MediaOptions defaults() {
    return new MediaOptions(DEFAULT_RECORDINGS_DIR, DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_CACHE_MAX_BYTES,
        DEFAULT_MAX_PROMPT_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PRE_FETCH_MEDIA, DEFAULT_PRE_FETCH_CONCURRENCY,
        LiveOptions.defaults());
  }

  public MediaOptions withRecordingsDir(String recordingsDir) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes, maxConnections,
        maxPreFetchMedia, preFetchConcurrency, live);
  }

  public MediaOptions withFetchTimeoutMs(long fetchTimeoutMs) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes, maxConnections,
        maxPreFetchMedia, preFetchConcurrency, live);
  }

  public MediaOptions withCacheMaxBytes(long cacheMaxBytes) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes, maxConnections,
        maxPreFetchMedia, preFetchConcurrency, live);
  }

  public MediaOptions withMaxPromptBytes(long maxPromptBytes) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes, maxConnections,
        maxPreFetchMedia, preFetchConcurrency, live);
  }

  public MediaOptions withMaxConnections(int maxConnections) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes, maxConnections,
        maxPreFetchMedia, preFetchConcurrency, live);
  }

  public MediaOptions withMaxPreFetchMedia(int maxPreFetchMedia) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes, maxConnections,
        maxPreFetchMedia, preFetchConcurrency, live);
  }

  public MediaOptions withPreFetchConcurrency(int preFetchConcurrency) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes, maxConnections,
        maxPreFetchMedia, preFetchConcurrency, live);
  }

  public MediaOptions withLive(LiveOptions live) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes, maxConnections,
        maxPreFetchMedia, preFetchConcurrency, live);
  }
}
