package io.switchboard.realtime;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Tuple;
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

@DisplayName("REST and the stream agree: inbound on every channel kind, load then stream without a gap")
class RestAndStreamTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("reststream");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject from(String kind, String who) {
    return switch (kind) {
      case "email" -> new JsonObject().put("email", who + "@example.com");
      case "phone" -> new JsonObject().put("phone", "+48 600 " + Math.abs(who.hashCode() % 1000) + " 111");
      case "social" -> new JsonObject().put("handle", who).put("platform", "instagram");
      default -> new JsonObject().put("handle", who);
    };
  }

  @Test
  @DisplayName("an inbound message on each channel kind reaches the supervisor and the team's agent, not another team")
  void everyChannelKind() {
    var teams = TwoTeams.create(server, "Kinds");
    var t = teams.tenant();
    String teamA = teams.teamA();
    var supervisor = teams.supervisor();
    var agentA = teams.agentA();
    var agentB = teams.agentB();
    try (var sup = StreamClient.open(server.vertx, api, supervisor.token(), null);
        var a = StreamClient.open(server.vertx, api, agentA.token(), null);
        var b = StreamClient.open(server.vertx, api, agentB.token(), null)) {
      sup.ready();
      a.ready();
      b.ready();
      for (String kind : List.of("email", "chat", "phone", "social")) {
        Channel ch = t.channel(kind, teamA);
        String text = "parcel question via " + kind;
        Resp r = api.post("/api/v1/inbound", ch.key(), new JsonObject().put("externalId", UUID.randomUUID().toString())
            .put("from", from(kind, "cust-" + kind)).put("text", text));
        assertThat(r.status()).as(kind + ": " + r).isEqualTo(202);
        for (StreamClient client : List.of(sup, a)) {
          JsonObject created = client.until(f -> "message.created".equals(f.getString("type"))
              && text.equals(f.getJsonObject("data").getString("text")), 10);
          assertThat(created.getJsonObject("data").getString("channel")).isEqualTo(kind);
          assertThat(created.getString("conversationId")).isEqualTo(r.json().getString("conversationId"));
        }
      }
      assertThat(b.events(1, 2)).isEmpty();
    }
  }

  @Test
  @DisplayName("a store channel's key may not post customer messages")
  void storeKeysPostNoMessages() {
    var t = server.tenant("Store");
    Channel store = t.channel("store", null);
    Resp r = api.post("/api/v1/inbound", store.key(), new JsonObject().put("externalId", "s-1")
        .put("from", new JsonObject().put("email", "buyer@example.com")).put("text", "hi"));
    assertThat(r.status()).isEqualTo(403);
  }

  @Test
  @DisplayName("a client that loads over REST and streams from Switchboard-Seq misses nothing under concurrent writes")
  void restThenStreamHasNoGap() {
    var t = server.tenant("NoGap");
    var agent = t.user("supervisor", List.of());
    Channel email = t.channel("email", null);
    JsonObject customer = new JsonObject().put("email", "steady@example.com");
    Resp seed = api.post("/api/v1/inbound", email.key(), new JsonObject().put("externalId", "seed")
        .put("from", customer).put("text", "seed"));
    String conversation = seed.json().getString("conversationId");
    WebClient client = WebClient.create(server.vertx);
    // 4 writers x 10 messages into one conversation, while the client loads and then streams
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int writer = w;
      Future<?> chain = Future.succeededFuture();
      for (int i = 0; i < 10; i++) {
        int n = i;
        chain = chain.compose(v -> client.post(server.port(), "localhost", "/api/v1/inbound")
            .putHeader("Authorization", "Bearer " + email.key())
            .sendJsonObject(new JsonObject().put("externalId", "w" + writer + "-" + n).put("from", customer)
                .put("text", "writer " + writer + " message " + n)));
      }
      writers.add(chain);
    }
    Resp loaded = api.get("/api/v1/conversations/" + conversation, agent.token());
    assertThat(loaded.status()).isEqualTo(200);
    long seq = loaded.seq();
    Set<String> seen = new HashSet<>();
    loaded.json().getJsonArray("messages").forEach(m -> seen.add(((JsonObject) m).getString("id")));
    try (var stream = StreamClient.open(server.vertx, api, agent.token(), seq)) {
      await(Future.all(writers), 60);
      List<JsonObject> events = new ArrayList<>();
      // the replay comes before ready: keep it
      long last = stream.until(f -> {
        if (f.containsKey("seq") && !"ready".equals(f.getString("type"))) {
          events.add(f);
        }
        return "ready".equals(f.getString("type"));
      }, 10).getLong("seq");
      long deadline = System.currentTimeMillis() + 10_000;
      long expected = currentSeq(t.accountId);
      while (System.currentTimeMillis() < deadline
          && (events.isEmpty() ? last : events.get(events.size() - 1).getLong("seq")) < expected) {
        events.addAll(stream.events(1, 1));
      }
      long previous = seq;
      for (JsonObject e : events) {
        assertThat(e.getLong("seq")).isGreaterThan(previous);
        previous = e.getLong("seq");
        if ("message.created".equals(e.getString("type"))) {
          seen.add(e.getJsonObject("data").getString("id"));
        }
      }
    }
    Set<String> stored = new HashSet<>();
    await(server.app.db().preparedQuery("SELECT id FROM message WHERE account_id = $1")
        .execute(Tuple.of(t.accountId))).forEach(r -> stored.add(r.getString(0)));
    assertThat(stored).hasSize(41);
    assertThat(seen).containsAll(stored);
  }

  static long currentSeq(String accountId) {
    return await(server.app.db().preparedQuery("SELECT last_seq FROM account_seq WHERE account_id = $1")
        .execute(Tuple.of(accountId))).iterator().next().getLong(0);
  }
}
