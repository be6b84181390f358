package io.callvert.verticles.http;

import java.util.function.Consumer;

/**
 * At most {@code perWindow} log lines per {@code windowMs} for one kind of event, whoever causes them; the
 * ones dropped are counted and the count rides on the next line written (contract rule 45: no client can
 * flood the log). Thread-safe: every event loop of the HTTP server shares one.
 */
final class LogLimiter {

  private final int perWindow;
  private final long windowMs;
  private long windowStart;
  private int written;
  private long suppressed;

  LogLimiter(int perWindow, long windowMs) {
    this.perWindow = perWindow;
    this.windowMs = windowMs;
  }

  /**
   * Calls {@code line} with a suffix ("" or " (N similar lines suppressed)") when this window has room;
   * otherwise counts the event.
   */
  void log(Consumer<String> line) {
    String suffix;
    synchronized (this) {
      long now = System.nanoTime() / 1_000_000;
      if (now - windowStart >= windowMs || windowStart == 0) {
        windowStart = now == 0 ? 1 : now;
        written = 0;
      }
      if (written >= perWindow) {
        suppressed++;
        return;
      }
      written++;
      suffix = suppressed == 0 ? "" : " (" + suppressed + " similar lines suppressed before this one)";
      suppressed = 0;
    }
    line.accept(suffix);
  }
}
