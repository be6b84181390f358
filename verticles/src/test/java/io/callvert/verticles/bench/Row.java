package io.callvert.verticles.bench;

import java.util.Locale;

/**
 * One line of the result table: a figure of a benchmark, the same figure for the ceiling when
 * there is one (measured in the same run), their ratio, and the target for it.
 *
 * @param benchmark short benchmark name (api.cancel, latency, ...)
 * @param figure what is measured, with its unit
 * @param value Callvert's value (NaN when not measured)
 * @param ceiling the ceiling's value, NaN when the figure has none
 * @param target human-readable target, or "" when the figure is informational
 * @param pass true/false against the target, null when there is no target
 */
record Row(String benchmark, String figure, double value, double ceiling, String target, Boolean pass) {

  static Row info(String benchmark, String figure, double value) {
    return new Row(benchmark, figure, value, Double.NaN, "", null);
  }

  static Row info(String benchmark, String figure, double value, double ceiling) {
    return new Row(benchmark, figure, value, ceiling, "", null);
  }

  /** value/ceiling must be at least {@code minRatio}. */
  static Row atLeastRatio(String benchmark, String figure, double value, double ceiling, double minRatio) {
    double r = value / ceiling;
    return new Row(benchmark, figure, value, ceiling, String.format(Locale.ROOT, ">= %.2f x ceiling", minRatio),
        Double.isFinite(r) ? r >= minRatio : Boolean.FALSE);
  }

  static Row atMost(String benchmark, String figure, double value, double ceiling, double max, String unit) {
    return new Row(benchmark, figure, value, ceiling, "<= " + num(max) + " " + unit,
        Double.isFinite(value) ? value <= max : Boolean.FALSE);
  }

  static Row atLeast(String benchmark, String figure, double value, double min, String unit) {
    return new Row(benchmark, figure, value, Double.NaN, ">= " + num(min) + " " + unit,
        Double.isFinite(value) ? value >= min : Boolean.FALSE);
  }

  double ratio() {
    return value / ceiling;
  }

  String result() {
    return pass == null ? "" : pass ? "PASS" : "FAIL";
  }

  /** Compact number: integers with thousands separators, small values with 2-3 decimals. */
  static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Math.abs(v) >= 1000 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
