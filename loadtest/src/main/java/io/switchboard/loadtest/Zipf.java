package io.switchboard.loadtest;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks customers with a Zipf spread: a few customers write a lot, most write once or twice, as in
 * a real support queue. Rank k (1-based) has weight 1/k^s.
 */
final class Zipf {

  private final double[] cumulative;
  private final SplittableRandom random;

  Zipf(int size, double exponent, long seed) {
    cumulative = new double[size];
    double sum = 0;
    for (int k = 1; k <= size; k++) {
      sum += 1.0 / Math.pow(k, exponent);
      cumulative[k - 1] = sum;
    }
    for (int i = 0; i < size; i++) {
      cumulative[i] /= sum;
    }
    random = new SplittableRandom(seed);
  }

  /** A rank in [0, size): 0 is the most frequent customer. */
  int next() {
    int i = Arrays.binarySearch(cumulative, random.nextDouble());
    int rank = i >= 0 ? i : -i - 1;
    return Math.min(rank, cumulative.length - 1);
  }
}
