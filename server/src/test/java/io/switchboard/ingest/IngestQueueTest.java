package io.switchboard.ingest;

import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Ingest: a full queue refuses at once and loses nothing it acknowledged")
class IngestQueueTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start("ingestqueue", Map.of("SWITCHBOARD_INGEST_QUEUE", "5"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("with both batches in flight stuck in the database and five waiting, more messages get 503 with Retry-After; the rest are stored once released")
  void fullQueueAnswers503() {
    Tenant t = server.tenant("Queue");
    Channel email = t.channel("email", null);
    // One connection per request: the default pool of five would queue them in the client.
    WebClient client = WebClient.create(server.vertx, new io.vertx.ext.web.client.WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    // The two batches an account may have in flight (SWITCHBOARD_INGEST_IN_FLIGHT, 2) both get stuck.
    List<JsonObject> stuck = List.of(mail("first@example.com"), mail("second@example.com"));

    SqlConnection holder = await(server.app.db().getConnection());
    Transaction tx = await(holder.begin());
    for (JsonObject body : stuck) {
      await(holder.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
          .execute(Tuple.of("msg:" + email.id() + ":" + body.getString("externalId"))));
    }
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (JsonObject body : stuck) {
      sent.add(post(client, email, body));
      long deadline = System.currentTimeMillis() + 10_000;
      while (waitingForLocks() < sent.size()) {
        assertThat(System.currentTimeMillis()).as("batch " + sent.size() + " waits for its lock").isLessThan(deadline);
      }
    }
    List<JsonObject> bodies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      JsonObject body = mail("c" + i + "@example.com");
      bodies.add(body);
      sent.add(post(client, email, body));
    }
    // Five fit in the queue; the other fifteen are refused without waiting for the stuck batch.
    List<Future<HttpResponse<Buffer>>> later = sent.subList(stuck.size(), sent.size());
    long until = System.currentTimeMillis() + 10_000;
    while (later.stream().filter(Future::isComplete).count() < 15) {
      assertThat(System.currentTimeMillis()).as("fifteen answered while the batch is stuck").isLessThan(until);
      Thread.onSpinWait();
    }
    List<HttpResponse<Buffer>> refused = later.stream().filter(Future::isComplete).map(Future::result).toList();
    assertThat(refused).hasSize(15).allSatisfy(r -> {
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.getHeader("Retry-After")).isNotBlank();
      assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    });
    await(tx.rollback());
    await(holder.close());

    List<HttpResponse<Buffer>> all = await(Future.all(sent)).list();
    Set<String> acknowledged = new HashSet<>();
    for (int i = 0; i < all.size(); i++) {
      int status = all.get(i).statusCode();
      assertThat(status).isIn(202, 503);
      if (status == 202) {
        acknowledged.add(i < stuck.size() ? stuck.get(i).getString("externalId")
            : bodies.get(i - stuck.size()).getString("externalId"));
      }
    }
    assertThat(acknowledged).hasSize(7);
    Set<String> stored = new HashSet<>();
    await(server.app.db().preparedQuery("SELECT external_id FROM message WHERE account_id = $1")
        .execute(Tuple.of(t.accountId))).forEach(r -> stored.add(r.getString(0)));
    assertThat(stored).isEqualTo(acknowledged);
  }

  static Future<HttpResponse<Buffer>> post(WebClient client, Channel channel, JsonObject body) {
    return client.post(server.port(), "localhost", "/api/v1/inbound")
        .putHeader("Authorization", "Bearer " + channel.key()).sendJsonObject(body);
  }

  static long waitingForLocks() {
    return await(server.app.db().query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        .execute()).iterator().next().getLong(0);
  }

  static JsonObject mail(String from) {
    return new JsonObject().put("externalId", UUID.randomUUID().toString())
        .put("from", new JsonObject().put("email", from)).put("text", "hello");
  }
}
