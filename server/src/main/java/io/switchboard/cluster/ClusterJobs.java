package io.switchboard.cluster;

import io.switchboard.channels.core.Exclusive;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapters' jobs done by one node at a time (each email channel's mailbox fetch), held as
 * PostgreSQL session advisory locks, like {@link SingleActive}, but all on one session per node: a
 * node with a hundred mailboxes holds one connection, not a hundred. A job not held is tried again
 * every {@code retryMs}. When the holder dies PostgreSQL ends its session and frees its locks, and
 * another node takes the jobs over on its next try; a node that loses its session stops every job
 * it held (another may start them now) and opens a new one. The session is named after the node
 * ({@code application_name}), so {@code pg_stat_activity} shows which node fetches which mailbox.
 */
public final class ClusterJobs implements Exclusive {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterJobs.class);
  private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended($1, 0))";
  private static final String UNLOCK = "SELECT pg_advisory_unlock(hashtextextended($1, 0))";

  private final class Job implements Held {
    final String name;
    final Supplier<Future<Void>> start;
    final Supplier<Future<Void>> stop;
    boolean held;
    boolean trying;

    Job(String name, Supplier<Future<Void>> start, Supplier<Future<Void>> stop) {
      this.name = name;
      this.start = start;
      this.stop = stop;
    }

    @Override
    public Future<Void> release() {
      return ClusterJobs.this.release(this);
    }
  }

  private final Vertx vertx;
  private final PgConnectOptions database;
  private final long retryMs;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private PgConnection session;
  private boolean connecting;
  private long timer = -1;

  /**
   * @param retryMs how often a node that does not hold a job tries again: the longest a job stays
   *                undone after its holder died
   */
  public ClusterJobs(Vertx vertx, PgConnectOptions database, String nodeName, long retryMs) {
    this.vertx = vertx;
    String app = "switchboard " + nodeName;
    this.database = new PgConnectOptions(database).addProperty("application_name",
        app.length() > 63 ? app.substring(0, 63) : app);
    this.retryMs = retryMs;
  }

  @Override
  public synchronized Held hold(String name, Supplier<Future<Void>> start, Supplier<Future<Void>> stop) {
    if (jobs.containsKey(name)) {
      throw new IllegalStateException("job " + name + " is already held here");
    }
    Job job = new Job(name, start, stop);
    jobs.put(name, job);
    if (timer < 0) {
      timer = vertx.setPeriodic(retryMs, t -> tryAll());
    }
    tryAll();
    return job;
  }

  /** Tries every job not held yet, on the node's session (opened first if needed). */
  private synchronized void tryAll() {
    if (session == null) {
      if (!connecting && !jobs.isEmpty()) {
        connecting = true;
        PgConnection.connect(vertx, database).onComplete(ar -> opened(ar.succeeded() ? ar.result() : null, ar.cause()));
      }
      return;
    }
    PgConnection conn = session;
    for (Job job : jobs.values()) {
      if (!job.held && !job.trying) {
        job.trying = true;
        conn.preparedQuery(TRY_LOCK).execute(Tuple.of(job.name))
            .map(rows -> rows.iterator().next().getBoolean(0))
            .onComplete(ar -> tried(conn, job, ar.succeeded() && ar.result()));
      }
    }
  }

  private void opened(PgConnection conn, Throwable failure) {
    synchronized (this) {
      connecting = false;
      if (conn == null) {
        LOG.debug("could not open the session for jobs done once: {}", failure.getMessage());
        return;
      }
      if (timer < 0) { // closed meanwhile
        conn.close();
        return;
      }
      session = conn;
      conn.closeHandler(v -> lost(conn));
    }
    tryAll();
  }

  private void tried(PgConnection conn, Job job, boolean got) {
    boolean start;
    synchronized (this) {
      job.trying = false;
      boolean wanted = jobs.get(job.name) == job && session == conn;
      if (got && !wanted) {
        if (session == conn) {
          conn.preparedQuery(UNLOCK).execute(Tuple.of(job.name)); // released while it was being taken
        }
        return;
      }
      start = got;
      job.held = got;
    }
    if (start) {
      LOG.info("this node runs {}", job.name);
      job.start.get();
    }
  }

  /** The session ended: every job it held may run elsewhere now, so it stops here. */
  private void lost(PgConnection conn) {
    List<Job> stopped = new ArrayList<>();
    synchronized (this) {
      if (session != conn) {
        return;
      }
      session = null;
      for (Job job : jobs.values()) {
        if (job.held) {
          job.held = false;
          stopped.add(job);
        }
      }
    }
    if (!stopped.isEmpty()) {
      LOG.warn("lost the database session holding {} job(s); stopping them until this node holds them again",
          stopped.size());
    }
    stopped.forEach(job -> job.stop.get());
  }

  private Future<Void> release(Job job) {
    boolean held;
    PgConnection conn;
    synchronized (this) {
      if (jobs.get(job.name) != job) {
        return Future.succeededFuture();
      }
      jobs.remove(job.name);
      held = job.held;
      job.held = false;
      conn = session;
    }
    if (!held) {
      return Future.succeededFuture();
    }
    return job.stop.get().eventually(() -> conn == null ? Future.succeededFuture()
        : conn.preparedQuery(UNLOCK).execute(Tuple.of(job.name)).mapEmpty());
  }

  /** Stops every job this node runs and ends its session (the locks go with it). */
  public Future<Void> close() {
    List<Job> all;
    synchronized (this) {
      vertx.cancelTimer(timer);
      timer = -1;
      all = new ArrayList<>(jobs.values());
    }
    Future<Void> released = Future.join(all.stream().map(this::release).toList()).mapEmpty();
    return released.recover(err -> Future.succeededFuture()).eventually(() -> {
      PgConnection conn;
      synchronized (this) {
        conn = session;
        session = null;
      }
      return conn == null ? Future.succeededFuture() : conn.close();
    });
  }
}
