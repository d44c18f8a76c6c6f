package io.switchboard.http;

import io.switchboard.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Slowloris: a trickled request head is cut off, and one address holds a bounded number of connections")
class SlowlorisTest {

  static TestServer server;
  static NetClient net;

  @BeforeAll
  static void start() {
    // The idle timeout stays long: only the head timeout can close a connection that keeps trickling.
    server = TestServer.start("slowloris", Map.of("SWITCHBOARD_HTTP_HEAD_SECONDS", "2",
        "SWITCHBOARD_HTTP_IDLE_SECONDS", "60", "SWITCHBOARD_CONNECTIONS_PER_ADDRESS", "40"));
    net = server.vertx.createNetClient();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("headers sent a byte every 200 ms are closed after the head timeout, though the socket is never idle")
  void trickledHeadClosed() throws Exception {
    NetSocket socket = await(net.connect(server.port(), "127.0.0.1"));
    CompletableFuture<Long> closedAt = new CompletableFuture<>();
    long opened = System.nanoTime();
    socket.closeHandler(v -> closedAt.complete(System.nanoTime()));
    byte[] head = ("GET /health/live HTTP/1.1\r\nHost: x\r\n" + "X-Pad: " + "a".repeat(400)).getBytes();
    AtomicBoolean stop = new AtomicBoolean();
    int[] next = {0};
    long timer = server.vertx.setPeriodic(200, t -> {
      if (!stop.get() && next[0] < head.length) {
        socket.write(Buffer.buffer(new byte[] {head[next[0]++]}));
      }
    });
    try {
      long closed = closedAt.get(15, TimeUnit.SECONDS);
      long ms = (closed - opened) / 1_000_000;
      assertThat(ms).as("closed after ms").isBetween(1500L, 6000L);
      assertThat(next[0]).as("bytes sent before the close").isGreaterThan(5);
    } finally {
      stop.set(true);
      server.vertx.cancelTimer(timer);
    }
  }

  @Test
  @DisplayName("a kept-alive connection may wait longer than the head timeout between two requests")
  void keepAliveBetweenRequestsIsNotAHead() throws Exception {
    NetSocket socket = await(net.connect(server.port(), "127.0.0.1"));
    StringBuilder received = new StringBuilder();
    AtomicBoolean closed = new AtomicBoolean();
    socket.handler(b -> {
      synchronized (received) {
        received.append(b.toString());
      }
    });
    socket.closeHandler(v -> closed.set(true));
    String request = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
    await(socket.write(request));
    waitFor(() -> count(received, "HTTP/1.1 200") == 1, 5000);
    Thread.sleep(3000); // longer than the head timeout, shorter than the idle timeout: the point of the test
    assertThat(closed).as("closed while idle between requests").isFalse();
    await(socket.write(request));
    waitFor(() -> count(received, "HTTP/1.1 200") == 2, 5000);
    socket.close();
  }

  @Test
  @DisplayName("a WebSocket sending frames for longer than the head timeout stays open (the clock steps aside after the upgrade)")
  void webSocketNotTimedAsAHead() throws Exception {
    var client = server.vertx.createWebSocketClient();
    var ws = await(client.connect(new io.vertx.core.http.WebSocketConnectOptions().setHost("localhost")
        .setPort(server.port()).setURI("/api/v1/stream")));
    AtomicBoolean closed = new AtomicBoolean();
    ws.closeHandler(v -> closed.set(true));
    long until = System.currentTimeMillis() + 4000; // twice the head timeout, less than the stream's 10 s for auth
    while (System.currentTimeMillis() < until) {
      await(ws.writePing(Buffer.buffer("x")));
      Thread.sleep(200);
    }
    assertThat(closed).as("closed while sending frames").isFalse();
    await(ws.close());
    await(client.close());
  }

  @Test
  @DisplayName("one address gets at most the configured number of connections; the others are closed at once")
  void connectionsPerAddressCapped() throws Exception {
    List<NetSocket> sockets = new ArrayList<>();
    List<AtomicBoolean> closed = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        AtomicBoolean c = new AtomicBoolean();
        // The close handler is set as the connection completes, on its event loop: a close that
        // follows at once is not missed.
        NetSocket s = await(net.connect(server.port(), "127.0.0.1").map(socket -> {
          socket.closeHandler(v -> c.set(true));
          return socket;
        }));
        sockets.add(s);
        closed.add(c);
      }
      waitFor(() -> closed.stream().filter(AtomicBoolean::get).count() >= 10, 5000);
      long open = closed.stream().filter(c -> !c.get()).count();
      assertThat(open).as("connections left open from 127.0.0.1").isLessThanOrEqualTo(40);
      // A refused socket is closed before it is served: the first ones still work.
      StringBuilder received = new StringBuilder();
      NetSocket first = sockets.get(0);
      first.handler(b -> {
        synchronized (received) {
          received.append(b.toString());
        }
      });
      await(first.write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
      waitFor(() -> count(received, "HTTP/1.1 200") == 1, 5000);
    } finally {
      sockets.forEach(NetSocket::close);
    }
    // Closed connections are given back: the address can connect again.
    waitFor(() -> {
      try {
        return server.api.get("/health/live", null).status() == 200;
      } catch (RuntimeException e) {
        return false;
      }
    }, 5000);
  }

  private static int count(StringBuilder sb, String what) {
    synchronized (sb) {
      int n = 0;
      for (int i = sb.indexOf(what); i >= 0; i = sb.indexOf(what, i + 1)) {
        n++;
      }
      return n;
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, long ms) throws InterruptedException {
    long until = System.currentTimeMillis() + ms;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > until) {
        throw new AssertionError("condition not met within " + ms + " ms");
      }
      Thread.sleep(20);
    }
  }
}
