package io.switchboard.sla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.sla.BusinessHours.Period;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Business-hours arithmetic against cases worked out by hand. Warsaw is UTC+1 in winter (CET) and
 * UTC+2 in summer (CEST); 2026's changes are Sunday 29 March (02:00 -> 03:00) and Sunday 25
 * October (03:00 -> 02:00).
 */
class BusinessHoursTest {

  private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");

  /** Mon-Fri 09:00-13:00 and 14:00-18:00 (a split shift), Christmas Day off. */
  private static BusinessHours office(Map<DayOfWeek, List<Period>> extra) {
    Map<DayOfWeek, List<Period>> weekly = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek d : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
        DayOfWeek.FRIDAY)) {
      weekly.put(d, List.of(new Period(9 * 60, 13 * 60), new Period(14 * 60, 18 * 60)));
    }
    weekly.putAll(extra);
    return new BusinessHours(WARSAW, weekly, Set.of(LocalDate.parse("2026-12-25")));
  }

  private static final BusinessHours OFFICE = office(Map.of());

  private static Instant t(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void addsWithinOnePeriod() {
    // Mon 30 Nov 10:00 local (09:00Z) + 60 min = 11:00 local.
    assertEquals(t("2026-11-30T10:00:00Z"), OFFICE.plusMinutes(t("2026-11-30T09:00:00Z"), 60));
  }

  @Test
  void skipsTheLunchBreakOfASplitShift() {
    // Mon 12:30 local + 60: 30 min to 13:00, then 14:00 + 30 = 14:30 local (13:30Z).
    assertEquals(t("2026-11-30T13:30:00Z"), OFFICE.plusMinutes(t("2026-11-30T11:30:00Z"), 60));
    // Exactly at the end of the morning: 13:00 is the answer, not 14:00.
    assertEquals(t("2026-11-30T12:00:00Z"), OFFICE.plusMinutes(t("2026-11-30T11:30:00Z"), 30));
  }

  @Test
  void skipsTheWeekend() {
    // Fri 4 Dec 17:30 local + 60: 30 min on Friday, then Mon 7 Dec 09:00 + 30 = 09:30 local (08:30Z).
    assertEquals(t("2026-12-07T08:30:00Z"), OFFICE.plusMinutes(t("2026-12-04T16:30:00Z"), 60));
  }

  @Test
  void skipsHolidays() {
    // Thu 24 Dec 17:00 local + 120: 60 min on Thursday, Friday 25 is a holiday, the weekend is
    // closed, Mon 28 Dec 09:00 + 60 = 10:00 local (09:00Z).
    assertEquals(t("2026-12-28T09:00:00Z"), OFFICE.plusMinutes(t("2026-12-24T16:00:00Z"), 120));
  }

  @Test
  void zeroMinutesIsTheNextOpening() {
    // Saturday noon: the next business instant is Monday 09:00 local (08:00Z).
    assertEquals(t("2026-12-07T08:00:00Z"), OFFICE.plusMinutes(t("2026-12-05T11:00:00Z"), 0));
    assertEquals(t("2026-12-07T08:00:00Z"), OFFICE.nextOpen(t("2026-12-05T11:00:00Z")));
    assertFalse(OFFICE.isOpen(t("2026-12-05T11:00:00Z")));
    assertTrue(OFFICE.isOpen(t("2026-12-07T08:00:00Z")));
    assertFalse(OFFICE.isOpen(t("2026-11-30T12:30:00Z")), "13:30 local is the lunch break");
  }

  @Test
  void openingStaysAtNineAcrossTheSpringChange() {
    // Fri 27 Mar 17:00 CET (16:00Z) + 120: 60 min on Friday, then Monday 30 Mar 09:00 CEST is
    // 07:00Z (not 08:00Z), + 60 = 08:00Z.
    assertEquals(t("2026-03-30T08:00:00Z"), OFFICE.plusMinutes(t("2026-03-27T16:00:00Z"), 120));
    assertEquals(120, OFFICE.minutesBetween(t("2026-03-27T16:00:00Z"), t("2026-03-30T08:00:00Z")));
  }

  @Test
  void aPeriodAcrossTheSpringGapIsAnHourShorter() {
    // Sunday 29 Mar 01:00-05:00 local spans 00:00Z to 03:00Z: three hours, not four.
    BusinessHours withSunday = office(Map.of(DayOfWeek.SUNDAY, List.of(new Period(60, 300))));
    assertEquals(180, withSunday.minutesBetween(t("2026-03-29T00:00:00Z"), t("2026-03-29T03:00:00Z")));
    assertEquals(180, withSunday.minutesBetween(t("2026-03-28T00:00:00Z"), t("2026-03-29T12:00:00Z")));
    // + 200 min: 180 on Sunday, the other 20 from Monday 09:00 CEST (07:00Z).
    assertEquals(t("2026-03-30T07:20:00Z"), withSunday.plusMinutes(t("2026-03-29T00:00:00Z"), 200));
  }

  @Test
  void theAutumnDayHasTwentyFiveHours() {
    // Sunday 25 Oct 00:00 CEST (24 Oct 22:00Z) to Monday 00:00 CET (25 Oct 23:00Z): 25 hours.
    BusinessHours allSunday = office(Map.of(DayOfWeek.SUNDAY, List.of(new Period(0, 1440))));
    assertEquals(1500, allSunday.minutesBetween(t("2026-10-24T22:00:00Z"), t("2026-10-25T23:00:00Z")));
    // 24 business hours after Sunday's start is 23:00 CET on Sunday (22:00Z), not midnight.
    assertEquals(t("2026-10-25T22:00:00Z"), allSunday.plusMinutes(t("2026-10-24T22:00:00Z"), 24 * 60));
  }

  @Test
  void betweenCountsOnlyOpenTime() {
    // Mon 12:00 to 15:00 local: 12-13 and 14-15 = 120 min.
    assertEquals(120, OFFICE.minutesBetween(t("2026-11-30T11:00:00Z"), t("2026-11-30T14:00:00Z")));
    // Fri 17:00 to Mon 10:00 local: 60 + 60.
    assertEquals(120, OFFICE.minutesBetween(t("2026-12-04T16:00:00Z"), t("2026-12-07T09:00:00Z")));
    // Around Christmas: Thu 24 Dec 09:00 to Mon 28 Dec 09:00 local is one business day (480 min).
    assertEquals(480, OFFICE.minutesBetween(t("2026-12-24T08:00:00Z"), t("2026-12-28T08:00:00Z")));
    assertEquals(0, OFFICE.minutesBetween(t("2026-12-05T08:00:00Z"), t("2026-12-06T20:00:00Z")));
    assertEquals(0, OFFICE.minutesBetween(t("2026-11-30T14:00:00Z"), t("2026-11-30T11:00:00Z")));
  }

  @Test
  void plusAndBetweenAgreeOverAWeek() {
    Instant start = t("2026-11-30T06:17:00Z");
    for (int minutes = 0; minutes < 5 * 480; minutes += 37) {
      Instant due = OFFICE.plusMinutes(start, minutes);
      assertEquals(minutes, OFFICE.minutesBetween(start, due), "after " + minutes);
    }
  }

  @Test
  void alwaysOpenIsWallClockTime() {
    assertEquals(t("2026-12-05T13:00:00Z"), BusinessHours.ALWAYS.plusMinutes(t("2026-12-05T11:00:00Z"), 120));
  }

  @Test
  void aCalendarThatNeverOpensHasNoDueTime() {
    BusinessHours never = new BusinessHours(WARSAW, Map.of(), Set.of());
    assertNull(never.plusMinutes(t("2026-12-05T11:00:00Z"), 10));
  }
}
