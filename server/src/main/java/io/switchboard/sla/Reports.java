package io.switchboard.sla;

import io.switchboard.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The historical summary: per group (channel, agent, team or day) the conversations opened, first
 * response and resolution times (p50/p90, wall-clock minutes), SLA attainment per metric (from
 * the met/missed audit rows), breaches, CSAT score (share of 4-5) and response rate. Five
 * aggregate queries on indexed ranges, run at once; groups are merged in memory.
 */
public final class Reports {

  public static final List<String> GROUPS = List.of("channel", "agent", "team", "day");

  /** One row of the report. */
  public record ReportRow(String key, String label, long conversations, long resolved, Double firstResponseP50Minutes,
      Double firstResponseP90Minutes, Double resolutionP50Minutes, Double resolutionP90Minutes,
      Map<String, Double> attainment, long breaches, Double csatScore, Double csatResponseRate, long surveysSent,
      long ratings) {
  }

  public record Summary(Instant from, Instant to, String groupBy, List<ReportRow> rows) {
  }

  /** One channel's day, hour by hour (local hours 0-23 of the account's time zone). */
  public record ChannelDay(String channel, long[] conversations, Double[] attainment, long[] met, long[] missed,
      long[] breaches) {
  }

  public record Intraday(String date, String timezone, List<ChannelDay> channels) {
  }

  /**
   * A local day of the account, per channel (the conversation's first channel kind) and hour: new
   * conversations, targets met and missed (all metrics), breaches. $2 is the date, or null for
   * today by $3 (the SLA clock). An hour of a DST change's 25-hour day counts both of its instances.
   */
  private static final String INTRADAY = """
      WITH d AS (
        SELECT timezone, coalesce($2::date, ($3::timestamptz AT TIME ZONE timezone)::date) AS day
        FROM account WHERE id = $1),
      b AS (
        SELECT timezone, day, day::timestamp AT TIME ZONE timezone AS t0, (day + 1)::timestamp AT TIME ZONE timezone AS t1
        FROM d),
      vol AS (
        SELECT coalesce(c.channels[1], 'none') AS ch, extract(hour FROM c.created_at AT TIME ZONE b.timezone)::int AS h,
               count(*) AS n, 0::bigint AS met, 0::bigint AS missed, 0::bigint AS breaches
        FROM conversation c, b
        WHERE c.account_id = $1 AND c.created_at >= b.t0 AND c.created_at < b.t1 AND c.merged_into IS NULL
        GROUP BY 1, 2),
      att AS (
        SELECT coalesce(c.channels[1], 'none') AS ch, extract(hour FROM a.at AT TIME ZONE b.timezone)::int AS h,
               0::bigint AS n, count(*) FILTER (WHERE a.change = 'met') AS met,
               count(*) FILTER (WHERE a.change = 'missed') AS missed, 0::bigint AS breaches
        FROM sla_audit a JOIN conversation c ON c.account_id = a.account_id AND c.id = a.conversation_id, b
        WHERE a.account_id = $1 AND a.at >= b.t0 AND a.at < b.t1 AND a.change IN ('met', 'missed')
        GROUP BY 1, 2),
      br AS (
        SELECT coalesce(s.channel_kind, 'none') AS ch, extract(hour FROM s.fired_at AT TIME ZONE b.timezone)::int AS h,
               0::bigint AS n, 0::bigint AS met, 0::bigint AS missed, count(*) AS breaches
        FROM sla_breach s, b
        WHERE s.account_id = $1 AND s.fired_at >= b.t0 AND s.fired_at < b.t1 AND s.kind = 'breached'
        GROUP BY 1, 2)
      SELECT b.day::text AS day, b.timezone, x.ch, x.h, x.n, x.met, x.missed, x.breaches
      FROM b LEFT JOIN (SELECT * FROM vol UNION ALL SELECT * FROM att UNION ALL SELECT * FROM br) x ON true
      ORDER BY x.ch, x.h""";

  private final Pool db;
  private final java.time.Clock clock;

  public Reports(Pool db, java.time.Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** One local day (null: today) per channel and hour, for the dashboard's intraday charts. */
  public Future<Intraday> intraday(String accountId, java.time.LocalDate date) {
    return db.preparedQuery(INTRADAY).execute(Tuple.of(accountId, date, Sql.utc(clock.instant()))).map(rows -> {
      String day = null;
      String zone = null;
      Map<String, ChannelDay> byChannel = new TreeMap<>();
      for (Row r : rows) {
        day = r.getString("day");
        zone = r.getString("timezone");
        String ch = r.getString("ch");
        if (ch == null) {
          continue;
        }
        ChannelDay c = byChannel.computeIfAbsent(ch, k -> new ChannelDay(k, new long[24], new Double[24], new long[24],
            new long[24], new long[24]));
        int h = r.getInteger("h");
        c.conversations()[h] += r.getLong("n");
        c.met()[h] += r.getLong("met");
        c.missed()[h] += r.getLong("missed");
        c.breaches()[h] += r.getLong("breaches");
      }
      for (ChannelDay c : byChannel.values()) {
        for (int h = 0; h < 24; h++) {
          long n = c.met()[h] + c.missed()[h];
          c.attainment()[h] = n == 0 ? null : round4((double) c.met()[h] / n);
        }
      }
      if (day == null) {
        throw io.switchboard.http.Problem.notFound("account");
      }
      return new Intraday(day, zone, List.copyOf(byChannel.values()));
    });
  }

  /** The grouping key of a row of each table, by groupBy: a whitelisted SQL expression. */
  private static String key(String groupBy, String table, String time) {
    return switch (groupBy) {
      case "channel" -> table.equals("c") ? "coalesce(c.channels[1], 'none')" : "coalesce(" + table + ".channel_kind, 'none')";
      case "agent" -> "coalesce(" + table + ".assignee_id, '')";
      case "team" -> "coalesce(" + table + ".team_id, '')";
      default -> "to_char(" + time + " AT TIME ZONE (SELECT timezone FROM account WHERE id = $1), 'YYYY-MM-DD')";
    };
  }

  public Future<Summary> summary(String accountId, Instant from, Instant to, String groupBy) {
    Tuple range = Tuple.of(accountId, Sql.utc(from), Sql.utc(to));
    String conversations = "SELECT " + key(groupBy, "c", "c.created_at") + """
         AS k, count(*) AS n, count(c.resolved_at) AS resolved,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.first_response_at - c.created_at) / 60)
            FILTER (WHERE c.first_response_at IS NOT NULL) AS fr50,
          percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM c.first_response_at - c.created_at) / 60)
            FILTER (WHERE c.first_response_at IS NOT NULL) AS fr90,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.resolved_at - c.created_at) / 60)
            FILTER (WHERE c.resolved_at IS NOT NULL) AS res50,
          percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM c.resolved_at - c.created_at) / 60)
            FILTER (WHERE c.resolved_at IS NOT NULL) AS res90
        FROM conversation c
        WHERE c.account_id = $1 AND c.created_at >= $2 AND c.created_at < $3 AND c.merged_into IS NULL
        GROUP BY 1""";
    String attainment = "SELECT " + key(groupBy, "c", "a.at") + """
         AS k, a.detail->>'metric' AS metric, count(*) FILTER (WHERE a.change = 'met') AS met, count(*) AS n
        FROM sla_audit a JOIN conversation c ON c.account_id = a.account_id AND c.id = a.conversation_id
        WHERE a.account_id = $1 AND a.at >= $2 AND a.at < $3 AND a.change IN ('met', 'missed')
        GROUP BY 1, 2""";
    String breaches = "SELECT " + key(groupBy, "b", "b.fired_at") + """
         AS k, count(*) AS n FROM sla_breach b
        WHERE b.account_id = $1 AND b.fired_at >= $2 AND b.fired_at < $3 AND b.kind = 'breached'
        GROUP BY 1""";
    String csat = "SELECT " + key(groupBy, "s", "s.created_at") + """
         AS k, count(*) FILTER (WHERE s.sent) AS sent, count(s.rating) AS rated,
          count(*) FILTER (WHERE s.rating >= 4) AS good
        FROM csat_survey s WHERE s.account_id = $1 AND s.created_at >= $2 AND s.created_at < $3
        GROUP BY 1""";
    String labels = switch (groupBy) {
      case "agent" -> "SELECT id AS k, name FROM app_user WHERE account_id = $1";
      case "team" -> "SELECT id AS k, name FROM team WHERE account_id = $1";
      default -> null;
    };
    var conv = db.preparedQuery(conversations).execute(range);
    var att = db.preparedQuery(attainment).execute(range);
    var br = db.preparedQuery(breaches).execute(range);
    var cs = db.preparedQuery(csat).execute(range);
    var lb = labels == null ? Future.succeededFuture((io.vertx.sqlclient.RowSet<Row>) null)
        : db.preparedQuery(labels).execute(Tuple.of(accountId));
    return Future.all(conv, att, br, cs, lb).map(v -> {
      Map<String, Acc> groups = new TreeMap<>();
      for (Row r : conv.result()) {
        Acc a = groups.computeIfAbsent(r.getString("k"), Acc::new);
        a.conversations = r.getLong("n");
        a.resolved = r.getLong("resolved");
        a.fr50 = r.getDouble("fr50");
        a.fr90 = r.getDouble("fr90");
        a.res50 = r.getDouble("res50");
        a.res90 = r.getDouble("res90");
      }
      for (Row r : att.result()) {
        Acc a = groups.computeIfAbsent(r.getString("k"), Acc::new);
        a.attainment.put(r.getString("metric"), r.getLong("n") == 0 ? null : (double) r.getLong("met") / r.getLong("n"));
      }
      for (Row r : br.result()) {
        groups.computeIfAbsent(r.getString("k"), Acc::new).breaches = r.getLong("n");
      }
      for (Row r : cs.result()) {
        Acc a = groups.computeIfAbsent(r.getString("k"), Acc::new);
        a.sent = r.getLong("sent");
        a.rated = r.getLong("rated");
        a.good = r.getLong("good");
      }
      Map<String, String> names = new LinkedHashMap<>();
      if (lb.result() != null) {
        lb.result().forEach(r -> names.put(r.getString("k"), r.getString("name")));
      }
      List<ReportRow> rows = new ArrayList<>();
      for (Acc a : groups.values()) {
        String label = switch (groupBy) {
          case "agent" -> a.key.isEmpty() ? "Unassigned" : names.getOrDefault(a.key, a.key);
          case "team" -> a.key.isEmpty() ? "No team" : names.getOrDefault(a.key, a.key);
          default -> a.key;
        };
        Map<String, Double> attain = new LinkedHashMap<>();
        for (String m : List.of("firstResponse", "nextResponse", "resolution")) {
          attain.put(m, a.attainment.get(m));
        }
        rows.add(new ReportRow(a.key.isEmpty() ? null : a.key, label, a.conversations, a.resolved, round(a.fr50),
            round(a.fr90), round(a.res50), round(a.res90), attain, a.breaches,
            a.rated == 0 ? null : round4((double) a.good / a.rated),
            a.sent == 0 ? null : round4((double) a.rated / a.sent), a.sent, a.rated));
      }
      return new Summary(from, to, groupBy, rows);
    });
  }

  /** The report as CSV: one header line, one line per group. */
  public static String csv(Summary s) {
    StringBuilder b = new StringBuilder("group,label,conversations,resolved,firstResponseP50Minutes,"
        + "firstResponseP90Minutes,resolutionP50Minutes,resolutionP90Minutes,firstResponseAttainment,"
        + "nextResponseAttainment,resolutionAttainment,breaches,csatScore,csatResponseRate,surveysSent,ratings\r\n");
    for (ReportRow r : s.rows()) {
      List<Object> cells = List.of(cell(r.key()), cell(r.label()), r.conversations(), r.resolved(),
          cell(r.firstResponseP50Minutes()), cell(r.firstResponseP90Minutes()), cell(r.resolutionP50Minutes()),
          cell(r.resolutionP90Minutes()), cell(r.attainment().get("firstResponse")),
          cell(r.attainment().get("nextResponse")), cell(r.attainment().get("resolution")), r.breaches(),
          cell(r.csatScore()), cell(r.csatResponseRate()), r.surveysSent(), r.ratings());
      for (int i = 0; i < cells.size(); i++) {
        b.append(i == 0 ? "" : ",").append(cells.get(i));
      }
      b.append("\r\n");
    }
    return b.toString();
  }

  /** A CSV field: quoted when needed; a leading = + - @ is defused so spreadsheets never run it. */
  static String cell(Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    if (value instanceof String && !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
      s = "'" + s;
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      s = "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  private static Double round(Double minutes) {
    return minutes == null ? null : Math.round(minutes * 10) / 10.0;
  }

  private static Double round4(double v) {
    return Math.round(v * 10000) / 10000.0;
  }

  private static final class Acc {
    final String key;
    long conversations;
    long resolved;
    Double fr50;
    Double fr90;
    Double res50;
    Double res90;
    final Map<String, Double> attainment = new LinkedHashMap<>();
    long breaches;
    long sent;
    long rated;
    long good;

    Acc(String key) {
      this.key = key;
    }
  }
}
