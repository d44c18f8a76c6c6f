package io.switchboard.loadtest;

import java.util.List;

/** Median and spread of a figure over the repeats of a run. */
record Stats(double median, double min, double max, int n) {

  static Stats of(List<Double> values) {
    List<Double> v = values.stream().filter(x -> !Double.isNaN(x)).sorted().toList();
    if (v.isEmpty()) {
      return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    int n = v.size();
    double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    return new Stats(median, v.get(0), v.get(n - 1), n);
  }

  /** "12.3 (10.1–15.0)" or just the value for a single sample. */
  String show() {
    if (n == 0) {
      return "–";
    }
    return n == 1 ? fmt(median) : fmt(median) + " (" + fmt(min) + "–" + fmt(max) + ")";
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return Math.abs(v) >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
  }
}
