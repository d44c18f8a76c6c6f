package io.switchboard.loadtest;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency measured many times from many threads (microseconds, HdrHistogram): the whole run's
 * histogram plus one point per second for the latency-over-time chart.
 */
final class LatencyTrack {

  /** Anything slower than an hour is an hour: the run never lasts longer. */
  private static final long HIGHEST_MICROS = 3_600_000_000L;

  /** One second of samples. */
  record Point(double secondsFromStart, long count, double p50Millis, double p99Millis, double maxMillis) {
  }

  final String name;
  private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
  private final Histogram total = new Histogram(HIGHEST_MICROS, 3);
  private final List<Point> timeline = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private Histogram interval;

  LatencyTrack(String name) {
    this.name = name;
  }

  void recordNanos(long nanos) {
    recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000)));
  }

  /** Closes the current second: called once a second by the run's clock, and once at the end. */
  synchronized void tick() {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    if (interval.getTotalCount() > 0) {
      timeline.add(new Point((System.nanoTime() - startNanos) / 1e9, interval.getTotalCount(),
          millis(interval.getValueAtPercentile(50)), millis(interval.getValueAtPercentile(99)),
          millis(interval.getMaxValue())));
    }
  }

  synchronized Summary summary() {
    tick();
    return Summary.of(total);
  }

  synchronized List<Point> timeline() {
    return List.copyOf(timeline);
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }

  /** The percentiles the report shows, in milliseconds. */
  record Summary(long count, double p50, double p90, double p99, double p999, double max) {

    static Summary of(Histogram h) {
      if (h.getTotalCount() == 0) {
        return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      return new Summary(h.getTotalCount(), millis(h.getValueAtPercentile(50)), millis(h.getValueAtPercentile(90)),
          millis(h.getValueAtPercentile(99)), millis(h.getValueAtPercentile(99.9)), millis(h.getMaxValue()));
    }
  }
}
