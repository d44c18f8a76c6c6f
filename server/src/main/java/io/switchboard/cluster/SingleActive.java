package io.switchboard.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a job on one node of the cluster at a time (the demo's simulated traffic, a mailbox's
 * fetcher): the node whose own PostgreSQL connection holds a session advisory lock named after the
 * job. The others try again every few seconds. When the holder dies, PostgreSQL ends its session
 * and frees the lock, so another node takes over without any cluster message; a single node simply
 * always holds it. A node that loses its connection stops the job, since another may start it now.
 */
public final class SingleActive {

  private static final Logger LOG = LoggerFactory.getLogger(SingleActive.class);
  private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended($1, 0))";

  private final Vertx vertx;
  private final PgConnectOptions database;
  private final String job;
  private final long retryMs;
  private final Supplier<Future<Void>> start;
  private final Supplier<Future<Void>> stop;
  private PgConnection holder;
  private boolean trying;
  private boolean closed;
  private long timer = -1;

  public SingleActive(Vertx vertx, PgConnectOptions database, String job, long retryMs,
      Supplier<Future<Void>> start, Supplier<Future<Void>> stop) {
    this.vertx = vertx;
    this.database = database;
    this.job = job;
    this.retryMs = retryMs;
    this.start = start;
    this.stop = stop;
  }

  /** Starts trying; completes after the first try, whether this node got the job or not. */
  public Future<Boolean> begin() {
    timer = vertx.setPeriodic(retryMs, id -> tryToLead());
    return tryToLead();
  }

  public boolean leading() {
    return holder != null;
  }

  private Future<Boolean> tryToLead() {
    if (holder != null || trying || closed) {
      return Future.succeededFuture(holder != null);
    }
    trying = true;
    return PgConnection.connect(vertx, database)
        .compose(conn -> conn.preparedQuery(TRY_LOCK).execute(Tuple.of(job))
            .map(rows -> rows.iterator().next().getBoolean(0))
            .compose(got -> got ? lead(conn) : conn.close().map(false)))
        .otherwise(err -> {
          LOG.debug("could not try to run {}: {}", job, err.getMessage());
          return false;
        })
        .onComplete(ar -> trying = false);
  }

  private Future<Boolean> lead(PgConnection conn) {
    if (closed) {
      return conn.close().map(false);
    }
    holder = conn;
    conn.closeHandler(v -> {
      if (holder == conn) {
        holder = null;
        LOG.warn("lost the database session that runs {}; stopping it until this node holds it again", job);
        stop.get();
      }
    });
    LOG.info("this node runs {}", job);
    return start.get().map(true);
  }

  /** Stops the job if this node runs it, and stops trying. */
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(timer);
    PgConnection conn = holder;
    holder = null;
    if (conn == null) {
      return Future.succeededFuture();
    }
    return stop.get().eventually(conn::close);
  }
}
