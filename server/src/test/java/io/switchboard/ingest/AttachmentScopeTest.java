package io.switchboard.ingest;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Attachments: unguessable ids, and an adapter reads only its own channel's files")
class AttachmentScopeTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("attachmentscope");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String upload(String token, String name) {
    return expect(api.upload(token, name, "application/pdf", Buffer.buffer("%PDF-1.4 " + name)), 201)
        .json().getString("id");
  }

  static JsonArray files(String id) {
    return new JsonArray().add(new JsonObject().put("id", id));
  }

  @Test
  @DisplayName("the email adapter reads the customer's file and the reply's, not a note's, not another channel's, not a loose upload")
  void channelKeysScoped() {
    var t = server.tenant("Scope");
    var email = t.channel("email", null);
    var chat = t.channel("chat", null);
    String fromCustomer = upload(email.key(), "receipt.pdf");
    assertThat(fromCustomer).matches("att_[a-z2-7]{26}");
    String conversation = expect(api.post("/api/v1/inbound", email.key(), new JsonObject()
        .put("externalId", UUID.randomUUID().toString()).put("from", new JsonObject().put("email", "scope@example.com"))
        .put("text", "see attached").put("attachments", files(fromCustomer))), 202).json().getString("conversationId");
    String inReply = upload(t.admin.token(), "refund.pdf");
    expect(api.post("/api/v1/conversations/" + conversation + "/messages", t.admin.token(),
        new JsonObject().put("text", "here is your refund").put("attachments", files(inReply))), 201);
    String inNote = upload(t.admin.token(), "internal-margin.pdf");
    expect(api.post("/api/v1/conversations/" + conversation + "/messages", t.admin.token(),
        new JsonObject().put("text", "do not send").put("private", true).put("attachments", files(inNote))), 201);
    String loose = upload(email.key(), "loose.pdf");

    assertThat(api.get("/api/v1/attachments/" + fromCustomer, email.key()).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/attachments/" + inReply, email.key()).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/attachments/" + inNote, email.key()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/attachments/" + loose, email.key()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/attachments/" + fromCustomer, chat.key()).status()).isEqualTo(404);
    // Agents still see every file of the conversations they may see.
    for (String id : new String[] {fromCustomer, inReply, inNote}) {
      Resp r = api.get("/api/v1/attachments/" + id, t.admin.token());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Disposition")).startsWith("attachment;");
      assertThat(r.header("Content-Security-Policy")).contains("sandbox");
    }
  }
}
