package io.callvert.verticles.ui;

import io.callvert.runtime.audio.Clip;
import io.callvert.runtime.audio.Wav;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What the caller heard, as the dashboard draws it: the peak level of each of {@code buckets} equal stretches of
 * {@code /heard} (0 to 1), and the cut points, where a played item stopped before its end (a cancel, a barge-in, a
 * stop tone, the call's end), in milliseconds of {@code /heard}. Runs off the event loop.
 */
final class Waveform {

  static final int MAX_BUCKETS = 4_000;

  private Waveform() {
  }

  static JsonObject of(List<Wav.Slice> slices, int buckets) {
    long total = 0;
    for (Wav.Slice s : slices) {
      total += s.toSample() - s.fromSample();
    }
    int n = (int) Math.max(1, Math.min(Math.min(buckets, MAX_BUCKETS), Math.max(1, total)));
    double[] peaks = new double[n];
    JsonArray cuts = new JsonArray();
    long at = 0;
    for (Wav.Slice s : slices) {
      Clip clip = s.clip();
      for (int i = s.fromSample(); i < s.toSample(); i++, at++) {
        int b = (int) (at * n / Math.max(1, total));
        double v = Math.abs(clip.sample(i)) / 32768.0;
        if (v > peaks[b]) {
          peaks[b] = v;
        }
      }
      if (s.toSample() < clip.length()) {
        cuts.add(at / Clip.SAMPLES_PER_MS);
      }
    }
    JsonArray p = new JsonArray();
    for (double v : peaks) {
      p.add(Math.round(v * 1000) / 1000.0);
    }
    return new JsonObject().put("durationMs", total / Clip.SAMPLES_PER_MS).put("sampleRate", Clip.SAMPLE_RATE)
        .put("peaks", p).put("cuts", cuts);
  }
}
