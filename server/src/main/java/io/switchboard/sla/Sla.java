package io.switchboard.sla;

import io.switchboard.conversation.ConversationRepository;
import io.switchboard.events.EventLog;
import io.switchboard.sla.SlaPolicy.Metric;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * SLAs: the service the rest of the server calls. Writers tell it what happened to a conversation
 * (a status or priority change, a public human reply, a batch of inbound messages) inside their
 * own transaction; it moves the clocks, stores the due times with an audit row per change, and
 * arms the timers (SlaTimers) that raise sla.warning and sla.breached.
 */
public final class Sla {

  /** Event bus address: timers to arm, published to every node (each fires at most once, see SlaTimers). */
  static final String ARM = "sb.sla.arm";

  public final SlaClock clock;
  public final SlaCache cache;
  public final SlaRepository repo = new SlaRepository();
  final SlaStore store = new SlaStore();
  private final Vertx vertx;
  private final Pool db;
  private final EventLog events;
  private final ConversationRepository conversations;
  private final SlaTimers timers;
  private final SlaRecompute recompute;
  private String deployment;

  /** Surveys on resolve, and the answers (see Csat). */
  public final Csat csat;

  public Sla(Vertx vertx, Pool db, EventLog events, ConversationRepository conversations,
      io.switchboard.conversation.MessageRepository messages, io.switchboard.outbound.OutboundQueue outbound,
      java.util.function.Supplier<String> publicUrl, SlaClock clock) {
    this.vertx = vertx;
    this.db = db;
    this.events = events;
    this.conversations = conversations;
    this.clock = clock;
    this.cache = new SlaCache(vertx, db, repo);
    this.timers = new SlaTimers(db, events, conversations, this);
    this.recompute = new SlaRecompute(this, vertx, db, events, conversations);
    this.csat = new Csat(this, db, events, conversations, messages, outbound, publicUrl);
  }

  public Future<Void> start() {
    return cache.start()
        .compose(v -> vertx.deployVerticle(timers))
        .onSuccess(id -> {
          deployment = id;
          recompute.start();
        })
        .mapEmpty();
  }

  public Future<Void> stop() {
    recompute.stop();
    Future<Void> undeployed = deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
    return undeployed.eventually(cache::stop);
  }

  public Instant now() {
    return clock.instant();
  }

  /**
   * After a committed change of the account's policies or calendars, whose transaction marked the
   * live conversations it affects stale (SlaRepository.markStale): every node drops its cached
   * copy, and this node sweeps at once (see SlaRecompute). The returned future completes when the
   * sweep is done.
   */
  public Future<Void> policiesChanged(String accountId) {
    cache.changed(accountId);
    return recompute.sweep();
  }

  /** Sweeps the stale conversations now; completes when none is left that another node does not hold. */
  Future<Void> sweep() {
    return recompute.sweep();
  }

  /** Conversations whose due times this node's sweeps rewrote (after policy edits). */
  public long recomputed() {
    return recompute.written();
  }

  /** The SLA and CSAT figures of the dashboard snapshot, by this clock. */
  public Future<io.vertx.core.json.JsonObject> dashboard(String accountId) {
    return SlaDashboard.snapshot(db, accountId, now());
  }

  /** How many timers this node holds (metrics, tests). */
  public int armedTimers() {
    return timers.armed();
  }

  /** Every timer of this node due at or before this instant has fired (or was a no-op). */
  public Instant timersSettledThrough() {
    return timers.settledThrough();
  }

  /** SLA warnings (0), breaches (1) and escalation steps (2) this node fired. */
  public long fired(int kind) {
    return timers.fired(kind);
  }

  /**
   * The ingest batch's part (see SlaIngest), ready once the account's policies are in memory:
   * completed at once when they are cached.
   */
  public Future<SlaIngest> ingest(String accountId) {
    return cache.of(accountId).map(policies -> new SlaIngest(this, accountId, policies));
  }

  /** After an ingest batch: finishes the conversations its statement marked stale, one transaction each. */
  void refreshStale(String accountId, java.util.List<String> ids) {
    Future<Void> chain = Future.succeededFuture();
    for (String id : ids) {
      // Even when another writer cleared the flag meanwhile (an escalation's priority change, a
      // sweep): only this knows the conversation left pending, and a second refresh changes nothing.
      chain = chain.compose(v -> db.withTransaction(tx -> conversations.lock(tx, accountId, id)
              .compose(state -> state.isEmpty() ? Future.succeededFuture(0L)
                  : refresh(tx, accountId, id).compose(x -> conversations.view(tx, accountId, id))
                      .compose(view -> events.append(tx, accountId, io.switchboard.events.EventDraft.of(
                          "conversation.updated", id, view.orElseThrow().teamId(), view.orElseThrow().assigneeId(),
                          view.orElseThrow())))))
          .onSuccess(seq -> {
            if (seq > 0) {
              events.announce(accountId, seq);
            }
          })
          .recover(err -> {
            org.slf4j.LoggerFactory.getLogger(Sla.class).warn("SLA refresh of {} failed: {}", id, err.toString());
            return Future.succeededFuture(0L);
          })
          .mapEmpty());
    }
  }

  /**
   * A PATCH in the caller's transaction (the conversation row locked): status and priority are the
   * new values (null: unchanged). Writes the SLA columns; the caller writes status and priority.
   */
  public Future<Void> patched(SqlConnection tx, String accountId, String id, String status, String priority) {
    if (status == null && priority == null) {
      return Future.succeededFuture();
    }
    Instant now = now();
    return cache.of(accountId).compose(sla -> store.read(tx, accountId, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture();
      }
      SlaState before = found.get();
      SlaState moved = priority == null ? before : before.priority(priority);
      if (status != null) {
        moved = moved.status(status, now, sla.hours(sla.match(moved.priority(), moved.channels())));
      }
      boolean resolving = !"resolved".equals(before.status()) && "resolved".equals(moved.status());
      return store.write(tx, accountId, id, before, moved.recompute(sla), now)
          .onSuccess(after -> arm(accountId, id, after, sla))
          .compose(after -> resolving ? csat.resolved(tx, accountId, id, now) : Future.succeededFuture());
    }));
  }

  /** Escalation: one step up (low, normal, high, urgent), with the clocks of the policy that then applies. */
  Future<Void> raisePriority(SqlConnection tx, String accountId, String id) {
    return store.read(tx, accountId, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture();
      }
      String next = switch (found.get().priority()) {
        case "low" -> "normal";
        case "normal" -> "high";
        default -> "urgent";
      };
      return patched(tx, accountId, id, null, next)
          .compose(v -> tx.preparedQuery("UPDATE conversation SET priority = $3 WHERE account_id = $1 AND id = $2")
              .execute(io.vertx.sqlclient.Tuple.of(accountId, id, next)))
          .mapEmpty();
    });
  }

  /** A public reply by a person (not a note, bot or notification), in the caller's transaction. */
  public Future<Void> replied(SqlConnection tx, String accountId, String id) {
    Instant now = now();
    return cache.of(accountId).compose(sla -> store.read(tx, accountId, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture();
      }
      SlaState before = found.get();
      return store.write(tx, accountId, id, before, before.replied(now).recompute(sla), now)
          .onSuccess(after -> arm(accountId, id, after, sla))
          .mapEmpty();
    }));
  }

  /**
   * The anchors of conversations as their messages say (split): the receipt time of the first
   * customer message (not auto-submitted), the first human reply at or after it, and the oldest
   * customer message after the last human reply.
   */
  private static final String ANCHORS = """
      WITH m AS (
        SELECT conversation_id, created_at,
               direction = 'inbound' AND NOT auto_submitted AS customer,
               direction = 'outbound' AND author_type = 'user' AS human
        FROM message WHERE account_id = $1 AND conversation_id = ANY($2)),
      a AS (
        SELECT conversation_id, min(created_at) FILTER (WHERE customer) AS first_in,
               max(created_at) FILTER (WHERE human) AS last_reply
        FROM m GROUP BY 1)
      SELECT a.conversation_id, a.first_in,
             (SELECT min(x.created_at) FROM m x WHERE x.conversation_id = a.conversation_id AND x.human
                AND x.created_at >= coalesce(a.first_in, '-infinity')) AS first_reply,
             (SELECT min(x.created_at) FROM m x WHERE x.conversation_id = a.conversation_id AND x.customer
                AND x.created_at > coalesce(a.last_reply, '-infinity')) AS unanswered
      FROM a""";

  /**
   * A split, in the caller's transaction (both conversations written, the source locked): each
   * conversation's clocks are computed once from the messages it now holds. The new conversation
   * opened when its first customer message was received (splitting never restarts a customer's
   * wait); its first response is the first human reply after that, and a customer message after
   * the last reply waits for the next. The source keeps when it opened and its pending pause; its
   * first and next response follow the messages it kept.
   */
  public Future<Void> split(SqlConnection tx, String accountId, String sourceId, String newId) {
    Instant now = now();
    return cache.of(accountId).compose(sla -> tx.preparedQuery(ANCHORS)
        .execute(io.vertx.sqlclient.Tuple.of(accountId).addArrayOfString(new String[] {sourceId, newId}))
        .compose(rows -> {
          java.util.Map<String, io.vertx.sqlclient.Row> anchors = new java.util.HashMap<>();
          rows.forEach(r -> anchors.put(r.getString("conversation_id"), r));
          return store.read(tx, accountId, sourceId).compose(source -> store.read(tx, accountId, newId)
              .compose(made -> {
                Future<Void> a = source.isEmpty() ? Future.succeededFuture()
                    : rewrite(tx, accountId, sourceId, source.get(), anchors.get(sourceId), false, sla, now);
                return a.compose(v -> made.isEmpty() ? Future.succeededFuture()
                    : rewrite(tx, accountId, newId, made.get(), anchors.get(newId), true, sla, now));
              }));
        }));
  }

  private Future<Void> rewrite(SqlConnection tx, String accountId, String id, SlaState before,
      io.vertx.sqlclient.Row anchor, boolean opened, AccountSla sla, Instant now) {
    Instant firstIn = anchor == null ? null : io.switchboard.db.Sql.instant(anchor.getOffsetDateTime("first_in"));
    Instant firstReply = anchor == null ? null
        : io.switchboard.db.Sql.instant(anchor.getOffsetDateTime("first_reply"));
    Instant unanswered = anchor == null ? null
        : io.switchboard.db.Sql.instant(anchor.getOffsetDateTime("unanswered"));
    boolean resolved = "resolved".equals(before.status());
    Instant started = opened ? (resolved ? null : firstIn) : before.resolutionStartedAt();
    SlaState moved = new SlaState(before.status(), before.priority(), before.channels(), before.policyId(),
        firstReply, firstReply == null ? null : before.firstResponseDueAt(), before.nextResponseDueAt(),
        before.resolutionDueAt(), firstReply == null || resolved ? null : unanswered, started,
        opened ? null : before.resolutionPausedAt(), opened ? 0 : before.resolutionPausedSeconds());
    return store.write(tx, accountId, id, before, moved.recompute(sla), now)
        .onSuccess(after -> arm(accountId, id, after, sla))
        .mapEmpty();
  }

  /**
   * Recomputes a conversation whose clocks the ingest statement could not finish (it resumed from
   * pending, or its channels switched its policy). The caller's transaction has it locked.
   */
  Future<Optional<SlaState>> refresh(SqlConnection tx, String accountId, String id) {
    Instant now = now();
    return cache.of(accountId).compose(sla -> store.read(tx, accountId, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<SlaState>empty());
      }
      SlaState before = found.get();
      return store.write(tx, accountId, id, before, refreshed(before, sla, now), now)
          .compose(after -> tx.preparedQuery(
                  "UPDATE conversation SET sla_stale = false, sla_stale_cause = NULL WHERE account_id = $1 AND id = $2")
              .execute(io.vertx.sqlclient.Tuple.of(accountId, id)).map(after))
          .onSuccess(after -> arm(accountId, id, after, sla))
          .map(Optional::of);
    }));
  }

  /**
   * A stale conversation's state under the policies as they are: recomputed, and if an inbound
   * message moved it out of pending, its resolution clock started again now.
   */
  static SlaState refreshed(SlaState before, AccountSla sla, Instant now) {
    SlaState moved = before;
    if (before.resolutionPausedAt() != null && !"pending".equals(before.status())) {
      moved = new SlaState("pending", before.priority(), before.channels(), before.policyId(),
          before.firstResponseAt(), before.firstResponseDueAt(), before.nextResponseDueAt(),
          before.resolutionDueAt(), before.awaitingSince(), before.resolutionStartedAt(),
          before.resolutionPausedAt(), before.resolutionPausedSeconds())
          .status(before.status(), now, sla.hours(sla.match(before.priority(), before.channels())));
    }
    return moved.recompute(sla);
  }

  /** Arms the state's timers on every node. */
  void arm(String accountId, String id, SlaState state, AccountSla sla) {
    JsonArray entries = new JsonArray();
    entries(entries, accountId, id, state, sla);
    publish(entries);
  }

  void publish(JsonArray entries) {
    if (!entries.isEmpty()) {
      vertx.eventBus().publish(ARM, entries);
    }
  }

  /** The warning, breach and escalation timers of a state's running clocks. */
  static void entries(JsonArray out, String accountId, String id, SlaState state, AccountSla sla) {
    SlaPolicy policy = state.policyId() == null ? null : sla.policy(state.policyId());
    if (policy == null || "resolved".equals(state.status())) {
      return;
    }
    for (Metric m : Metric.values()) {
      Instant due = state.due(m);
      if (due == null) {
        continue;
      }
      if (policy.warnBeforeMinutes() > 0) {
        out.add(entry(accountId, id, m, 0, due.minus(Duration.ofMinutes(policy.warnBeforeMinutes())), due));
      }
      out.add(entry(accountId, id, m, 1, due, due));
      for (int i = 0; i < policy.escalation().size() && i < 14; i++) {
        out.add(entry(accountId, id, m, 2 + i,
            due.plus(Duration.ofMinutes(policy.escalation().get(i).afterBreachMinutes())), due));
      }
    }
  }

  private static JsonObject entry(String accountId, String id, Metric m, int kind, Instant at, Instant due) {
    return new JsonObject().put("a", accountId).put("c", id).put("m", m.ordinal()).put("k", kind)
        .put("t", TimerWheel.micros(at)).put("d", TimerWheel.micros(due));
  }

  Pool db() {
    return db;
  }
}
