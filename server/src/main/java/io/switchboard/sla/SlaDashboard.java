package io.switchboard.sla;

import io.switchboard.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;

/**
 * The SLA and CSAT part of the supervisors' dashboard snapshot, computed once per account per tick
 * (see realtime/Dashboard): the conversations nearest to a breach (overdue first), breaches and
 * attainment since the account's midnight, response times today, and CSAT over the last 7 days.
 */
final class SlaDashboard {

  static final int AT_RISK = 20;

  /** The nearest running due time of each live conversation with one, nearest first (index conversation_sla_nearest). */
  private static final String AT_RISK_SQL = """
      SELECT id, subject, priority, assignee_id, team_id, due,
             CASE due WHEN fr THEN 'firstResponse' WHEN nr THEN 'nextResponse' ELSE 'resolution' END AS metric
      FROM (SELECT id, subject, priority, assignee_id, team_id,
                   least(CASE WHEN first_response_at IS NULL THEN first_response_due_at END,
                         next_response_due_at,
                         CASE WHEN resolution_paused_at IS NULL THEN resolution_due_at END) AS due,
                   CASE WHEN first_response_at IS NULL THEN first_response_due_at END AS fr,
                   next_response_due_at AS nr
            FROM conversation
            WHERE account_id = $1 AND status <> 'resolved' AND merged_into IS NULL
              AND least(CASE WHEN first_response_at IS NULL THEN first_response_due_at END,
                        next_response_due_at,
                        CASE WHEN resolution_paused_at IS NULL THEN resolution_due_at END) IS NOT NULL
            ORDER BY least(CASE WHEN first_response_at IS NULL THEN first_response_due_at END,
                           next_response_due_at,
                           CASE WHEN resolution_paused_at IS NULL THEN resolution_due_at END), id
            LIMIT $2) x
      ORDER BY due, id""";

  /** The open queue by how long its conversations have been open. */
  private static final String AGES = """
      SELECT count(*) FILTER (WHERE created_at > $2::timestamptz - interval '15 minutes') AS under_15m,
             count(*) FILTER (WHERE created_at <= $2::timestamptz - interval '15 minutes' AND created_at > $2::timestamptz - interval '1 hour')
               AS under_1h,
             count(*) FILTER (WHERE created_at <= $2::timestamptz - interval '1 hour' AND created_at > $2::timestamptz - interval '4 hours')
               AS under_4h,
             count(*) FILTER (WHERE created_at <= $2::timestamptz - interval '4 hours') AS over_4h
      FROM conversation WHERE account_id = $1 AND status = 'open' AND merged_into IS NULL""";

  /** Each agent's load: the live conversations assigned to them. */
  private static final String LOAD = """
      SELECT assignee_id, count(*) AS n FROM conversation
      WHERE account_id = $1 AND status IN ('open', 'pending', 'snoozed') AND merged_into IS NULL
        AND assignee_id IS NOT NULL
      GROUP BY 1""";

  private static final String MIDNIGHT = """
      SELECT (date_trunc('day', $2::timestamptz AT TIME ZONE timezone) AT TIME ZONE timezone) AS midnight
      FROM account WHERE id = $1""";

  private static final String TODAY = """
      SELECT
        (SELECT count(*) FROM sla_breach WHERE account_id = $1 AND kind = 'breached' AND fired_at >= $2) AS breaches,
        (SELECT json_object_agg(metric, share)::text FROM (
           SELECT detail->>'metric' AS metric, round(avg(CASE WHEN change = 'met' THEN 1.0 ELSE 0.0 END), 4) AS share
           FROM sla_audit WHERE account_id = $1 AND at >= $2 AND change IN ('met', 'missed') GROUP BY 1) a)
          AS attainment,
        (SELECT json_build_object(
           'p50', percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at) / 60),
           'p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at) / 60))::text
         FROM conversation WHERE account_id = $1 AND created_at >= $2 AND first_response_at IS NOT NULL)
          AS first_response,
        (SELECT json_build_object(
           'p50', percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) / 60),
           'p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) / 60))::text
         FROM conversation WHERE account_id = $1 AND resolved_at >= $2) AS resolution,
        (SELECT json_build_object('sent', count(*) FILTER (WHERE sent), 'ratings', count(rating),
                                  'good', count(*) FILTER (WHERE rating >= 4))::text
         FROM csat_survey WHERE account_id = $1 AND created_at >= $3) AS csat""";

  private SlaDashboard() {
  }

  static Future<JsonObject> snapshot(Pool db, String accountId, Instant now) {
    Future<JsonArray> atRisk = db.preparedQuery(AT_RISK_SQL).execute(Tuple.of(accountId, AT_RISK)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        Instant due = Sql.instant(r.getOffsetDateTime("due"));
        out.add(new JsonObject().put("conversationId", r.getString("id")).put("subject", r.getString("subject"))
            .put("priority", r.getString("priority")).put("assigneeId", r.getString("assignee_id"))
            .put("teamId", r.getString("team_id")).put("metric", r.getString("metric"))
            .put("dueAt", due.toString()).put("secondsLeft", Duration.between(now, due).getSeconds()));
      }
      return out;
    });
    Future<JsonObject> today = db.preparedQuery(MIDNIGHT).execute(Tuple.of(accountId, Sql.utc(now)))
        .compose(rows -> {
          var midnight = rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime("midnight");
          Instant since = midnight == null ? now.minus(Duration.ofDays(1)) : midnight.toInstant();
          return db.preparedQuery(TODAY).execute(Tuple.of(accountId, Sql.utc(since),
              Sql.utc(now.minus(Duration.ofDays(7)))));
        })
        .map(rows -> {
          Row r = rows.iterator().next();
          JsonObject csat = new JsonObject(r.getString("csat"));
          long ratings = csat.getLong("ratings");
          long sent = csat.getLong("sent");
          return new JsonObject()
              .put("breachesToday", r.getLong("breaches"))
              .put("attainmentToday", r.getString("attainment") == null ? new JsonObject()
                  : new JsonObject(r.getString("attainment")))
              .put("firstResponseMinutesToday", new JsonObject(r.getString("first_response")))
              .put("resolutionMinutesToday", new JsonObject(r.getString("resolution")))
              .put("csat7d", new JsonObject().put("ratings", ratings).put("sent", sent)
                  .put("score", ratings == 0 ? null : (double) csat.getLong("good") / ratings)
                  .put("responseRate", sent == 0 ? null : (double) ratings / sent));
        });
    Future<JsonArray> load = db.preparedQuery(LOAD).execute(Tuple.of(accountId)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("userId", r.getString("assignee_id")).put("open", r.getLong("n"))));
      return out;
    });
    Future<JsonObject> ages = db.preparedQuery(AGES).execute(Tuple.of(accountId, Sql.utc(now))).map(rows -> {
      Row r = rows.iterator().next();
      return new JsonObject().put("under15m", r.getLong("under_15m")).put("under1h", r.getLong("under_1h"))
          .put("under4h", r.getLong("under_4h")).put("over4h", r.getLong("over_4h"));
    });
    return Future.all(atRisk, today, load, ages).map(v -> today.result().put("atRisk", atRisk.result())
        .put("load", load.result()).put("queueByAge", ages.result()));
  }
}
