package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.BitSet;

/**
 * Reads back what the server stored: the database must hold exactly the acknowledged messages of a
 * window, each once. Messages whose answer was lost (a timeout) may or may not be stored; they are
 * reported apart, not as errors.
 */
final class DbCheck {

  private static final String MESSAGES_OF_RUN = """
      SELECT external_id FROM message WHERE account_id = $1 AND external_id LIKE $2""";

  private static final String DURABILITY = """
      SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
             current_setting('synchronous_commit') AS sync, current_setting('wal_sync_method') AS wal_sync,
             current_setting('full_page_writes') AS fpw""";

  /**
   * @param stored             rows of the window's messages in the database
   * @param missing            acknowledged but not stored (a lost message)
   * @param duplicated         stored more than once
   * @param storedUnacknowledged stored although the tool saw no acknowledgement (timeout or failure)
   */
  record Result(long stored, long missing, long duplicated, long storedUnacknowledged) {

    boolean exact() {
      return missing == 0 && duplicated == 0;
    }
  }

  private final Pool pool;

  DbCheck(Vertx vertx, String pgUrl) {
    this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(PgConnectOptions.fromUri(pgUrl)).using(vertx).build();
  }

  Future<Result> check(String accountId, Window window) {
    String prefix = Marker.externalIdPrefix(window.run);
    // The acknowledgements are taken before the query: each was given after its commit, so the query
    // must see it. (Taken after, an answer arriving meanwhile would count as missing.)
    BitSet acked = window.ackedSet();
    return pool.preparedQuery(MESSAGES_OF_RUN).execute(Tuple.of(accountId, prefix + "%")).map(rows -> {
      BitSet seen = new BitSet();
      long duplicated = 0;
      for (Row r : rows) {
        int n = Integer.parseInt(r.getString(0).substring(prefix.length()));
        if (seen.get(n)) {
          duplicated++;
        }
        seen.set(n);
      }
      BitSet missing = (BitSet) acked.clone();
      missing.andNot(seen);
      BitSet unacked = (BitSet) seen.clone();
      unacked.andNot(acked);
      return new Result(rows.rowCount(), missing.cardinality(), duplicated, unacked.cardinality());
    });
  }

  /** The server version and the settings that decide whether a commit is durable, for the report. */
  Future<String> durabilitySettings() {
    return pool.query(DURABILITY).execute().map(rows -> {
      Row r = rows.iterator().next();
      return "PostgreSQL " + r.getString("version") + ", fsync=" + r.getString("fsync") + ", synchronous_commit="
          + r.getString("sync") + ", wal_sync_method=" + r.getString("wal_sync") + ", full_page_writes="
          + r.getString("fpw");
    });
  }

  Future<Long> messageCount(String accountId) {
    return pool.preparedQuery("SELECT count(*) FROM message WHERE account_id = $1").execute(Tuple.of(accountId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  Future<Void> close() {
    return pool.close();
  }
}
