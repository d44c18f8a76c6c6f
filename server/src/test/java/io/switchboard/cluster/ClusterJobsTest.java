package io.switchboard.cluster;

import io.switchboard.channels.core.Exclusive;
import io.switchboard.db.PgUrl;
import io.switchboard.support.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes' {@link ClusterJobs} on one database: each job runs on one of them, all of a node's
 * jobs on one session, and when that session ends (its node died) the other node runs them.
 */
@DisplayName("Jobs done once across nodes: one runner per job, one session per node, failover when a session ends")
class ClusterJobsTest {

  static Vertx vertx;
  static String pgUrl;
  static Pool db;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pgUrl = TestDatabases.create("clusterjobs");
    db = PgBuilder.pool().connectingTo(pgUrl).using(vertx).build();
  }

  @AfterAll
  static void stop() {
    await(db.close());
    await(vertx.close());
    TestDatabases.drop(pgUrl);
  }

  /** Which node runs each job, as the jobs' start and stop say. */
  static final Map<String, Set<String>> RUNNING = new ConcurrentHashMap<>();

  static Exclusive.Held hold(ClusterJobs jobs, String node, String job) {
    Supplier<Future<Void>> start = () -> {
      RUNNING.computeIfAbsent(job, k -> ConcurrentHashMap.newKeySet()).add(node);
      return Future.succeededFuture();
    };
    Supplier<Future<Void>> stop = () -> {
      RUNNING.getOrDefault(job, Set.of()).remove(node);
      return Future.succeededFuture();
    };
    return jobs.hold(job, start, stop);
  }

  static List<Row> sessions(String node) {
    List<Row> out = new ArrayList<>();
    await(db.preparedQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        + "AND application_name = $1").execute(Tuple.of("switchboard " + node))).forEach(out::add);
    return out;
  }

  @Test
  @DisplayName("three jobs on two nodes: each runs once; node A's session killed, node B runs all three; released, none")
  void oneRunnerAndFailover() {
    // Node A tries once a minute: once its session is gone it is as good as dead for this test.
    ClusterJobs a = new ClusterJobs(vertx, PgUrl.parse(pgUrl).options(), "node-a", 60_000);
    ClusterJobs b = new ClusterJobs(vertx, PgUrl.parse(pgUrl).options(), "node-b", 200);
    List<String> names = List.of("imap:ch_1", "imap:ch_2", "imap:ch_3");
    List<Exclusive.Held> held = new ArrayList<>();
    names.forEach(n -> held.add(hold(a, "a", n)));
    until("node A runs the three jobs", 10_000, () -> names.stream()
        .allMatch(n -> RUNNING.getOrDefault(n, Set.of()).equals(Set.of("a"))));
    names.forEach(n -> held.add(hold(b, "b", n)));
    // Node B keeps trying (every 200 ms) and never gets one while A holds them.
    until("node B has tried a few times", 10_000, () -> sessions("node-b").size() == 1);
    assertThat(sessions("node-a")).as("one session for all of node A's jobs").hasSize(1);
    names.forEach(n -> assertThat(RUNNING.get(n)).containsExactly("a"));

    int pid = sessions("node-a").get(0).getInteger("pid");
    await(db.preparedQuery("SELECT pg_terminate_backend($1)").execute(Tuple.of(pid)));
    until("node B runs the three jobs, node A none", 10_000, () -> names.stream()
        .allMatch(n -> RUNNING.getOrDefault(n, Set.of()).equals(Set.of("b"))));

    await(b.close());
    await(a.close());
    names.forEach(n -> assertThat(RUNNING.get(n)).isEmpty());
    until("both sessions ended", 10_000, () -> sessions("node-a").isEmpty() && sessions("node-b").isEmpty());
  }
}
