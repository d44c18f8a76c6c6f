package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.loadtest.IngestRamp.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KneeTest {

  private static Step step(int repeat, int rate, int acknowledged, double ackP99, double deliveryP99) {
    var sent = new OpenLoopSender.Outcome(rate, 10, rate * 10, acknowledged, rate * 10 - acknowledged, 0, Map.of());
    var ack = new LatencyTrack.Summary(acknowledged, 1, 2, ackP99, ackP99, ackP99);
    var delivery = new LatencyTrack.Summary(acknowledged, 1, 2, deliveryP99, deliveryP99, deliveryP99);
    return new Step(repeat, rate, new Bench.Measured("x", sent, ack, delivery, new Recipient.Tally(0, 0, 0, 0), 0, null,
        List.of(), CpuMeter.Usage.UNKNOWN));
  }

  @Test
  @DisplayName("the knee is the highest step kept up with before the first that was not")
  void kneeBeforeFirstFailure() {
    List<Step> steps = List.of(
        step(1, 250, 2500, 5, 8),
        step(1, 500, 5000, 9, 12),
        step(1, 1000, 9000, 30_000, 30_000),    // fell behind: answers lost or late
        step(2, 250, 2500, 5, 8),
        step(2, 500, 5000, 2000, 9));           // ack p99 above a second
    assertThat(IngestRamp.knee(steps, 1)).isEqualTo(500);
    assertThat(IngestRamp.knee(steps, 2)).isEqualTo(250);
    assertThat(IngestRamp.knee(steps, 3)).isZero();
  }

  @Test
  @DisplayName("a step with a slow delivery tail is not kept up with, even if every message was acknowledged")
  void slowDeliveryIsNotKeptUp() {
    assertThat(step(1, 100, 1000, 5, 1500).keptUp()).isFalse();
    assertThat(step(1, 100, 1000, 5, 50).keptUp()).isTrue();
    assertThat(step(1, 100, 980, 5, 50).keptUp()).isFalse();
  }
}
