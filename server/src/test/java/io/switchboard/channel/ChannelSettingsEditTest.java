package io.switchboard.channel;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Api.expect;
import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("An admin edits a channel's settings; its adapter follows")
class ChannelSettingsEditTest {

  static final String SHOP = "https://shop.example";
  static final String NEW_SHOP = "https://new-shop.example";
  static TestServer server;
  static Api api;
  static Vertx vertx;
  static WebSocketClient sockets;

  @BeforeAll
  static void start() {
    server = TestServer.start("chsettingsedit", Map.of("SWITCHBOARD_ADAPTERS", "in-process"));
    api = server.api;
    vertx = Vertx.vertx();
    sockets = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
    server.close();
  }

  static boolean opens(Channel ch, String origin) {
    Future<WebSocket> ws = sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
        .setURI("/channels/" + ch.id() + "/widget/socket").addHeader("Origin", origin));
    try {
      await(ws.compose(s -> s.close().map(true)));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  static String storedSettings(String channelId) {
    return server.rows("SELECT settings::text FROM channel WHERE id = $1", channelId).get(0).getString(0);
  }

  @Test
  @DisplayName("a chat channel's allowedOrigins edited: the widget's Origin check follows, the secret is kept and never echoed")
  void chatOrigins() {
    Tenant t = server.tenant("EditChat");
    Channel chat = t.channel("chat", null, new JsonObject().put("allowedOrigins", new JsonArray(List.of(SHOP))));
    until("the chat adapter runs", 20_000, () -> server.app.services().adapters.host().runs(chat.id()));
    assertThat(opens(chat, SHOP)).isTrue();
    assertThat(opens(chat, NEW_SHOP)).isFalse();
    String sealedBefore = new JsonObject(storedSettings(chat.id())).getString("secret");

    // The secret is left out of the edit: it keeps its value.
    JsonObject edited = expect(api.patch("/api/v1/channels/" + chat.id(), t.admin.token(), new JsonObject()
        .put("name", "Shop chat").put("settings", new JsonObject().put("allowedOrigins", new JsonArray(List.of(NEW_SHOP)))
            .put("title", "Help"))), 200).json();
    assertThat(edited.getString("name")).isEqualTo("Shop chat");
    assertThat(edited.getJsonObject("settings").getString("secret")).isEqualTo("********");
    assertThat(edited.encode()).doesNotContain(chat.secret());
    assertThat(new JsonObject(storedSettings(chat.id())).getString("secret")).isEqualTo(sealedBefore);

    until("the new origin opens the widget", 20_000, () -> opens(chat, NEW_SHOP));
    assertThat(opens(chat, SHOP)).isFalse();
    assertThat(server.rows("SELECT name FROM channel WHERE id = $1", chat.id()).get(0).getString(0)).isEqualTo("Shop chat");
  }

  @Test
  @DisplayName("WhatsApp templates edited: the reply options list the new ones; tokens sent masked or left out are kept")
  void whatsappTemplates() {
    Tenant t = server.tenant("EditWa");
    Channel wa = t.channel("social", null, new JsonObject().put("platform", "whatsapp").put("appSecret", "app-secret-1")
        .put("accessToken", "token-1").put("verifyToken", "verify-1").put("graphBaseUrl", "http://127.0.0.1:9")
        .put("templates", new JsonArray().add(new JsonObject().put("name", "old_one").put("body", "Old"))));
    String conversation = expect(t.inbound(wa, new JsonObject().put("externalId", "wamid.E1").put("text", "hi")
        .put("from", new JsonObject().put("handle", "48600100200").put("platform", "whatsapp")
            .put("phone", "+48600100200"))), 202).json().getString("conversationId");
    String sealed = storedSettings(wa.id());

    expect(api.patch("/api/v1/channels/" + wa.id(), t.admin.token(), new JsonObject().put("settings", new JsonObject()
        .put("platform", "whatsapp").put("appSecret", "********").put("verifyToken", "verify-2")
        .put("graphBaseUrl", "http://127.0.0.1:9")
        .put("templates", new JsonArray().add(new JsonObject().put("name", "order_update").put("language", "pl")
            .put("body", "Your order {{1}} ships today"))))), 200);

    JsonObject option = expect(api.get("/api/v1/conversations/" + conversation + "/reply-options", t.admin.token()), 200)
        .json().getJsonArray("channels").getJsonObject(0);
    assertThat(option.getJsonArray("templates")).hasSize(1);
    assertThat(option.getJsonArray("templates").getJsonObject(0).getString("name")).isEqualTo("order_update");

    JsonObject now = new JsonObject(storedSettings(wa.id()));
    JsonObject before = new JsonObject(sealed);
    assertThat(now.getString("appSecret")).isEqualTo(before.getString("appSecret")); // sent masked
    assertThat(now.getString("accessToken")).isEqualTo(before.getString("accessToken")); // left out
    assertThat(now.getString("verifyToken")).startsWith("enc:v1:").isNotEqualTo(before.getString("verifyToken"));
    assertThat(now.encode()).doesNotContain("verify-2").doesNotContain("token-1");
    String listed = api.get("/api/v1/channels", t.admin.token()).body().toString();
    assertThat(listed).doesNotContain("verify-2").doesNotContain("app-secret-1").contains("order_update");
  }

  @Test
  @DisplayName("a bad setting is 422 naming the field, and nothing changes")
  void badSetting() {
    Tenant t = server.tenant("EditBad");
    Channel social = t.channel("social", null, new JsonObject().put("platform", "messenger"));
    String before = storedSettings(social.id());
    var refused = api.patch("/api/v1/channels/" + social.id(), t.admin.token(), new JsonObject().put("name", "Renamed")
        .put("settings", new JsonObject().put("platform", "myspace").put("defaultRegion", "XX")));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.body().toString()).contains("settings.platform").contains("settings.defaultRegion");
    assertThat(storedSettings(social.id())).isEqualTo(before);
    assertThat(server.rows("SELECT name FROM channel WHERE id = $1", social.id()).get(0).getString(0))
        .isEqualTo("social channel");
    assertThat(api.patch("/api/v1/channels/" + social.id(), t.admin.token(), new JsonObject().put("name", " "))
        .status()).isEqualTo(422);

    Channel chat = t.channel("chat", null, new JsonObject().put("allowedOrigins", new JsonArray(List.of(SHOP))));
    String chatBefore = storedSettings(chat.id());
    var badOrigin = api.patch("/api/v1/channels/" + chat.id(), t.admin.token(), new JsonObject().put("settings",
        new JsonObject().put("allowedOrigins", new JsonArray(List.of("javascript:alert(1)")))));
    assertThat(badOrigin.status()).isEqualTo(422);
    assertThat(badOrigin.body().toString()).contains("settings.allowedOrigins");
    assertThat(storedSettings(chat.id())).isEqualTo(chatBefore);
  }

  @Test
  @DisplayName("an agent is refused 403; another account's admin sees 404 and changes nothing")
  void whoMayEdit() {
    Tenant t = server.tenant("EditWho");
    Channel email = t.channel("email", null);
    var agent = t.user("agent", List.of());
    assertThat(api.patch("/api/v1/channels/" + email.id(), agent.token(), new JsonObject().put("name", "Mine"))
        .status()).isEqualTo(403);
    Tenant other = server.tenant("EditOther");
    var foreign = api.patch("/api/v1/channels/" + email.id(), other.admin.token(), new JsonObject().put("name", "Mine"));
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(server.rows("SELECT name FROM channel WHERE id = $1", email.id()).get(0).getString(0))
        .isEqualTo("email channel");
  }
}
