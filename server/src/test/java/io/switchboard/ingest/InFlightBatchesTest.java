package io.switchboard.ingest;

import io.switchboard.http.Caller;
import io.switchboard.ingest.IngestService.Accepted;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two batches of one account in flight (the default): the second does not wait for the first's
 * transaction unless they share a key, and every rule and order holds as with one at a time.
 */
@DisplayName("Ingest: two batches of an account in flight at once")
class InFlightBatchesTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start("inflight");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("while a batch is stuck, others of the account are stored and answered; its contact's later messages wait for it and keep their order")
  void batchesOverlapAndKeepEachContactsOrder() {
    Tenant t = server.tenant("InFlight");
    Channel email = t.channel("email", null);
    Caller.Channel caller = new Caller.Channel(email.id(), t.accountId, email.kind(), null, null, 7);
    IngestBatcher batcher = server.app.services().ingest.batcher();
    List<ValidInbound> messages = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      messages.add(TestMessages.valid(server, caller, TestMessages.mail("customer" + (i % 20) + "@example.com", "message " + i)));
    }

    SqlConnection holder = await(server.app.db().getConnection());
    List<Future<Accepted>> answers = new ArrayList<>();
    try {
      Transaction tx = await(holder.begin());
      // Message 0's own key is held elsewhere: its batch waits in PostgreSQL.
      await(holder.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
          .execute(Tuple.of("msg:" + caller.channelId() + ":" + messages.get(0).msg().externalId())));
      answers.add(batcher.submit(messages.get(0)));
      long deadline = System.currentTimeMillis() + 10_000;
      while (server.count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0) {
        assertThat(System.currentTimeMillis()).as("message 0's batch waits for the lock").isLessThan(deadline);
      }
      // The other 19 customers' messages are stored and answered meanwhile: the stuck batch holds nobody else up.
      for (int i = 1; i < 200; i++) {
        answers.add(i % 20 == 0 ? null : batcher.submit(messages.get(i)));
      }
      for (int i = 1; i < 200; i++) {
        if (i % 20 != 0) {
          await(answers.get(i));
        }
      }
      assertThat(answers.get(0).isComplete()).as("the stuck message is not answered before its commit").isFalse();
      // Customer 0's later messages: their batch waits for the stuck one at the customer's identity.
      for (int i = 20; i < 200; i += 20) {
        answers.set(i, batcher.submit(messages.get(i)));
      }
      await(tx.rollback());
    } finally {
      await(holder.close());
    }
    List<Accepted> accepted = await(Future.all(answers)).list();
    assertThat(accepted).allMatch(a -> !a.duplicate());

    assertThat(server.count("SELECT count(*) FROM contact WHERE account_id = $1", t.accountId)).isEqualTo(20);
    assertThat(server.count("SELECT count(*) FROM conversation WHERE account_id = $1", t.accountId)).isEqualTo(20);
    // Customer 0's later messages waited for the first one's contact: arrival order by time and by seq.
    Map<String, List<Integer>> byTime = new HashMap<>();
    for (Row r : server.rows("""
        SELECT ct.id, m.text FROM message m JOIN contact ct ON ct.id = m.author_id
        WHERE m.account_id = $1 ORDER BY m.created_at, m.id""", t.accountId)) {
      byTime.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(TestMessages.number(r.getString(1)));
    }
    Map<String, List<Integer>> bySeq = new HashMap<>();
    for (Row r : server.rows("""
        SELECT data->'author'->>'id', data->>'text' FROM event
        WHERE account_id = $1 AND type = 'message.created' ORDER BY seq""", t.accountId)) {
      bySeq.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(TestMessages.number(r.getString(1)));
    }
    assertThat(byTime).hasSize(20);
    byTime.values().forEach(list -> assertThat(list).isSorted().hasSize(10));
    assertThat(bySeq).isEqualTo(byTime);
    for (int i = 0; i < 200; i++) {
      assertThat(accepted.get(i).contactId()).isEqualTo(accepted.get(i % 20).contactId());
      assertThat(accepted.get(i).conversationId()).isEqualTo(accepted.get(i % 20).conversationId());
    }
    // The stuck message committed after others of the account, so its events come later: seq is commit order.
    long firstSeq = server.count("""
        SELECT min(seq) FROM event WHERE account_id = $1 AND type = 'message.created' AND data->>'text' = 'message 0'""",
        t.accountId);
    assertThat(firstSeq).isGreaterThan(server.count("SELECT min(seq) FROM event WHERE account_id = $1", t.accountId));
    assertThat(server.count("SELECT max(seq) - min(seq) + 1 FROM event WHERE account_id = $1", t.accountId))
        .isEqualTo(server.count("SELECT count(*) FROM event WHERE account_id = $1", t.accountId));
  }
}
