package io.switchboard.realtime;

import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis goes away and comes back. The server runs against a Redis of this test's own (a
 * redis-server process on a free port), so stopping it touches nothing else on the machine.
 */
@DisplayName("Faults: Redis stopped and restarted")
class RedisFaultTest {

  static int port;
  static Path dir;
  static Process redis;
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    dir = Files.createTempDirectory("sb-redis");
    redis = startRedis();
    server = TestServer.start("redisfault", Map.of("SWITCHBOARD_REDIS_URL", "redis://127.0.0.1:" + port));
  }

  @AfterAll
  static void stop() {
    try {
      server.close();
    } finally {
      if (redis != null) {
        redis.destroyForcibly();
      }
    }
  }

  static Process startRedis() throws Exception {
    Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    long until = System.currentTimeMillis() + 10_000;
    while (!listening()) {
      assertThat(System.currentTimeMillis()).as("redis-server listens").isLessThan(until);
      Thread.onSpinWait();
    }
    return p;
  }

  static boolean listening() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static JsonObject ready() {
    return server.api.get("/health/ready", null).json();
  }

  @Test
  @DisplayName("without Redis messages are still stored and streamed, agents stay signed in, /health/ready says degraded; with it back, up")
  void redisAwayAndBack() throws Exception {
    Api api = server.api;
    Api.Tenant t = server.tenant("RedisAway");
    Api.Channel email = t.channel("email", null);
    var agent = t.user("agent", List.of());
    assertThat(ready().getString("status")).isEqualTo("up");
    try (var stream = StreamClient.open(server.vertx, api, t.admin.token(), null)) {
      stream.ready();

      redis.destroyForcibly().waitFor();
      long until = System.currentTimeMillis() + 15_000;
      while (!"degraded".equals(ready().getString("status"))) {
        assertThat(System.currentTimeMillis()).as("readiness notices").isLessThan(until);
      }
      var sent = api.post("/api/v1/inbound", email.key(), new JsonObject()
          .put("externalId", UUID.randomUUID().toString())
          .put("from", new JsonObject().put("email", "no-redis@example.com")).put("text", "still here"));
      assertThat(sent.status()).isEqualTo(202);
      assertThat(stream.untilType("message.created", 10).getJsonObject("data").getString("text"))
          .isEqualTo("still here");
      assertThat(api.get("/api/v1/conversations", agent.token()).status()).isEqualTo(200);
      assertThat(api.login(agent.email(), "staff-pass-1").status()).isEqualTo(200);

      redis = startRedis();
      long back = System.currentTimeMillis() + 15_000;
      while (!"up".equals(ready().getString("status"))) {
        assertThat(System.currentTimeMillis()).as("readiness recovers").isLessThan(back);
      }
      assertThat(api.post("/api/v1/inbound", email.key(), new JsonObject()
          .put("externalId", UUID.randomUUID().toString())
          .put("from", new JsonObject().put("email", "no-redis@example.com")).put("text", "and back")).status())
          .isEqualTo(202);
    }
  }
}
