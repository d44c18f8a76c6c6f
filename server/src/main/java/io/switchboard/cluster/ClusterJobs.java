package io.switchboard.cluster;

import io.switchboard.channels.core.Exclusive;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.util.function.Supplier;

/**
 * The adapters' jobs done by one node at a time (an email channel's mailbox fetch), each held
 * through its own {@link SingleActive} session lock. The lock's session is named after the node
 * ({@code application_name}), so an operator sees in {@code pg_stat_activity} which node fetches
 * which mailbox.
 */
public final class ClusterJobs implements Exclusive {

  private final Vertx vertx;
  private final PgConnectOptions database;
  private final long retryMs;

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
  public Held hold(String job, Supplier<Future<Void>> start, Supplier<Future<Void>> stop) {
    SingleActive one = new SingleActive(vertx, database, job, retryMs, start, stop);
    one.begin();
    return one::close;
  }
}
