package io.callvert.verticles.bench;

import java.util.Arrays;

/**
 * Recorded latency samples in nanoseconds, kept whole (no histogram buckets): a benchmark run
 * records at most a few million, and exact percentiles from the sorted samples are simplest to
 * trust. Not thread-safe: one instance per event loop (or lane), merged with {@link #addAll} at
 * the end, or synchronized externally.
 */
final class Samples {

  private long[] values = new long[1024];
  private int size;

  void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    values[size++] = nanos;
  }

  void addAll(Samples other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  int size() {
    return size;
  }

  void clear() {
    size = 0;
  }

  /** Sorted snapshot, for percentile queries. */
  Sorted sorted() {
    long[] copy = Arrays.copyOf(values, size);
    Arrays.sort(copy);
    return new Sorted(copy);
  }

  /** Percentiles over a sorted snapshot; NaN when empty. */
  static final class Sorted {
    private final long[] v;

    Sorted(long[] sortedValues) {
      this.v = sortedValues;
    }

    int count() {
      return v.length;
    }

    /** The smallest sample at or above fraction {@code q} of all samples (nearest-rank), in ms. */
    double ms(double q) {
      if (v.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(q * v.length);
      return v[Math.max(0, Math.min(v.length - 1, rank - 1))] / 1e6;
    }

    double maxMs() {
      return v.length == 0 ? Double.NaN : v[v.length - 1] / 1e6;
    }

    double minMs() {
      return v.length == 0 ? Double.NaN : v[0] / 1e6;
    }
  }
}
