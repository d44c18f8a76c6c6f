package io.switchboard.loadtest;

import io.switchboard.loadtest.IngestRamp.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Switchboard as a multiple of the naive baseline, from two ingest ramps run with the same
 * audience: the knee (median over repeats) and, at every rate both were offered, delivery p50 and
 * p99 (medians over repeats). A knee multiple above 1 means Switchboard keeps up with more; a
 * latency multiple below 1 means Switchboard delivers faster.
 */
record Multiple(Knee switchboard, Knee naive, List<AtRate> rates) {

  /**
   * The median knee of a ramp over its repeats, and whether it is only a bound: {@code aboveTop}
   * when every repeat kept up with the highest rate tried, {@code belowBottom} when none kept up
   * with the lowest.
   */
  record Knee(double median, int lowestRate, boolean aboveTop, boolean belowBottom) {

    static Knee of(List<Step> steps) {
      if (steps.isEmpty()) {
        return new Knee(Double.NaN, 0, false, false);
      }
      List<Double> knees = steps.stream().map(Step::repeat).distinct()
          .map(r -> (double) IngestRamp.knee(steps, r)).toList();
      Stats s = Stats.of(knees);
      int top = steps.stream().mapToInt(Step::rate).max().orElse(0);
      int bottom = steps.stream().mapToInt(Step::rate).min().orElse(0);
      return new Knee(s.median(), bottom, s.min() >= top, s.max() == 0);
    }

    String show() {
      if (Double.isNaN(median)) {
        return "–";
      }
      return belowBottom ? "< " + lowestRate : (aboveTop ? "≥ " : "") + Stats.fmt(median);
    }
  }

  /** Delivery latency (ms, medians over repeats) of both at one offered rate. */
  record AtRate(int rate, double switchboardP50, double naiveP50, double switchboardP99, double naiveP99) {

    double p50Multiple() {
      return ratio(switchboardP50, naiveP50);
    }

    double p99Multiple() {
      return ratio(switchboardP99, naiveP99);
    }
  }

  static Multiple of(List<Step> switchboard, List<Step> naive) {
    Map<Integer, List<Step>> sb = byRate(switchboard);
    Map<Integer, List<Step>> nv = byRate(naive);
    List<AtRate> rates = new ArrayList<>();
    for (var e : sb.entrySet()) {
      List<Step> other = nv.get(e.getKey());
      if (other != null) {
        rates.add(new AtRate(e.getKey(), median(e.getValue(), m -> m.delivery().p50()),
            median(other, m -> m.delivery().p50()), median(e.getValue(), m -> m.delivery().p99()),
            median(other, m -> m.delivery().p99())));
      }
    }
    return new Multiple(Knee.of(switchboard), Knee.of(naive), List.copyOf(rates));
  }

  /** Switchboard's knee over the naive one, or NaN when either is unknown or only a bound. */
  double kneeMultiple() {
    if (switchboard.belowBottom() || naive.belowBottom() || switchboard.aboveTop() && naive.aboveTop()) {
      return Double.NaN;
    }
    return ratio(switchboard.median(), naive.median());
  }

  /** The knee multiple as the report states it, with "≥"/"≤" when a knee is only a bound. */
  String kneeMultipleText() {
    if (Double.isNaN(switchboard.median()) || Double.isNaN(naive.median())) {
      return "–";
    }
    if (naive.belowBottom() && !switchboard.belowBottom()) {
      return "> " + times(ratio(switchboard.median(), naive.lowestRate()));
    }
    if (switchboard.belowBottom() && !naive.belowBottom()) {
      return "< " + times(ratio(switchboard.lowestRate(), naive.median()));
    }
    double m = kneeMultiple();
    if (Double.isNaN(m)) {
      return "– (both " + (naive.aboveTop() ? "kept up with every step" : "fell behind at the first step") + ")";
    }
    return (switchboard.aboveTop() ? "≥ " : naive.aboveTop() ? "≤ " : "") + times(m);
  }

  static String times(double m) {
    return Double.isNaN(m) ? "–" : String.format("%.2f×", m);
  }

  /** a / b, or NaN when either is not a number or b is not positive. */
  static double ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b <= 0 ? Double.NaN : a / b;
  }

  private static double median(List<Step> steps, ToDoubleFunction<Bench.Measured> f) {
    return Stats.of(steps.stream().map(s -> f.applyAsDouble(s.measured())).toList()).median();
  }

  private static Map<Integer, List<Step>> byRate(List<Step> steps) {
    Map<Integer, List<Step>> out = new TreeMap<>();
    steps.forEach(s -> out.computeIfAbsent(s.rate(), k -> new ArrayList<>()).add(s));
    return out;
  }
}
