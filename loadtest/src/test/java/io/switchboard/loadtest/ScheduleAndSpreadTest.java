package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ScheduleAndSpreadTest {

  @Test
  @DisplayName("a Poisson schedule offers the asked rate with exponential gaps")
  void poissonRateAndGaps() {
    PoissonSchedule schedule = new PoissonSchedule(1000, 42);
    int n = 200_000;
    long previous = 0;
    double sum = 0;
    double sumSquares = 0;
    for (int i = 0; i < n; i++) {
      long t = schedule.next();
      assertThat(t).isGreaterThanOrEqualTo(previous);
      double gap = t - previous;
      sum += gap;
      sumSquares += gap * gap;
      previous = t;
    }
    double mean = sum / n;
    double sd = Math.sqrt(sumSquares / n - mean * mean);
    assertThat(n / (previous / 1e9)).isCloseTo(1000, within(10.0));
    // Exponential gaps: the standard deviation equals the mean (a fixed-rate ticker would have ~0).
    assertThat(sd / mean).isCloseTo(1.0, within(0.02));
  }

  @Test
  @DisplayName("the same seed gives the same schedule, so repeats are comparable")
  void poissonIsReproducible() {
    PoissonSchedule a = new PoissonSchedule(500, 7);
    PoissonSchedule b = new PoissonSchedule(500, 7);
    for (int i = 0; i < 1000; i++) {
      assertThat(a.next()).isEqualTo(b.next());
    }
  }

  @Test
  @DisplayName("Zipf customers: the first rank writes most, about twice as often as the second")
  void zipfSpread() {
    Zipf zipf = new Zipf(1000, 1.0, 3);
    int[] counts = new int[1000];
    for (int i = 0; i < 300_000; i++) {
      counts[zipf.next()]++;
    }
    assertThat(counts[0]).isGreaterThan(counts[1]).isGreaterThan(counts[10]);
    assertThat(counts[0] / (double) counts[1]).isCloseTo(2.0, within(0.1));
    assertThat(counts[999]).isGreaterThan(0);
  }

  @Test
  @DisplayName("median and spread over repeats")
  void stats() {
    Stats s = Stats.of(java.util.List.of(3.0, 1.0, 2.0));
    assertThat(s.median()).isEqualTo(2.0);
    assertThat(s.show()).isEqualTo("2.0 (1.0–3.0)");
    assertThat(Stats.of(java.util.List.of(1.0, 4.0)).median()).isEqualTo(2.5);
    assertThat(Stats.of(java.util.List.of()).show()).isEqualTo("–");
  }
}
