package io.switchboard.realtime;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Cross-account isolation on the live stream: B's frames about A's conversation reach nobody, and A's events never reach B")
class CrossAccountStreamTest {

  /** Every client frame that names a conversation (StreamConnection's "typing", "viewing"). */
  static final List<String> CONVERSATION_FRAMES = List.of("typing", "viewing");

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("crossaccountstream");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String inbound(Api.Channel channel, String externalId, String text) {
    return Api.expect(api.post("/api/v1/inbound", channel.key(), new JsonObject().put("externalId", externalId)
        .put("from", new JsonObject().put("email", externalId + "@customer.test")).put("text", text)), 202).json()
        .getString("conversationId");
  }

  @Test
  @DisplayName("typing and viewing on A's conversation from B's admin are refused (not found) and A's stream sees only A's own signals")
  void signalsAboutAnotherAccountsConversation() {
    Tenant a = server.tenant("Stream A");
    Tenant b = server.tenant("Stream B");
    Api.Person aSupervisor = a.user("supervisor", List.of());
    String aConversation = inbound(a.channel("email", null), "a-1", "Alpha");
    try (StreamClient aWatcher = StreamClient.open(server.vertx, api, a.admin.token(), null);
        StreamClient aTypist = StreamClient.open(server.vertx, api, aSupervisor.token(), null);
        StreamClient bIntruder = StreamClient.open(server.vertx, api, b.admin.token(), null)) {
      aWatcher.ready();
      aTypist.ready();
      bIntruder.ready();
      for (String type : CONVERSATION_FRAMES) {
        bIntruder.send(new JsonObject().put("type", type).put("conversationId", aConversation));
        JsonObject error = bIntruder.untilType("error", 5);
        assertThat(error.getString("detail")).as(type + " refused").contains("not found");
      }
      // A marker after B's frames: A's own typing reaches A's watcher; nothing of B's came before it.
      aTypist.send(new JsonObject().put("type", "typing").put("conversationId", aConversation));
      List<JsonObject> seen = new ArrayList<>();
      aWatcher.until(f -> {
        seen.add(f);
        return "typing".equals(f.getString("type")) && aSupervisor.id().equals(f.getString("userId"));
      }, 5);
      assertThat(seen).filteredOn(f -> CONVERSATION_FRAMES.contains(f.getString("type")))
          .allSatisfy(f -> assertThat(f.getString("userId")).isEqualTo(aSupervisor.id()));
      assertThat(seen).noneMatch(f -> b.admin.id().equals(f.getString("userId")));
    }
  }

  @Test
  @DisplayName("A's messages and signals never reach a stream of B, even an admin's")
  void anotherAccountsEventsNeverArrive() {
    Tenant a = server.tenant("Events A");
    Tenant b = server.tenant("Events B");
    Api.Channel aMail = a.channel("email", null);
    Api.Channel bMail = b.channel("email", null);
    String aConversation = inbound(aMail, "ea-1", "first");
    try (StreamClient bAdmin = StreamClient.open(server.vertx, api, b.admin.token(), null);
        StreamClient aAdmin = StreamClient.open(server.vertx, api, a.admin.token(), null)) {
      bAdmin.ready();
      aAdmin.ready();
      inbound(aMail, "ea-2", "second, in A");
      aAdmin.send(new JsonObject().put("type", "typing").put("conversationId", aConversation));
      aAdmin.send(new JsonObject().put("type", "viewing").put("conversationId", aConversation));
      aAdmin.untilType("message.created", 5);
      // B's own message is the marker: everything A did was published before it.
      String bConversation = inbound(bMail, "eb-1", "B's own");
      List<JsonObject> seen = new ArrayList<>();
      bAdmin.until(f -> {
        seen.add(f);
        return "message.created".equals(f.getString("type")) && bConversation.equals(f.getString("conversationId"));
      }, 5);
      assertThat(seen).noneMatch(f -> f.encode().contains(aConversation) || f.encode().contains(a.accountId));
    }
  }
}
