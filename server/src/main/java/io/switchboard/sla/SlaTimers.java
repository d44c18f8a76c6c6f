package io.switchboard.sla;

import io.switchboard.conversation.ConversationRepository;
import io.switchboard.conversation.Views.ConversationView;
import io.switchboard.db.Sql;
import io.switchboard.events.EventDraft;
import io.switchboard.events.EventLog;
import io.switchboard.sla.SlaPolicy.Escalation;
import io.switchboard.sla.SlaPolicy.Metric;
import io.switchboard.sla.TimerWheel.Fire;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires sla.warning, sla.breached and escalation steps at their time: a timer wheel ticked four
 * times a second, never a poll of the database. At start it is rebuilt from the stored due times of
 * live conversations, so what came due while no node ran fires at once. Every node arms every
 * timer; the database decides which node fires: the fire is an insert into sla_breach keyed by
 * (conversation, metric, kind, due time), made only while the stored due time is still the one the
 * timer was armed for and the clock still runs. So each fires once, and a timer whose due time
 * moved since is a no-op.
 */
final class SlaTimers extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(SlaTimers.class);
  private static final long TICK_MS = 250;
  /** Fires in flight at once; the rest wait their turn in the (bounded by the wheel) backlog. */
  private static final int PARALLEL = 8;
  private static final int REBUILD_PAGE = 2000;

  private static final String GUARD = """
      WITH c AS (
        SELECT id, team_id, assignee_id, sla_policy_id, channels
        FROM conversation
        WHERE account_id = $1 AND id = $2 AND status <> 'resolved' AND merged_into IS NULL
          AND CASE $3::text
                WHEN 'firstResponse' THEN first_response_at IS NULL AND first_response_due_at = $5
                WHEN 'nextResponse' THEN next_response_due_at = $5
                ELSE resolution_paused_at IS NULL AND resolution_due_at = $5 END
          AND EXISTS (SELECT 1 FROM sla_policy p WHERE p.account_id = $1 AND p.id = sla_policy_id)
        FOR UPDATE)
      INSERT INTO sla_breach (account_id, conversation_id, metric, kind, due_at, policy_id, fired_at, channel_kind,
                              assignee_id, team_id)
      SELECT $1, c.id, $3, $4, $5, c.sla_policy_id, $6, c.channels[1], c.assignee_id, c.team_id FROM c
      ON CONFLICT DO NOTHING
      RETURNING policy_id""";

  private static final String REBUILD = """
      SELECT account_id, id, status, priority, channels, sla_policy_id, first_response_at, first_response_due_at,
             next_response_due_at, resolution_due_at, awaiting_since, resolution_started_at, resolution_paused_at,
             resolution_paused_seconds
      FROM conversation
      WHERE status <> 'resolved' AND merged_into IS NULL
        AND (first_response_due_at IS NOT NULL OR next_response_due_at IS NOT NULL OR resolution_due_at IS NOT NULL)
        AND id > $1
      ORDER BY id LIMIT $2""";

  private static final String ASSIGN_TEAM = """
      UPDATE conversation SET team_id = $3, assignee_id = NULL WHERE account_id = $1 AND id = $2""";

  private final Pool db;
  private final EventLog events;
  private final ConversationRepository conversations;
  private final Sla sla;
  private final TimerWheel wheel = new TimerWheel();
  private final ArrayDeque<Fire> backlog = new ArrayDeque<>();
  private int inFlight;
  private volatile int armed;
  /** The tick whose due timers have all been fired (or found to be no-ops), with none in flight. */
  private Instant lastTick = Instant.EPOCH;
  private volatile Instant settledThrough = Instant.EPOCH;
  private MessageConsumer<JsonArray> consumer;
  private long tick = -1;

  SlaTimers(Pool db, EventLog events, ConversationRepository conversations, Sla sla) {
    this.db = db;
    this.events = events;
    this.conversations = conversations;
    this.sla = sla;
  }

  int armed() {
    return armed;
  }

  /** Every timer due at or before this instant has been fired or found to be a no-op (tests wait on it). */
  Instant settledThrough() {
    return settledThrough;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(Sla.ARM, msg -> arm(msg.body()));
    return consumer.completion().compose(v -> rebuild("")).onSuccess(v -> {
      tick = vertx.setPeriodic(TICK_MS, id -> fireDue());
      fireDue();
    });
  }

  @Override
  public Future<?> stop() {
    if (tick >= 0) {
      vertx.cancelTimer(tick);
    }
    return consumer.unregister();
  }

  /** Arms published timers (the event-bus consumer; package-private for the memory measurement). */
  void arm(JsonArray entries) {
    String conversation = null;
    for (int i = 0; i < entries.size(); i++) {
      JsonObject e = entries.getJsonObject(i);
      // A conversation's timers come together: they share one id string in the wheel.
      String c = e.getString("c");
      conversation = c.equals(conversation) ? conversation : c;
      wheel.arm(e.getString("a"), conversation, Metric.values()[e.getInteger("m")], e.getInteger("k"),
          instant(e.getLong("t")), instant(e.getLong("d")));
    }
    armed = wheel.size();
  }

  /**
   * Pages through every live conversation with a due time, arming its timers (once at start: it
   * walks the primary key, so it needs no index of its own).
   */
  private Future<Void> rebuild(String afterId) {
    return db.preparedQuery(REBUILD).execute(Tuple.of(afterId, REBUILD_PAGE)).compose(rows -> {
      List<Row> page = new ArrayList<>();
      rows.forEach(page::add);
      Map<String, List<Row>> byAccount = new LinkedHashMap<>();
      page.forEach(r -> byAccount.computeIfAbsent(r.getString("account_id"), a -> new ArrayList<>()).add(r));
      List<Future<Void>> armedAccounts = new ArrayList<>();
      byAccount.forEach((account, list) -> armedAccounts.add(sla.cache.of(account).map(accountSla -> {
        JsonArray entries = new JsonArray();
        list.forEach(r -> Sla.entries(entries, account, r.getString("id"), SlaStore.state(r), accountSla));
        arm(entries);
        return null;
      })));
      return Future.all(armedAccounts).compose(v -> {
        if (page.size() < REBUILD_PAGE) {
          log.info("SLA timers rebuilt: {} armed", wheel.size());
          return Future.succeededFuture();
        }
        Row last = page.get(page.size() - 1);
        return rebuild(last.getString("id"));
      });
    });
  }

  private void fireDue() {
    Instant now = sla.now();
    lastTick = now;
    List<Fire> due = wheel.takeDue(now);
    armed = wheel.size();
    for (Fire f : due) {
      // A warning for a clock that is already over its due time says nothing the breach does not.
      if (f.kind() == 0 && !now.isBefore(f.due())) {
        continue;
      }
      backlog.add(f);
    }
    drain();
  }

  private void drain() {
    while (inFlight < PARALLEL && !backlog.isEmpty()) {
      Fire f = backlog.poll();
      inFlight++;
      fire(f).onComplete(ar -> {
        inFlight--;
        if (ar.failed()) {
          log.warn("SLA timer of {} failed: {}", f.conversationId(), ar.cause().toString());
        }
        drain();
      });
    }
    if (backlog.isEmpty() && inFlight == 0) {
      settledThrough = lastTick;
    }
  }

  /** One timer: the guarded insert, then its event (and escalation step) in the same transaction. */
  private Future<Void> fire(Fire f) {
    Instant now = sla.now();
    String kind = f.kind() == 0 ? "warning" : f.kind() == 1 ? "breached" : "escalation:" + (f.kind() - 2);
    return sla.cache.of(f.accountId()).compose(accountSla -> db.withTransaction(tx -> tx.preparedQuery(GUARD)
            .execute(Tuple.of(f.accountId(), f.conversationId(), f.metric().json, kind, Sql.utc(f.due()),
                Sql.utc(now)))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(0L);
              }
              String policyId = rows.iterator().next().getString("policy_id");
              SlaPolicy policy = policyId == null ? null : accountSla.policy(policyId);
              return act(tx, f, kind, policy, now);
            })))
        .onSuccess(seq -> {
          events.announce(f.accountId(), seq);
          if (seq > 0) {
            fired[Math.min(f.kind(), 2)].increment();
          }
        })
        .mapEmpty();
  }

  /** Warnings, breaches and escalation steps this node fired (each once across nodes), for /metrics. */
  private final java.util.concurrent.atomic.LongAdder[] fired = {
      new java.util.concurrent.atomic.LongAdder(), new java.util.concurrent.atomic.LongAdder(),
      new java.util.concurrent.atomic.LongAdder()};

  /** kind: 0 warning, 1 breach, 2 escalation step. */
  long fired(int kind) {
    return fired[kind].sum();
  }

  private Future<Long> act(SqlConnection tx, Fire f, String kind, SlaPolicy policy, Instant now) {
    String account = f.accountId();
    String id = f.conversationId();
    if (f.kind() < 2) {
      return conversations.view(tx, account, id).compose(view -> {
        ConversationView v = view.orElseThrow();
        return events.append(tx, account, EventDraft.of(f.kind() == 0 ? "sla.warning" : "sla.breached", id,
            v.teamId(), v.assigneeId(), payload(f, policy, now, v)));
      });
    }
    Escalation step = policy == null || f.kind() - 2 >= policy.escalation().size() ? null
        : policy.escalation().get(f.kind() - 2);
    if (step == null) {
      return Future.succeededFuture(0L);
    }
    return conversations.lock(tx, account, id).compose(before -> {
      Future<Void> done = switch (step.action()) {
        case "raisePriority" -> sla.raisePriority(tx, account, id);
        case "assignTeam" -> tx.preparedQuery(ASSIGN_TEAM).execute(Tuple.of(account, id, step.teamId())).mapEmpty();
        default -> Future.succeededFuture();
      };
      return done.compose(v -> conversations.view(tx, account, id)).compose(view -> {
        ConversationView v = view.orElseThrow();
        Map<String, Object> data = payload(f, policy, now, v);
        data.put("action", step.action());
        List<EventDraft> drafts = new ArrayList<>();
        drafts.add(new EventDraft("sla.escalated", id, v.teamId(), v.assigneeId(), before.get().teamId(),
            before.get().assigneeId(), data));
        if (!"notifySupervisors".equals(step.action())) {
          drafts.add(new EventDraft("conversation.updated", id, v.teamId(), v.assigneeId(), before.get().teamId(),
              before.get().assigneeId(), v));
        }
        return events.append(tx, account, drafts);
      });
    });
  }

  private static Map<String, Object> payload(Fire f, SlaPolicy policy, Instant now, ConversationView v) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conversationId", v.id());
    data.put("metric", f.metric().json);
    data.put("dueAt", f.due());
    data.put("policyId", policy == null ? null : policy.id());
    data.put("at", now);
    data.put("conversation", v);
    return data;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}
