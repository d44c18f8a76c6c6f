package io.switchboard.ingest;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Unified ingest: contacts, conversations, duplicates")
class UnificationTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("unification");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject message(JsonObject from, String text) {
    return new JsonObject().put("externalId", UUID.randomUUID().toString()).put("from", from).put("text", text)
        .put("sentAt", "2026-11-22T13:45:00Z");
  }

  static List<Row> rows(String sql, Object... params) {
    return server.rows(sql, params);
  }

  static long count(String sql, Object... params) {
    return server.count(sql, params);
  }

  @Test
  @DisplayName("an email, then a call, then a Messenger message from one verified customer are one conversation")
  void oneConversationAcrossChannels() {
    Tenant t = server.tenant("Cross");
    Channel email = t.channel("email", null);
    Channel phone = t.channel("phone", null);
    Channel social = t.channel("social", null);
    Resp first = api.post("/api/v1/inbound", email.key(), message(new JsonObject().put("name", "Ann Kowalska")
        .put("email", "  Ann@Example.COM ").put("phone", "600 100 200").put("verified", new JsonArray().add("phone")),
        "Where is my parcel?").put("subject", "Order 1234 late"));
    assertThat(first.status()).isEqualTo(202);
    Resp call = api.post("/api/v1/inbound", phone.key(), new JsonObject().put("externalId", "call-1")
        .put("from", new JsonObject().put("phone", "+48 600-100-200"))
        .put("call", new JsonObject().put("direction", "inbound").put("outcome", "answered").put("durationSec", 312)
            .put("transcript", "Customer asks about the parcel")));
    assertThat(call.status()).isEqualTo(202);
    Resp dm = api.post("/api/v1/inbound", social.key(), message(new JsonObject().put("handle", "psid-991")
        .put("platform", "messenger").put("phone", "+48600100200").put("verified", new JsonArray().add("phone")),
        "Any news?"));
    assertThat(dm.status()).isEqualTo(202);

    String contact = first.json().getString("contactId");
    String conversation = first.json().getString("conversationId");
    assertThat(call.json().getString("contactId")).isEqualTo(contact);
    assertThat(dm.json().getString("contactId")).isEqualTo(contact);
    assertThat(call.json().getString("conversationId")).isEqualTo(conversation);
    assertThat(dm.json().getString("conversationId")).isEqualTo(conversation);
    Row conv = rows("SELECT channels, subject, status FROM conversation WHERE id = $1", conversation).get(0);
    assertThat(conv.getArrayOfStrings("channels")).containsExactly("email", "phone", "social");
    assertThat(conv.getString("subject")).isEqualTo("Order 1234 late");
    // identities normalized: lower-cased email, E.164 phone read with the account's region (PL)
    List<String> ids = rows("SELECT kind || '=' || value || ':' || verified FROM identity WHERE contact_id = $1 ORDER BY 1",
        contact).stream().map(r -> r.getString(0)).toList();
    assertThat(ids).containsExactly("email=ann@example.com:true", "phone=+48600100200:true",
        "social=messenger:psid-991:true");
    // the events of the account record each step
    assertThat(count("SELECT count(*) FROM event WHERE account_id = $1 AND type = 'message.created'", t.accountId))
        .isEqualTo(3);
    assertThat(count("SELECT count(*) FROM event WHERE account_id = $1 AND type = 'conversation.created'", t.accountId))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("a chat visitor who types someone's email gets a suggested merge, not their contact")
  void unverifiedClaimSuggestsMerge() {
    Tenant t = server.tenant("Claim");
    Channel email = t.channel("email", null);
    Channel chat = t.channel("chat", null);
    Resp real = api.post("/api/v1/inbound", email.key(), message(new JsonObject().put("email", "ewa@example.com"),
        "Refund please"));
    Resp visitor = api.post("/api/v1/inbound", chat.key(), message(new JsonObject().put("name", "Ewa?")
        .put("email", "ewa@example.com").put("handle", "visitor-7"), "I am Ewa, give me her refund"));
    assertThat(visitor.status()).isEqualTo(202);
    assertThat(visitor.json().getString("contactId")).isNotEqualTo(real.json().getString("contactId"));
    assertThat(visitor.json().getString("conversationId")).isNotEqualTo(real.json().getString("conversationId"));
    List<Row> merges = rows("SELECT contact_id, other_id, identity_value FROM suggested_merge WHERE account_id = $1",
        t.accountId);
    assertThat(merges).hasSize(1);
    assertThat(merges.get(0).getString("contact_id")).isEqualTo(visitor.json().getString("contactId"));
    assertThat(merges.get(0).getString("other_id")).isEqualTo(real.json().getString("contactId"));
    // agents hear of the suggestion live: the visitor's contact.updated carries it
    List<Row> updates = rows("SELECT data::text FROM event WHERE account_id = $1 AND type = 'contact.updated'"
        + " AND data->>'id' = $2 ORDER BY seq DESC", t.accountId, visitor.json().getString("contactId"));
    assertThat(updates).isNotEmpty();
    assertThat(updates.get(0).getString(0)).contains(real.json().getString("contactId"));
    // the same visitor comes back in their chat session: same contact, same conversation
    Resp again = api.post("/api/v1/inbound", chat.key(), message(new JsonObject().put("handle", "visitor-7"),
        "hello?"));
    assertThat(again.json().getString("contactId")).isEqualTo(visitor.json().getString("contactId"));
    // with a valid signature the chat identity is verified and joins the real contact
    Resp signed = api.post("/api/v1/inbound", chat.key(), message(new JsonObject().put("email", "ewa@example.com")
        .put("handle", "visitor-8").put("signature", hmac(chat.secret(), "ewa@example.com")), "signed in"));
    assertThat(signed.json().getString("contactId")).isEqualTo(real.json().getString("contactId"));
    // a forged signature is refused, not downgraded to an unverified claim
    long contactsBefore = count("SELECT count(*) FROM contact WHERE account_id = $1", t.accountId);
    Resp forged = api.post("/api/v1/inbound", chat.key(), message(new JsonObject().put("email", "ewa@example.com")
        .put("handle", "visitor-9").put("signature", hmac("guess", "ewa@example.com")), "forged"));
    assertThat(forged.status()).isEqualTo(422);
    assertThat(forged.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("from.signature");
    assertThat(count("SELECT count(*) FROM contact WHERE account_id = $1", t.accountId)).isEqualTo(contactsBefore);
  }

  @Test
  @DisplayName("when verified identities match two contacts, the channel's own kind wins and the other is suggested")
  void twoContactsMatched() {
    Tenant t = server.tenant("Two");
    Channel email = t.channel("email", null);
    Channel phone = t.channel("phone", null);
    Resp byMail = api.post("/api/v1/inbound", email.key(), message(new JsonObject().put("email", "jan@example.com"), "a"));
    Resp byPhone = api.post("/api/v1/inbound", phone.key(), message(new JsonObject().put("phone", "+48 501 000 111"), "b"));
    assertThat(byMail.json().getString("contactId")).isNotEqualTo(byPhone.json().getString("contactId"));
    Resp both = api.post("/api/v1/inbound", phone.key(), message(new JsonObject().put("phone", "+48501000111")
        .put("email", "jan@example.com").put("verified", new JsonArray().add("email")), "c"));
    assertThat(both.json().getString("contactId")).isEqualTo(byPhone.json().getString("contactId"));
    assertThat(count("SELECT count(*) FROM suggested_merge WHERE account_id = $1 AND contact_id = $2 AND other_id = $3",
        t.accountId, byPhone.json().getString("contactId"), byMail.json().getString("contactId"))).isEqualTo(1);
  }

  @Test
  @DisplayName("a duplicate delivery stores one message and answers with the first answer")
  void duplicates() {
    Tenant t = server.tenant("Dup");
    Channel email = t.channel("email", null);
    JsonObject msg = message(new JsonObject().put("email", "dup@example.com"), "first");
    Resp a = api.post("/api/v1/inbound", email.key(), msg);
    Resp b = api.post("/api/v1/inbound", email.key(), msg.copy().put("text", "changed on retry"));
    assertThat(a.status()).isEqualTo(202);
    assertThat(a.json().getBoolean("duplicate")).isFalse();
    assertThat(b.status()).isEqualTo(200);
    assertThat(b.json().getBoolean("duplicate")).isTrue();
    assertThat(b.json().getString("messageId")).isEqualTo(a.json().getString("messageId"));
    assertThat(rows("SELECT text FROM message WHERE account_id = $1", t.accountId))
        .extracting(r -> r.getString(0)).containsExactly("first");
    // concurrent repeats wait for the first and all get the same answer
    WebClient client = WebClient.create(server.vertx);
    JsonObject burst = message(new JsonObject().put("email", "burst@example.com"), "burst");
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(client.post(server.port(), "localhost", "/api/v1/inbound").putHeader("Authorization", "Bearer " + email.key())
          .sendJsonObject(burst).map(r -> r.bodyAsJsonObject().getString("messageId")));
    }
    await(Future.all(answers));
    assertThat(answers.stream().map(Future::result).distinct()).hasSize(1);
    assertThat(count("SELECT count(*) FROM message WHERE account_id = $1 AND text = 'burst'", t.accountId)).isEqualTo(1);
    // the same externalId on another channel is another message
    Channel other = t.channel("email", null);
    assertThat(api.post("/api/v1/inbound", other.key(), msg).status()).isEqualTo(202);
  }

  @Test
  @DisplayName("50 concurrent first messages with one verified email on different channels make one contact and one conversation")
  void concurrentFirstMessages() {
    Tenant t = server.tenant("Race");
    List<Channel> channels = List.of(t.channel("email", null), t.channel("phone", null), t.channel("social", null),
        t.channel("chat", null), t.channel("email", null));
    WebClient client = WebClient.create(server.vertx);
    List<Future<JsonObject>> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Channel ch = channels.get(i % channels.size());
      JsonObject from = new JsonObject().put("email", "race@example.com");
      switch (ch.kind()) {
        case "phone" -> from.put("phone", "+48 600 000 " + (100 + i)).put("verified", new JsonArray().add("email"));
        case "social" -> from.put("handle", "h" + i).put("platform", "whatsapp").put("verified", new JsonArray().add("email"));
        case "chat" -> from.put("handle", "v" + i).put("signature", hmac(ch.secret(), "race@example.com"));
        default -> { }
      }
      sent.add(client.post(server.port(), "localhost", "/api/v1/inbound").putHeader("Authorization", "Bearer " + ch.key())
          .sendJsonObject(message(from, "message " + i)).map(r -> {
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
            return r.bodyAsJsonObject();
          }));
    }
    await(Future.all(sent), 60);
    assertThat(count("SELECT count(*) FROM contact WHERE account_id = $1", t.accountId)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM conversation WHERE account_id = $1", t.accountId)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM message WHERE account_id = $1", t.accountId)).isEqualTo(50);
    assertThat(count("SELECT count(*) FROM event WHERE account_id = $1 AND type = 'message.created'", t.accountId))
        .isEqualTo(50);
    // One conversation: created once. (A batch sends one conversation event per conversation it
    // touched, so the number of conversation.updated depends on how the messages were batched.)
    assertThat(count("SELECT count(*) FROM event WHERE account_id = $1 AND type = 'conversation.created'",
        t.accountId)).isEqualTo(1);
    // numbered in the writing transactions: seq has no holes and no repeats
    assertThat(count("SELECT max(seq) - min(seq) + 1 FROM event WHERE account_id = $1", t.accountId))
        .isEqualTo(count("SELECT count(*) FROM event WHERE account_id = $1", t.accountId));
  }

  @Test
  @DisplayName("a thread key joins its conversation, reopens it within the window, and starts a new one after")
  void threadKeysAndReopenWindow() {
    Tenant t = server.tenant("Thread");
    Channel email = t.channel("email", null);
    JsonObject from = new JsonObject().put("email", "tom@example.com");
    Resp first = api.post("/api/v1/inbound", email.key(), message(from, "broken mug").put("threadKey", "<root@mail>"));
    String conv = first.json().getString("conversationId");
    resolve(conv, 2);
    Resp reply = api.post("/api/v1/inbound", email.key(), message(from, "still broken").put("threadKey", "<root@mail>"));
    assertThat(reply.json().getString("conversationId")).isEqualTo(conv);
    assertThat(rows("SELECT status FROM conversation WHERE id = $1", conv).get(0).getString(0)).isEqualTo("open");
    // an auto-reply is stored but does not reopen
    resolve(conv, 1);
    Resp auto = api.post("/api/v1/inbound", email.key(), message(from, "Out of office").put("threadKey", "<root@mail>")
        .put("autoSubmitted", true));
    assertThat(auto.json().getString("conversationId")).isEqualTo(conv);
    assertThat(rows("SELECT status FROM conversation WHERE id = $1", conv).get(0).getString(0)).isEqualTo("resolved");
    // resolved longer ago than reopenWindowDays (7): a new conversation
    resolve(conv, 8);
    Resp late = api.post("/api/v1/inbound", email.key(), message(from, "again").put("threadKey", "<root@mail>"));
    assertThat(late.json().getString("conversationId")).isNotEqualTo(conv);
    // an inbound message moves pending or snoozed back to open
    String fresh = late.json().getString("conversationId");
    await(server.app.db().preparedQuery("UPDATE conversation SET status = 'snoozed', snooze_until = now() + interval '1 day' WHERE id = $1")
        .execute(Tuple.of(fresh)));
    api.post("/api/v1/inbound", email.key(), message(from, "hello?"));
    assertThat(rows("SELECT status FROM conversation WHERE id = $1", fresh).get(0).getString(0)).isEqualTo("open");
  }

  @Test
  @DisplayName("national phone numbers are read with the channel's region, else the account's")
  void phoneRegions() {
    Tenant t = server.tenant("Region");
    Channel german = t.channel("phone", null, new JsonObject().put("defaultRegion", "DE"));
    Channel polish = t.channel("phone", null);
    Resp de = api.post("/api/v1/inbound", german.key(), message(new JsonObject().put("phone", "030 123456"), "hallo"));
    Resp pl = api.post("/api/v1/inbound", polish.key(), message(new JsonObject().put("phone", "600 200 300"), "dzien dobry"));
    assertThat(rows("SELECT value FROM identity WHERE contact_id = $1", de.json().getString("contactId")).get(0)
        .getString(0)).isEqualTo("+4930123456");
    assertThat(rows("SELECT value FROM identity WHERE contact_id = $1", pl.json().getString("contactId")).get(0)
        .getString(0)).isEqualTo("+48600200300");
    // an unreadable phone beside an email is kept as typed, unverified, and matches nothing
    Resp odd = api.post("/api/v1/inbound", polish.key(), message(new JsonObject().put("phone", "call me maybe")
        .put("email", "odd@example.com"), "?"));
    assertThat(odd.status()).isEqualTo(202);
    assertThat(rows("SELECT verified, parsed FROM identity WHERE contact_id = $1 AND kind = 'phone'",
        odd.json().getString("contactId")).get(0).getBoolean("parsed")).isFalse();
  }

  @Test
  @DisplayName("customer HTML is sanitized and attachments are stored, linked and downloadable")
  void htmlAndAttachments() {
    Tenant t = server.tenant("Html");
    Channel email = t.channel("email", null);
    Resp up = api.upload(email.key(), "photo of <b>damage</b>.jpg", "image/jpeg",
        io.vertx.core.buffer.Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}));
    assertThat(up.status()).isEqualTo(201);
    Resp msg = api.post("/api/v1/inbound", email.key(), new JsonObject().put("externalId", "html-1")
        .put("from", new JsonObject().put("email", "x@example.com"))
        .put("html", "<p onclick=\"alert(1)\">Broken <script>alert(1)</script><a href=\"javascript:alert(1)\">x</a>"
            + "<img src=x onerror=alert(1)></p>")
        .put("attachments", new JsonArray().add(new JsonObject().put("id", up.json().getString("id")))));
    assertThat(msg.status()).isEqualTo(202);
    Row m = rows("SELECT html, text, attachments::text FROM message WHERE id = $1", msg.json().getString("messageId")).get(0);
    assertThat(m.getString("html")).doesNotContain("script", "onclick", "javascript", "onerror", "<img");
    assertThat(m.getString("text")).contains("Broken");
    assertThat(m.getString(2)).contains(up.json().getString("id"));
    Resp download = api.get("/api/v1/attachments/" + up.json().getString("id"), t.admin.token());
    assertThat(download.status()).isEqualTo(200);
    assertThat(download.body().length()).isEqualTo(5);
    assertThat(download.header("Content-Disposition")).startsWith("attachment");
    // an attachment cannot be used twice, nor by another account
    Resp reuse = api.post("/api/v1/inbound", email.key(), new JsonObject().put("externalId", "html-2")
        .put("from", new JsonObject().put("email", "x@example.com"))
        .put("attachments", new JsonArray().add(new JsonObject().put("id", up.json().getString("id")))));
    assertThat(reuse.status()).isEqualTo(422);
    Tenant other = server.tenant("Html2");
    assertThat(api.get("/api/v1/attachments/" + up.json().getString("id"), other.admin.token()).status()).isEqualTo(404);
  }

  static void resolve(String conversationId, int daysAgo) {
    await(server.app.db().preparedQuery(
            "UPDATE conversation SET status = 'resolved', resolved_at = now() - make_interval(days => $2) WHERE id = $1")
        .execute(Tuple.of(conversationId, daysAgo)));
  }

  static String hmac(String secret, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
  @Test
  @DisplayName("a large HTML mail is sanitized too (off the event loop) and keeps its text")
  void largeHtml() {
    Tenant t = server.tenant("BigHtml");
    Channel email = t.channel("email", null);
    String html = "<div>" + "<p>Order 77 arrived broken. <script>steal()</script><b onmouseover=x()>bold</b></p>".repeat(800)
        + "</div>";
    Resp r = api.post("/api/v1/inbound", email.key(), new JsonObject().put("externalId", "big-1")
        .put("from", new JsonObject().put("email", "big@example.com")).put("html", html));
    assertThat(r.status()).isEqualTo(202);
    Row m = rows("SELECT html, text FROM message WHERE id = $1", r.json().getString("messageId")).get(0);
    assertThat(m.getString("html")).doesNotContain("<script", "steal()", "onmouseover").contains("<b>bold</b>");
    assertThat(m.getString("text")).startsWith("Order 77 arrived broken.");
  }
}
