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

  public SlaClock(Clock base) {
    this.base = base;
  }

  public static SlaClock system() {
    return new SlaClock(Clock.systemUTC());
  }

  /** Moves time forward (tests): timers that come due fire on the next tick. */
  public void advance(Duration by) {
    offset = offset.plus(by);
  }

  /** Sets "now" to the given instant (tests). */
  public void set(Instant now) {
    offset = Duration.between(base.instant(), now);
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset);
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
