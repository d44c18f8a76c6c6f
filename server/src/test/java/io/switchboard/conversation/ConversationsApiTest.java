package io.switchboard.conversation;

import io.switchboard.http.Ids;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Person;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Api.expect;
import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Agents work conversations over REST")
class ConversationsApiTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("conversations");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  // ---- helpers: customers write in through the public inbound API ----

  static JsonObject emailFrom(String email, String name, String subject, String text) {
    return new JsonObject().put("externalId", "<" + Ids.random(12) + "@mail.test>")
        .put("from", new JsonObject().put("email", email).put("name", name))
        .put("subject", subject).put("text", text);
  }

  static JsonObject received(Tenant t, Channel ch, JsonObject message) {
    return expect(t.inbound(ch, message), 202).json();
  }

  static String unique(String prefix) {
    return prefix + "-" + Ids.random(6) + "@customer.test";
  }

  static JsonArray ids(Resp list) {
    JsonArray out = new JsonArray();
    list.json().getJsonArray("items").forEach(o -> out.add(((JsonObject) o).getString("id")));
    return out;
  }

  static Row outboundItem(String messageId) {
    var rows = await(server.app.db().preparedQuery(
        "SELECT channel_id, payload::text AS payload FROM outbound_item WHERE message_id = $1").execute(Tuple.of(messageId)));
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  static long count(String sql, Object... params) {
    return await(server.app.db().preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  // ---- the list ----

  @Test
  @DisplayName("the list pages with an opaque cursor that walks every conversation exactly once, newest first")
  void cursorWalksEveryRowOnce() {
    Tenant t = server.tenant("Paging");
    Channel email = t.channel("email", null);
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      created.add(received(t, email, emailFrom(unique("p" + i), "Paula " + i, "Order " + i, "hello " + i))
          .getString("conversationId"));
    }
    List<String> walked = new ArrayList<>();
    List<Instant> times = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Resp page = expect(api.get("/api/v1/conversations?limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
          t.admin.token()), 200);
      for (Object o : page.json().getJsonArray("items")) {
        walked.add(((JsonObject) o).getString("id"));
        times.add(Instant.parse(((JsonObject) o).getString("lastMessageAt")));
      }
      cursor = page.json().getString("nextCursor");
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(pages).isEqualTo(3);
    assertThat(walked).hasSize(7).doesNotHaveDuplicates();
    assertThat(new HashSet<>(walked)).isEqualTo(created);
    for (int i = 1; i < times.size(); i++) {
      assertThat(times.get(i)).isBeforeOrEqualTo(times.get(i - 1));
    }
  }

  @Test
  @DisplayName("filters by status, assignee, team, channel and text; unknown values are 422")
  void filters() {
    Tenant t = server.tenant("Filters");
    String sales = t.team("Sales");
    Channel email = t.channel("email", null);
    Channel salesMail = t.channel("email", sales);
    String a = received(t, email, emailFrom(unique("a"), "Anna Zielinska", "Broken kettle", "The kettle leaks"))
        .getString("conversationId");
    String b = received(t, email, emailFrom(unique("b"), "Bartek Nowak", "Invoice", "Need an invoice please"))
        .getString("conversationId");
    String c = received(t, salesMail, emailFrom(unique("c"), "Celina Wrona", "Bulk order", "Price for 500 mugs?"))
        .getString("conversationId");
    String token = t.admin.token();
    expect(api.patch("/api/v1/conversations/" + b, token, new JsonObject().put("status", "pending")
        .put("assigneeId", t.admin.id())), 200);

    assertThat(ids(api.get("/api/v1/conversations?status=pending", token))).containsExactly(b);
    assertThat(ids(api.get("/api/v1/conversations?status=open", token))).containsExactlyInAnyOrder(a, c);
    assertThat(ids(api.get("/api/v1/conversations?assignee=me", token))).containsExactly(b);
    assertThat(ids(api.get("/api/v1/conversations?assignee=" + t.admin.id(), token))).containsExactly(b);
    assertThat(ids(api.get("/api/v1/conversations?assignee=unassigned", token))).containsExactlyInAnyOrder(a, c);
    assertThat(ids(api.get("/api/v1/conversations?assignee=any", token))).containsExactlyInAnyOrder(a, b, c);
    assertThat(ids(api.get("/api/v1/conversations?teamId=" + sales, token))).containsExactly(c);
    assertThat(ids(api.get("/api/v1/conversations?channel=email", token))).containsExactlyInAnyOrder(a, b, c);
    assertThat(ids(api.get("/api/v1/conversations?channel=phone", token))).isEmpty();
    // q searches message text, the contact's name and the subject, case-insensitively
    assertThat(ids(api.get("/api/v1/conversations?q=LEAKS", token))).containsExactly(a);
    assertThat(ids(api.get("/api/v1/conversations?q=wrona", token))).containsExactly(c);
    assertThat(ids(api.get("/api/v1/conversations?q=invoice", token))).containsExactly(b);
    assertThat(ids(api.get("/api/v1/conversations?q=100%25", token))).isEmpty();
    // message text is searched by words: each word of the query as a prefix, all of them required
    assertThat(ids(api.get("/api/v1/conversations?q=leak", token))).containsExactly(a);
    assertThat(ids(api.get("/api/v1/conversations?q=kettle%20LEAK", token))).containsExactly(a);
    assertThat(ids(api.get("/api/v1/conversations?q=kettle%20invoice", token))).isEmpty();
    assertThat(ids(api.get("/api/v1/conversations?q=mugs%3F%20500", token))).containsExactly(c);
    assertThat(ids(api.get("/api/v1/conversations?q=%27%3A*%20%7C%20%21", token))).isEmpty();

    String nulCursor = java.util.Base64.getUrlEncoder().encodeToString("2026-01-01T00:00:00Z|\0".getBytes());
    for (String bad : List.of("status=closed", "channel=fax", "limit=0", "limit=101", "limit=ten",
        "cursor=not-a-cursor", "cursor=" + nulCursor, "q=%00", "teamId=a%00b")) {
      Resp r = api.get("/api/v1/conversations?" + bad, token);
      assertThat(r.status()).as(bad).isEqualTo(422);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    }
  }

  @Test
  @DisplayName("an agent sees only their teams', their own and team-less conversations")
  void agentVisibility() {
    Tenant t = server.tenant("Visibility");
    String teamA = t.team("A");
    String teamB = t.team("B");
    Channel mailA = t.channel("email", teamA);
    Channel mailB = t.channel("email", teamB);
    Channel shared = t.channel("email", null);
    Person agentA = t.user("agent", List.of(teamA));
    Person supervisor = t.user("supervisor", List.of());
    String convA = received(t, mailA, emailFrom(unique("va"), "Va", "A", "for team A")).getString("conversationId");
    String convB = received(t, mailB, emailFrom(unique("vb"), "Vb", "B", "for team B")).getString("conversationId");
    String open = received(t, shared, emailFrom(unique("vn"), "Vn", "N", "for anyone")).getString("conversationId");

    assertThat(ids(api.get("/api/v1/conversations", agentA.token()))).containsExactlyInAnyOrder(convA, open);
    assertThat(api.get("/api/v1/conversations/" + convB, agentA.token()).status()).isEqualTo(404);
    assertThat(api.post("/api/v1/conversations/" + convB + "/messages", agentA.token(),
        new JsonObject().put("text", "sneaky")).status()).isEqualTo(404);
    assertThat(api.patch("/api/v1/conversations/" + convB, agentA.token(),
        new JsonObject().put("priority", "high")).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/conversations/" + convA, agentA.token()).status()).isEqualTo(200);
    assertThat(ids(api.get("/api/v1/conversations", supervisor.token())))
        .containsExactlyInAnyOrder(convA, convB, open);

    // Assigned to the agent, team B's conversation becomes visible to them.
    expect(api.patch("/api/v1/conversations/" + convB, t.admin.token(),
        new JsonObject().put("assigneeId", agentA.id())), 200);
    assertThat(api.get("/api/v1/conversations/" + convB, agentA.token()).status()).isEqualTo(200);
    assertThat(ids(api.get("/api/v1/conversations?assignee=me", agentA.token()))).containsExactly(convB);
  }

  @Test
  @DisplayName("another account's conversations and contacts cannot be read, answered, changed, merged or listed")
  void tenantIsolation() {
    Tenant mine = server.tenant("Mine");
    Tenant theirs = server.tenant("Theirs");
    Channel theirMail = theirs.channel("email", null);
    Channel myMail = mine.channel("email", null);
    JsonObject their = received(theirs, theirMail, emailFrom(unique("t"), "Their Customer", "Secret", "private"));
    String theirConv = their.getString("conversationId");
    String myConv = received(mine, myMail, emailFrom(unique("m"), "My Customer", "Mine", "hi"))
        .getString("conversationId");
    String token = mine.admin.token();

    assertThat(api.get("/api/v1/conversations/" + theirConv, token).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/conversations/%00", token).status()).isEqualTo(404);
    assertThat(api.post("/api/v1/conversations/" + theirConv + "/messages", token,
        new JsonObject().put("text", "hello")).status()).isEqualTo(404);
    assertThat(api.patch("/api/v1/conversations/" + theirConv, token,
        new JsonObject().put("status", "resolved")).status()).isEqualTo(404);
    assertThat(api.post("/api/v1/conversations/" + theirConv + "/read", token, null).status()).isEqualTo(404);
    assertThat(api.post("/api/v1/conversations/" + myConv + "/merge", token,
        new JsonObject().put("otherId", theirConv)).status()).isEqualTo(404);
    assertThat(api.post("/api/v1/conversations/" + theirConv + "/merge", token,
        new JsonObject().put("otherId", myConv)).status()).isEqualTo(404);
    assertThat(ids(api.get("/api/v1/conversations", token))).containsExactly(myConv);
    assertThat(api.get("/api/v1/contacts/" + their.getString("contactId"), token).status()).isEqualTo(404);
    assertThat(api.post("/api/v1/conversations", token, new JsonObject().put("contactId", their.getString("contactId"))
        .put("channelId", myMail.id()).put("text", "hi")).status()).isEqualTo(422);
    // and their data is unchanged
    Resp still = expect(api.get("/api/v1/conversations/" + theirConv, theirs.admin.token()), 200);
    assertThat(still.json().getString("status")).isEqualTo("open");
    assertThat(still.json().getJsonArray("messages")).hasSize(1);
  }

  // ---- replies ----

  @Test
  @DisplayName("a reply goes out through the channel of the latest verified message, or a channel the agent picks")
  void replyFollowsRuleThree() {
    Tenant t = server.tenant("Rule3");
    Channel email = t.channel("email", null);
    Channel phone = t.channel("phone", null);
    String address = unique("r3");
    JsonObject first = emailFrom(address, "Rita", "Where is my parcel?", "It has not arrived");
    JsonObject mail = received(t, email, first);
    String conv = mail.getString("conversationId");

    Resp reply = expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "Checking now").put("html", "<p onclick=\"x()\">Checking <b>now</b></p>"
            + "<script>alert(1)</script>")), 201);
    JsonObject msg = reply.json();
    assertThat(msg.getString("direction")).isEqualTo("outbound");
    assertThat(msg.getString("channel")).isEqualTo("email");
    assertThat(msg.getString("deliveryStatus")).isEqualTo("queued");
    assertThat(msg.getString("html")).doesNotContain("script").doesNotContain("onclick").contains("<b>now</b>");
    Row item = outboundItem(msg.getString("id"));
    assertThat(item).isNotNull();
    assertThat(item.getString("channel_id")).isEqualTo(email.id());
    JsonObject payload = new JsonObject(item.getString("payload"));
    assertThat(payload.getJsonObject("to").getString("email")).isEqualTo(address);
    assertThat(payload.getString("subject")).isEqualTo("Re: Where is my parcel?");
    assertThat(payload.getString("inReplyTo")).isEqualTo(first.getString("externalId"));
    assertThat(payload.getJsonArray("references").getList()).contains(first.getString("externalId"));

    // The customer calls in from a phone and vouches for the same email: one contact, one conversation.
    JsonObject call = new JsonObject().put("externalId", "call-" + Ids.random(8))
        .put("from", new JsonObject().put("phone", "+48 600 100 200").put("email", address)
            .put("verified", new JsonArray().add("email")))
        .put("text", "Voicemail: please call me back");
    assertThat(received(t, phone, call).getString("conversationId")).isEqualTo(conv);
    Resp viaPhone = expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "Calling you back")), 201);
    assertThat(viaPhone.json().getString("channel")).isEqualTo("phone");
    JsonObject phonePayload = new JsonObject(outboundItem(viaPhone.json().getString("id")).getString("payload"));
    assertThat(phonePayload.getJsonObject("to").getString("phone")).isEqualTo("+48600100200");
    assertThat(phonePayload.getString("subject")).isNull();

    // The agent may pick email again: the contact has a verified email.
    Resp picked = expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "Also by mail").put("channelId", email.id())), 201);
    assertThat(picked.json().getString("channel")).isEqualTo("email");
    assertThat(outboundItem(picked.json().getString("id")).getString("channel_id")).isEqualTo(email.id());
  }

  @Test
  @DisplayName("a chat reply goes back to the widget session it came from, in its thread")
  void chatReplyFollowsTheSession() {
    Tenant t = server.tenant("Chat");
    Channel chat = t.channel("chat", null);
    Channel email = t.channel("email", null);
    JsonObject hello = new JsonObject().put("externalId", "chat-" + Ids.random(8)).put("threadKey", "session-42")
        .put("from", new JsonObject().put("handle", "visitor-42").put("name", "Wiktor"))
        .put("text", "is anyone there?");
    String conv = received(t, chat, hello).getString("conversationId");
    Resp reply = expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "Yes, how can I help?")), 201);
    assertThat(reply.json().getString("channel")).isEqualTo("chat");
    assertThat(reply.json().getString("threadKey")).isEqualTo("session-42");
    Row item = outboundItem(reply.json().getString("id"));
    assertThat(item.getString("channel_id")).isEqualTo(chat.id());
    JsonObject to = new JsonObject(item.getString("payload")).getJsonObject("to");
    assertThat(to.getString("handle")).isEqualTo("visitor-42");
    assertThat(to.getString("email")).isNull();
    // A widget visitor id reaches no one by email.
    assertThat(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "mail?").put("channelId", email.id())).status()).isEqualTo(422);
  }

  @Test
  @DisplayName("with no verified identity to reach the contact a reply is 422 and nothing is queued")
  void noVerifiedIdentity() {
    Tenant t = server.tenant("Unverified");
    Channel chat = t.channel("chat", null);
    Channel email = t.channel("email", null);
    // A chat visitor types an email without the widget's signature: it is not verified.
    JsonObject visitor = new JsonObject().put("externalId", "chat-" + Ids.random(8))
        .put("from", new JsonObject().put("email", unique("anon")).put("name", "Visitor"))
        .put("text", "hello?");
    String conv = received(t, chat, visitor).getString("conversationId");
    Resp r = api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(), new JsonObject().put("text", "hi"));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("channelId");
    Resp picked = api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "hi").put("channelId", email.id()));
    assertThat(picked.status()).isEqualTo(422);
    assertThat(count("SELECT count(*) FROM message WHERE conversation_id = $1 AND direction = 'outbound'", conv))
        .isZero();
    assertThat(count("SELECT count(*) FROM outbound_item WHERE conversation_id = $1", conv)).isZero();
  }

  @Test
  @DisplayName("a reply carries uploaded attachments to the adapter; an attachment is used once")
  void replyWithAttachment() {
    Tenant t = server.tenant("Attach");
    Channel email = t.channel("email", null);
    String conv = received(t, email, emailFrom(unique("at"), "Adam", "Invoice", "send it")).getString("conversationId");
    Resp uploaded = expect(api.upload(t.admin.token(), "invoice.pdf", "application/pdf",
        io.vertx.core.buffer.Buffer.buffer("%PDF-1.4 tiny")), 201);
    String id = uploaded.json().getString("id");
    JsonObject body = new JsonObject().put("text", "Attached").put("attachments",
        new JsonArray().add(new JsonObject().put("id", id)));
    Resp reply = expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(), body), 201);
    assertThat(reply.json().getJsonArray("attachments").getJsonObject(0).getString("name")).isEqualTo("invoice.pdf");
    JsonObject payload = new JsonObject(outboundItem(reply.json().getString("id")).getString("payload"));
    assertThat(payload.getJsonArray("attachments").getJsonObject(0).getString("id")).isEqualTo(id);
    assertThat(payload.getJsonArray("attachments").getJsonObject(0).getString("contentType"))
        .isEqualTo("application/pdf");
    Resp reused = api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(), body.put("text", "again"));
    assertThat(reused.status()).isEqualTo(422);
    Tenant other = server.tenant("AttachOther");
    Channel otherMail = other.channel("email", null);
    String otherConv = received(other, otherMail, emailFrom(unique("ot"), "Ola", "X", "y")).getString("conversationId");
    String fresh = expect(api.upload(t.admin.token(), "a.txt", "text/plain", io.vertx.core.buffer.Buffer.buffer("a")),
        201).json().getString("id");
    assertThat(api.post("/api/v1/conversations/" + otherConv + "/messages", other.admin.token(),
        new JsonObject().put("text", "steal").put("attachments", new JsonArray().add(new JsonObject().put("id", fresh))))
        .status()).isEqualTo(422);
  }

  @Test
  @DisplayName("a retry with the same clientId returns the first message and stores one")
  void clientIdIsIdempotent() {
    Tenant t = server.tenant("Retry");
    Channel email = t.channel("email", null);
    String conv = received(t, email, emailFrom(unique("c"), "Cyryl", "Retry", "hi")).getString("conversationId");
    JsonObject body = new JsonObject().put("text", "Once only").put("clientId", "tab-1-msg-1");
    Resp first = api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(), body);
    Resp again = api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(), body);
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isIn(200, 201);
    assertThat(again.json().getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(count("SELECT count(*) FROM message WHERE conversation_id = $1 AND client_id = $2", conv, "tab-1-msg-1"))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM outbound_item WHERE conversation_id = $1", conv)).isEqualTo(1);
  }

  @Test
  @DisplayName("a reply written before a newer customer message is refused with 409 carrying that message")
  void staleReplyConflicts() {
    Tenant t = server.tenant("Stale");
    Channel email = t.channel("email", null);
    String address = unique("s");
    JsonObject one = received(t, email, emailFrom(address, "Stan", "Question", "first question"));
    String conv = one.getString("conversationId");
    expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "answer one").put("afterMessageId", one.getString("messageId"))), 201);
    JsonObject two = received(t, email, emailFrom(address, "Stan", "Question", "oh, and another thing"));
    assertThat(two.getString("conversationId")).isEqualTo(conv);

    Resp stale = api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "answer written without seeing it").put("afterMessageId", one.getString("messageId")));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().getJsonObject("message").getString("id")).isEqualTo(two.getString("messageId"));
    assertThat(stale.json().getJsonObject("message").getString("text")).isEqualTo("oh, and another thing");
    assertThat(count("SELECT count(*) FROM message WHERE conversation_id = $1 AND direction = 'outbound'", conv))
        .isEqualTo(1);
    expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "now I saw it").put("afterMessageId", two.getString("messageId"))), 201);
    assertThat(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "x").put("afterMessageId", "msg_nope")).status()).isEqualTo(422);
  }

  @Test
  @DisplayName("an internal note is stored but never sent")
  void noteIsNotSent() {
    Tenant t = server.tenant("Notes");
    Channel email = t.channel("email", null);
    String conv = received(t, email, emailFrom(unique("n"), "Nina", "Note", "hi")).getString("conversationId");
    Resp note = expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "customer sounds upset").put("private", true)), 201);
    assertThat(note.json().getString("direction")).isEqualTo("note");
    assertThat(note.json().getString("deliveryStatus")).isNull();
    assertThat(outboundItem(note.json().getString("id"))).isNull();
    assertThat(count("SELECT count(*) FROM outbound_item WHERE conversation_id = $1", conv)).isZero();
    Resp detail = expect(api.get("/api/v1/conversations/" + conv, t.admin.token()), 200);
    JsonArray messages = detail.json().getJsonArray("messages");
    assertThat(messages.getJsonObject(messages.size() - 1).getString("direction")).isEqualTo("note");
    assertThat(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(), new JsonObject()).status())
        .isEqualTo(422);
  }

  @Test
  @DisplayName("an agent starts a conversation through a channel that can reach the contact")
  void agentStartsConversation() {
    Tenant t = server.tenant("Outreach");
    String support = t.team("Support");
    Channel email = t.channel("email", support);
    Channel phone = t.channel("phone", null);
    Person agent = t.user("agent", List.of());
    String address = unique("o");
    String contactId = received(t, email, emailFrom(address, "Olga", "Old", "old question")).getString("contactId");
    Resp started = expect(api.post("/api/v1/conversations", agent.token(), new JsonObject().put("contactId", contactId)
        .put("channelId", email.id()).put("subject", "Your refund").put("text", "We refunded you.")), 201);
    String conv = started.json().getString("id");
    assertThat(started.json().getString("teamId")).isEqualTo(support);
    assertThat(started.json().getString("assigneeId")).isEqualTo(agent.id());
    assertThat(started.json().getString("subject")).isEqualTo("Your refund");
    assertThat(started.json().getJsonArray("messages").getJsonObject(0).getString("text")).isEqualTo("We refunded you.");
    JsonObject payload = new JsonObject(await(server.app.db().preparedQuery(
            "SELECT payload::text FROM outbound_item WHERE conversation_id = $1").execute(Tuple.of(conv)))
        .iterator().next().getString(0));
    assertThat(payload.getJsonObject("to").getString("email")).isEqualTo(address);
    assertThat(payload.getString("subject")).isEqualTo("Your refund");
    assertThat(api.get("/api/v1/conversations/" + conv, agent.token()).status()).isEqualTo(200);

    Resp noPhone = api.post("/api/v1/conversations", agent.token(), new JsonObject().put("contactId", contactId)
        .put("channelId", phone.id()).put("text", "Ring ring"));
    assertThat(noPhone.status()).isEqualTo(422);
    assertThat(api.post("/api/v1/conversations", agent.token(), new JsonObject().put("channelId", email.id())
        .put("text", "who?")).status()).isEqualTo(422);
    // Without a channel, rule 3 picks the channel the contact last wrote from (verified).
    Resp byRule = expect(api.post("/api/v1/conversations", agent.token(), new JsonObject().put("contactId", contactId)
        .put("text", "One more thing")), 201);
    assertThat(byRule.json().getJsonArray("channels").getList()).containsExactly("email");
  }

  // ---- detail, triage, read, merge ----

  @Test
  @DisplayName("the conversation answers its contact and pages back through messages with beforeCursor")
  void detailPagesMessages() {
    Tenant t = server.tenant("Detail");
    Channel email = t.channel("email", null);
    String address = unique("d");
    String conv = received(t, email, emailFrom(address, "Dorota", "Long thread", "message 0")).getString("conversationId");
    for (int i = 1; i < 55; i++) {
      expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
          new JsonObject().put("text", "note " + i).put("private", true)), 201);
    }
    Resp first = expect(api.get("/api/v1/conversations/" + conv, t.admin.token()), 200);
    JsonObject body = first.json();
    assertThat(body.getString("id")).isEqualTo(conv);
    assertThat(body.getJsonObject("contact").getString("name")).isEqualTo("Dorota");
    JsonObject identity = body.getJsonObject("contact").getJsonArray("identities").getJsonObject(0);
    assertThat(identity.getString("value")).isEqualTo(address);
    assertThat(identity.getBoolean("verified")).isTrue();
    assertThat(body.getJsonArray("returns")).isEmpty();
    JsonArray page = body.getJsonArray("messages");
    assertThat(page).hasSize(50);
    assertThat(page.getJsonObject(49).getString("text")).isEqualTo("note 54"); // oldest first
    String before = body.getString("messagesBeforeCursor");
    assertThat(before).isNotNull().isEqualTo(body.getString("beforeCursor"));
    JsonObject older = expect(api.get("/api/v1/conversations/" + conv + "?beforeCursor=" + before, t.admin.token()), 200)
        .json();
    assertThat(older.getJsonArray("messages")).hasSize(5);
    assertThat(older.getJsonArray("messages").getJsonObject(0).getString("text")).isEqualTo("message 0");
    assertThat(older.getString("messagesBeforeCursor")).isNull();
  }

  @Test
  @DisplayName("PATCH validates enums and references, snoozes only into the future, and records resolution")
  void patchValidates() {
    Tenant t = server.tenant("Patch");
    Tenant other = server.tenant("PatchOther");
    String foreignTeam = other.team("Elsewhere");
    String team = t.team("Billing");
    Channel email = t.channel("email", null);
    Person agent = t.user("agent", List.of(team));
    String conv = received(t, email, emailFrom(unique("pt"), "Piotr", "Patch", "hi")).getString("conversationId");
    String url = "/api/v1/conversations/" + conv;
    String token = t.admin.token();
    for (JsonObject bad : List.of(new JsonObject().put("status", "closed"), new JsonObject().put("priority", "asap"),
        new JsonObject().put("status", "snoozed"),
        new JsonObject().put("status", "snoozed").put("snoozeUntil", "2020-01-01T00:00:00Z"),
        new JsonObject().put("assigneeId", other.admin.id()), new JsonObject().put("teamId", foreignTeam),
        new JsonObject().put("tags", new JsonArray().add("")))) {
      Resp r = api.patch(url, token, bad);
      assertThat(r.status()).as(bad.encode()).isEqualTo(422);
    }
    Resp ok = expect(api.patch(url, token, new JsonObject().put("priority", "urgent").put("teamId", team)
        .put("assigneeId", agent.id()).put("tags", new JsonArray().add("vip").add("vip").add("refund"))), 200);
    assertThat(ok.json().getString("priority")).isEqualTo("urgent");
    assertThat(ok.json().getString("teamId")).isEqualTo(team);
    assertThat(ok.json().getString("assigneeId")).isEqualTo(agent.id());
    assertThat(ok.json().getJsonArray("tags").getList()).containsExactly("vip", "refund");

    String until = Instant.now().plusSeconds(3600).toString();
    Resp snoozed = expect(api.patch(url, token, new JsonObject().put("status", "snoozed").put("snoozeUntil", until)), 200);
    assertThat(snoozed.json().getString("status")).isEqualTo("snoozed");
    assertThat(snoozed.json().getString("snoozeUntil")).isNotNull();

    // Moving it to nobody's team and unassigning records who had it, so the stream tells them.
    Resp resolved = expect(api.patch(url, token, new JsonObject().put("status", "resolved").putNull("assigneeId")
        .putNull("teamId")), 200);
    assertThat(resolved.json().getString("status")).isEqualTo("resolved");
    assertThat(resolved.json().getString("resolvedAt")).isNotNull();
    assertThat(resolved.json().getString("assigneeId")).isNull();
    Row event = await(server.app.db().preparedQuery("""
        SELECT prev_team_id, prev_assignee_id, team_id FROM event
        WHERE account_id = $1 AND conversation_id = $2 AND type = 'conversation.updated' ORDER BY seq DESC LIMIT 1""")
        .execute(Tuple.of(t.accountId, conv))).iterator().next();
    assertThat(event.getString("prev_team_id")).isEqualTo(team);
    assertThat(event.getString("prev_assignee_id")).isEqualTo(agent.id());
    assertThat(event.getString("team_id")).isNull();
  }

  @Test
  @DisplayName("unread is per user: a customer message makes it unread, reading clears it")
  void unreadPerUser() {
    Tenant t = server.tenant("Unread");
    Channel email = t.channel("email", null);
    Person agent = t.user("agent", List.of());
    String address = unique("u");
    String conv = received(t, email, emailFrom(address, "Ula", "Unread", "ping")).getString("conversationId");
    assertThat(unread(conv, t.admin.token())).isTrue();
    assertThat(api.post("/api/v1/conversations/" + conv + "/read", t.admin.token(), null).status()).isEqualTo(204);
    assertThat(unread(conv, t.admin.token())).isFalse();
    assertThat(unread(conv, agent.token())).isTrue();
    received(t, email, emailFrom(address, "Ula", "Unread", "ping again"));
    assertThat(unread(conv, t.admin.token())).isTrue();
  }

  static boolean unread(String conv, String token) {
    for (Object o : expect(api.get("/api/v1/conversations", token), 200).json().getJsonArray("items")) {
      JsonObject c = (JsonObject) o;
      if (c.getString("id").equals(conv)) {
        assertThat(expect(api.get("/api/v1/conversations/" + conv, token), 200).json().getBoolean("unread"))
            .isEqualTo(c.getBoolean("unread"));
        return c.getBoolean("unread");
      }
    }
    throw new AssertionError("not listed: " + conv);
  }

  @Test
  @DisplayName("merging moves the other conversation's messages here and hides the other")
  void mergeConversations() {
    Tenant t = server.tenant("Merge");
    Channel email = t.channel("email", null);
    String address = unique("mg");
    String first = received(t, email, emailFrom(address, "Marta", "First", "first issue")).getString("conversationId");
    expect(api.patch("/api/v1/conversations/" + first, t.admin.token(), new JsonObject().put("status", "resolved")), 200);
    String second = received(t, email, emailFrom(address, "Marta", "Second", "second issue"))
        .getString("conversationId");
    assertThat(second).isNotEqualTo(first);
    String other = received(t, email, emailFrom(unique("x"), "Xawery", "Other", "someone else"))
        .getString("conversationId");

    assertThat(api.post("/api/v1/conversations/" + first + "/merge", t.admin.token(),
        new JsonObject().put("otherId", other)).status()).isEqualTo(422);
    assertThat(api.post("/api/v1/conversations/" + first + "/merge", t.admin.token(),
        new JsonObject().put("otherId", first)).status()).isEqualTo(422);
    expect(api.post("/api/v1/conversations/" + first + "/merge", t.admin.token(),
        new JsonObject().put("otherId", second)), 200);

    JsonArray messages = expect(api.get("/api/v1/conversations/" + first, t.admin.token()), 200).json()
        .getJsonArray("messages");
    // The customers' messages, in order (resolving the first also sent a satisfaction survey).
    assertThat(messages.stream().map(o -> (JsonObject) o)
        .filter(m -> !"system".equals(m.getJsonObject("author").getString("type")))
        .map(m -> m.getString("text")))
        .containsExactly("first issue", "second issue");
    assertThat(api.get("/api/v1/conversations/" + second, t.admin.token()).status()).isEqualTo(404);
    assertThat(ids(api.get("/api/v1/conversations", t.admin.token()))).contains(first, other).doesNotContain(second);
    assertThat(count("SELECT count(*) FROM event WHERE account_id = $1 AND conversation_id = $2 AND type = $3",
        t.accountId, second, "conversation.merged")).isEqualTo(1);
  }

  @Test
  @DisplayName("every GET carries Switchboard-Seq, read before the data, and it grows after a change")
  void seqGrows() {
    Tenant t = server.tenant("Seq");
    Channel email = t.channel("email", null);
    String conv = received(t, email, emailFrom(unique("q"), "Quinn", "Seq", "hi")).getString("conversationId");
    // Events are numbered in the writing transaction, so the header covers every answered write.
    long before = expect(api.get("/api/v1/conversations", t.admin.token()), 200).seq();
    assertThat(before).isPositive();
    assertThat(expect(api.get("/api/v1/conversations/" + conv, t.admin.token()), 200).seq()).isEqualTo(before);
    expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(), new JsonObject().put("text", "yo")),
        201);
    long after = expect(api.get("/api/v1/conversations/" + conv, t.admin.token()), 200).seq();
    assertThat(after).isGreaterThan(before);
    assertThat(count("SELECT count(*) FROM event WHERE account_id = $1 AND seq > $2 AND type = 'message.created'",
        t.accountId, before)).isEqualTo(1);
  }
}
