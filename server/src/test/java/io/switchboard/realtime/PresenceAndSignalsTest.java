package io.switchboard.realtime;

import io.switchboard.http.Ids;
import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Live stream: presence, typing and viewing, dashboard")
class PresenceAndSignalsTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("presence");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("an agent with two tabs is online until both close; away is shown to others")
  void twoTabsAreOneAgent() throws InterruptedException {
    var t = server.tenant("Tabs");
    var agent = t.user("agent", List.of());
    var supervisor = t.user("supervisor", List.of());
    try (var observer = StreamClient.open(server.vertx, api, supervisor.token(), null)) {
      observer.ready();
      var tab1 = StreamClient.open(server.vertx, api, agent.token(), null);
      tab1.ready();
      assertThat(observer.until(f -> isPresence(f, agent.id()), 10).getString("status")).isEqualTo("online");
      var tab2 = StreamClient.open(server.vertx, api, agent.token(), null);
      tab2.ready();

      tab1.close();
      Thread.sleep(1000);
      assertThat(observer.drain()).noneMatch(f -> isPresence(f, agent.id()));
      try (var probe = StreamClient.open(server.vertx, api, supervisor.token(), null)) {
        probe.ready();
        JsonObject snapshot = probe.untilType("presence.snapshot", 5);
        assertThat(snapshot.getJsonArray("agents").stream().map(JsonObject.class::cast)
            .filter(a -> agent.id().equals(a.getString("userId"))).findFirst().orElseThrow().getString("status"))
            .isEqualTo("online");
      }

      tab2.send(new JsonObject().put("type", "presence").put("status", "away"));
      JsonObject away = observer.until(f -> isPresence(f, agent.id()), 10);
      assertThat(away.getString("status")).isEqualTo("away");
      assertThat(away.getString("name")).isEqualTo("Staff agent");

      tab2.close();
      assertThat(observer.until(f -> isPresence(f, agent.id()), 10).getString("status")).isEqualTo("offline");
    }
  }

  @Test
  @DisplayName("a tab that stops sending (a closed laptop) goes offline once its heartbeat expires")
  void expiredHeartbeatGoesOffline() throws InterruptedException {
    List<Presence.Change> changes = new CopyOnWriteArrayList<>();
    var presence = new Presence(server.app.services().redis(), server.redisPrefix + "laptop:", 300, changes::add);
    await(presence.connected("acc_laptop", "usr_ann", "Ann", "tab1"));
    assertThat(changes).extracting(Presence.Change::status).containsExactly("online");
    await(presence.sweep());
    assertThat(changes).hasSize(1);
    Thread.sleep(500);
    await(presence.sweep());
    assertThat(changes).extracting(Presence.Change::status).containsExactly("online", "offline");
    assertThat(changes.get(1).name()).isEqualTo("Ann");
  }

  @Test
  @DisplayName("typing and viewing reach teammates who may see the conversation, not other teams")
  void typingAndViewing() throws InterruptedException {
    var t = server.tenant("Typing");
    String teamA = t.team("A");
    String teamB = t.team("B");
    var typist = t.user("agent", List.of(teamA));
    var teammate = t.user("agent", List.of(teamA));
    var outsider = t.user("agent", List.of(teamB));
    String first = conversation(t.accountId, teamA, "email");
    String second = conversation(t.accountId, teamA, "chat");
    try (var a = StreamClient.open(server.vertx, api, typist.token(), null);
        var mate = StreamClient.open(server.vertx, api, teammate.token(), null);
        var out = StreamClient.open(server.vertx, api, outsider.token(), null)) {
      a.ready();
      mate.ready();
      out.ready();
      a.send(new JsonObject().put("type", "typing").put("conversationId", first));
      JsonObject typing = mate.untilType("typing", 5);
      assertThat(typing.getString("conversationId")).isEqualTo(first);
      assertThat(typing.getString("userId")).isEqualTo(typist.id());
      assertThat(typing.getString("userName")).isEqualTo("Staff agent");
      assertThat(typing.containsKey("seq")).isFalse();

      a.send(new JsonObject().put("type", "viewing").put("conversationId", first));
      assertThat(mate.untilType("viewing", 5).getString("conversationId")).isEqualTo(first);
      a.send(new JsonObject().put("type", "viewing").put("conversationId", second));
      JsonObject stopped = mate.untilType("viewing", 5);
      assertThat(stopped.getString("conversationId")).isEqualTo(first);
      assertThat(stopped.getBoolean("stopped")).isTrue();

      // the outsider may not see it, and may not signal about it either
      out.send(new JsonObject().put("type", "typing").put("conversationId", first));
      assertThat(out.untilType("error", 5).getString("detail")).contains("not found");
      Thread.sleep(500);
      assertThat(out.drain()).noneMatch(f -> "typing".equals(f.getString("type")) || "viewing".equals(f.getString("type")));
      assertThat(a.drain()).noneMatch(f -> "typing".equals(f.getString("type")));
    }
  }

  @Test
  @DisplayName("supervisors get dashboard snapshots about once a second; agents may not subscribe")
  void dashboard() throws InterruptedException {
    var t = server.tenant("Dash");
    String team = t.team("Support");
    var agent = t.user("agent", List.of(team));
    var supervisor = t.user("supervisor", List.of());
    conversation(t.accountId, team, "email");
    conversation(t.accountId, team, "email");
    conversation(t.accountId, null, "phone");
    try (var sup = StreamClient.open(server.vertx, api, supervisor.token(), null);
        var ag = StreamClient.open(server.vertx, api, agent.token(), null)) {
      sup.ready();
      ag.ready();
      ag.send(new JsonObject().put("type", "subscribe").put("topic", "dashboard"));
      assertThat(ag.untilType("error", 5).getString("detail")).contains("supervisors");

      sup.send(new JsonObject().put("type", "subscribe").put("topic", "dashboard"));
      JsonObject data = sup.untilType("dashboard.snapshot", 5).getJsonObject("data");
      assertThat(data.getJsonArray("queues")).containsExactlyInAnyOrder(
          new JsonObject().put("channel", "email").put("status", "open").put("conversations", 2).put("unassigned", 2),
          new JsonObject().put("channel", "phone").put("status", "open").put("conversations", 1).put("unassigned", 1));
      assertThat(data.getJsonObject("agents").getInteger("online")).isEqualTo(2);
      assertThat(data.getJsonObject("agents").getInteger("offline")).isEqualTo(1); // the admin
      long first = System.currentTimeMillis();
      sup.untilType("dashboard.snapshot", 5);
      assertThat(System.currentTimeMillis() - first).isLessThan(2500);

      sup.send(new JsonObject().put("type", "unsubscribe").put("topic", "dashboard"));
      Thread.sleep(1000); // one may have been on its way
      assertThatNoSnapshotWithin(sup, 2500);
    }
  }

  private static void assertThatNoSnapshotWithin(StreamClient client, long ms) {
    client.drain();
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    assertThat(client.drain()).noneMatch(f -> "dashboard.snapshot".equals(f.getString("type")));
  }

  private static boolean isPresence(JsonObject f, String userId) {
    return "presence.updated".equals(f.getString("type")) && userId.equals(f.getString("userId"));
  }

  /** An open, unassigned conversation straight in the database (the REST side is others' work). */
  private static String conversation(String accountId, String teamId, String channelKind) {
    String contact = Ids.next("ct");
    String id = Ids.next("cv");
    await(server.app.db().preparedQuery("INSERT INTO contact (id, account_id, name) VALUES ($1, $2, 'Ann')")
        .execute(Tuple.of(contact, accountId)));
    await(server.app.db().preparedQuery("""
        INSERT INTO conversation (id, account_id, contact_id, team_id, channels)
        VALUES ($1, $2, $3, $4, ARRAY[$5])""").execute(Tuple.of(id, accountId, contact, teamId, channelKind)));
    return id;
  }
  @Test
  @DisplayName("an agent typing in a live chat shows as a typing item for the chat adapter")
  void agentTypingReachesTheChatWidget() {
    var t = server.tenant("ChatTyping");
    var chat = t.channel("chat", null);
    var agent = t.user("agent", List.of());
    var in = api.post("/api/v1/inbound", chat.key(), new JsonObject().put("externalId", "c-1")
        .put("from", new JsonObject().put("handle", "visitor-42")).put("threadKey", "session-42").put("text", "hi"));
    assertThat(in.status()).isEqualTo(202);
    try (var a = StreamClient.open(server.vertx, api, agent.token(), null)) {
      a.ready();
      a.send(new JsonObject().put("type", "typing").put("conversationId", in.json().getString("conversationId")));
      var polled = api.get("/api/v1/outbound?wait=5", chat.key());
      assertThat(polled.status()).isEqualTo(200);
      var items = polled.json().getJsonArray("items");
      assertThat(items).hasSize(1);
      JsonObject item = items.getJsonObject(0);
      assertThat(item.getString("kind")).isEqualTo("typing");
      assertThat(item.getString("conversationId")).isEqualTo(in.json().getString("conversationId"));
      assertThat(item.getJsonObject("to").getString("handle")).isEqualTo("visitor-42");
      assertThat(item.getJsonObject("to").getString("threadKey")).isEqualTo("session-42");
    }
  }
  @Test
  @DisplayName("the chat widget's availability counts an agent online while their stream is open")
  void availabilityFollowsRealPresence() throws InterruptedException {
    var t = server.tenant("Avail");
    var chat = t.channel("chat", null);
    var agent = t.user("agent", List.of());
    assertThat(api.get("/api/v1/adapter/availability", chat.key()).json().getInteger("agentsOnline")).isZero();
    try (var a = StreamClient.open(server.vertx, api, agent.token(), null)) {
      a.ready();
      int online = 0;
      for (int i = 0; i < 50 && online == 0; i++) {
        online = api.get("/api/v1/adapter/availability", chat.key()).json().getInteger("agentsOnline");
        Thread.sleep(100);
      }
      assertThat(online).isEqualTo(1);
      a.send(new JsonObject().put("type", "presence").put("status", "away"));
      for (int i = 0; i < 50 && online == 1; i++) {
        online = api.get("/api/v1/adapter/availability", chat.key()).json().getInteger("agentsOnline");
        Thread.sleep(100);
      }
      assertThat(online).isZero();
    }
  }
}
