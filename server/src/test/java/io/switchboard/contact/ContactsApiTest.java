package io.switchboard.contact;

import io.switchboard.http.Ids;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Api.expect;
import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Agents see and merge contacts")
class ContactsApiTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("contacts");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject inbound(Tenant t, Channel ch, JsonObject from, String text) {
    JsonObject msg = new JsonObject().put("externalId", "ext-" + Ids.random(10)).put("from", from).put("text", text);
    return expect(t.inbound(ch, msg), 202).json();
  }

  static Set<String> values(JsonArray identities) {
    return identities.stream().map(o -> ((JsonObject) o).getString("value")).collect(Collectors.toSet());
  }

  @Test
  @DisplayName("a contact shows identities with their verified state, suggested merges and conversations")
  void contactView() {
    Tenant t = server.tenant("Card");
    Channel email = t.channel("email", null);
    Channel chat = t.channel("chat", null);
    String address = "karol-" + Ids.random(6) + "@customer.test";
    JsonObject byMail = inbound(t, email, new JsonObject().put("email", address).put("name", "Karol"), "hello");
    // Someone on the chat claims the same address without proof: a second contact and a suggestion.
    JsonObject claim = inbound(t, chat, new JsonObject().put("email", address).put("name", "Karol?"), "it's me");
    assertThat(claim.getString("contactId")).isNotEqualTo(byMail.getString("contactId"));

    Resp r = expect(api.get("/api/v1/contacts/" + byMail.getString("contactId"), t.admin.token()), 200);
    assertThat(r.seq()).isPositive();
    JsonObject c = r.json();
    assertThat(c.getString("name")).isEqualTo("Karol");
    JsonObject identity = c.getJsonArray("identities").getJsonObject(0);
    assertThat(identity.getString("kind")).isEqualTo("email");
    assertThat(identity.getString("value")).isEqualTo(address);
    assertThat(identity.getBoolean("verified")).isTrue();
    assertThat(c.getJsonArray("conversations")).hasSize(1);
    assertThat(c.getJsonArray("conversations").getJsonObject(0).getString("id"))
        .isEqualTo(byMail.getString("conversationId"));
    assertThat(c.getJsonArray("orders")).isEmpty();
    assertThat(c.getJsonArray("returns")).isEmpty();
    JsonArray suggested = c.getJsonArray("suggestedMerges");
    assertThat(suggested).hasSize(1);
    assertThat(suggested.getJsonObject(0).getString("otherId")).isEqualTo(claim.getString("contactId"));
    assertThat(suggested.getJsonObject(0).getString("identityValue")).isEqualTo(address);
    assertThat(suggested.getJsonObject(0).getString("otherName")).isEqualTo("Karol?");

    Tenant stranger = server.tenant("Stranger");
    assertThat(api.get("/api/v1/contacts/" + byMail.getString("contactId"), stranger.admin.token()).status())
        .isEqualTo(404);
    assertThat(api.post("/api/v1/contacts/" + byMail.getString("contactId") + "/merge", stranger.admin.token(),
        new JsonObject().put("otherId", claim.getString("contactId"))).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("merging moves identities and conversations, drops duplicate identities and settles the suggestion")
  void mergeContacts() {
    Tenant t = server.tenant("MergeContacts");
    Channel email = t.channel("email", null);
    Channel phone = t.channel("phone", null);
    Channel chat = t.channel("chat", null);
    var agent = t.user("agent", List.of());
    String address = "lena-" + Ids.random(6) + "@customer.test";
    JsonObject mail = inbound(t, email, new JsonObject().put("email", address).put("name", "Lena"), "by mail");
    JsonObject call = inbound(t, phone, new JsonObject().put("phone", "+48 601 202 303").put("name", "Lena K"), "call");
    JsonObject claim = inbound(t, chat, new JsonObject().put("email", address), "chat claim");
    String target = mail.getString("contactId");
    assertThat(call.getString("contactId")).isNotEqualTo(target);

    long contactEventsBefore = await(server.app.db().preparedQuery(
            "SELECT count(*) FROM event WHERE account_id = $1 AND type = 'contact.updated'")
        .execute(Tuple.of(t.accountId))).iterator().next().getLong(0);
    // phone contact into the mail contact: its verified phone and its conversation move over
    expect(api.post("/api/v1/contacts/" + target + "/merge", agent.token(),
        new JsonObject().put("otherId", call.getString("contactId"))), 200);
    // the chat claimant holds the same email (unverified): the duplicate goes, the suggestion is settled
    Resp merged = expect(api.post("/api/v1/contacts/" + target + "/merge", agent.token(),
        new JsonObject().put("otherId", claim.getString("contactId"))), 200);
    JsonObject c = merged.json();
    assertThat(values(c.getJsonArray("identities"))).containsExactlyInAnyOrder(address, "+48601202303");
    assertThat(c.getJsonArray("identities").stream().allMatch(o -> ((JsonObject) o).getBoolean("verified"))).isTrue();
    assertThat(c.getJsonArray("suggestedMerges")).isEmpty();
    assertThat(c.getJsonArray("conversations").stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactlyInAnyOrder(mail.getString("conversationId"), call.getString("conversationId"),
            claim.getString("conversationId"));
    assertThat(await(server.app.db().preparedQuery("SELECT status FROM suggested_merge WHERE account_id = $1")
        .execute(Tuple.of(t.accountId))).iterator().next().getString(0)).isEqualTo("merged");

    JsonObject gone = expect(api.get("/api/v1/contacts/" + call.getString("contactId"), agent.token()), 200).json();
    assertThat(gone.getString("mergedInto")).isEqualTo(target);
    assertThat(gone.getJsonArray("identities")).isEmpty();
    assertThat(gone.getJsonArray("conversations")).isEmpty();
    JsonObject conv = expect(api.get("/api/v1/conversations/" + call.getString("conversationId"), agent.token()), 200)
        .json();
    assertThat(conv.getString("contactId")).isEqualTo(target);
    assertThat(await(server.app.db().preparedQuery(
            "SELECT count(*) FROM event WHERE account_id = $1 AND type = 'contact.updated'")
        .execute(Tuple.of(t.accountId))).iterator().next().getLong(0)).isEqualTo(contactEventsBefore + 4);

    // A new call from the same number now lands with the surviving contact.
    JsonObject again = inbound(t, phone, new JsonObject().put("phone", "+48601202303"), "calling again");
    assertThat(again.getString("contactId")).isEqualTo(target);
    // A reply in the moved conversation reaches the contact through the verified phone.
    Resp reply = expect(api.post("/api/v1/conversations/" + call.getString("conversationId") + "/messages",
        agent.token(), new JsonObject().put("text", "We'll call you")), 201);
    assertThat(reply.json().getString("channel")).isEqualTo("phone");

    assertThat(api.post("/api/v1/contacts/" + target + "/merge", agent.token(),
        new JsonObject().put("otherId", target)).status()).isEqualTo(422);
    assertThat(api.post("/api/v1/contacts/" + target + "/merge", agent.token(),
        new JsonObject().put("otherId", call.getString("contactId"))).status()).isEqualTo(422);
    assertThat(api.post("/api/v1/contacts/" + target + "/merge", agent.token(), new JsonObject()).status())
        .isEqualTo(422);
  }

  @Test
  @DisplayName("contacts can be searched by name and identity")
  void search() {
    Tenant t = server.tenant("Search");
    Channel email = t.channel("email", null);
    String address = "zofia-" + Ids.random(6) + "@customer.test";
    String id = inbound(t, email, new JsonObject().put("email", address).put("name", "Zofia Malinowska"), "hi")
        .getString("contactId");
    inbound(t, email, new JsonObject().put("email", "other-" + Ids.random(6) + "@customer.test").put("name", "Olaf"),
        "hi");
    JsonArray byName = expect(api.get("/api/v1/contacts?q=malinow", t.admin.token()), 200).json().getJsonArray("items");
    assertThat(byName).hasSize(1);
    assertThat(byName.getJsonObject(0).getString("id")).isEqualTo(id);
    JsonArray byEmail = expect(api.get("/api/v1/contacts?q=" + address.substring(0, 10), t.admin.token()), 200).json()
        .getJsonArray("items");
    assertThat(byEmail.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly(id);
    Resp paged = expect(api.get("/api/v1/contacts?limit=1", t.admin.token()), 200);
    assertThat(paged.json().getJsonArray("items")).hasSize(1);
    assertThat(paged.json().getString("nextCursor")).isNotNull();
  }
}
