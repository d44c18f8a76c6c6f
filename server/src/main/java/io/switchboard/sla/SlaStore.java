package io.switchboard.sla;

import io.switchboard.db.Sql;
import io.switchboard.http.Json;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A conversation's SLA columns: read, written, and every change audited. */
public final class SlaStore {

  private static final String READ = """
      SELECT status, priority, channels, sla_policy_id, first_response_at, first_response_due_at,
             next_response_due_at, resolution_due_at, awaiting_since, resolution_started_at, resolution_paused_at,
             resolution_paused_seconds
      FROM conversation WHERE account_id = $1 AND id = $2""";

  private static final String WRITE = """
      UPDATE conversation SET sla_policy_id = $3, first_response_at = $4, first_response_due_at = $5,
        next_response_due_at = $6, resolution_due_at = $7, awaiting_since = $8, resolution_started_at = $9,
        resolution_paused_at = $10, resolution_paused_seconds = $11, sla_stale = false,
        resolved_at = CASE WHEN $12 THEN coalesce(resolved_at, $13) ELSE resolved_at END
      WHERE account_id = $1 AND id = $2""";

  private static final String AUDIT = """
      INSERT INTO sla_audit (account_id, conversation_id, at, change, detail)
      SELECT $1, $2, $3, change, detail::jsonb FROM unnest($4::text[], $5::text[]) AS a(change, detail)""";

  public Future<Optional<SlaState>> read(SqlClient tx, String accountId, String id) {
    return tx.preparedQuery(READ).execute(Tuple.of(accountId, id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(state(rows.iterator().next())));
  }

  /**
   * Writes the new state and one audit row per change; a met or missed target is audited as
   * such (reports count attainment from these rows).
   */
  public Future<SlaState> write(SqlClient tx, String accountId, String id, SlaState before, SlaState after,
      Instant now) {
    List<String> changes = before.changesTo(after);
    if (changes.isEmpty()) {
      return Future.succeededFuture(after);
    }
    Map<String, Object> detail = detail(after);
    List<String> names = new java.util.ArrayList<>(changes);
    List<String> details = new java.util.ArrayList<>();
    changes.forEach(c -> details.add(Json.write(detail)));
    outcome(names, details, "firstResponse", before.firstResponseAt() == null && after.firstResponseAt() != null,
        before.firstResponseDueAt(), now);
    outcome(names, details, "nextResponse", before.awaitingSince() != null && after.awaitingSince() == null
        && before.nextResponseDueAt() != null, before.nextResponseDueAt(), now);
    outcome(names, details, "resolution", !"resolved".equals(before.status()) && "resolved".equals(after.status())
        && before.resolutionDueAt() != null, before.resolutionDueAt(), now);
    Tuple t = Tuple.of(accountId, id, after.policyId(), Sql.utc(after.firstResponseAt()),
            Sql.utc(after.firstResponseDueAt()), Sql.utc(after.nextResponseDueAt()))
        .addOffsetDateTime(Sql.utc(after.resolutionDueAt())).addOffsetDateTime(Sql.utc(after.awaitingSince()))
        .addOffsetDateTime(Sql.utc(after.resolutionStartedAt())).addOffsetDateTime(Sql.utc(after.resolutionPausedAt()))
        .addLong(after.resolutionPausedSeconds())
        // Resolved by the SLA clock (the conversation's own update keeps a resolved_at already set).
        .addBoolean(!"resolved".equals(before.status()) && "resolved".equals(after.status()))
        .addOffsetDateTime(Sql.utc(now));
    return tx.preparedQuery(WRITE).execute(t)
        .compose(x -> tx.preparedQuery(AUDIT).execute(Tuple.of(accountId, id, Sql.utc(now))
            .addArrayOfString(names.toArray(String[]::new)).addArrayOfString(details.toArray(String[]::new))))
        .map(after);
  }

  private static void outcome(List<String> names, List<String> details, String metric, boolean ended, Instant due,
      Instant now) {
    if (ended && due != null) {
      boolean met = !now.isAfter(due);
      names.add(met ? "met" : "missed");
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("metric", metric);
      d.put("dueAt", due.toString());
      details.add(Json.write(d));
    }
  }

  static Map<String, Object> detail(SlaState s) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("policyId", s.policyId());
    d.put("priority", s.priority());
    d.put("status", s.status());
    d.put("firstResponseDueAt", s.firstResponseDueAt() == null ? null : s.firstResponseDueAt().toString());
    d.put("nextResponseDueAt", s.nextResponseDueAt() == null ? null : s.nextResponseDueAt().toString());
    d.put("resolutionDueAt", s.resolutionDueAt() == null ? null : s.resolutionDueAt().toString());
    return d;
  }

  static SlaState state(Row r) {
    String[] channels = r.getArrayOfStrings("channels");
    return new SlaState(r.getString("status"), r.getString("priority"),
        channels == null ? List.of() : Arrays.asList(channels), r.getString("sla_policy_id"),
        Sql.instant(r.getOffsetDateTime("first_response_at")), Sql.instant(r.getOffsetDateTime("first_response_due_at")),
        Sql.instant(r.getOffsetDateTime("next_response_due_at")), Sql.instant(r.getOffsetDateTime("resolution_due_at")),
        Sql.instant(r.getOffsetDateTime("awaiting_since")), Sql.instant(r.getOffsetDateTime("resolution_started_at")),
        Sql.instant(r.getOffsetDateTime("resolution_paused_at")), r.getLong("resolution_paused_seconds"));
  }
}
