package io.switchboard.ingest;

import io.switchboard.http.Caller;
import io.switchboard.http.Problem;
import io.switchboard.ingest.IngestService.Accepted;
import io.switchboard.support.Api;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit: what queues while an account's batch is being written is written together, and
 * every answer, rule and order holds as if the messages came one by one. To know what forms a
 * batch, a test holds the first message's advisory lock from its own transaction: that batch waits
 * in PostgreSQL while everything submitted after it queues behind it, and forms the next batch.
 */
@DisplayName("Ingest: group commit per account")
class GroupCommitTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    // One batch of an account at a time, so each test knows exactly which batches form;
    // InFlightBatchesTest covers two at once (the default).
    server = TestServer.start("groupcommit", java.util.Map.of("SWITCHBOARD_INGEST_IN_FLIGHT", "1"));
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("200 messages of 20 contacts queued together are written in one batch, each contact's in arrival order, seq rising")
  void batchKeepsArrivalOrder() {
    Tenant t = server.tenant("Order");
    Channel email = t.channel("email", null);
    Caller.Channel caller = caller(t, email);

    List<ValidInbound> messages = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      messages.add(valid(caller, mail("customer" + (i % 20) + "@example.com", "message " + i)));
    }
    List<Future<Accepted>> answers = submitBehindTheFirst(caller, messages);
    List<Accepted> accepted = await(Future.all(answers)).list();
    assertThat(accepted).allMatch(a -> !a.duplicate());

    // The first message's batch, then one batch with the other 199: two transactions in all.
    assertThat(count("SELECT count(DISTINCT xmin::text) FROM message WHERE account_id = $1", t.accountId))
        .isEqualTo(2);
    assertThat(count("SELECT count(*) FROM contact WHERE account_id = $1", t.accountId)).isEqualTo(20);
    assertThat(count("SELECT count(*) FROM conversation WHERE account_id = $1", t.accountId)).isEqualTo(20);
    // Per contact: the messages in the order they arrived, by time and by seq.
    Map<String, List<Integer>> byTime = new HashMap<>();
    for (Row r : rows("""
        SELECT ct.id, m.text FROM message m JOIN contact ct ON ct.id = m.author_id
        WHERE m.account_id = $1 ORDER BY m.created_at, m.id""", t.accountId)) {
      byTime.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(number(r.getString(1)));
    }
    Map<String, List<Integer>> bySeq = new HashMap<>();
    for (Row r : rows("""
        SELECT data->'author'->>'id', data->>'text' FROM event
        WHERE account_id = $1 AND type = 'message.created' ORDER BY seq""", t.accountId)) {
      bySeq.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(number(r.getString(1)));
    }
    assertThat(byTime).hasSize(20);
    byTime.values().forEach(list -> assertThat(list).isSorted().hasSize(10));
    assertThat(bySeq).isEqualTo(byTime);
    // Every message of a contact went to that contact's one conversation, named in its answer.
    for (int i = 0; i < 200; i++) {
      assertThat(accepted.get(i).contactId()).isEqualTo(accepted.get(i % 20).contactId());
      assertThat(accepted.get(i).conversationId()).isEqualTo(accepted.get(i % 20).conversationId());
    }
    assertThat(count("SELECT max(seq) - min(seq) + 1 FROM event WHERE account_id = $1", t.accountId))
        .isEqualTo(count("SELECT count(*) FROM event WHERE account_id = $1", t.accountId));
  }

  @Test
  @DisplayName("a repeat inside one batch and across two batches gets the first answer and stores nothing")
  void duplicatesInAndAcrossBatches() {
    Tenant t = server.tenant("Dupes");
    Channel email = t.channel("email", null);
    Caller.Channel caller = caller(t, email);
    JsonObject a = mail("ann@example.com", "first");
    JsonObject b = mail("bob@example.com", "second");

    List<ValidInbound> batch = List.of(valid(caller, mail("zed@example.com", "opens")), valid(caller, a),
        valid(caller, b), valid(caller, a.copy().put("text", "the adapter retried")));
    List<Future<Accepted>> answers = submitBehindTheFirst(caller, batch);
    List<Accepted> got = await(Future.all(answers)).list();
    assertThat(got.get(1).duplicate()).isFalse();
    assertThat(got.get(3)).isEqualTo(new Accepted(got.get(1).messageId(), got.get(1).conversationId(),
        got.get(1).contactId(), true));
    assertThat(count("SELECT count(DISTINCT xmin::text) FROM message WHERE account_id = $1", t.accountId))
        .isEqualTo(2);

    // Across batches, over HTTP as an adapter retries: 200 with the first answer.
    var again = api.post("/api/v1/inbound", email.key(), a.copy().put("text", "retried much later"));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("messageId")).isEqualTo(got.get(1).messageId());
    assertThat(again.json().getBoolean("duplicate")).isTrue();
    assertThat(count("SELECT count(*) FROM message WHERE account_id = $1", t.accountId)).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM message WHERE account_id = $1 AND text = 'first'", t.accountId))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("one bad message in a batch gets its own 4xx; every other message is acknowledged and stored")
  void oneBadMessageFailsAlone() {
    Tenant t = server.tenant("Bad");
    Channel email = t.channel("email", null);
    Caller.Channel caller = caller(t, email);

    List<ValidInbound> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      JsonObject body = mail("c" + i + "@example.com", "message " + i);
      if (i == 4) {
        body.put("attachments", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "att_nosuchfile")));
      }
      batch.add(valid(caller, body));
    }
    List<Future<Accepted>> answers = submitBehindTheFirst(caller, batch);
    await(Future.join(new ArrayList<>(answers)).otherwiseEmpty());
    for (int i = 0; i < 10; i++) {
      if (i == 4) {
        assertThat(answers.get(i).failed()).isTrue();
        assertThat(answers.get(i).cause()).isInstanceOf(Problem.class);
        assertThat(((Problem) answers.get(i).cause()).status()).isEqualTo(422);
      } else {
        assertThat(answers.get(i).succeeded()).as("message %d", i).isTrue();
      }
    }
    assertThat(count("SELECT count(*) FROM message WHERE account_id = $1", t.accountId)).isEqualTo(9);
    assertThat(count("SELECT count(*) FROM contact WHERE account_id = $1", t.accountId)).isEqualTo(9);
  }

  @Test
  @DisplayName("a batch the database refuses is written again message by message: only the broken one fails")
  void failedBatchIsRetriedOneByOne() {
    Tenant t = server.tenant("Retry");
    Channel email = t.channel("email", null);
    Caller.Channel caller = caller(t, email);

    List<ValidInbound> batch = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      batch.add(valid(caller, mail("r" + i + "@example.com", "message " + i)));
    }
    // A message the validator cannot know is broken: its channel vanished (a foreign key fails),
    // which fails the whole batch's transaction.
    ValidInbound ok = batch.get(3);
    Caller.Channel gone = new Caller.Channel("ch_vanished", caller.accountId(), caller.kind(), null, null, 7);
    batch.set(3, new ValidInbound(gone, ok.msg(), ok.ids(), ok.html(), ok.text(), ok.attachmentIds(),
        ok.reopenWindowDays()));
    List<Future<Accepted>> answers = submitBehindTheFirst(caller, batch);
    await(Future.join(new ArrayList<>(answers)).otherwiseEmpty());
    for (int i = 0; i < 6; i++) {
      assertThat(answers.get(i).succeeded()).as("message %d", i).isEqualTo(i != 3);
    }
    assertThat(count("SELECT count(*) FROM message WHERE account_id = $1", t.accountId)).isEqualTo(5);
  }

  // ---------------------------------------------------------------- helpers

  /** The first message forms a batch of its own; all the others queue behind it and form the next. */
  static List<Future<Accepted>> submitBehindTheFirst(Caller.Channel caller, List<ValidInbound> messages) {
    IngestBatcher batcher = server.app.services().ingest.batcher();
    return whileHeld(caller, messages.get(0), () -> messages.stream().map(batcher::submit).toList());
  }

  /**
   * Submits while the first message's lock is held elsewhere, so its batch waits in PostgreSQL and
   * everything submitted after it queues into the next batch; then lets go.
   */
  static List<Future<Accepted>> whileHeld(Caller.Channel caller, ValidInbound first,
      java.util.function.Supplier<List<Future<Accepted>>> submit) {
    SqlConnection holder = await(server.app.db().getConnection());
    try {
      Transaction tx = await(holder.begin());
      await(holder.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
          .execute(Tuple.of("msg:" + caller.channelId() + ":" + first.msg().externalId())));
      List<Future<Accepted>> answers = submit.get();
      // The first batch is waiting for the lock once PostgreSQL shows a backend waiting on it.
      long deadline = System.currentTimeMillis() + 10_000;
      while (count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0) {
        assertThat(System.currentTimeMillis()).as("the first batch waits for the lock").isLessThan(deadline);
      }
      await(tx.rollback());
      return answers;
    } finally {
      await(holder.close());
    }
  }

  static Caller.Channel caller(Tenant t, Channel channel) {
    return new Caller.Channel(channel.id(), t.accountId, channel.kind(), null, null, 7);
  }

  static ValidInbound valid(Caller.Channel caller, JsonObject body) {
    return TestMessages.valid(server, caller, body);
  }

  static JsonObject mail(String from, String text) {
    return TestMessages.mail(from, text);
  }

  static int number(String text) {
    return TestMessages.number(text);
  }

  static List<Row> rows(String sql, Object... params) {
    return server.rows(sql, params);
  }

  static long count(String sql, Object... params) {
    return server.count(sql, params);
  }
}
