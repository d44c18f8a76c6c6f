package io.switchboard.channel;

import io.switchboard.http.SecretBox;
import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Provider secrets are encrypted at rest and never read back by users")
class SecretsAtRestTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("secretsatrest");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("a chat channel's signing secret is shown once, stored encrypted, absent from the channel list, and still verifies signatures")
  void chatSecretEncrypted() throws Exception {
    var t = server.tenant("Secrets");
    var chat = t.channel("chat", null);
    assertThat(chat.secret()).isNotBlank();
    String stored = server.rows("SELECT settings->>'secret' FROM channel WHERE id = $1", chat.id()).get(0).getString(0);
    assertThat(stored).startsWith("enc:v1:").doesNotContain(chat.secret());
    assertThat(server.rows("SELECT settings::text FROM channel WHERE id = $1", chat.id()).get(0).getString(0))
        .doesNotContain(chat.secret());
    assertThat(api.get("/api/v1/channels", t.admin.token()).body().toString()).doesNotContain(chat.secret())
        .doesNotContain(stored);

    // The widget's signature, made with the plain secret, still verifies: the visitor's email joins.
    String email = "signed-" + UUID.randomUUID() + "@example.com";
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(chat.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = HexFormat.of().formatHex(mac.doFinal(email.getBytes(StandardCharsets.UTF_8)));
    var sent = Api.expect(api.post("/api/v1/inbound", chat.key(), new JsonObject()
        .put("externalId", UUID.randomUUID().toString()).put("text", "hi")
        .put("from", new JsonObject().put("handle", "v-1").put("email", email).put("signature", signature))), 202);
    long verified = server.count("SELECT count(*) FROM identity WHERE contact_id = $1 AND kind = 'email' AND verified",
        sent.json().getString("contactId"));
    assertThat(verified).isEqualTo(1);
  }

  @Test
  @DisplayName("a box opens what it sealed, refuses another key's, and reads values stored before encryption")
  void boxRoundTrip() {
    SecretBox box = new SecretBox("k".repeat(40));
    String sealed = box.seal("s3cret");
    assertThat(sealed).isNotEqualTo(box.seal("s3cret")); // a fresh nonce each time
    assertThat(box.open(sealed)).isEqualTo("s3cret");
    assertThat(box.open("plain-from-before")).isEqualTo("plain-from-before");
    assertThatThrownBy(() -> new SecretBox("x".repeat(40)).open(sealed)).hasMessageContaining("SWITCHBOARD_DATA_KEY");
  }
}
