package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for PostgreSQL's autovacuum when the measured database runs without it. This machine's
 * PostgreSQL is configured for CI with {@code autovacuum = off}; a production server vacuums, and
 * without it the hot rows of a load test (a popular customer's conversation is updated hundreds of
 * times a minute) pile up dead versions that every later read must step over. Every naptime
 * (autovacuum's default, 60 s) it vacuums and analyzes the tables that autovacuum's default
 * thresholds would pick; the report says how often and for how long.
 */
final class Autovacuum {

  static final long NAPTIME_MS = 60_000;

  private static final String OFF = "SELECT current_setting('autovacuum') = 'off'";

  /** autovacuum_vacuum_threshold 50 + scale factor 0.2; analyze: 50 + 0.1 (PostgreSQL 15 defaults). */
  private static final String DUE = """
      SELECT relname, n_dead_tup > 50 + 0.2 * n_live_tup AS vacuum
      FROM pg_stat_user_tables
      WHERE n_dead_tup > 50 + 0.2 * n_live_tup OR n_mod_since_analyze > 50 + 0.1 * n_live_tup""";

  private final Vertx vertx;
  private final Pool pool;
  private final AtomicLong passes = new AtomicLong();
  private final AtomicLong tables = new AtomicLong();
  private final AtomicLong nanos = new AtomicLong();
  private boolean active;
  private boolean running;
  private long timer = -1;

  Autovacuum(Vertx vertx, String pgUrl) {
    this.vertx = vertx;
    this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnectOptions.fromUri(pgUrl)).using(vertx).build();
  }

  /** Starts standing in when the server's autovacuum is off; completes with whether it does. */
  Future<Boolean> startIfOff() {
    return pool.query(OFF).execute().map(rows -> rows.iterator().next().getBoolean(0)).onSuccess(off -> {
      active = off;
      if (off) {
        timer = vertx.setPeriodic(NAPTIME_MS, t -> pass());
      }
    });
  }

  private void pass() {
    if (running) {
      return;
    }
    running = true;
    long start = System.nanoTime();
    pool.query(DUE).execute().compose(rows -> {
      List<Row> due = new ArrayList<>();
      rows.forEach(due::add);
      Future<Void> chain = Future.succeededFuture();
      for (Row r : due) {
        String table = "\"" + r.getString("relname").replace("\"", "\"\"") + "\"";
        String command = (r.getBoolean("vacuum") ? "VACUUM (ANALYZE) " : "ANALYZE ") + table;
        chain = chain.compose(v -> pool.query(command).execute().<Void>mapEmpty());
      }
      return chain.map(v -> due.size());
    }).onComplete(ar -> {
      running = false;
      passes.incrementAndGet();
      nanos.addAndGet(System.nanoTime() - start);
      if (ar.succeeded()) {
        tables.addAndGet(ar.result());
      }
    });
  }

  /** A sentence for the report's header. */
  String describe() {
    if (!active) {
      return "autovacuum on";
    }
    return "autovacuum=off on this machine (a CI setting), so the tool stood in for it with PostgreSQL's default "
        + "thresholds every " + NAPTIME_MS / 1000 + " s: " + passes.get() + " passes, " + tables.get()
        + " tables vacuumed or analyzed, " + Stats.fmt(nanos.get() / 1e9) + " s in all";
  }

  Future<Void> close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return pool.close();
  }
}
