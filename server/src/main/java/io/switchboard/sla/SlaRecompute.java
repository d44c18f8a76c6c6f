package io.switchboard.sla;

import io.switchboard.conversation.ConversationRepository;
import io.switchboard.db.Sql;
import io.switchboard.events.EventDraft;
import io.switchboard.events.EventLog;
import io.switchboard.http.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep that finishes stale conversations: those an edit of policies or business hours marked
 * in its own transaction (SlaRepository.markStale), and any an ingest batch marked and did not get
 * to finish. Every node sweeps at start, every PERIOD_MS, and at once after an edit it took, so a
 * recompute outlives the node that began it. A page is picked with FOR UPDATE SKIP LOCKED: two
 * nodes never take the same conversation, and ingest waits at most for one page's row locks. Each
 * page is one transaction: the account's policies read afresh (another node's cache may not have
 * heard of the edit yet), due times computed in Java by the same rules as every other writer, the
 * changed ones written and audited in one statement, the flag cleared, conversation.updated
 * appended; the timers are armed after the commit. A node that dies mid-page rolls the page back,
 * and its conversations stay stale for the next sweep, here or on another node.
 */
final class SlaRecompute {

  private static final Logger log = LoggerFactory.getLogger(SlaRecompute.class);
  static final int PAGE = 200;
  /** How often each node looks for stale conversations a dead node left (free while there are none). */
  static final long PERIOD_MS = 30_000;

  private static final String PICK = """
      SELECT id, account_id, sla_stale_cause, status, merged_into, priority, channels, sla_policy_id,
             first_response_at, first_response_due_at, next_response_due_at, resolution_due_at, awaiting_since,
             resolution_started_at, resolution_paused_at, resolution_paused_seconds
      FROM conversation WHERE sla_stale
      ORDER BY account_id, id LIMIT $1 FOR UPDATE SKIP LOCKED""";

  /** The changed conversations' new SLA columns, and their audit rows. */
  private static final String WRITE = """
      WITH v AS (
        SELECT * FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[],
                             $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::bigint[])
          AS v(id, policy_id, first_at, first_due, next_due, res_due, awaiting, started, paused_at, paused_seconds)),
      upd AS (
        UPDATE conversation c SET sla_policy_id = v.policy_id, first_response_at = v.first_at,
          first_response_due_at = v.first_due, next_response_due_at = v.next_due, resolution_due_at = v.res_due,
          awaiting_since = v.awaiting, resolution_started_at = v.started, resolution_paused_at = v.paused_at,
          resolution_paused_seconds = v.paused_seconds
        FROM v WHERE c.account_id = $1 AND c.id = v.id)
      INSERT INTO sla_audit (account_id, conversation_id, at, change, detail)
      SELECT $1, a.id, $12, a.change, a.detail::jsonb
      FROM unnest($13::text[], $14::text[], $15::text[]) AS a(id, change, detail)""";

  private static final String CLEAR = """
      UPDATE conversation SET sla_stale = false, sla_stale_cause = NULL WHERE account_id = $1 AND id = ANY($2)""";

  /** What one account's part of a committed page leaves to do: announce, arm, count. */
  private record Done(String accountId, long seq, JsonArray timers, int changed) {
  }

  private final Sla sla;
  private final Vertx vertx;
  private final Pool db;
  private final EventLog events;
  private final ConversationRepository conversations;
  private final LongAdder written = new LongAdder();
  private boolean running;
  private Promise<Void> queued;
  private long timer = -1;
  private volatile boolean stopped;

  SlaRecompute(Sla sla, Vertx vertx, Pool db, EventLog events, ConversationRepository conversations) {
    this.sla = sla;
    this.vertx = vertx;
    this.db = db;
    this.events = events;
    this.conversations = conversations;
  }

  /** Sweeps now (what a node that died left) and every PERIOD_MS. */
  void start() {
    timer = vertx.setPeriodic(PERIOD_MS, id -> sweep());
    sweep();
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  /** Conversations whose due times this node has rewritten in sweeps (tests, metrics). */
  long written() {
    return written.sum();
  }

  /**
   * Sweeps until no stale conversation is left that another node does not hold; a call during a
   * sweep makes it run once more at the end. Completes when that is done (never fails).
   */
  Future<Void> sweep() {
    synchronized (this) {
      if (running) {
        if (queued == null) {
          queued = Promise.promise();
        }
        return queued.future();
      }
      running = true;
    }
    return round();
  }

  private Future<Void> round() {
    return pages()
        .recover(err -> {
          log.warn("SLA sweep failed (the next one retries): {}", err.toString());
          return Future.succeededFuture();
        })
        .compose(v -> {
          Promise<Void> waiting;
          synchronized (this) {
            waiting = queued;
            queued = null;
            running = waiting != null;
          }
          if (waiting == null) {
            return Future.succeededFuture();
          }
          Future<Void> next = round();
          next.onComplete(waiting);
          return next;
        });
  }

  private Future<Void> pages() {
    if (stopped) {
      return Future.succeededFuture();
    }
    return page().compose(n -> n < PAGE ? Future.succeededFuture() : pages());
  }

  /** One page, one transaction; returns how many conversations it picked. */
  private Future<Integer> page() {
    List<Done> done = new ArrayList<>();
    return db.withTransaction(tx -> tx.preparedQuery(PICK).execute(Tuple.of(PAGE)).compose(rows -> {
          // Read once the rows are held: a conversation resumed from pending restarts its clock now.
          Instant now = sla.now();
          Map<String, List<Row>> byAccount = new LinkedHashMap<>();
          rows.forEach(r -> byAccount.computeIfAbsent(r.getString("account_id"), a -> new ArrayList<>()).add(r));
          Future<Void> chain = Future.succeededFuture();
          for (var e : byAccount.entrySet()) {
            chain = chain.compose(v -> account(tx, e.getKey(), e.getValue(), now)).map(d -> {
              done.add(d);
              return null;
            });
          }
          return chain.map(v -> rows.size());
        }))
        .onSuccess(n -> done.forEach(d -> {
          if (d.seq() > 0) {
            events.announce(d.accountId(), d.seq());
          }
          sla.publish(d.timers());
          written.add(d.changed());
        }));
  }

  /** One account's conversations of the page, under its policies as the database has them now. */
  private Future<Done> account(SqlConnection tx, String accountId, List<Row> rows, Instant now) {
    return sla.repo.load(tx, accountId).compose(accountSla -> {
      Map<String, SlaState> before = new LinkedHashMap<>();
      Map<String, SlaState> after = new LinkedHashMap<>();
      Map<String, String> causes = new LinkedHashMap<>();
      String[] ids = new String[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        ids[i] = r.getString("id");
        // Resolved or merged away since it was marked: nothing runs any more.
        if ("resolved".equals(r.getString("status")) || r.getString("merged_into") != null) {
          continue;
        }
        SlaState s = SlaStore.state(r);
        SlaState next = Sla.refreshed(s, accountSla, now);
        if (!s.changesTo(next).isEmpty()) {
          before.put(ids[i], s);
          after.put(ids[i], next);
          causes.put(ids[i], r.getString("sla_stale_cause"));
        }
      }
      Future<Void> write = after.isEmpty() ? Future.succeededFuture()
          : tx.preparedQuery(WRITE).execute(writeParams(accountId, before, after, causes, now)).mapEmpty();
      return write
          .compose(v -> tx.preparedQuery(CLEAR).execute(Tuple.of(accountId).addArrayOfString(ids)))
          .compose(v -> updated(tx, accountId, after.keySet()))
          .map(seq -> {
            JsonArray timers = new JsonArray();
            after.forEach((id, state) -> Sla.entries(timers, accountId, id, state, accountSla));
            return new Done(accountId, seq, timers, after.size());
          });
    });
  }

  /** conversation.updated for each changed conversation; the last sequence number (0: none). */
  private Future<Long> updated(SqlConnection tx, String accountId, java.util.Set<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    List<Future<EventDraft>> drafts = new ArrayList<>();
    for (String id : ids) {
      drafts.add(conversations.view(tx, accountId, id).map(v -> v.map(view -> EventDraft.of(
          "conversation.updated", id, view.teamId(), view.assigneeId(), view)).orElse(null)));
    }
    return Future.all(drafts).compose(v -> events.append(tx, accountId,
        drafts.stream().map(Future::result).filter(d -> d != null).toList()));
  }

  private static Tuple writeParams(String accountId, Map<String, SlaState> before, Map<String, SlaState> after,
      Map<String, String> causes, Instant now) {
    int n = after.size();
    String[] ids = new String[n];
    String[] policy = new String[n];
    OffsetDateTime[][] times = new OffsetDateTime[7][n];
    Long[] paused = new Long[n];
    List<String> auditIds = new ArrayList<>();
    List<String> auditChanges = new ArrayList<>();
    List<String> auditDetails = new ArrayList<>();
    int i = 0;
    for (var e : after.entrySet()) {
      SlaState a = e.getValue();
      ids[i] = e.getKey();
      policy[i] = a.policyId();
      times[0][i] = Sql.utc(a.firstResponseAt());
      times[1][i] = Sql.utc(a.firstResponseDueAt());
      times[2][i] = Sql.utc(a.nextResponseDueAt());
      times[3][i] = Sql.utc(a.resolutionDueAt());
      times[4][i] = Sql.utc(a.awaitingSince());
      times[5][i] = Sql.utc(a.resolutionStartedAt());
      times[6][i] = Sql.utc(a.resolutionPausedAt());
      paused[i] = a.resolutionPausedSeconds();
      Map<String, Object> detail = SlaStore.detail(a);
      if (causes.get(e.getKey()) != null) {
        detail.put("cause", causes.get(e.getKey()));
      }
      String json = Json.write(detail);
      for (String change : before.get(e.getKey()).changesTo(a)) {
        auditIds.add(e.getKey());
        auditChanges.add(change);
        auditDetails.add(json);
      }
      i++;
    }
    Tuple t = Tuple.of(accountId).addArrayOfString(ids).addArrayOfString(policy);
    for (int k = 0; k < 7; k++) {
      t.addArrayOfOffsetDateTime(times[k]);
    }
    return t.addArrayOfLong(paused).addOffsetDateTime(Sql.utc(now))
        .addArrayOfString(auditIds.toArray(String[]::new)).addArrayOfString(auditChanges.toArray(String[]::new))
        .addArrayOfString(auditDetails.toArray(String[]::new));
  }
}
