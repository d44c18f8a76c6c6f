package io.switchboard.sla;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one clock SLA code reads (due times, timers, receipt times of ingest, surveys). It is the
 * system clock shifted by an offset that is zero in production; tests move it forward to replay
 * days of business hours in milliseconds.
 */
public final class SlaClock extends Clock {

  private final Clock base;
  private volatile Duration offset = Duration.ZERO;
  /** Set by tests: time stands still here until moved. */
  private volatile Instant frozen;

  public SlaClock(Clock base) {
    this.base = base;
  }

  public static SlaClock system() {
    return new SlaClock(Clock.systemUTC());
  }

  /** Moves time forward (tests): timers that come due fire on the next tick. */
  public void advance(Duration by) {
    Instant f = frozen;
    if (f != null) {
      frozen = f.plus(by);
    } else {
      offset = offset.plus(by);
    }
  }

  /** Stops time at the given instant (tests): due times come out exact. */
  public void set(Instant now) {
    frozen = now;
  }

  @Override
  public Instant instant() {
    Instant f = frozen;
    return f != null ? f : base.instant().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
