package io.switchboard.ingest;

import io.switchboard.db.Database;
import io.switchboard.db.PgUrl;
import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL's connections are killed while adapters post: no 500, no 2xx for anything unsaved. */
@DisplayName("Faults: the database's connections killed during ingest")
class DatabaseFaultTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start("databasefault");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("every answer is a 202 or a 503 with Retry-After, every 202 is stored, and ingest works again afterwards")
  void connectionsKilledDuringIngest() throws Exception {
    Api.Tenant t = server.tenant("Fault");
    Api.Channel email = t.channel("email", null);
    WebClient client = WebClient.create(server.vertx);
    List<String> externalIds = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    int killed = 0;
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 40; i++) {
        String externalId = UUID.randomUUID().toString();
        externalIds.add(externalId);
        sent.add(client.post(server.port(), "localhost", "/api/v1/inbound")
            .putHeader("Authorization", "Bearer " + email.key())
            .sendJsonObject(new JsonObject().put("externalId", externalId)
                .put("from", new JsonObject().put("email", "c" + (i % 10) + "@example.com")).put("text", "m" + i)));
      }
      killed += terminateServerConnections();
    }
    List<HttpResponse<Buffer>> answers = await(Future.all(sent), 60).list();
    assertThat(killed).as("backends killed").isPositive();

    Set<String> acknowledged = new HashSet<>();
    for (int i = 0; i < answers.size(); i++) {
      HttpResponse<Buffer> r = answers.get(i);
      assertThat(r.statusCode()).as(r.bodyAsString()).isIn(202, 503);
      if (r.statusCode() == 503) {
        assertThat(r.getHeader("Retry-After")).isNotBlank();
        assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
      } else {
        acknowledged.add(externalIds.get(i));
      }
    }
    Set<String> stored = new HashSet<>();
    server.rows("SELECT external_id FROM message WHERE account_id = $1", t.accountId)
        .forEach(r -> stored.add(r.getString(0)));
    assertThat(stored).containsAll(acknowledged);
    assertThat(externalIds).containsAll(stored);

    // It recovers by itself: the pool opens new connections.
    var after = server.api.post("/api/v1/inbound", email.key(), new JsonObject()
        .put("externalId", UUID.randomUUID().toString())
        .put("from", new JsonObject().put("email", "later@example.com")).put("text", "still there?"));
    assertThat(after.status()).isEqualTo(202);
  }

  /** Kills the server's PostgreSQL backends, as a restart or an operator would; returns how many. */
  static int terminateServerConnections() throws Exception {
    PgUrl pg = PgUrl.parse(server.pgUrl);
    try (Connection c = Database.maintenance(pg); var st = c.prepareStatement("""
        SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
        WHERE datname = ? AND pid <> pg_backend_pid()""")) {
      st.setString(1, pg.database());
      var rs = st.executeQuery();
      rs.next();
      return rs.getInt(1);
    }
  }
}
