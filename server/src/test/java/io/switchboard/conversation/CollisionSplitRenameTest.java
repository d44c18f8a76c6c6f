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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Api.expect;
import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Two agents at once, splitting a conversation and renaming it")
class CollisionSplitRenameTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("splitrename");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject mail(Tenant t, Channel ch, String email, String subject, String text) {
    return expect(t.inbound(ch, new JsonObject().put("externalId", "<" + Ids.random(10) + "@m.test>")
        .put("from", new JsonObject().put("email", email).put("name", "Hanna Mróz")).put("subject", subject)
        .put("text", text)), 202).json();
  }

  static List<JsonObject> messages(String conversationId, String token) {
    List<JsonObject> out = new ArrayList<>();
    expect(api.get("/api/v1/conversations/" + conversationId, token), 200).json().getJsonArray("messages")
        .forEach(o -> out.add((JsonObject) o));
    return out;
  }

  /** Durable events after seq, as the stream replays them: [type, conversationId, data]. */
  static List<Row> eventsAfter(String accountId, long seq) {
    List<Row> out = new ArrayList<>();
    await(server.app.db().preparedQuery(
            "SELECT type, conversation_id, team_id, assignee_id, data::text AS data FROM event"
                + " WHERE account_id = $1 AND seq > $2 ORDER BY seq")
        .execute(Tuple.of(accountId, seq))).forEach(out::add);
    return out;
  }

  @Test
  @DisplayName("a reply written before another agent's public reply is refused with 409 carrying that reply")
  void collision() {
    Tenant t = server.tenant("Collide");
    Channel email = t.channel("email", null);
    Person ala = t.user("agent", List.of(), "Ala Agent");
    Person bob = t.user("agent", List.of(), "Bob Agent");
    String kasia = "kasia-" + Ids.random(5) + "@c.test";
    JsonObject in = mail(t, email, kasia, "Refund", "Where is my refund?");
    String cv = in.getString("conversationId");
    String asked = in.getString("messageId");
    // Both read the customer's message; Ala sends first.
    Resp first = expect(api.post("/api/v1/conversations/" + cv + "/messages", ala.token(),
        new JsonObject().put("text", "Refund sent today").put("afterMessageId", asked)), 201);
    Resp second = api.post("/api/v1/conversations/" + cv + "/messages", bob.token(),
        new JsonObject().put("text", "Checking with accounting").put("afterMessageId", asked));
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.header("Content-Type")).startsWith("application/problem+json");
    assertThat(second.json().getString("detail")).contains("Ala Agent replied");
    assertThat(second.json().getJsonObject("message").getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(second.json().getJsonObject("message").getString("text")).isEqualTo("Refund sent today");
    assertThat(second.json().getString("reason")).isEqualTo("agent");
    assertThat(messages(cv, bob.token())).extracting(m -> m.getString("text"))
        .doesNotContain("Checking with accounting");
    // Having seen Ala's reply, Bob can send; an internal note never collides; nor does Ala's own follow-up.
    expect(api.post("/api/v1/conversations/" + cv + "/messages", bob.token(), new JsonObject()
        .put("text", "Checking with accounting").put("afterMessageId", first.json().getString("id"))), 201);
    expect(api.post("/api/v1/conversations/" + cv + "/messages", ala.token(), new JsonObject()
        .put("text", "note to self").put("private", true).put("afterMessageId", asked)), 201);
    // a newer customer message still wins, with reason customer
    JsonObject again = mail(t, email, kasia, "Re: Refund", "Thanks!");
    assertThat(again.getString("conversationId")).isEqualTo(cv);
    Resp stale = api.post("/api/v1/conversations/" + cv + "/messages", ala.token(),
        new JsonObject().put("text", "Anything else?").put("afterMessageId", first.json().getString("id")));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().getString("reason")).isEqualTo("customer");
    assertThat(stale.json().getJsonObject("message").getString("id")).isEqualTo(again.getString("messageId"));
  }

  @Test
  @DisplayName("split moves the chosen messages to a new conversation, with events for both; rename changes the subject")
  void splitAndRename() {
    Tenant t = server.tenant("Split");
    String support = t.team("Support");
    Channel email = t.channel("email", support);
    Person agent = t.user("agent", List.of(support), "Ida Agent");
    Person outsider = t.user("agent", List.of(), "Other Team");
    String address = "hanna-" + Ids.random(5) + "@c.test";
    String cv = mail(t, email, address, "Broken lamp", "The lamp flickers").getString("conversationId");
    String second = mail(t, email, address, "Also", "Unrelated: please change my delivery address").getString("messageId");
    String third = mail(t, email, address, "Also", "Street is Polna 5").getString("messageId");
    assertThat(messages(cv, agent.token())).hasSize(3);
    long before = expect(api.get("/api/v1/conversations/" + cv, agent.token()), 200).seq();

    Resp split = api.post("/api/v1/conversations/" + cv + "/split", agent.token(),
        new JsonObject().put("messageIds", new JsonArray().add(second).add(third)).put("subject", "Delivery address"));
    expect(split, 201);
    JsonObject made = split.json();
    String newId = made.getString("id");
    assertThat(newId).isNotEqualTo(cv);
    assertThat(made.getString("subject")).isEqualTo("Delivery address");
    assertThat(made.getString("status")).isEqualTo("open");
    assertThat(made.getString("teamId")).isEqualTo(support);
    assertThat(made.getString("contactId")).isNotNull();
    assertThat(made.getJsonArray("messages")).extracting(m -> ((JsonObject) m).getString("id"))
        .containsExactly(second, third);
    assertThat(messages(cv, agent.token())).extracting(m -> m.getString("text")).containsExactly("The lamp flickers");
    assertThat(messages(newId, agent.token())).extracting(m -> m.getString("conversationId"))
        .containsOnly(newId);

    // events: the new conversation, each moved message under it, and the source's new state
    List<Row> events = eventsAfter(t.accountId, before);
    assertThat(events).extracting(r -> r.getString("type") + " " + r.getString("conversation_id"))
        .containsExactly("conversation.created " + newId, "message.updated " + newId, "message.updated " + newId,
            "conversation.updated " + cv);
    assertThat(events).allSatisfy(r -> assertThat(r.getString("team_id")).isEqualTo(support));
    assertThat(new JsonObject(events.get(1).getString("data")).getString("conversationId")).isEqualTo(newId);
    assertThat(new JsonObject(events.get(1).getString("data")).getString("id")).isEqualTo(second);
    assertThat(new JsonObject(events.get(0).getString("data")).getString("subject")).isEqualTo("Delivery address");

    // the new conversation is searchable under its subject, the old one no longer by the moved text
    JsonArray found = expect(api.get("/api/v1/conversations?q=delivery%20address", agent.token()), 200).json()
        .getJsonArray("items");
    assertThat(found).extracting(o -> ((JsonObject) o).getString("id")).containsExactly(newId);

    // rename
    long beforeRename = expect(api.get("/api/v1/conversations/" + cv, agent.token()), 200).seq();
    Resp renamed = expect(api.patch("/api/v1/conversations/" + cv, agent.token(),
        new JsonObject().put("subject", "  Lamp flickers (order 7781)  ")), 200);
    assertThat(renamed.json().getString("subject")).isEqualTo("Lamp flickers (order 7781)");
    assertThat(renamed.json().getString("status")).isEqualTo("open");
    List<Row> renameEvents = eventsAfter(t.accountId, beforeRename);
    assertThat(renameEvents).extracting(r -> r.getString("type")).containsExactly("conversation.updated");
    assertThat(new JsonObject(renameEvents.get(0).getString("data")).getString("subject"))
        .isEqualTo("Lamp flickers (order 7781)");
    assertThat(expect(api.get("/api/v1/conversations?q=7781", agent.token()), 200).json().getJsonArray("items"))
        .extracting(o -> ((JsonObject) o).getString("id")).containsExactly(cv);

    // bad input: nothing changes
    long calm = expect(api.get("/api/v1/conversations/" + cv, agent.token()), 200).seq();
    Resp empty = api.patch("/api/v1/conversations/" + cv, agent.token(), new JsonObject().put("subject", "  "));
    assertThat(empty.status()).isEqualTo(422);
    assertThat(empty.json().getString("detail") + empty.json().getJsonArray("errors").encode())
        .contains("The subject cannot be empty.");
    String only = messages(cv, agent.token()).get(0).getString("id");
    Resp all = api.post("/api/v1/conversations/" + cv + "/split", agent.token(),
        new JsonObject().put("messageIds", new JsonArray().add(only)));
    assertThat(all.status()).isEqualTo(422);
    assertThat(all.json().encode()).contains("Leave at least one message");
    Resp foreign = api.post("/api/v1/conversations/" + cv + "/split", agent.token(),
        new JsonObject().put("messageIds", new JsonArray().add(second)));
    assertThat(foreign.status()).isEqualTo(422);
    assertThat(api.post("/api/v1/conversations/" + cv + "/split", agent.token(),
        new JsonObject().put("messageIds", new JsonArray())).status()).isEqualTo(422);
    // another team's agent does not see the conversation: 404, as for any conversation they may not see
    assertThat(api.post("/api/v1/conversations/" + newId + "/split", outsider.token(),
        new JsonObject().put("messageIds", new JsonArray().add(second))).status()).isEqualTo(404);
    assertThat(api.patch("/api/v1/conversations/" + cv, outsider.token(),
        new JsonObject().put("subject", "mine")).status()).isEqualTo(404);
    assertThat(eventsAfter(t.accountId, calm)).isEmpty();
    assertThat(messages(cv, agent.token())).hasSize(1);
    assertThat(messages(newId, agent.token())).hasSize(2);
  }

  @Test
  @DisplayName("the composer is offered only channels that carry a written reply, and the phone to log a call with")
  void replyOptions() {
    Tenant t = server.tenant("Options");
    Channel phone = t.channel("phone", null);
    Channel email = t.channel("email", null);
    t.channel("social", null, new JsonObject().put("platform", "messenger"));
    String caller = expect(t.inbound(phone, new JsonObject().put("externalId", "call-" + Ids.random(6))
        .put("from", new JsonObject().put("phone", "601 777 888").put("name", "Jerzy"))
        .put("call", new JsonObject().put("callId", "CA9").put("direction", "inbound").put("outcome", "missed"))), 202).json()
        .getString("conversationId");
    JsonObject phoneOnly = expect(api.get("/api/v1/conversations/" + caller + "/reply-options", t.admin.token()), 200)
        .json();
    assertThat(phoneOnly.getJsonArray("channels")).isEmpty();
    assertThat(phoneOnly.getString("defaultChannelId")).isNull();
    assertThat(phoneOnly.getString("phone")).isEqualTo("+48601777888");
    // a written reply without a channel says so in the user's words
    Resp refused = api.post("/api/v1/conversations/" + caller + "/messages", t.admin.token(),
        new JsonObject().put("text", "hello?"));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().getString("detail")).startsWith("This customer has not written").contains("log a call")
        .doesNotContain("channelId");

    String address = "ola-" + Ids.random(5) + "@c.test";
    String mailed = mail(t, email, address, "Hi", "Question").getString("conversationId");
    JsonObject byMail = expect(api.get("/api/v1/conversations/" + mailed + "/reply-options", t.admin.token()), 200)
        .json();
    assertThat(byMail.getString("defaultChannelId")).isEqualTo(email.id());
    assertThat(byMail.getJsonArray("channels")).hasSize(1);
    assertThat(byMail.getJsonArray("channels").getJsonObject(0).getString("to")).isEqualTo(address);
    assertThat(byMail.getString("phone")).isNull();
    Tenant other = server.tenant("OptionsOther");
    assertThat(api.get("/api/v1/conversations/" + mailed + "/reply-options", other.admin.token()).status())
        .isEqualTo(404);
  }
}
