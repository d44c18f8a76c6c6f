package io.switchboard.realtime;

import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Live stream: deadlines, idle sockets and draining")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamLifecycleTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("lifecycle");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static StreamHub hub() {
    return server.app.services().realtime.hub();
  }

  @Test
  @Order(1)
  @DisplayName("a socket that never authenticates is closed with 4401; one that goes quiet is closed as idle")
  void deadlines() {
    var t = server.tenant("Deadlines");
    StreamSettings normal = hub().settings();
    hub().tune(new StreamSettings(1500, 2500, normal.safetyPollMs(), normal.presenceTtlMs(), normal.presenceSweepMs(),
        normal.heartbeatEveryMs(), normal.dashboardEveryMs(), normal.credentialCheckMs(), normal.writeQueueBytes(),
        normal.slowAfterMs(), normal.maxCongestedBytes(), normal.maxPendingEvents(), normal.retention()));
    try (var silent = StreamClient.connect(server.vertx, api.port());
        var quiet = StreamClient.open(server.vertx, api, t.admin.token(), null);
        var pinging = StreamClient.open(server.vertx, api, t.admin.token(), null)) {
      quiet.ready();
      pinging.ready();
      assertThat(silent.closeCode(6)).isEqualTo((short) 4401);
      long start = System.currentTimeMillis();
      while (!quiet.isClosed() && System.currentTimeMillis() - start < 8000) {
        pinging.send(new JsonObject().put("type", "ping"));
        sleep(500);
      }
      assertThat(quiet.closeCode(1)).isEqualTo((short) 4000);
      assertThat(pinging.isClosed()).isFalse();
    } finally {
      hub().tune(normal);
    }
  }

  @Test
  @Order(2)
  @DisplayName("stopping the stream closes every socket with 4012 so clients reconnect elsewhere")
  void draining() {
    var t = server.tenant("Drain");
    try (var client = StreamClient.open(server.vertx, api, t.admin.token(), null)) {
      client.ready();
      await(server.app.services().realtime.stop());
      assertThat(client.closeCode(10)).isEqualTo((short) 4012);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
