package io.callvert.verticles.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What the JVM did during a measured window, for reading the figures on a shared machine: CPU time
 * of the whole process (Callvert, the load generator and the sink together) in cores, allocation
 * rate (all threads alive at both ends), and garbage collections. Take {@link #start()} at the window's start and {@link #stop()} at its end.
 */
final class WindowStats {

  private long wall;
  private long cpu;
  private long gcCount;
  private long gcMillis;
  private long allocated;
  private String summary = "not measured";

  WindowStats start() {
    wall = System.nanoTime();
    cpu = processCpuNanos();
    gcCount = gcCount();
    gcMillis = gcMillis();
    allocated = allocatedBytes();
    return this;
  }

  WindowStats stop() {
    double seconds = (System.nanoTime() - wall) / 1e9;
    double cores = (processCpuNanos() - cpu) / 1e9 / seconds;
    double mbPerSecond = (allocatedBytes() - allocated) / 1e6 / seconds;
    summary = String.format(Locale.ROOT,
        "JVM CPU %.2f of %d cores, allocating %.0f MB/s, GC %d collections %d ms, load average %s",
        cores, Runtime.getRuntime().availableProcessors(), mbPerSecond, gcCount() - gcCount, gcMillis() - gcMillis,
        loadAverage());
    return this;
  }

  @Override
  public String toString() {
    return summary;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /** Bytes allocated so far by the threads alive now (all of this JVM's long-lived threads). */
  private static long allocatedBytes() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemoryEnabled()) {
      long sum = 0;
      for (long bytes : t.getThreadAllocatedBytes(t.getAllThreadIds())) {
        sum += Math.max(0, bytes);
      }
      return sum;
    }
    return 0;
  }

  private static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  private static long gcMillis() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionTime());
    }
    return n;
  }

  /** The machine's 1-minute load average: other work on a shared machine shows here. */
  static String loadAverage() {
    double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return l < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", l);
  }
}
