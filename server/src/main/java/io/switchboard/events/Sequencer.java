package io.switchboard.events;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbers committed events: gives every event appended without a seq the account's next seq, in
 * the order the events were inserted, then tells every node (event bus {@link EventLog#APPENDED}).
 *
 * <p>Why this keeps the stream's promise (an event is delivered only once every lower seq has
 * committed): a seq exists only once the sequencer's own statement has committed, and those
 * statements of one account commit one after another (they update the account's counter row), so
 * a reader that sees seq N also sees every lower one. The order is causal: services append as the
 * last step of a transaction, after taking every row lock they need, so a transaction that waited
 * for another's lock inserts its events after that one committed and gets higher ids.
 *
 * <p>One pass per account runs at a time on this node; wake-ups during a pass cause one more pass.
 * A sweep picks up events no wake-up announced (a node died between commit and announce).
 * Two nodes sequencing one account at once is safe: the second one's counter update waits for the
 * first's commit and skips the rows it numbered (their seq is no longer NULL), leaving a gap.
 */
public final class Sequencer extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);

  /** Local address: "account X has appended events". */
  static final String PENDING = "sb.events.pending";

  /** Local address: "answer once every event of account X committed so far has a seq". */
  static final String FLUSH = "sb.events.flush";

  static final int BATCH = 5000;

  private static final String SEQUENCE = """
      WITH pending AS (
        SELECT id, row_number() OVER (ORDER BY id) AS n
        FROM (SELECT id FROM event WHERE account_id = $1 AND seq IS NULL ORDER BY id LIMIT $2) oldest),
      bumped AS (
        UPDATE account_seq SET last_seq = last_seq + (SELECT count(*) FROM pending)
        WHERE account_id = $1 AND EXISTS (SELECT 1 FROM pending)
        RETURNING last_seq - (SELECT count(*) FROM pending) AS base),
      numbered AS (
        UPDATE event e SET seq = bumped.base + pending.n
        FROM pending, bumped
        WHERE e.id = pending.id AND e.seq IS NULL
        RETURNING e.seq)
      SELECT coalesce(max(seq), 0) AS last, count(*) AS numbered FROM numbered""";

  private static final String WAITING = "SELECT DISTINCT account_id FROM event WHERE seq IS NULL";

  private final Pool db;
  private final long sweepMs;
  /** Accounts with a pass running; true when woken again during it. */
  private final Map<String, Boolean> running = new HashMap<>();
  /** Who waits for an account's passes to settle (see {@link EventLog#numbered}). */
  private final Map<String, List<Message<String>>> waiters = new HashMap<>();
  private MessageConsumer<String> consumer;
  private MessageConsumer<String> flushes;
  private long sweeper;

  public Sequencer(Pool db, long sweepMs) {
    this.db = db;
    this.sweepMs = sweepMs;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(PENDING, msg -> wake(msg.body()));
    flushes = vertx.eventBus().localConsumer(FLUSH, msg -> {
      waiters.computeIfAbsent(msg.body(), a -> new ArrayList<>()).add(msg);
      wake(msg.body());
    });
    sweeper = vertx.setPeriodic(sweepMs, id -> sweep());
    return Future.all(consumer.completion(), flushes.completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweeper);
    return Future.all(consumer.unregister(), flushes.unregister());
  }

  private void wake(String accountId) {
    if (running.containsKey(accountId)) {
      running.put(accountId, true);
      return;
    }
    running.put(accountId, false);
    pass(accountId);
  }

  private void pass(String accountId) {
    sequence(db, accountId).onComplete(ar -> {
      boolean more;
      if (ar.failed()) {
        LOG.warn("numbering events of {} failed (the sweep retries): {}", accountId, ar.cause().getMessage());
        more = false;
      } else {
        Numbered done = ar.result();
        if (done.count() > 0) {
          vertx.eventBus().publish(EventLog.APPENDED, new JsonObject().put("accountId", accountId)
              .put("seq", done.last()));
        }
        more = done.count() == BATCH || Boolean.TRUE.equals(running.get(accountId));
      }
      if (more) {
        running.put(accountId, false);
        pass(accountId);
      } else {
        running.remove(accountId);
        List<Message<String>> settled = waiters.remove(accountId);
        if (settled != null) {
          settled.forEach(m -> m.reply(ar.succeeded() ? "numbered" : "failed"));
        }
      }
    });
  }

  private void sweep() {
    db.query(WAITING).execute()
        .onSuccess(rows -> rows.forEach(r -> wake(r.getString(0))))
        .onFailure(err -> LOG.debug("sequencer sweep failed: {}", err.getMessage()));
  }

  /** What one pass numbered: how many events, and the highest seq given (0 when none). */
  record Numbered(long last, long count) {
  }

  /** One pass: numbers up to {@link #BATCH} of the account's committed, unnumbered events. */
  static Future<Numbered> sequence(Pool db, String accountId) {
    return db.preparedQuery(SEQUENCE).execute(Tuple.of(accountId, BATCH)).map(rows -> {
      Row r = rows.iterator().next();
      return new Numbered(r.getLong("last"), r.getLong("numbered"));
    });
  }
}
