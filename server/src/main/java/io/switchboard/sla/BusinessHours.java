package io.switchboard.sla;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A business calendar: open periods per weekday (several per day for split shifts), holidays, and
 * the IANA zone they are read in. Periods are local wall-clock times, so a 09:00 start stays 09:00
 * across a DST change; a day shortened or lengthened by the change has as many business minutes as
 * its periods really span. Pure arithmetic, no I/O, no clock: SLA code asks it for "N business
 * minutes after t" and "business time between a and b".
 */
public final class BusinessHours {

  /** One open period of a day, in minutes since local midnight; end may be 1440 (24:00). */
  public record Period(int start, int end) {
  }

  /** Always open: what a policy without business hours uses. */
  public static final BusinessHours ALWAYS = alwaysOpen();

  /** Beyond this many days without an open minute, a calendar is treated as never opening. */
  private static final int MAX_DAYS = 3 * 366;

  private final ZoneId zone;
  private final Map<DayOfWeek, List<Period>> weekly;
  private final Set<LocalDate> holidays;

  public BusinessHours(ZoneId zone, Map<DayOfWeek, List<Period>> weekly, Set<LocalDate> holidays) {
    this.zone = zone;
    this.weekly = new EnumMap<>(DayOfWeek.class);
    weekly.forEach((day, periods) -> this.weekly.put(day, List.copyOf(periods)));
    this.holidays = Set.copyOf(holidays);
  }

  private static BusinessHours alwaysOpen() {
    Map<DayOfWeek, List<Period>> all = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek d : DayOfWeek.values()) {
      all.put(d, List.of(new Period(0, 1440)));
    }
    return new BusinessHours(ZoneId.of("UTC"), all, Set.of());
  }

  public ZoneId zone() {
    return zone;
  }

  /**
   * The instant at which {@code amount} of business time has passed since {@code start}. With a
   * zero amount: the first business instant at or after start. Null when the calendar never opens.
   */
  public Instant plus(Instant start, Duration amount) {
    long remaining = amount.getSeconds();
    LocalDate day = start.atZone(zone).toLocalDate();
    for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
      for (Instant[] open : openOn(day)) {
        Instant from = open[0].isAfter(start) ? open[0] : start;
        if (!from.isBefore(open[1])) {
          continue;
        }
        long available = Duration.between(from, open[1]).getSeconds();
        if (remaining <= available) {
          return from.plusSeconds(remaining);
        }
        remaining -= available;
      }
    }
    return null;
  }

  public Instant plusMinutes(Instant start, long minutes) {
    return plus(start, Duration.ofMinutes(minutes));
  }

  /** Business time between a and b (zero when b is not after a). */
  public Duration between(Instant a, Instant b) {
    if (!b.isAfter(a)) {
      return Duration.ZERO;
    }
    long seconds = 0;
    LocalDate last = b.atZone(zone).toLocalDate();
    for (LocalDate day = a.atZone(zone).toLocalDate(); !day.isAfter(last); day = day.plusDays(1)) {
      for (Instant[] open : openOn(day)) {
        Instant from = open[0].isAfter(a) ? open[0] : a;
        Instant to = open[1].isBefore(b) ? open[1] : b;
        if (to.isAfter(from)) {
          seconds += Duration.between(from, to).getSeconds();
        }
      }
    }
    return Duration.ofSeconds(seconds);
  }

  /** Whole business minutes between a and b. */
  public long minutesBetween(Instant a, Instant b) {
    return between(a, b).toMinutes();
  }

  public boolean isOpen(Instant t) {
    for (Instant[] open : openOn(t.atZone(zone).toLocalDate())) {
      if (!t.isBefore(open[0]) && t.isBefore(open[1])) {
        return true;
      }
    }
    return false;
  }

  /** The first business instant at or after t (t itself when open); null when never. */
  public Instant nextOpen(Instant t) {
    return plus(t, Duration.ZERO);
  }

  /** The day's open periods as instants, in order; none on a holiday. */
  private List<Instant[]> openOn(LocalDate day) {
    if (holidays.contains(day)) {
      return List.of();
    }
    List<Period> periods = weekly.getOrDefault(day.getDayOfWeek(), List.of());
    List<Instant[]> out = new ArrayList<>(periods.size());
    for (Period p : periods) {
      out.add(new Instant[] {at(day, p.start()), at(day, p.end())});
    }
    return out;
  }

  /**
   * A local time of a day as an instant. A time that a spring-forward gap skips moves forward by
   * the gap (02:30 becomes 03:30); one that a fall-back overlap repeats is its first occurrence.
   */
  private Instant at(LocalDate day, int minute) {
    if (minute >= 1440) {
      return ZonedDateTime.of(day.plusDays(1), LocalTime.MIDNIGHT, zone).toInstant();
    }
    return ZonedDateTime.of(day, LocalTime.of(minute / 60, minute % 60), zone).toInstant();
  }
}
