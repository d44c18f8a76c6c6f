package io.switchboard.adapters;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat reply whose event-bus message is lost (as a cluster message can be) still reaches the
 * visitor's open tab, once: from the thread, on the adapter's catch-up (one second here).
 */
@DisplayName("Chat: a reply whose bus message was dropped reaches the visitor from the thread, once")
class ChatCatchUpTest {

  static final String SHOP = "https://shop.example";
  static TestServer server;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    server = TestServer.start("chatcatchup", Map.of("SWITCHBOARD_ADAPTERS", "in-process",
        "SWITCHBOARD_CHAT_CATCHUP_SECONDS", "1"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
    server.close();
  }

  @Test
  @DisplayName("every chat bus message dropped: the reply still arrives, and only once")
  void replyWithoutTheBus() throws InterruptedException {
    Tenant t = server.tenant("Catchup");
    Channel ch = t.channel("chat", null, new JsonObject().put("allowedOrigins", new JsonArray(List.of(SHOP))));
    until("the adapter of " + ch.id() + " runs", 20_000, () -> server.app.services().adapters.host() != null
        && server.app.services().adapters.host().runs(ch.id()));
    AtomicInteger dropped = new AtomicInteger();
    Handler<DeliveryContext<Object>> drop = dc -> {
      if (dc.message().address().startsWith("sb.chat.")) {
        dropped.incrementAndGet();
      } else {
        dc.next();
      }
    };
    server.vertx.eventBus().addOutboundInterceptor(drop);

    WebSocketClient client = vertx.createWebSocketClient();
    ClusterChannelsTest.Tab tab = new ClusterChannelsTest.Tab(server.port(), ch, client);
    tab.send(new JsonObject().put("type", "hello").put("name", "Visitor"));
    assertThat(tab.next("welcome", 15_000)).isNotNull();
    tab.send(new JsonObject().put("type", "message").put("clientId", "cu-000001").put("text", "Do you ship to Norway?"));
    String inboundId = tab.next("sent", 15_000).getString("messageId");
    String conversation = server.rows("SELECT conversation_id FROM message WHERE id = $1", inboundId).get(0)
        .getString("conversation_id");

    String replyId = Api.expect(server.api.post("/api/v1/conversations/" + conversation + "/messages",
        t.admin.token(), new JsonObject().put("text", "Yes, in 3 to 5 days.")), 201).json().getString("id");
    JsonObject frame = tab.next("message", 15_000);
    assertThat(frame).as("the reply, from the catch-up").isNotNull();
    assertThat(frame.getJsonObject("message").getString("id")).isEqualTo(replyId);
    assertThat(frame.getJsonObject("message").getString("text")).isEqualTo("Yes, in 3 to 5 days.");
    assertThat(dropped.get()).as("the reply's bus message was dropped").isPositive();
    // Several catch-ups later the tab still has it once.
    assertThat(tab.next("message", 3_000)).isNull();

    server.vertx.eventBus().removeOutboundInterceptor(drop);
    await(client.close());
  }
}
