package io.switchboard.http;

import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Channel keys are cached for seconds, yet a revoked key stops working at once")
class ChannelKeysTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("channelkeys");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("a key used a moment ago (so cached) is refused by the very next request after its revocation")
  void revokedAtOnce() {
    var t = server.tenant("Revoke");
    var ch = t.channel("email", null);
    for (int i = 0; i < 3; i++) {
      assertThat(poll(ch.key())).isEqualTo(200);
    }
    String keyId = keyIds(t, ch.id()).getJsonObject(0).getString("keyId");
    assertThat(api.call(HttpMethod.DELETE, "/api/v1/channels/" + ch.id() + "/keys/" + keyId, t.admin.token(), null)
        .status()).isEqualTo(204);
    assertThat(poll(ch.key())).isEqualTo(401);
  }

  @Test
  @DisplayName("after a rotation the new key works at once and the old one until it is revoked")
  void rotation() {
    var t = server.tenant("Rotate");
    var ch = t.channel("chat", null);
    assertThat(poll(ch.key())).isEqualTo(200);
    Api.Resp rotated = Api.expect(api.post("/api/v1/channels/" + ch.id() + "/keys", t.admin.token(), new JsonObject()), 201);
    String newKey = rotated.json().getString("apiKey");
    assertThat(poll(newKey)).isEqualTo(200);
    assertThat(poll(ch.key())).isEqualTo(200);
    String oldKeyId = keyIds(t, ch.id()).getJsonObject(0).getString("keyId");
    api.call(HttpMethod.DELETE, "/api/v1/channels/" + ch.id() + "/keys/" + oldKeyId, t.admin.token(), null);
    assertThat(poll(ch.key())).isEqualTo(401);
    assertThat(poll(newKey)).isEqualTo(200);
  }

  @Test
  @DisplayName("a revocation made on another node reaches this one through the event bus")
  void otherNodesChangeArrivesOnTheBus() {
    var t = server.tenant("Elsewhere");
    var ch = t.channel("email", null);
    assertThat(poll(ch.key())).isEqualTo(200);
    // Another node revokes: the row changes, and that node publishes the change.
    await(server.app.db().preparedQuery("UPDATE channel_key SET revoked_at = now() WHERE channel_id = $1")
        .execute(Tuple.of(ch.id())));
    assertThat(poll(ch.key())).as("still cached here until told").isEqualTo(200);
    server.vertx.eventBus().publish(ChannelKeyCache.CHANGED, new JsonObject().put("channelId", ch.id()));
    long deadline = System.currentTimeMillis() + 2000;
    int status = poll(ch.key());
    while (status != 401 && System.currentTimeMillis() < deadline) {
      status = poll(ch.key());
    }
    assertThat(status).isEqualTo(401);
  }

  private static int poll(String key) {
    return api.get("/api/v1/outbound?wait=0", key).status();
  }

  private static io.vertx.core.json.JsonArray keyIds(Api.Tenant t, String channelId) {
    var items = api.get("/api/v1/channels", t.admin.token()).json().getJsonArray("items");
    for (int i = 0; i < items.size(); i++) {
      if (items.getJsonObject(i).getString("id").equals(channelId)) {
        return items.getJsonObject(i).getJsonArray("keys");
      }
    }
    throw new AssertionError("no channel " + channelId);
  }
}
