package io.switchboard.sla;

import io.switchboard.db.Sql;
import io.switchboard.sla.SlaPolicy.Metric;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The SLA part of an ingest batch: one more statement in the batch's pipelined round trip of
 * writes, so due times cost the batch no round trip. The account's policies come from the cache;
 * for each conversation the batch touches, Java computes the due times each policy would give from
 * the receipt time of its first customer message in the batch (business hours applied), and the
 * statement picks the policy that matches the conversation as the batch leaves it (priority and
 * channel kinds) and starts its clocks: a new conversation's first response and resolution, a
 * next response once a first response was given. What it cannot finish in SQL (a conversation
 * that resumes from pending, or whose channels switch its policy) it marks stale, and
 * {@link #committed()} finishes it after the commit.
 */
public final class SlaIngest {

  /** A conversation of the batch and the receipt time of its first customer message in it (not auto). */
  public record Touch(String conversationId, Instant inboundAt) {
  }

  /**
   * Each conversation of the batch is read by its primary key (LATERAL ... LIMIT 1): joined on
   * the account and status instead, a plan made for a young table read the account's list index
   * (seen: 15 to 400 ms a batch at 100 msg/s).
   */
  private static final String STATEMENT = """
      WITH v AS (
        SELECT * FROM unnest($2::text[], $3::timestamptz[]) AS v(id, t)),
      k AS (
        SELECT * FROM unnest($4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[],
                             $9::timestamptz[]) AS k(id, policy_id, version, first_due, next_due, res_due)),
      pick AS (
        SELECT DISTINCT ON (c.id) c.id, p.id AS policy_id, p.updated_at AS version
        FROM v CROSS JOIN LATERAL (SELECT * FROM conversation WHERE id = v.id LIMIT 1) c
        LEFT JOIN sla_policy p ON p.account_id = $1
          AND (cardinality(p.match_priority) = 0 OR c.priority = ANY(p.match_priority))
          AND (cardinality(p.match_channel) = 0 OR c.channels && p.match_channel)
        WHERE c.account_id = $1 AND c.status <> 'resolved' AND c.merged_into IS NULL
        ORDER BY c.id, p.position, p.id),
      nx AS (
        SELECT c.id, v.t, pick.policy_id, k.first_due, k.next_due, k.res_due,
               (pick.policy_id IS NOT NULL AND k.id IS NULL)
                 OR (c.resolution_started_at IS NOT NULL AND pick.policy_id IS DISTINCT FROM c.sla_policy_id)
                 OR c.resolution_paused_at IS NOT NULL AS stale,
               c.first_response_due_at AS old_first, c.next_response_due_at AS old_next,
               c.resolution_due_at AS old_res, c.sla_policy_id AS old_policy
        FROM v CROSS JOIN LATERAL (SELECT * FROM conversation WHERE id = v.id LIMIT 1) c
        JOIN pick ON pick.id = c.id
        LEFT JOIN k ON k.id = c.id AND k.policy_id = pick.policy_id AND k.version = pick.version
        WHERE c.account_id = $1),
      upd AS (
        UPDATE conversation c SET
          sla_policy_id = nx.policy_id,
          first_response_due_at = CASE WHEN c.resolution_started_at IS NULL AND c.first_response_at IS NULL
                                       THEN nx.first_due ELSE c.first_response_due_at END,
          awaiting_since = CASE WHEN c.first_response_at IS NOT NULL AND c.awaiting_since IS NULL
                                THEN nx.t ELSE c.awaiting_since END,
          next_response_due_at = CASE WHEN c.first_response_at IS NOT NULL AND c.awaiting_since IS NULL
                                      THEN nx.next_due ELSE c.next_response_due_at END,
          resolution_started_at = coalesce(c.resolution_started_at, nx.t),
          resolution_due_at = CASE WHEN c.resolution_started_at IS NULL THEN nx.res_due ELSE c.resolution_due_at END,
          sla_stale = c.sla_stale OR nx.stale
        FROM nx WHERE c.account_id = $1 AND c.id = nx.id
        RETURNING c.id, c.status, c.priority, c.channels, c.sla_policy_id, c.first_response_at,
                  c.first_response_due_at, c.next_response_due_at, c.resolution_due_at, c.awaiting_since,
                  c.resolution_started_at, c.resolution_paused_at, c.resolution_paused_seconds, c.sla_stale,
                  nx.old_first, nx.old_next, nx.old_res, nx.old_policy),
      audit AS (
        INSERT INTO sla_audit (account_id, conversation_id, at, change, detail)
        SELECT $1, u.id, $10, CASE WHEN u.old_policy IS NULL THEN 'policy.applied' ELSE 'due.changed' END,
               json_build_object('policyId', u.sla_policy_id, 'priority', u.priority, 'status', u.status,
                                 'firstResponseDueAt', u.first_response_due_at,
                                 'nextResponseDueAt', u.next_response_due_at,
                                 'resolutionDueAt', u.resolution_due_at, 'cause', 'inbound')
        FROM upd u
        WHERE NOT u.sla_stale AND (u.old_policy IS DISTINCT FROM u.sla_policy_id
          OR u.old_first IS DISTINCT FROM u.first_response_due_at OR u.old_next IS DISTINCT FROM u.next_response_due_at
          OR u.old_res IS DISTINCT FROM u.resolution_due_at))
      SELECT * FROM upd""";

  private final Sla sla;
  private final String accountId;
  private final AccountSla policies;
  private final List<Row> written = new ArrayList<>();

  SlaIngest(Sla sla, String accountId, AccountSla policies) {
    this.sla = sla;
    this.accountId = accountId;
    this.policies = policies;
  }

  /**
   * Sends the statement at once (in pipeline order), after the batch's conversation inserts and
   * updates. Nothing is sent for an account without policies.
   */
  public Future<Void> write(SqlClient tx, List<Touch> touches) {
    List<Touch> live = touches.stream().filter(t -> t.inboundAt() != null).toList();
    if (policies.policies().isEmpty() || live.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> kIds = new ArrayList<>();
    List<String> kPolicies = new ArrayList<>();
    List<OffsetDateTime> kVersions = new ArrayList<>();
    List<OffsetDateTime> kFirst = new ArrayList<>();
    List<OffsetDateTime> kNext = new ArrayList<>();
    List<OffsetDateTime> kRes = new ArrayList<>();
    for (Touch t : live) {
      for (SlaPolicy p : policies.policies()) {
        BusinessHours hours = policies.hours(p);
        kIds.add(t.conversationId());
        kPolicies.add(p.id());
        kVersions.add(Sql.utc(p.updatedAt()));
        kFirst.add(due(hours, t.inboundAt(), p.target(Metric.FIRST_RESPONSE)));
        kNext.add(due(hours, t.inboundAt(), p.target(Metric.NEXT_RESPONSE)));
        kRes.add(due(hours, t.inboundAt(), p.target(Metric.RESOLUTION)));
      }
    }
    Tuple params = Tuple.of(accountId)
        .addArrayOfString(live.stream().map(Touch::conversationId).toArray(String[]::new))
        .addArrayOfOffsetDateTime(live.stream().map(t -> Sql.utc(t.inboundAt())).toArray(OffsetDateTime[]::new))
        .addArrayOfString(kIds.toArray(String[]::new))
        .addArrayOfString(kPolicies.toArray(String[]::new))
        .addArrayOfOffsetDateTime(kVersions.toArray(OffsetDateTime[]::new))
        .addArrayOfOffsetDateTime(kFirst.toArray(OffsetDateTime[]::new))
        .addArrayOfOffsetDateTime(kNext.toArray(OffsetDateTime[]::new))
        .addArrayOfOffsetDateTime(kRes.toArray(OffsetDateTime[]::new))
        .addOffsetDateTime(Sql.utc(sla.now()));
    return tx.preparedQuery(STATEMENT).execute(params).map(rows -> {
      rows.forEach(written::add);
      return null;
    });
  }

  /** After the commit: arms the timers of what the statement finished, finishes what it marked stale. */
  public void committed() {
    JsonArray entries = new JsonArray();
    List<String> stale = new ArrayList<>();
    for (Row r : written) {
      if (Boolean.TRUE.equals(r.getBoolean("sla_stale"))) {
        stale.add(r.getString("id"));
      } else {
        Sla.entries(entries, accountId, r.getString("id"), SlaStore.state(r), policies);
      }
    }
    sla.publish(entries);
    if (!stale.isEmpty()) {
      sla.refreshStale(accountId, stale);
    }
  }

  private static OffsetDateTime due(BusinessHours hours, Instant from, Integer minutes) {
    return minutes == null ? null : Sql.utc(hours.plusMinutes(from, minutes));
  }
}
