package io.switchboard.realtime;

import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two servers (separate Vert.x instances, as two nodes would be) write one account's messages into
 * one database at once. Events are numbered in the writing transactions, so whatever a reader sees
 * must never have a hole below its highest seq, and a client resuming anywhere misses nothing.
 */
@DisplayName("Two servers on one database: one account's seq stays gapless and in commit order")
class TwoServersOneAccountTest {

  static TestServer first;
  static TestServer second;

  @BeforeAll
  static void start() {
    first = TestServer.start("twoservers");
    second = first.secondNode();
  }

  @AfterAll
  static void stop() {
    second.close();
    first.close();
  }

  @Test
  @DisplayName("300 messages posted to both servers: no reader ever sees a hole, the stream gets them all in order, and a resume from any seq gets exactly the rest")
  void seqHoldsAcrossServers() {
    Tenant t = first.tenant("Both");
    Channel email = t.channel("email", null);
    Channel phone = t.channel("phone", null);
    long s0 = seq(t.accountId);

    try (StreamClient live = StreamClient.open(first.vertx, first.api, t.admin.token(), null)) {
      live.ready();
      // A reader that keeps looking while both servers write: each look is one snapshot.
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger looks = new AtomicInteger();
      AtomicReference<String> hole = new AtomicReference<>();
      Future<Void> reader = look(t.accountId, s0, writing, looks, hole);

      WebClient toFirst = WebClient.create(first.vertx);
      WebClient toSecond = WebClient.create(second.vertx);
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        // Some customers write to both servers at once, on two channels: the same contact, raced.
        String customer = "c" + (i % 40);
        sent.add(post(toFirst, first, email, new JsonObject().put("email", customer + "@example.com")
            .put("phone", "+4860010" + (1000 + i % 40)).put("verified", new io.vertx.core.json.JsonArray().add("phone"))));
        sent.add(post(toSecond, second, phone, new JsonObject().put("phone", "+4860010" + (1000 + i % 40))));
      }
      await(Future.all(sent), 120);
      writing.set(false);
      await(reader, 30);
      assertThat(hole.get()).as("a reader saw a seq before a lower one").isNull();
      assertThat(looks.get()).isPositive();

      long last = seq(t.accountId);
      assertThat(count("SELECT count(*) FROM event WHERE account_id = $1 AND seq > $2", t.accountId, s0))
          .isEqualTo(last - s0);
      assertThat(count("SELECT count(*) FROM message WHERE account_id = $1", t.accountId)).isEqualTo(300);
      assertThat(count("SELECT count(*) FROM contact WHERE account_id = $1", t.accountId)).isEqualTo(40);

      // The live stream on the first server got every event, numbered by either server, in order.
      List<JsonObject> got = live.events((int) (last - s0), 60);
      assertThat(got.stream().map(e -> e.getLong("seq")).toList())
          .isEqualTo(java.util.stream.LongStream.rangeClosed(s0 + 1, last).boxed().toList());

      // Resuming from anywhere gives exactly what came after.
      for (long since : List.of(s0, s0 + 1, (s0 + last) / 2, last - 1)) {
        try (StreamClient resumed = StreamClient.open(second.vertx, second.api, t.admin.token(), since)) {
          List<JsonObject> rest = resumed.events((int) (last - since), 60);
          assertThat(rest.stream().map(e -> e.getLong("seq")).toList())
              .isEqualTo(java.util.stream.LongStream.rangeClosed(since + 1, last).boxed().toList());
        }
      }
    }
  }

  /** Looks until writing ends; records the first time the visible events below the top have a hole. */
  static Future<Void> look(String accountId, long s0, AtomicBoolean writing, AtomicInteger looks,
      AtomicReference<String> hole) {
    return first.app.db().preparedQuery(
            "SELECT coalesce(max(seq), $2) AS top, count(*) AS n FROM event WHERE account_id = $1 AND seq > $2")
        .execute(Tuple.of(accountId, s0)).compose(rows -> {
          Row r = rows.iterator().next();
          looks.incrementAndGet();
          if (r.getLong("top") - s0 != r.getLong("n") && hole.get() == null) {
            hole.set("top " + r.getLong("top") + " with " + r.getLong("n") + " events after " + s0);
          }
          return writing.get() ? look(accountId, s0, writing, looks, hole) : Future.succeededFuture();
        });
  }

  static Future<?> post(WebClient client, TestServer server, Channel channel, JsonObject from) {
    JsonObject body = new JsonObject().put("externalId", UUID.randomUUID().toString()).put("from", from)
        .put("text", "hello");
    return client.post(server.port(), "localhost", "/api/v1/inbound")
        .putHeader("Authorization", "Bearer " + channel.key()).sendJsonObject(body).map(r -> {
          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
          return r;
        });
  }

  static long seq(String accountId) {
    return count("SELECT last_seq FROM account_seq WHERE account_id = $1", accountId);
  }

  static long count(String sql, Object... params) {
    return await(first.app.db().preparedQuery(sql).execute(Tuple.wrap(params))).iterator().next().getLong(0);
  }
}
