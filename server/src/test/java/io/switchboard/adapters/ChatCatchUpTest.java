package io.switchboard.adapters;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two servers on one database running the chat adapters, with no cluster between them: every
 * wake-up one sends the other is lost. A visitor with a tab on each still gets every agent reply on
 * both, once: the tab on the server that did not send it reads it from the thread on the adapter's
 * catch-up (one second here).
 */
@DisplayName("Chat: replies reach a tab on a node that never heard of them, from the thread, once")
class ChatCatchUpTest {

  static final String SHOP = "https://shop.example";
  static final Map<String, String> ENV = Map.of("SWITCHBOARD_ADAPTERS", "in-process",
      "SWITCHBOARD_CHAT_CATCHUP_SECONDS", "1");
  static TestServer first;
  static TestServer second;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    first = TestServer.start("chatcatchup", ENV);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
    if (second != null) {
      second.close();
    }
    first.close();
  }

  @Test
  @DisplayName("a tab on each unclustered server: every reply arrives on both, once")
  void repliesWithoutTheBus() throws InterruptedException {
    Tenant t = first.tenant("Catchup");
    Channel ch = t.channel("chat", null, new JsonObject().put("allowedOrigins", new JsonArray(List.of(SHOP))));
    // Started after the channel exists: without a cluster it would never hear of a channel created later.
    second = first.secondNode(ENV);
    for (TestServer s : List.of(first, second)) {
      until("the adapter of " + ch.id() + " runs", 20_000, () -> s.app.services().adapters.host() != null
          && s.app.services().adapters.host().runs(ch.id()));
    }
    WebSocketClient client = vertx.createWebSocketClient();
    ClusterChannelsTest.Tab onFirst = new ClusterChannelsTest.Tab(first.port(), ch, client);
    onFirst.send(new JsonObject().put("type", "hello").put("name", "Visitor"));
    String session = onFirst.next("welcome", 15_000).getString("session");
    onFirst.send(new JsonObject().put("type", "message").put("clientId", "cu-000001").put("text", "Do you ship to Norway?"));
    String inboundId = onFirst.next("sent", 15_000).getString("messageId");
    String conversation = first.rows("SELECT conversation_id FROM message WHERE id = $1", inboundId).get(0)
        .getString("conversation_id");
    ClusterChannelsTest.Tab onSecond = new ClusterChannelsTest.Tab(second.port(), ch, client);
    onSecond.send(new JsonObject().put("type", "hello").put("session", session));
    assertThat(onSecond.next("welcome", 15_000).getString("session")).isEqualTo(session);

    for (int i = 0; i < 3; i++) {
      String replyId = Api.expect(first.api.post("/api/v1/conversations/" + conversation + "/messages",
          t.admin.token(), new JsonObject().put("text", "Reply " + i)), 201).json().getString("id");
      for (ClusterChannelsTest.Tab tab : List.of(onFirst, onSecond)) {
        JsonObject frame = tab.next("message", 15_000);
        assertThat(frame).as("reply " + i + " on each tab").isNotNull();
        assertThat(frame.getJsonObject("message").getString("id")).isEqualTo(replyId);
        assertThat(frame.getJsonObject("message").getString("text")).isEqualTo("Reply " + i);
      }
    }
    // Several catch-ups later each tab still has each reply once.
    assertThat(onFirst.next("message", 3_000)).isNull();
    assertThat(onSecond.next("message", 100)).isNull();
    await(client.close());
  }
}
