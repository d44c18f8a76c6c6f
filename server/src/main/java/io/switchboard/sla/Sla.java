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
    this.csat = new Csat(this, db, events, conversations, messages, outbound, publicUrl);
  }

  public Future<Void> start() {
    return cache.start()
        .compose(v -> vertx.deployVerticle(timers))
        .onSuccess(id -> deployment = id)
        .mapEmpty();
  }

  public Future<Void> stop() {
    Future<Void> undeployed = deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
    return undeployed.eventually(cache::stop);
  }

  public Instant now() {
    return clock.instant();
  }

  /** The SLA and CSAT figures of the dashboard snapshot, by this clock. */
  public Future<io.vertx.core.json.JsonObject> dashboard(String accountId) {
    return SlaDashboard.snapshot(db, accountId, now());
  }

  /** How many timers this node holds (metrics, tests). */
  public int armedTimers() {
    return timers.armed();
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
      chain = chain.compose(v -> db.withTransaction(tx -> conversations.lock(tx, accountId, id)
              .compose(state -> state.isEmpty() ? Future.succeededFuture(0L)
                  : refresh(tx, accountId, id).compose(x -> conversations.view(tx, accountId, id))
                      .compose(view -> events.append(tx, accountId, io.switchboard.events.EventDraft.of(
                          "conversation.updated", id, view.orElseThrow().teamId(), view.orElseThrow().assigneeId(),
                          view.orElseThrow())))))
          .onSuccess(seq -> events.announce(accountId, seq))
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
      SlaState moved = before;
      if (before.resolutionPausedAt() != null && !"pending".equals(before.status())) {
        // An inbound message moved it out of pending: the clock starts again now.
        moved = new SlaState("pending", before.priority(), before.channels(), before.policyId(),
            before.firstResponseAt(), before.firstResponseDueAt(), before.nextResponseDueAt(),
            before.resolutionDueAt(), before.awaitingSince(), before.resolutionStartedAt(),
            before.resolutionPausedAt(), before.resolutionPausedSeconds())
            .status(before.status(), now, sla.hours(sla.match(before.priority(), before.channels())));
      }
      return store.write(tx, accountId, id, before, moved.recompute(sla), now)
          .onSuccess(after -> arm(accountId, id, after, sla))
          .map(Optional::of);
    }));
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
