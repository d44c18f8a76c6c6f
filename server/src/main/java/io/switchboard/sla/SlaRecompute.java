package io.switchboard.sla;

import io.switchboard.conversation.ConversationRepository;
import io.switchboard.db.Sql;
import io.switchboard.events.EventDraft;
import io.switchboard.events.EventLog;
import io.switchboard.http.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After an admin creates, edits or deletes a policy or edits business hours: the due times of the
 * account's live conversations are recomputed from their stored anchors under the policies as they
 * now are. It runs in the background, page by page (a page is read along the conversation_status
 * index, computed in Java with the same rules as every other writer, and written back in one
 * statement that also audits), each page its own short transaction, so ingest only ever waits for
 * one page's row locks. A row that a writer changed since the page was read is left alone: that
 * writer already used the new policies (the ingest statement checks each policy's version in SQL).
 * One job per account on this node; an edit during a job makes it run once more at the end.
 */
final class SlaRecompute {

  private static final Logger log = LoggerFactory.getLogger(SlaRecompute.class);
  static final int PAGE = 200;
  private static final List<String> LIVE = List.of("open", "pending", "snoozed");

  /** A page of one live status, newest activity first; $5 limits it to conversations of some policies (null: all). */
  private static final String PAGE_SQL = """
      SELECT id, last_message_at, status, priority, channels, sla_policy_id, first_response_at, first_response_due_at,
             next_response_due_at, resolution_due_at, awaiting_since, resolution_started_at, resolution_paused_at,
             resolution_paused_seconds
      FROM conversation
      WHERE account_id = $1 AND status = $2 AND merged_into IS NULL
        AND ($3::timestamptz IS NULL OR (last_message_at, id) < ($3, $4))
        AND ($5::text[] IS NULL OR sla_policy_id = ANY($5))
      ORDER BY last_message_at DESC, id DESC LIMIT $6""";

  /**
   * Writes the page's new policies and due times where the row is still as it was read (its
   * anchors, policy and due times unchanged), and audits each written row.
   */
  private static final String WRITE = """
      WITH v AS (
        SELECT * FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[],
                             $7::text[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::text[],
                             $12::text[], $13::timestamptz[], $14::timestamptz[], $15::bigint[])
          AS v(id, policy_id, first_due, next_due, res_due, old_policy, old_first, old_next, old_res, status, priority,
               started, awaiting, paused_seconds)),
      upd AS (
        UPDATE conversation c SET sla_policy_id = v.policy_id, first_response_due_at = v.first_due,
          next_response_due_at = v.next_due, resolution_due_at = v.res_due
        FROM v
        WHERE c.account_id = $1 AND c.id = v.id AND c.status = v.status AND c.priority = v.priority
          AND c.merged_into IS NULL
          AND c.sla_policy_id IS NOT DISTINCT FROM v.old_policy
          AND c.first_response_due_at IS NOT DISTINCT FROM v.old_first
          AND c.next_response_due_at IS NOT DISTINCT FROM v.old_next
          AND c.resolution_due_at IS NOT DISTINCT FROM v.old_res
          AND c.resolution_started_at IS NOT DISTINCT FROM v.started
          AND c.awaiting_since IS NOT DISTINCT FROM v.awaiting
          AND c.resolution_paused_seconds = v.paused_seconds
        RETURNING c.id),
      audit AS (
        INSERT INTO sla_audit (account_id, conversation_id, at, change, detail)
        SELECT $1, a.id, $16, a.change, a.detail::jsonb
        FROM unnest($17::text[], $18::text[], $19::text[]) AS a(id, change, detail)
        WHERE a.id IN (SELECT id FROM upd))
      SELECT id FROM upd""";

  private final Sla sla;
  private final Pool db;
  private final EventLog events;
  private final ConversationRepository conversations;
  /** Accounts with a job running on this node, and whether another change came in meanwhile. */
  private final Map<String, Boolean> running = new HashMap<>();
  private final LongAdder written = new LongAdder();

  SlaRecompute(Sla sla, Pool db, EventLog events, ConversationRepository conversations) {
    this.sla = sla;
    this.db = db;
    this.events = events;
    this.conversations = conversations;
  }

  /** Conversations whose due times this node has rewritten after policy edits (tests, metrics). */
  long written() {
    return written.sum();
  }

  /**
   * Starts (or queues one more run of) the account's recompute. calendarId non-null: only the
   * conversations under policies that use that calendar can change. Called on the event loop.
   */
  Future<Void> start(String accountId, String calendarId, String cause) {
    synchronized (running) {
      if (running.containsKey(accountId)) {
        running.put(accountId, true);
        return Future.succeededFuture();
      }
      running.put(accountId, false);
    }
    return run(accountId, calendarId, cause);
  }

  private Future<Void> run(String accountId, String calendarId, String cause) {
    return sla.cache.of(accountId)
        .compose(accountSla -> {
          String[] policies = calendarId == null ? null : accountSla.policies().stream()
              .filter(p -> calendarId.equals(p.businessHoursId())).map(SlaPolicy::id).toArray(String[]::new);
          Future<Void> chain = Future.succeededFuture();
          for (String status : LIVE) {
            chain = chain.compose(v -> page(accountId, accountSla, status, policies, null, null, cause));
          }
          return chain;
        })
        .recover(err -> {
          log.warn("SLA recompute of account {} failed: {}", accountId, err.toString());
          return Future.succeededFuture();
        })
        .compose(v -> {
          boolean again;
          synchronized (running) {
            again = Boolean.TRUE.equals(running.get(accountId));
            if (again) {
              running.put(accountId, false);
            } else {
              running.remove(accountId);
            }
          }
          // Another change came in while this ran: once more, over everything (it may have been a policy).
          return again ? run(accountId, null, cause) : Future.succeededFuture();
        });
  }

  private Future<Void> page(String accountId, AccountSla accountSla, String status, String[] policies,
      OffsetDateTime afterAt, String afterId, String cause) {
    if (policies != null && policies.length == 0) {
      return Future.succeededFuture();
    }
    Tuple q = Tuple.of(accountId, status, afterAt, afterId).addArrayOfString(policies).addInteger(PAGE);
    return db.preparedQuery(PAGE_SQL).execute(q).compose(rows -> {
      List<Row> page = new ArrayList<>();
      rows.forEach(page::add);
      if (page.isEmpty()) {
        return Future.succeededFuture();
      }
      Row last = page.get(page.size() - 1);
      return write(accountId, accountSla, page, cause).compose(v -> page.size() < PAGE ? Future.succeededFuture()
          : page(accountId, accountSla, status, policies, last.getOffsetDateTime("last_message_at"),
              last.getString("id"), cause));
    });
  }

  /** One page: what changes, written in one statement; then the events, and the timers after the commit. */
  private Future<Void> write(String accountId, AccountSla accountSla, List<Row> page, String cause) {
    Instant now = sla.now();
    Map<String, SlaState> before = new LinkedHashMap<>();
    Map<String, SlaState> after = new LinkedHashMap<>();
    for (Row r : page) {
      SlaState s = SlaStore.state(r);
      SlaState next = s.recompute(accountSla);
      if (!s.changesTo(next).isEmpty()) {
        before.put(r.getString("id"), s);
        after.put(r.getString("id"), next);
      }
    }
    if (after.isEmpty()) {
      return Future.succeededFuture();
    }
    Tuple t = writeParams(accountId, before, after, now, cause);
    return db.withTransaction(tx -> tx.preparedQuery(WRITE).execute(t).compose(rows -> {
          Set<String> done = new HashSet<>();
          rows.forEach(r -> done.add(r.getString("id")));
          List<Future<EventDraft>> drafts = new ArrayList<>();
          for (String id : done) {
            drafts.add(conversations.view(tx, accountId, id).map(v -> v.map(view -> EventDraft.of(
                "conversation.updated", id, view.teamId(), view.assigneeId(), view)).orElse(null)));
          }
          return Future.all(drafts).compose(v -> events.append(tx, accountId,
                  drafts.stream().map(Future::result).filter(d -> d != null).toList()))
              .map(seq -> Map.entry(seq, done));
        }))
        .map(committed -> {
          events.announce(accountId, committed.getKey());
          JsonArray entries = new JsonArray();
          committed.getValue().forEach(id -> Sla.entries(entries, accountId, id, after.get(id), accountSla));
          sla.publish(entries);
          written.add(committed.getValue().size());
          return null;
        });
  }

  private static Tuple writeParams(String accountId, Map<String, SlaState> before, Map<String, SlaState> after,
      Instant now, String cause) {
    int n = after.size();
    String[] ids = new String[n];
    String[] policy = new String[n];
    String[] oldPolicy = new String[n];
    String[] status = new String[n];
    String[] priority = new String[n];
    OffsetDateTime[][] times = new OffsetDateTime[8][n];
    Long[] paused = new Long[n];
    List<String> auditIds = new ArrayList<>();
    List<String> auditChanges = new ArrayList<>();
    List<String> auditDetails = new ArrayList<>();
    int i = 0;
    for (var e : after.entrySet()) {
      SlaState b = before.get(e.getKey());
      SlaState a = e.getValue();
      ids[i] = e.getKey();
      policy[i] = a.policyId();
      oldPolicy[i] = b.policyId();
      status[i] = b.status();
      priority[i] = b.priority();
      times[0][i] = Sql.utc(a.firstResponseDueAt());
      times[1][i] = Sql.utc(a.nextResponseDueAt());
      times[2][i] = Sql.utc(a.resolutionDueAt());
      times[3][i] = Sql.utc(b.firstResponseDueAt());
      times[4][i] = Sql.utc(b.nextResponseDueAt());
      times[5][i] = Sql.utc(b.resolutionDueAt());
      times[6][i] = Sql.utc(b.resolutionStartedAt());
      times[7][i] = Sql.utc(b.awaitingSince());
      paused[i] = b.resolutionPausedSeconds();
      Map<String, Object> detail = SlaStore.detail(a);
      detail.put("cause", cause);
      String json = Json.write(detail);
      for (String change : b.changesTo(a)) {
        auditIds.add(e.getKey());
        auditChanges.add(change);
        auditDetails.add(json);
      }
      i++;
    }
    return Tuple.of(accountId).addArrayOfString(ids).addArrayOfString(policy)
        .addArrayOfOffsetDateTime(times[0]).addArrayOfOffsetDateTime(times[1]).addArrayOfOffsetDateTime(times[2])
        .addArrayOfString(oldPolicy)
        .addArrayOfOffsetDateTime(times[3]).addArrayOfOffsetDateTime(times[4]).addArrayOfOffsetDateTime(times[5])
        .addArrayOfString(status).addArrayOfString(priority)
        .addArrayOfOffsetDateTime(times[6]).addArrayOfOffsetDateTime(times[7]).addArrayOfLong(paused)
        .addOffsetDateTime(Sql.utc(now))
        .addArrayOfString(auditIds.toArray(String[]::new)).addArrayOfString(auditChanges.toArray(String[]::new))
        .addArrayOfString(auditDetails.toArray(String[]::new));
  }
}
