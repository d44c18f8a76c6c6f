package io.switchboard.events;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sequencer: numbering committed events")
class SequencerTest {

  static TestServer server;
  static Pool db;
  static EventLog events;

  @BeforeAll
  static void start() {
    server = TestServer.start("sequencer");
    db = server.app.db();
    events = server.app.services().events;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("several nodes numbering one account at once give each event exactly one seq, in append order")
  void concurrentSequencersNumberEachEventOnce() {
    var t = server.tenant("Racing");
    long before = count("SELECT count(*) FROM event WHERE account_id = $1", t.accountId);
    // 40 transactions of 5 events, committed but not announced: nothing has a seq yet (unless the sweep ran).
    List<Future<Long>> writes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int tx = i;
      List<EventDraft> drafts = new ArrayList<>();
      for (int j = 0; j < 5; j++) {
        drafts.add(EventDraft.of("conversation.updated", "cv_" + tx, null, null, Map.of("tx", tx, "n", j)));
      }
      writes.add(db.withTransaction(conn -> events.append(conn, t.accountId, drafts)));
    }
    await(Future.all(writes));

    // Four passes at once, as four nodes woken by the same commits would run them, twice over.
    for (int round = 0; round < 2; round++) {
      List<Future<Sequencer.Numbered>> passes = new ArrayList<>();
      for (int p = 0; p < 4; p++) {
        passes.add(Sequencer.sequence(db, t.accountId));
      }
      await(Future.all(passes));
    }

    assertThat(count("SELECT count(*) FROM event WHERE account_id = $1 AND seq IS NULL", t.accountId)).isZero();
    assertThat(count("SELECT count(DISTINCT seq) FROM event WHERE account_id = $1", t.accountId)).isEqualTo(before + 200);
    // seq follows the order the events were appended in (within a transaction, and across these)
    assertThat(count("""
        SELECT count(*) FROM (SELECT seq, lag(seq) OVER (ORDER BY id) AS prev FROM event WHERE account_id = $1) s
        WHERE s.prev >= s.seq""", t.accountId)).isZero();
    // the counter is at or above every seq given (a racing pass may leave a gap, never a repeat)
    assertThat(count("SELECT last_seq FROM account_seq WHERE account_id = $1", t.accountId))
        .isGreaterThanOrEqualTo(count("SELECT max(seq) FROM event WHERE account_id = $1", t.accountId));
    assertThat(await(events.current(db, t.accountId))).isGreaterThanOrEqualTo(before + 200);
  }

  @Test
  @DisplayName("an append nobody announced is numbered by the sweep")
  void sweepNumbersUnannouncedEvents() throws InterruptedException {
    var t = server.tenant("Unannounced");
    await(events.numbered(t.accountId));
    long s0 = await(events.current(db, t.accountId));
    await(db.withTransaction(conn -> events.append(conn, t.accountId,
        EventDraft.of("conversation.updated", "cv_lost", null, null, Map.of("n", 1)))));
    long deadline = System.currentTimeMillis() + 10_000;
    while (count("SELECT count(*) FROM event WHERE account_id = $1 AND seq IS NULL", t.accountId) > 0
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertThat(count("SELECT count(*) FROM event WHERE account_id = $1 AND seq IS NULL", t.accountId)).isZero();
    assertThat(await(events.current(db, t.accountId))).isEqualTo(s0 + 1);
  }

  private static long count(String sql, Object... params) {
    var rows = await(db.preparedQuery(sql).execute(Tuple.from(params)));
    Long value = rows.iterator().next().getLong(0);
    return value == null ? 0 : value;
  }
}
