package io.switchboard.http;

import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A full database wait queue sheds requests with 503 and Retry-After, never 500")
class PoolQueueTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start("poolqueue", Map.of("SWITCHBOARD_PG_POOL_SIZE", "2", "SWITCHBOARD_PG_WAIT_QUEUE", "2"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("with every connection held and the queue full, a request gets 503 problem+json; afterwards 200 again")
  void fullQueueIs503() {
    var t = server.tenant("Busy");
    var pool = server.app.db();
    List<SqlConnection> held = new ArrayList<>();
    List<Future<SqlConnection>> waiting = new ArrayList<>();
    try {
      held.add(await(pool.getConnection()));
      held.add(await(pool.getConnection()));
      // More waiters than the queue holds: the pool refuses the extra ones, so the queue is full.
      for (int i = 0; i < 6; i++) {
        waiting.add(pool.getConnection());
      }
      long deadline = System.currentTimeMillis() + 5000;
      while (waiting.stream().noneMatch(w -> w.cause() instanceof ConnectionPoolTooBusyException)
          && System.currentTimeMillis() < deadline) {
        sleep(10);
      }
      assertThat(waiting).anySatisfy(w -> assertThat(w.cause()).isInstanceOf(ConnectionPoolTooBusyException.class));

      Api.Resp r = server.api.get("/api/v1/account", t.admin.token());
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("Retry-After")).isEqualTo("1");
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.json().getInteger("status")).isEqualTo(503);
    } finally {
      held.forEach(SqlConnection::close);
      waiting.forEach(w -> w.onSuccess(SqlConnection::close));
    }
    assertThat(server.api.get("/api/v1/account", t.admin.token()).status()).isEqualTo(200);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
