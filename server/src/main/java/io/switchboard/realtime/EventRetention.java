package io.switchboard.realtime;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Deletes old events: those older than the maximum age, but never an account's last keepLast, so
 * a quiet account can still resume. Records how far each account was pruned, which is where
 * "resync" starts. Also forgets long-expired stream tickets.
 */
final class EventRetention {

  private static final String PRUNE = """
      WITH doomed AS (
        DELETE FROM event e USING account_seq s
        WHERE e.account_id = s.account_id
          AND e.at < now() - make_interval(secs => $1::double precision)
          AND e.seq <= s.last_seq - $2::bigint
        RETURNING e.account_id, e.seq),
      marked AS (
        INSERT INTO event_pruned (account_id, through_seq)
        SELECT account_id, max(seq) FROM doomed GROUP BY account_id
        ON CONFLICT (account_id) DO UPDATE SET through_seq = greatest(event_pruned.through_seq, excluded.through_seq)
        RETURNING 1)
      SELECT (SELECT count(*) FROM doomed) AS deleted""";

  private static final String FORGET_TICKETS = "DELETE FROM stream_ticket WHERE expires_at < now() - interval '1 hour'";

  private final Pool db;
  private final StreamSettings.Retention retention;

  EventRetention(Pool db, StreamSettings.Retention retention) {
    this.db = db;
    this.retention = retention;
  }

  /** Runs once; returns how many events were deleted. */
  Future<Long> prune() {
    return db.withTransaction(tx -> tx.preparedQuery(PRUNE)
            .execute(Tuple.of(retention.maxAgeMs() / 1000.0, (long) retention.keepLast()))
            .map(rows -> rows.iterator().next().getLong("deleted")))
        .compose(deleted -> db.query(FORGET_TICKETS).execute().map(deleted));
  }
}
