package io.switchboard.sla;

import io.switchboard.db.Sql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversation JSON's {@code sla} and {@code csat}: the columns every conversation read adds
 * (see ConversationRepository.VIEW_COLUMNS) and how they become maps.
 */
public final class SlaViews {

  private SlaViews() {
  }

  /** Appended to the conversation's view columns (alias c). */
  public static final String COLUMNS = """
      c.sla_policy_id, c.first_response_at, c.first_response_due_at, c.next_response_due_at, c.resolution_due_at,
      c.resolution_paused_at,
      (SELECT json_agg(json_build_object('metric', b.metric, 'at', b.fired_at) ORDER BY b.fired_at)::text
        FROM sla_breach b WHERE b.conversation_id = c.id AND b.account_id = c.account_id AND b.kind = 'breached')
        AS sla_breaches,
      (SELECT json_build_object('surveyId', s.id, 'sent', s.sent, 'sentAt', s.created_at, 'rating', s.rating,
                                'comment', s.comment, 'ratedAt', s.rated_at)::text
        FROM csat_survey s WHERE s.account_id = c.account_id AND s.conversation_id = c.id
        ORDER BY s.created_at DESC LIMIT 1) AS csat_survey""";

  public static Map<String, Object> sla(Row r) {
    Map<String, Object> sla = new LinkedHashMap<>();
    sla.put("policyId", r.getString("sla_policy_id"));
    sla.put("firstResponseDueAt", time(r, "first_response_due_at"));
    sla.put("nextResponseDueAt", time(r, "next_response_due_at"));
    sla.put("resolutionDueAt", time(r, "resolution_due_at"));
    sla.put("firstResponseAt", time(r, "first_response_at"));
    sla.put("paused", r.getOffsetDateTime("resolution_paused_at") != null);
    List<Map<String, Object>> breaches = new ArrayList<>();
    String raw = r.getString("sla_breaches");
    if (raw != null) {
      JsonArray arr = new JsonArray(raw);
      for (int i = 0; i < arr.size(); i++) {
        JsonObject b = arr.getJsonObject(i);
        breaches.add(Map.of("metric", b.getString("metric"), "at", Instant.parse(utc(b.getString("at")))));
      }
    }
    sla.put("breaches", breaches);
    return sla;
  }

  public static Map<String, Object> csat(Row r) {
    String raw = r.getString("csat_survey");
    if (raw == null) {
      return Map.of();
    }
    JsonObject s = new JsonObject(raw);
    Map<String, Object> csat = new LinkedHashMap<>();
    csat.put("surveyId", s.getString("surveyId"));
    csat.put("sent", s.getBoolean("sent"));
    csat.put("sentAt", s.getString("sentAt") == null ? null : Instant.parse(utc(s.getString("sentAt"))));
    csat.put("rating", s.getInteger("rating"));
    csat.put("comment", s.getString("comment"));
    csat.put("ratedAt", s.getString("ratedAt") == null ? null : Instant.parse(utc(s.getString("ratedAt"))));
    return csat;
  }

  private static Instant time(Row r, String column) {
    return Sql.instant(r.getOffsetDateTime(column));
  }

  /** json_build_object writes timestamptz as "2026-11-22T13:45:00.123+00:00" (session zone UTC). */
  private static String utc(String pgTime) {
    return java.time.OffsetDateTime.parse(pgTime).toInstant().toString();
  }
}
