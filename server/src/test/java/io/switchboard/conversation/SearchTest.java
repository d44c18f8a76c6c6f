package io.switchboard.conversation;

import io.switchboard.http.Ids;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Person;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Search finds people and conversations, ranked, across statuses and within visibility")
class SearchTest {

  static TestServer server;
  static Api api;
  static Tenant t;
  static String sales;
  static Person salesAgent;
  static Person otherAgent;
  // conversations: Anna by email (resolved), Piotr by phone (snoozed), Zofia on social, an order in a subject
  static String anna;
  static String piotr;
  static String zofia;
  static String order;
  static String kettle;
  static String annaAddress;

  @BeforeAll
  static void start() {
    server = TestServer.start("search");
    api = server.api;
    t = server.tenant("Search");
    sales = t.team("Sales");
    salesAgent = t.user("agent", List.of(sales));
    otherAgent = t.user("agent", List.of());
    Channel email = t.channel("email", null);
    Channel salesMail = t.channel("email", sales);
    Channel phone = t.channel("phone", null);
    Channel social = t.channel("social", null, new JsonObject().put("platform", "instagram"));
    annaAddress = "anna.kowalska-" + Ids.random(5) + "@customer.test";
    anna = in(email, new JsonObject().put("email", annaAddress).put("name", "Anna Kowalska"), "Invoice please",
        "Could you send the invoice again");
    piotr = in(phone, new JsonObject().put("phone", "+48 601 234 567").put("name", "Piotr Lis"), null,
        "Voicemail: call me back about the delivery");
    zofia = in(social, new JsonObject().put("handle", "zofia_makes").put("name", "Zofia"), null, "Love the mugs");
    order = in(salesMail, new JsonObject().put("email", "buyer-" + Ids.random(5) + "@customer.test").put("name", "Marek"),
        "Where is order PL-2026-88123?", "It has been a week");
    kettle = in(email, new JsonObject().put("email", "kettle-" + Ids.random(5) + "@customer.test").put("name", "Ewa"),
        "Broken", "The kettle leaks water everywhere; parcel 00340434161234567890 arrived damaged");
    String admin = t.admin.token();
    expect(api.patch("/api/v1/conversations/" + anna, admin, new JsonObject().put("status", "resolved")), 200);
    expect(api.patch("/api/v1/conversations/" + piotr, admin, new JsonObject().put("status", "snoozed")
        .put("snoozeUntil", java.time.Instant.now().plusSeconds(86400).toString())), 200);
    expect(api.patch("/api/v1/conversations/" + order, admin, new JsonObject().put("status", "pending")), 200);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String in(Channel ch, JsonObject from, String subject, String text) {
    JsonObject msg = new JsonObject().put("externalId", "ext-" + Ids.random(10)).put("from", from).put("text", text);
    if (subject != null) {
      msg.put("subject", subject);
    }
    return expect(t.inbound(ch, msg), 202).json().getString("conversationId");
  }

  static List<JsonObject> search(String q, String token) {
    Resp r = expect(api.get("/api/v1/conversations?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), token), 200);
    List<JsonObject> out = new ArrayList<>();
    r.json().getJsonArray("items").forEach(o -> out.add((JsonObject) o));
    return out;
  }

  static List<String> ids(List<JsonObject> items) {
    return items.stream().map(o -> o.getString("id")).toList();
  }

  @Test
  @DisplayName("by name, email, phone typed in any format, handle, order number and message text, whatever the status")
  void findsPeopleAcrossStatuses() {
    String token = t.admin.token();
    List<JsonObject> byName = search("kowalska", token);
    assertThat(ids(byName)).containsExactly(anna);
    assertThat(byName.get(0).getString("status")).isEqualTo("resolved");
    assertThat(byName.get(0).getJsonObject("match").getString("field")).isIn("name", "email");

    List<JsonObject> byEmail = search(annaAddress.toUpperCase(), token);
    assertThat(ids(byEmail)).containsExactly(anna);
    assertThat(byEmail.get(0).getJsonObject("match").getString("field")).isEqualTo("email");
    assertThat(byEmail.get(0).getJsonObject("match").getString("text")).isEqualTo(annaAddress);

    for (String typed : List.of("+48 601 234 567", "601 234 567", "601-234-567", "0048 601 234 567", "+48601234567",
        "(601) 234 567")) {
      List<JsonObject> byPhone = search(typed, token);
      assertThat(ids(byPhone)).as(typed).containsExactly(piotr);
      assertThat(byPhone.get(0).getJsonObject("match").getString("field")).isEqualTo("phone");
      assertThat(byPhone.get(0).getJsonObject("match").getString("text")).isEqualTo("+48601234567");
      assertThat(byPhone.get(0).getString("status")).isEqualTo("snoozed");
    }
    // part of a number, as people remember it
    assertThat(ids(search("234 567", token))).containsExactly(piotr);

    List<JsonObject> byHandle = search("@zofia_makes", token);
    assertThat(ids(byHandle)).containsExactly(zofia);
    assertThat(byHandle.get(0).getJsonObject("match").getString("text")).isEqualTo("zofia_makes");

    List<JsonObject> byOrder = search("PL-2026-88123", token);
    assertThat(ids(byOrder)).containsExactly(order);
    assertThat(byOrder.get(0).getString("status")).isEqualTo("pending");
    assertThat(byOrder.get(0).getJsonObject("match").getString("field")).isEqualTo("subject");
    assertThat(ids(search("88123", token))).containsExactly(order);

    List<JsonObject> byText = search("leaks water", token);
    assertThat(ids(byText)).containsExactly(kettle);
    JsonObject match = byText.get(0).getJsonObject("match");
    assertThat(match.getString("field")).isEqualTo("text");
    assertThat(match.getString("text")).containsIgnoringCase("leaks water");
    assertThat(match.getString("messageId")).startsWith("msg");
    // a parcel number inside the text, by words
    assertThat(ids(search("00340434161234567890", token))).containsExactly(kettle);

    // an explicit status filter still applies
    assertThat(ids(search("kowalska", token))).hasSize(1);
    assertThat(expect(api.get("/api/v1/conversations?status=open&q=kowalska", token), 200).json()
        .getJsonArray("items")).isEmpty();
    // the plain list without q is unchanged and has no match field
    JsonObject plain = expect(api.get("/api/v1/conversations?status=open", token), 200).json()
        .getJsonArray("items").getJsonObject(0);
    assertThat(plain.containsKey("match")).isFalse();
  }

  @Test
  @DisplayName("an exact identity ranks before a name or subject, which ranks before message text; pages keep the order")
  void ranked() {
    Tenant r = server.tenant("Ranked");
    Channel email = r.channel("email", null);
    String address = "nowak-" + Ids.random(5) + "@rank.test";
    // oldest: the identity match; then a subject match; newest: a text match
    String byIdentity = expect(r.inbound(email, new JsonObject().put("externalId", "e1-" + Ids.random(6))
        .put("from", new JsonObject().put("email", address).put("name", "Jan")).put("text", "hi")), 202)
        .json().getString("conversationId");
    String bySubject = expect(r.inbound(email, new JsonObject().put("externalId", "e2-" + Ids.random(6))
        .put("from", new JsonObject().put("email", "x-" + Ids.random(5) + "@rank.test").put("name", "Ola"))
        .put("subject", "About " + address).put("text", "hello")), 202).json().getString("conversationId");
    String byText = expect(r.inbound(email, new JsonObject().put("externalId", "e3-" + Ids.random(6))
        .put("from", new JsonObject().put("email", "y-" + Ids.random(5) + "@rank.test").put("name", "Ula"))
        .put("text", "my friend " + address + " told me")), 202).json().getString("conversationId");
    String token = r.admin.token();
    List<JsonObject> all = search(address, token);
    assertThat(ids(all)).containsExactly(byIdentity, bySubject, byText);
    assertThat(all.stream().map(o -> o.getJsonObject("match").getString("field")).toList())
        .containsExactly("email", "subject", "text");
    // paging one at a time walks the same order
    List<String> walked = new ArrayList<>();
    String cursor = null;
    for (int i = 0; i < 5; i++) {
      Resp page = expect(api.get("/api/v1/conversations?limit=1&q=" + URLEncoder.encode(address, StandardCharsets.UTF_8)
          + (cursor == null ? "" : "&cursor=" + cursor), token), 200);
      page.json().getJsonArray("items").forEach(o -> walked.add(((JsonObject) o).getString("id")));
      cursor = page.json().getString("nextCursor");
      if (cursor == null) {
        break;
      }
    }
    assertThat(walked).containsExactly(byIdentity, bySubject, byText);
    // another account finds nothing of this one
    assertThat(search(address, t.admin.token())).isEmpty();
  }

  @Test
  @DisplayName("a common word walks the newest conversations: the same tiers, order, paging, highlight, visibility and account")
  void commonWords() {
    Tenant c = server.tenant("Common");
    String tea = c.team("Tea");
    Person teaAgent = c.user("agent", List.of(tea));
    Person otherTeamAgent = c.user("agent", List.of());
    Channel mail = c.channel("email", null);
    Channel teaMail = c.channel("email", tea);
    // oldest first; "teapot" is in every message of this account (and in another account's too)
    String first = common(c, mail, "Ala", "My teapot arrived without a lid");
    String second = common(c, teaMail, "Ola", "The teapot is cracked, order 5541");
    String third = common(c, mail, "Ela", "Where is my TEAPOT? It left the warehouse a week ago");
    String byName = common(c, mail, "Teapotson", "hello, where is my teapot");
    expect(api.patch("/api/v1/conversations/" + first, c.admin.token(), new JsonObject().put("status", "resolved")), 200);
    common(t, t.channel("email", null), "Stranger", "a teapot from another account");
    io.switchboard.support.Await.await(server.app.db().query("ANALYZE message").execute());
    // the statistics now say what a big mailbox would: "teapot" is in more than 1% of messages
    double share = server.rows("SELECT f FROM pg_stats s, unnest(s.most_common_elems::text::text[], "
        + "s.most_common_elem_freqs) AS e(w, f) WHERE s.tablename = 'message_search' AND e.w = 'teapot'")
        .get(0).getDouble(0);
    assertThat(share).isGreaterThanOrEqualTo(ConversationRepository.WALK_SHARE);

    String token = c.admin.token();
    List<JsonObject> found = search("teapot", token);
    // the name is a better match than the text; text matches newest first, whatever their status
    assertThat(ids(found)).containsExactly(byName, third, second, first);
    // (Teapotson's name and address both hold the word)
    assertThat(found.get(0).getJsonObject("match").getString("field")).isIn("name", "email");
    assertThat(found.subList(1, 4).stream().map(o -> o.getJsonObject("match").getString("field")).toList())
        .containsExactly("text", "text", "text");
    JsonObject highlighted = found.get(1).getJsonObject("match");
    assertThat(highlighted.getString("text")).contains("TEAPOT");
    assertThat(highlighted.getString("messageId")).startsWith("msg");
    // a prefix, and two words that must both be there
    assertThat(ids(search("teap", token))).containsExactly(byName, third, second, first);
    assertThat(ids(search("teapot cracked", token))).containsExactly(second);
    // paging one at a time walks the same order
    List<String> walked = new ArrayList<>();
    String cursor = null;
    for (int i = 0; i < 6; i++) {
      Resp page = expect(api.get("/api/v1/conversations?limit=1&q=teapot" + (cursor == null ? "" : "&cursor=" + cursor),
          token), 200);
      page.json().getJsonArray("items").forEach(o -> walked.add(((JsonObject) o).getString("id")));
      cursor = page.json().getString("nextCursor");
      if (cursor == null) {
        break;
      }
    }
    assertThat(walked).containsExactly(byName, third, second, first);
    // a status filter, and an agent's visibility, apply to the walk
    assertThat(expect(api.get("/api/v1/conversations?status=resolved&q=teapot", token), 200).json()
        .getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")).toList()).containsExactly(first);
    assertThat(ids(search("teapot", teaAgent.token()))).containsExactly(byName, third, second, first);
    assertThat(ids(search("teapot", otherTeamAgent.token()))).containsExactly(byName, third, first);
  }

  static String common(Tenant tenant, Channel ch, String name, String text) {
    JsonObject msg = new JsonObject().put("externalId", "ext-" + Ids.random(10)).put("text", text)
        .put("from", new JsonObject().put("email", name.toLowerCase() + "-" + Ids.random(5) + "@common.test")
            .put("name", name));
    return expect(tenant.inbound(ch, msg), 202).json().getString("conversationId");
  }

  @Test
  @DisplayName("an agent finds only conversations of their teams, their own and team-less ones")
  void visibility() {
    // the order conversation is in Sales
    assertThat(ids(search("PL-2026-88123", salesAgent.token()))).containsExactly(order);
    assertThat(search("PL-2026-88123", otherAgent.token())).isEmpty();
    // team-less conversations are found by every agent
    assertThat(ids(search("+48 601 234 567", otherAgent.token()))).containsExactly(piotr);
    // once assigned to the other agent, they find it too
    expect(api.patch("/api/v1/conversations/" + order, t.admin.token(), new JsonObject().put("assigneeId",
        otherAgent.id())), 200);
    assertThat(ids(search("88123", otherAgent.token()))).containsExactly(order);
    expect(api.patch("/api/v1/conversations/" + order, t.admin.token(), new JsonObject().putNull("assigneeId")), 200);
  }

  @Test
  @DisplayName("contacts by name, email, phone typed with spaces and handle, exact identities first")
  void contacts() {
    String token = t.admin.token();
    JsonObject byPhone = expect(api.get("/api/v1/contacts?q=" + URLEncoder.encode("601 234 567",
        StandardCharsets.UTF_8), token), 200).json();
    assertThat(byPhone.getJsonArray("items")).hasSize(1);
    assertThat(byPhone.getJsonArray("items").getJsonObject(0).getString("name")).isEqualTo("Piotr Lis");
    assertThat(byPhone.getJsonArray("items").getJsonObject(0).getJsonObject("match").getString("field"))
        .isEqualTo("phone");
    JsonObject byEmail = expect(api.get("/api/v1/contacts?q=" + annaAddress, token), 200).json();
    assertThat(byEmail.getJsonArray("items").getJsonObject(0).getString("name")).isEqualTo("Anna Kowalska");
    JsonObject byName = expect(api.get("/api/v1/contacts?q=kowal", token), 200).json();
    assertThat(byName.getJsonArray("items")).hasSize(1);
    JsonObject byHandle = expect(api.get("/api/v1/contacts?q=%40zofia_makes", token), 200).json();
    assertThat(byHandle.getJsonArray("items").getJsonObject(0).getString("name")).isEqualTo("Zofia");
    // without q: every contact, newest first, no match field
    JsonObject all = expect(api.get("/api/v1/contacts?limit=2", token), 200).json();
    assertThat(all.getJsonArray("items")).hasSize(2);
    assertThat(all.getString("nextCursor")).isNotNull();
    assertThat(all.getJsonArray("items").getJsonObject(0).containsKey("match")).isFalse();
    JsonObject next = expect(api.get("/api/v1/contacts?limit=2&cursor=" + all.getString("nextCursor"), token), 200)
        .json();
    assertThat(next.getJsonArray("items")).hasSize(2);
  }
}
