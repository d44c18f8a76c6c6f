package io.switchboard.sla;

import io.switchboard.db.Sql;
import io.switchboard.http.Json;
import io.switchboard.sla.SlaPolicy.Escalation;
import io.switchboard.sla.SlaPolicy.Match;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Policies and calendars: the SQL that stores them, scoped by account. */
public final class SlaRepository {

  static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

  private static final String POLICIES = """
      SELECT id, name, position, match_priority, match_channel, first_response_minutes, next_response_minutes,
             resolution_minutes, business_hours_id, warn_before_minutes, escalation, updated_at
      FROM sla_policy WHERE account_id = $1 ORDER BY position, id""";

  private static final String CALENDARS = """
      SELECT id, name, timezone, weekly, holidays FROM business_hours WHERE account_id = $1 ORDER BY id""";

  private static final String UPSERT_POLICY = """
      INSERT INTO sla_policy (account_id, id, name, position, match_priority, match_channel, first_response_minutes,
                              next_response_minutes, resolution_minutes, business_hours_id, warn_before_minutes,
                              escalation, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, clock_timestamp())
      ON CONFLICT (account_id, id) DO UPDATE SET name = excluded.name, position = excluded.position,
        match_priority = excluded.match_priority, match_channel = excluded.match_channel,
        first_response_minutes = excluded.first_response_minutes,
        next_response_minutes = excluded.next_response_minutes, resolution_minutes = excluded.resolution_minutes,
        business_hours_id = excluded.business_hours_id, warn_before_minutes = excluded.warn_before_minutes,
        escalation = excluded.escalation, updated_at = excluded.updated_at""";

  private static final String DELETE_POLICY = "DELETE FROM sla_policy WHERE account_id = $1 AND id = $2";

  private static final String UPSERT_CALENDAR = """
      INSERT INTO business_hours (account_id, id, name, timezone, weekly, holidays, updated_at)
      VALUES ($1, $2, $3, $4, $5::jsonb, $6::date[], clock_timestamp())
      ON CONFLICT (account_id, id) DO UPDATE SET name = excluded.name, timezone = excluded.timezone,
        weekly = excluded.weekly, holidays = excluded.holidays, updated_at = excluded.updated_at""";

  private static final String CALENDAR_USED = """
      SELECT 1 FROM sla_policy WHERE account_id = $1 AND business_hours_id = $2 LIMIT 1""";

  private static final String DELETE_CALENDAR = "DELETE FROM business_hours WHERE account_id = $1 AND id = $2";

  private static final String CALENDAR_EXISTS = "SELECT 1 FROM business_hours WHERE account_id = $1 AND id = $2";

  private static final String MARK_STALE = """
      UPDATE conversation SET sla_stale = true, sla_stale_cause = $3
      WHERE account_id = $1 AND status IN ('open', 'pending', 'snoozed') AND merged_into IS NULL
        AND ($2::text IS NULL OR sla_policy_id IN (
          SELECT id FROM sla_policy WHERE account_id = $1 AND business_hours_id = $2))""";

  public Future<List<SlaPolicy>> policies(SqlClient db, String accountId) {
    return db.preparedQuery(POLICIES).execute(Tuple.of(accountId)).map(rows -> {
      List<SlaPolicy> out = new ArrayList<>();
      rows.forEach(r -> out.add(policy(r)));
      return out;
    });
  }

  public Future<List<Calendar>> calendars(SqlClient db, String accountId) {
    return db.preparedQuery(CALENDARS).execute(Tuple.of(accountId)).map(rows -> {
      List<Calendar> out = new ArrayList<>();
      rows.forEach(r -> out.add(calendar(r)));
      return out;
    });
  }

  /** Everything the cache keeps for an account. */
  public Future<AccountSla> load(SqlClient db, String accountId) {
    return policies(db, accountId).compose(policies -> calendars(db, accountId).map(calendars -> {
      Map<String, BusinessHours> byId = new HashMap<>();
      calendars.forEach(c -> byId.put(c.id(), hours(c)));
      return new AccountSla(List.copyOf(policies), Map.copyOf(byId));
    }));
  }

  public Future<Void> upsert(SqlClient db, String accountId, SlaPolicy p) {
    Tuple t = Tuple.of(accountId, p.id(), p.name(), p.position())
        .addArrayOfString(p.match().priority().toArray(String[]::new))
        .addArrayOfString(p.match().channel().toArray(String[]::new))
        .addInteger(p.firstResponseMinutes()).addInteger(p.nextResponseMinutes()).addInteger(p.resolutionMinutes())
        .addString(p.businessHoursId()).addInteger(p.warnBeforeMinutes())
        .addString(Json.write(p.escalation()));
    return db.preparedQuery(UPSERT_POLICY).execute(t).mapEmpty();
  }

  /**
   * In an edit's own transaction: marks the live conversations the edit can affect stale (all of
   * the account's for a policy, since a new or changed one may match any; those under the policies
   * that use the calendar for business hours), for the sweep to recompute (see SlaRecompute).
   */
  public Future<Integer> markStale(SqlClient tx, String accountId, String calendarId, String cause) {
    return tx.preparedQuery(MARK_STALE).execute(Tuple.of(accountId, calendarId, cause)).map(rows -> rows.rowCount());
  }

  public Future<Boolean> deletePolicy(SqlClient db, String accountId, String id) {
    return db.preparedQuery(DELETE_POLICY).execute(Tuple.of(accountId, id)).map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> upsert(SqlClient db, String accountId, Calendar c) {
    Tuple t = Tuple.of(accountId, c.id(), c.name(), c.timezone(), Json.write(c.weekly()))
        .addArrayOfLocalDate(c.holidays().stream().map(LocalDate::parse).toArray(LocalDate[]::new));
    return db.preparedQuery(UPSERT_CALENDAR).execute(t).mapEmpty();
  }

  public Future<Boolean> calendarExists(SqlClient db, String accountId, String id) {
    return db.preparedQuery(CALENDAR_EXISTS).execute(Tuple.of(accountId, id)).map(rows -> rows.size() == 1);
  }

  public Future<Boolean> calendarUsed(SqlClient db, String accountId, String id) {
    return db.preparedQuery(CALENDAR_USED).execute(Tuple.of(accountId, id)).map(rows -> rows.size() == 1);
  }

  public Future<Boolean> deleteCalendar(SqlClient db, String accountId, String id) {
    return db.preparedQuery(DELETE_CALENDAR).execute(Tuple.of(accountId, id)).map(rows -> rows.rowCount() == 1);
  }

  private static SlaPolicy policy(Row r) {
    List<Escalation> steps = new ArrayList<>();
    Object raw = r.getValue("escalation");
    JsonArray arr = raw instanceof JsonArray a ? a : new JsonArray(String.valueOf(raw));
    for (int i = 0; i < arr.size(); i++) {
      JsonObject s = arr.getJsonObject(i);
      steps.add(new Escalation(s.getInteger("afterBreachMinutes", 0), s.getString("action"), s.getString("teamId")));
    }
    return new SlaPolicy(r.getString("id"), r.getString("name"), r.getInteger("position"),
        new Match(Arrays.asList(r.getArrayOfStrings("match_priority")),
            Arrays.asList(r.getArrayOfStrings("match_channel"))),
        r.getInteger("first_response_minutes"), r.getInteger("next_response_minutes"),
        r.getInteger("resolution_minutes"), r.getString("business_hours_id"), r.getInteger("warn_before_minutes"),
        List.copyOf(steps), Sql.instant(r.getOffsetDateTime("updated_at")));
  }

  @SuppressWarnings("unchecked")
  private static Calendar calendar(Row r) {
    Object raw = r.getValue("weekly");
    JsonObject weekly = raw instanceof JsonObject o ? o : new JsonObject(String.valueOf(raw));
    Map<String, List<List<String>>> days = new LinkedHashMap<>();
    for (String day : DAYS) {
      JsonArray periods = weekly.getJsonArray(day);
      if (periods != null) {
        List<List<String>> list = new ArrayList<>();
        for (int i = 0; i < periods.size(); i++) {
          list.add((List<String>) (List<?>) periods.getJsonArray(i).getList());
        }
        days.put(day, list);
      }
    }
    LocalDate[] holidays = r.getArrayOfLocalDates("holidays");
    return new Calendar(r.getString("id"), r.getString("name"), r.getString("timezone"), days,
        holidays == null ? List.of() : Arrays.stream(holidays).map(LocalDate::toString).toList());
  }

  /** A stored (so valid) calendar as arithmetic. */
  static BusinessHours hours(Calendar c) {
    Map<DayOfWeek, List<BusinessHours.Period>> weekly = new EnumMap<>(DayOfWeek.class);
    c.weekly().forEach((day, periods) -> weekly.put(DayOfWeek.of(DAYS.indexOf(day) + 1),
        periods.stream().map(p -> new BusinessHours.Period(minute(p.get(0)), minute(p.get(1)))).toList()));
    Set<LocalDate> holidays = new HashSet<>();
    c.holidays().forEach(h -> holidays.add(LocalDate.parse(h)));
    return new BusinessHours(ZoneId.of(c.timezone()), weekly, holidays);
  }

  /** "HH:MM" (00:00 to 24:00) as minutes since midnight, or -1 when malformed. */
  static int minute(String hhmm) {
    if (hhmm == null || !hhmm.matches("\\d{2}:\\d{2}")) {
      return -1;
    }
    int h = Integer.parseInt(hhmm.substring(0, 2));
    int m = Integer.parseInt(hhmm.substring(3));
    if (h > 24 || m > 59 || h == 24 && m != 0) {
      return -1;
    }
    return h * 60 + m;
  }
}
