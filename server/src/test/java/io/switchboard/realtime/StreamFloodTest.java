package io.switchboard.realtime;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Live stream: one flooding client slows nobody else")
class StreamFloodTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("streamflood");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("100,000 typing frames from one agent: other requests answer within a second, teammates see a few typing signals, the flooder is closed with 1008")
  void typingFlood() throws Exception {
    var t = server.tenant("Flood");
    var email = t.channel("email", null);
    String conversation = Api.expect(api.post("/api/v1/inbound", email.key(), new JsonObject()
        .put("externalId", UUID.randomUUID().toString())
        .put("from", new JsonObject().put("email", "flood@example.com")).put("text", "hello")), 202)
        .json().getString("conversationId");
    var flooder = t.user("agent", List.of());
    var mate = t.user("supervisor", List.of());
    // The flooder runs in a Vert.x of its own, as a separate client would: the test's own clients
    // share the server's event loops.
    io.vertx.core.Vertx outside = io.vertx.core.Vertx.vertx();
    try (var loud = StreamClient.open(outside, api, flooder.token(), null);
        var watcher = StreamClient.open(server.vertx, api, mate.token(), null)) {
      loud.ready();
      watcher.ready();
      JsonObject typing = new JsonObject().put("type", "typing").put("conversationId", conversation);
      assertThat(api.get("/api/v1/conversations", t.admin.token()).status()).isEqualTo(200); // warm, before
      CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> loud.blast(typing, 100_000));

      // Meanwhile everyone else is served as usual.
      List<Long> answerMs = new ArrayList<>();
      while (!flood.isDone() && answerMs.size() < 20) {
        long started = System.nanoTime();
        Resp list = api.get("/api/v1/conversations", t.admin.token());
        assertThat(list.status()).isEqualTo(200);
        answerMs.add((System.nanoTime() - started) / 1_000_000);
      }
      flood.join();
      assertThat(answerMs).allSatisfy(ms -> assertThat(ms).isLessThan(1000));

      assertThat(loud.closeCode(10)).isEqualTo((short) 1008);
      // Coalesced: the flood reached the teammate as a handful of typing signals, not thousands.
      Thread.sleep(1500);
      long seen = watcher.drain().stream().filter(f -> "typing".equals(f.getString("type"))).count();
      assertThat(seen).isBetween(1L, 5L);
      // The watcher's own stream still works.
      watcher.send(new JsonObject().put("type", "ping"));
      assertThat(watcher.untilType("pong", 5)).isNotNull();
    } finally {
      io.switchboard.support.Await.await(outside.close(), 10);
    }
  }
}
