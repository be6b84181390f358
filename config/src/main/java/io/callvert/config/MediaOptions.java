package io.callvert.config;

import java.nio.file.Paths;

/**
 * Media handling (JSON object {@code media}).
 *
 * @param recordingsDir directory for recordings, default {@code <java.io.tmpdir>/callvert-recordings}
 * @param fetchTimeoutMs timeout for fetching a prompt's media URI, default 10 s
 * @param cacheMaxBytes size limit of the fetched-prompt cache, default 256 MiB; 0 = no caching
 * @param maxPromptBytes largest single prompt file accepted, default 50 MiB
 */
public record MediaOptions(String recordingsDir, long fetchTimeoutMs, long cacheMaxBytes, long maxPromptBytes) {

  /** {@code <java.io.tmpdir>/callvert-recordings}, resolved once when this class is loaded. */
  public static final String DEFAULT_RECORDINGS_DIR =
      Paths.get(System.getProperty("java.io.tmpdir"), "callvert-recordings").toString();
  public static final long DEFAULT_FETCH_TIMEOUT_MS = 10_000L;
  public static final long DEFAULT_CACHE_MAX_BYTES = 268_435_456L;
  public static final long DEFAULT_MAX_PROMPT_BYTES = 52_428_800L;

  /** Validates; a {@code null} recordingsDir means the default. */
  public MediaOptions {
    recordingsDir = recordingsDir == null ? DEFAULT_RECORDINGS_DIR : Check.nonBlank("media.recordingsDir", recordingsDir);
    Check.positive("media.fetchTimeoutMs", fetchTimeoutMs);
    Check.nonNegative("media.cacheMaxBytes", cacheMaxBytes);
    Check.positive("media.maxPromptBytes", maxPromptBytes);
  }

  public static MediaOptions defaults() {
    return new MediaOptions(DEFAULT_RECORDINGS_DIR, DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_CACHE_MAX_BYTES,
        DEFAULT_MAX_PROMPT_BYTES);
  }

  public MediaOptions withRecordingsDir(String recordingsDir) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes);
  }

  public MediaOptions withFetchTimeoutMs(long fetchTimeoutMs) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes);
  }

  public MediaOptions withCacheMaxBytes(long cacheMaxBytes) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes);
  }

  public MediaOptions withMaxPromptBytes(long maxPromptBytes) {
    return new MediaOptions(recordingsDir, fetchTimeoutMs, cacheMaxBytes, maxPromptBytes);
  }
}
