package io.switchboard.loadtest;

import java.util.SplittableRandom;

/**
 * Open-loop arrival times: a Poisson process of the given rate, so gaps are exponential. The
 * schedule never looks at responses; a stalled server therefore shows as latency measured from
 * each message's intended send time instead of silently lowering the offered rate (no coordinated
 * omission).
 */
final class PoissonSchedule {

  private final double meanGapNanos;
  private final SplittableRandom random;
  private double next;

  PoissonSchedule(double perSecond, long seed) {
    if (perSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive");
    }
    this.meanGapNanos = 1e9 / perSecond;
    this.random = new SplittableRandom(seed);
  }

  /** The next intended send time, in nanoseconds after the start of the schedule. */
  long next() {
    // Inverse transform: -ln(U) is exponential with mean 1; 1 - U keeps the argument in (0, 1].
    next += -Math.log(1.0 - random.nextDouble()) * meanGapNanos;
    return (long) next;
  }
}
