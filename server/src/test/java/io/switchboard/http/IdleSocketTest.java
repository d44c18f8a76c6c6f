package io.switchboard.http;

import io.switchboard.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Idle sockets are closed, so silent connections cannot use up the file limit")
class IdleSocketTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start("idlesocket", Map.of("SWITCHBOARD_HTTP_IDLE_SECONDS", "2"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("a connection that never sends a byte is closed after the idle timeout")
  void silentConnectionClosed() throws Exception {
    assertClosedWithin(Buffer.buffer(), 10);
  }

  @Test
  @DisplayName("a connection that stops in the middle of its request line is closed too")
  void halfRequestClosed() throws Exception {
    assertClosedWithin(Buffer.buffer("GET /health/li"), 10);
  }

  @Test
  @DisplayName("a connection that keeps working is not closed")
  void busyConnectionStays() {
    var api = server.api;
    long until = System.currentTimeMillis() + 3000;
    while (System.currentTimeMillis() < until) {
      assertThat(api.get("/health/live", null).status()).isEqualTo(200);
    }
  }

  static void assertClosedWithin(Buffer sent, int seconds) throws Exception {
    NetSocket socket = await(server.vertx.createNetClient().connect(server.port(), "localhost"));
    CompletableFuture<Long> closedAt = new CompletableFuture<>();
    long opened = System.nanoTime();
    socket.closeHandler(v -> closedAt.complete(System.nanoTime()));
    if (sent.length() > 0) {
      await(socket.write(sent));
    }
    long closed = closedAt.get(seconds, TimeUnit.SECONDS);
    assertThat((closed - opened) / 1_000_000).as("closed after ms").isGreaterThanOrEqualTo(1500);
  }
}
