package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.loadtest.IngestRamp.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MultipleTest {

  /** A step every message of which was acknowledged, with these delivery percentiles (ms). */
  private static Step step(int repeat, int rate, double p50, double p99) {
    var sent = new OpenLoopSender.Outcome(rate, 10, rate * 10, rate * 10, 0, 0, Map.of());
    var ack = new LatencyTrack.Summary(rate * 10, 1, 2, 5, 5, 5);
    var delivery = new LatencyTrack.Summary(rate * 10, p50, p50, p99, p99, p99);
    return new Step(repeat, rate, new Bench.Measured("x", sent, ack, delivery, new Recipient.Tally(0, 0, 0, 0), 0,
        null, List.of(), CpuMeter.Usage.UNKNOWN));
  }

  private static Step behind(int repeat, int rate) {
    return step(repeat, rate, 5000, 30_000);
  }

  @Test
  @DisplayName("the knee multiple is Switchboard's median knee over the naive one's")
  void kneeMultiple() {
    List<Step> switchboard = List.of(
        step(1, 100, 2, 4), step(1, 250, 3, 6), step(1, 500, 4, 9), behind(1, 1000),
        step(2, 100, 2, 4), step(2, 250, 3, 6), behind(2, 500),
        step(3, 100, 2, 4), step(3, 250, 3, 6), step(3, 500, 4, 9), behind(3, 1000));
    List<Step> naive = List.of(step(1, 100, 8, 20), behind(1, 250));
    Multiple m = Multiple.of(switchboard, naive);
    assertThat(m.switchboard().median()).isEqualTo(500);
    assertThat(m.naive().median()).isEqualTo(100);
    assertThat(m.kneeMultiple()).isEqualTo(5.0);
    assertThat(m.kneeMultipleText()).isEqualTo("5.00×");
  }

  @Test
  @DisplayName("delivery multiples are taken at the rates both were offered, from medians over repeats")
  void deliveryMultiples() {
    List<Step> switchboard = List.of(step(1, 100, 2, 4), step(2, 100, 4, 8), step(3, 100, 3, 6), step(1, 250, 5, 10));
    List<Step> naive = List.of(step(1, 100, 6, 24), step(1, 50, 1, 1));
    Multiple m = Multiple.of(switchboard, naive);
    assertThat(m.rates()).hasSize(1);
    Multiple.AtRate at = m.rates().get(0);
    assertThat(at.rate()).isEqualTo(100);
    assertThat(at.switchboardP50()).isEqualTo(3);
    assertThat(at.p50Multiple()).isEqualTo(0.5);
    assertThat(at.p99Multiple()).isEqualTo(0.25);
  }

  @Test
  @DisplayName("a knee that is only a bound makes the multiple a bound too")
  void bounds() {
    List<Step> allKept = List.of(step(1, 100, 1, 2), step(1, 250, 1, 2));
    List<Step> kneeAt100 = List.of(step(1, 100, 1, 2), behind(1, 250));
    List<Step> noneKept = List.of(behind(1, 100));
    assertThat(Multiple.of(allKept, kneeAt100).kneeMultipleText()).isEqualTo("≥ 2.50×");
    assertThat(Multiple.of(kneeAt100, allKept).kneeMultipleText()).isEqualTo("≤ 0.40×");
    assertThat(Multiple.of(kneeAt100, noneKept).kneeMultipleText()).isEqualTo("> 1.00×");
    assertThat(Multiple.of(noneKept, kneeAt100).kneeMultipleText()).isEqualTo("< 1.00×");
    assertThat(Multiple.of(allKept, allKept).kneeMultiple()).isNaN();
    assertThat(Multiple.of(allKept, allKept).kneeMultipleText()).startsWith("– (both kept up");
    assertThat(Multiple.of(allKept, List.of()).kneeMultipleText()).isEqualTo("–");
    assertThat(Multiple.Knee.of(noneKept).show()).isEqualTo("< 100");
    assertThat(Multiple.Knee.of(allKept).show()).isEqualTo("≥ 250");
  }

  @Test
  @DisplayName("a ratio over nothing is not a number")
  void ratio() {
    assertThat(Multiple.ratio(10, 4)).isEqualTo(2.5);
    assertThat(Multiple.ratio(10, 0)).isNaN();
    assertThat(Multiple.ratio(Double.NaN, 3)).isNaN();
    assertThat(Multiple.times(Double.NaN)).isEqualTo("–");
  }
}
