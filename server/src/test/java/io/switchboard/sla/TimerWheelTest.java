package io.switchboard.sla;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.sla.SlaPolicy.Metric;
import io.switchboard.sla.TimerWheel.Fire;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimerWheelTest {

  static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void firesInTheTickAtOrAfterItsSecondNeverBefore() {
    TimerWheel wheel = new TimerWheel();
    Instant due = T.plusMillis(400);
    wheel.arm("acc", "cv1", Metric.FIRST_RESPONSE, 1, due, due);
    assertThat(wheel.takeDue(T)).isEmpty();
    assertThat(wheel.takeDue(T.plusMillis(999))).isEmpty();
    List<Fire> fired = wheel.takeDue(T.plusSeconds(1));
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).due()).isEqualTo(due);
    assertThat(fired.get(0).metric()).isEqualTo(Metric.FIRST_RESPONSE);
    assertThat(fired.get(0).kind()).isEqualTo(1);
    assertThat(wheel.takeDue(T.plusSeconds(5))).isEmpty();
  }

  @Test
  void aJumpOfDaysFiresEverythingDueInOrderOnce() {
    TimerWheel wheel = new TimerWheel();
    wheel.arm("acc", "late", Metric.RESOLUTION, 2, T.plus(Duration.ofHours(30)), T.plus(Duration.ofHours(29)));
    wheel.arm("acc", "early", Metric.NEXT_RESPONSE, 0, T.plusSeconds(10), T.plusSeconds(70));
    wheel.arm("acc", "never", Metric.RESOLUTION, 1, T.plus(Duration.ofDays(9)), T.plus(Duration.ofDays(9)));
    List<Fire> fired = wheel.takeDue(T.plus(Duration.ofDays(3)));
    assertThat(fired).extracting(Fire::conversationId).containsExactly("early", "late");
    assertThat(fired.get(1).kind()).isEqualTo(2);
    assertThat(wheel.size()).isEqualTo(1);
  }

  @Test
  void aTimerArmedForAPassedSecondFiresAtTheNextTickEvenIfTheClockStandsStill() {
    TimerWheel wheel = new TimerWheel();
    assertThat(wheel.takeDue(T)).isEmpty();
    wheel.arm("acc", "overdue", Metric.FIRST_RESPONSE, 1, T.minusSeconds(600), T.minusSeconds(600));
    assertThat(wheel.takeDue(T)).extracting(Fire::conversationId).containsExactly("overdue");
  }

  @Test
  void theClockMovingBackKeepsEveryTimer() {
    TimerWheel wheel = new TimerWheel();
    assertThat(wheel.takeDue(T.plus(Duration.ofDays(30)))).isEmpty();
    // Back by a month (a test's clock), then timers armed around the earlier time.
    wheel.arm("acc", "soon", Metric.FIRST_RESPONSE, 1, T.plusSeconds(30), T.plusSeconds(30));
    wheel.arm("acc", "later", Metric.RESOLUTION, 1, T.plus(Duration.ofHours(2)), T.plus(Duration.ofHours(2)));
    assertThat(wheel.takeDue(T)).isEmpty();
    assertThat(wheel.takeDue(T.plusSeconds(31))).extracting(Fire::conversationId).containsExactly("soon");
    assertThat(wheel.takeDue(T.plus(Duration.ofHours(1)))).isEmpty();
    assertThat(wheel.takeDue(T.plus(Duration.ofHours(2)))).extracting(Fire::conversationId).containsExactly("later");
    assertThat(wheel.size()).isZero();
  }

  @Test
  void aTimerMoreThanATurnAheadWaitsForItsTurn() {
    TimerWheel wheel = new TimerWheel();
    assertThat(wheel.takeDue(T)).isEmpty();
    wheel.arm("acc", "far", Metric.RESOLUTION, 1, T.plus(Duration.ofDays(3)), T.plus(Duration.ofDays(3)));
    for (int h = 1; h < 72; h++) {
      assertThat(wheel.takeDue(T.plus(Duration.ofHours(h)))).isEmpty();
    }
    assertThat(wheel.takeDue(T.plus(Duration.ofDays(3)))).extracting(Fire::conversationId).containsExactly("far");
  }

  @Test
  void holdsAHundredThousandConversationsOfThreeMetrics() {
    TimerWheel wheel = new TimerWheel();
    for (int i = 0; i < 100_000; i++) {
      for (Metric m : Metric.values()) {
        Instant due = T.plusSeconds(60 + (i * 7L + m.ordinal() * 3600L) % 86_400);
        wheel.arm("acc", "cv" + i, m, 1, due, due);
      }
    }
    assertThat(wheel.size()).isEqualTo(300_000);
    assertThat(wheel.takeDue(T.plus(Duration.ofDays(2)))).hasSize(300_000);
    assertThat(wheel.size()).isZero();
  }
}
