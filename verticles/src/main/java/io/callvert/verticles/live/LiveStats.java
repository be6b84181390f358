package io.callvert.verticles.live;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Outbound frame lateness of one pacer (one event loop): how long after its due time each frame was
 * handed to its socket, in 100 µs buckets up to 100 ms. Written by the pacer's event loop only; read
 * (approximately, without locks) by {@link #summary} from anywhere.
 */
final class LiveStats {

  private static final int BUCKET_US = 100;
  private static final int BUCKETS = 1000;

  private final long[] buckets = new long[BUCKETS + 1];
  private long frames;
  private long skipped;
  private long dropped;
  private long maxUs;

  void record(long latenessNanos) {
    long us = Math.max(0, latenessNanos / 1000);
    buckets[(int) Math.min(BUCKETS, us / BUCKET_US)]++;
    frames++;
    if (us > maxUs) {
      maxUs = us;
    }
  }

  /**
   * A frame not written because its client did not read (its write queue was full): counted apart from the
   * lateness (contract rule 85 — Live streams are paced on phases).
   */
  void dropped() {
    dropped++;
  }

  void skipped(long n) {
    skipped += n;
  }

  private void reset() {
    java.util.Arrays.fill(buckets, 0);
    frames = 0;
    skipped = 0;
    dropped = 0;
    maxUs = 0;
  }

  /**
   * Lateness percentiles over every pacer since the last reset, in µs (a bucket's upper bound); resets
   * them when asked (racy with frames being recorded at that moment: a handful may be lost).
   */
  static JsonObject summary(List<LiveStats> all, boolean reset) {
    long[] merged = new long[BUCKETS + 1];
    long frames = 0;
    long skipped = 0;
    long dropped = 0;
    long max = 0;
    for (LiveStats s : all) {
      for (int i = 0; i <= BUCKETS; i++) {
        merged[i] += s.buckets[i];
      }
      frames += s.frames;
      skipped += s.skipped;
      dropped += s.dropped;
      max = Math.max(max, s.maxUs);
      if (reset) {
        s.reset();
      }
    }
    return new JsonObject().put("frames", frames).put("skippedFrames", skipped).put("droppedFrames", dropped)
        .put("latenessUs", new JsonObject().put("p50", percentile(merged, frames, 0.50))
            .put("p99", percentile(merged, frames, 0.99)).put("p999", percentile(merged, frames, 0.999))
            .put("max", max));
  }

  private static long percentile(long[] buckets, long total, double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      seen += buckets[i];
      if (seen >= rank) {
        return (long) (i + 1) * BUCKET_US;
      }
    }
    return (long) (BUCKETS + 1) * BUCKET_US;
  }
}
