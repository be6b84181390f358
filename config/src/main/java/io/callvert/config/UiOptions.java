package io.callvert.config;

/**
 * The browser pages and what they read (JSON object {@code ui}): the softphone and the live dashboard at
 * {@code /callvert/ui/}, and the per-call timelines the dashboard shows (docs/ui.md).
 *
 * @param enabled        serve the pages at {@code /callvert/ui/}, default true; the JSON endpoints under
 *                       {@code /callvert} (call list, timelines, the event stream) stay, they are part of the API
 * @param timelineLimit  most entries one call's timeline keeps (requests, notifications, delivery attempts); the
 *                       oldest go first and the timeline says how many were dropped; default 500, 0 keeps none
 *                       (contract rule 67)
 * @param timelineCalls  most calls of a node that keep a timeline: the newest; a call beyond them has its timeline
 *                       dropped (it says so), so timelines cost a bounded amount of memory per node whatever the
 *                       number of calls; default 1000 (contract rule 67)
 * @param pushIntervalMs how often a node pushes the calls that changed to open dashboards, default 250 ms, from
 *                       20 to 10000: changes within one interval go as one batch (contract rule 68)
 */
public record UiOptions(boolean enabled, int timelineLimit, int timelineCalls, long pushIntervalMs) {

  public static final boolean DEFAULT_ENABLED = true;
  public static final int DEFAULT_TIMELINE_LIMIT = 500;
  public static final int DEFAULT_TIMELINE_CALLS = 1_000;
  public static final long DEFAULT_PUSH_INTERVAL_MS = 250;

  /** Validates. */
  public UiOptions {
    Check.range("ui.timelineLimit", timelineLimit, 0, 100_000);
    Check.range("ui.timelineCalls", timelineCalls, 0, 1_000_000);
    Check.range("ui.pushIntervalMs", pushIntervalMs, 20, 10_000);
  }

  public static UiOptions defaults() {
    return new UiOptions(DEFAULT_ENABLED, DEFAULT_TIMELINE_LIMIT, DEFAULT_TIMELINE_CALLS, DEFAULT_PUSH_INTERVAL_MS);
  }

  public UiOptions withTimelineLimit(int timelineLimit) {
    return new UiOptions(enabled, timelineLimit, timelineCalls, pushIntervalMs);
  }

  public UiOptions withTimelineCalls(int timelineCalls) {
    return new UiOptions(enabled, timelineLimit, timelineCalls, pushIntervalMs);
  }

  public UiOptions withPushIntervalMs(long pushIntervalMs) {
    return new UiOptions(enabled, timelineLimit, timelineCalls, pushIntervalMs);
  }
}
