package io.switchboard.sla;

import io.switchboard.http.Ids;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static io.switchboard.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** The CSAT round trip: survey on resolve, the public page, one answer, 409, 410, a low rating reopening. */
@DisplayName("CSAT surveys")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CsatTest {

  static TestServer server;
  static Api api;
  static Tenant tenant;
  static Channel email;
  static Channel phone;
  static SlaClock clock;
  static Instant now = Instant.parse("2027-03-01T10:00:00Z");

  @BeforeAll
  static void start() {
    server = TestServer.start("csat");
    api = server.api;
    clock = server.app.services().sla.clock;
    clock.set(now);
    tenant = api.tenant("Csat Shop");
    email = tenant.channel("email", null);
    phone = tenant.channel("phone", null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String writes(Channel ch, JsonObject from, String text) {
    JsonObject msg = new JsonObject().put("externalId", Ids.random(12)).put("from", from).put("text", text);
    return expect(tenant.inbound(ch, msg), 202).json().getString("conversationId");
  }

  static void resolve(String id) {
    expect(api.patch("/api/v1/conversations/" + id, tenant.admin.token(), new JsonObject().put("status", "resolved")),
        200);
  }

  static JsonObject conversation(String id) {
    return expect(api.get("/api/v1/conversations/" + id, tenant.admin.token()), 200).json();
  }

  /** The token of the link in the survey that went out for the conversation (null when none went out). */
  static String surveyToken(String conversationId) {
    var rows = server.rows("SELECT payload->>'text' AS text FROM outbound_item o JOIN message m ON m.id = o.message_id "
        + "WHERE o.conversation_id = $1 AND m.author_type = 'system' ORDER BY o.created_at DESC", conversationId);
    if (rows.isEmpty()) {
      return null;
    }
    Matcher m = Pattern.compile("/csat/([a-z2-7]+)").matcher(rows.get(0).getString("text"));
    return m.find() ? m.group(1) : null;
  }

  static Resp answer(String token, int rating) {
    return api.post("/api/v1/csat/" + token, null, new JsonObject().put("rating", rating).put("comment", "<b>hi</b>"));
  }

  static String customer() {
    return "c-" + Ids.random(8) + "@customer.test";
  }

  @Test
  @Order(1)
  @DisplayName("resolving sends a survey through the customer's channel; the page pre-selects; one answer, then 409")
  void roundTrip() {
    String from = customer();
    String id = writes(email, new JsonObject().put("email", from), "My parcel is late");
    resolve(id);
    String token = surveyToken(id);
    assertThat(token).as("a survey link went out by email").isNotNull().hasSizeGreaterThanOrEqualTo(26);
    assertThat(server.count("SELECT count(*) FROM csat_survey WHERE conversation_id = $1 AND sent", id)).isEqualTo(1);
    // Stored hashed: the token itself is nowhere in the table.
    assertThat(server.count("SELECT count(*) FROM csat_survey WHERE token_hash = $1", token)).isZero();

    Resp page = api.get("/csat/" + token + "?rating=4", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body().toString()).contains("name=\"viewport\"").contains("value=\"4\" checked")
        .doesNotContain("value=\"5\" checked");
    // Opening the page (as a mail scanner would) recorded nothing.
    assertThat(conversation(id).getJsonObject("csat").getInteger("rating")).isNull();

    assertThat(answer(token, 5).status()).isEqualTo(201);
    JsonObject csat = conversation(id).getJsonObject("csat");
    assertThat(csat.getInteger("rating")).isEqualTo(5);
    assertThat(csat.getString("comment")).isEqualTo("<b>hi</b>");
    assertThat(server.count("SELECT count(*) FROM event WHERE conversation_id = $1 AND type = 'csat.received'", id))
        .isEqualTo(1);
    Resp second = answer(token, 1);
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.header("Content-Type")).startsWith("application/problem+json");
    assertThat(conversation(id).getJsonObject("csat").getInteger("rating")).isEqualTo(5);
    assertThat(conversation(id).getString("status")).isEqualTo("resolved");

    // The same customer again within 7 days: no second survey.
    clock.set(now = now.plus(Duration.ofDays(2)));
    String again = writes(email, new JsonObject().put("email", from), "Another question");
    resolve(again);
    assertThat(server.count("SELECT count(*) FROM csat_survey s JOIN conversation c ON c.id = s.conversation_id "
        + "WHERE c.contact_id = (SELECT contact_id FROM conversation WHERE id = $1) AND s.sent", id)).isEqualTo(1);
  }

  @Test
  @Order(2)
  @DisplayName("a rating of 1 reopens the conversation and flags it for supervisors")
  void lowRatingReopens() {
    String id = writes(email, new JsonObject().put("email", customer()), "Still broken");
    resolve(id);
    assertThat(answer(surveyToken(id), 1).status()).isEqualTo(201);
    JsonObject conv = conversation(id);
    assertThat(conv.getString("status")).isEqualTo("open");
    assertThat(conv.getJsonArray("tags").getList()).contains(Csat.LOW_TAG);
    assertThat(conv.getJsonObject("csat").getInteger("rating")).isEqualTo(1);
    assertThat(server.count("SELECT count(*) FROM event WHERE conversation_id = $1 AND type = 'csat.received' "
        + "AND (data->>'flagged')::boolean", id)).isEqualTo(1);
    // Its resolution clock runs again (it had none while resolved).
    assertThat(server.count("SELECT count(*) FROM sla_audit WHERE conversation_id = $1 AND change = 'reopened'", id))
        .isEqualTo(1);
  }

  @Test
  @Order(3)
  @DisplayName("after 14 days the link answers 410, page and POST alike; an unknown token is a 404")
  void expiredTokens() {
    String id = writes(email, new JsonObject().put("email", customer()), "Late answer");
    resolve(id);
    String token = surveyToken(id);
    clock.set(now = now.plus(Duration.ofDays(15)));
    assertThat(api.get("/csat/" + token, null).status()).isEqualTo(410);
    Resp late = answer(token, 4);
    assertThat(late.status()).isEqualTo(410);
    assertThat(late.header("Content-Type")).startsWith("application/problem+json");
    assertThat(api.get("/csat/notatoken", null).status()).isEqualTo(404);
    assertThat(answer("notatoken", 4).status()).isEqualTo(404);
    expect(api.post("/api/v1/csat/" + token, null, new JsonObject().put("rating", 9)), 422);
  }

  @Test
  @Order(4)
  @DisplayName("a caller reachable only by phone: the survey is recorded as not sent")
  void phoneOnlyIsNotSent() {
    String id = writes(phone, new JsonObject().put("phone", "+48 600 " + (100 + (int) (Math.random() * 800)) + " 200"),
        "Called about my order");
    resolve(id);
    assertThat(surveyToken(id)).isNull();
    assertThat(server.count("SELECT count(*) FROM csat_survey WHERE conversation_id = $1 AND NOT sent", id))
        .isEqualTo(1);
    assertThat(conversation(id).getJsonObject("csat").getBoolean("sent")).isFalse();
  }

  @Test
  @Order(5)
  @DisplayName("the summary report counts conversations and CSAT per channel, as JSON and as CSV")
  void summaryReport() {
    String range = "from=2027-02-01&to=2027-05-01";
    JsonObject report = expect(api.get("/api/v1/reports/summary?" + range + "&groupBy=channel", tenant.admin.token()),
        200).json();
    JsonObject byEmail = null;
    JsonObject byPhone = null;
    for (Object o : report.getJsonArray("rows")) {
      JsonObject row = (JsonObject) o;
      if ("email".equals(row.getString("key"))) {
        byEmail = row;
      } else if ("phone".equals(row.getString("key"))) {
        byPhone = row;
      }
    }
    // Email: four conversations; three surveys went out (the repeat customer got none), two were
    // answered (5 and 1): score 1/2, response rate 2/3.
    assertThat(byEmail).isNotNull();
    assertThat(byEmail.getLong("conversations")).isEqualTo(4);
    assertThat(byEmail.getLong("surveysSent")).isEqualTo(3);
    assertThat(byEmail.getLong("ratings")).isEqualTo(2);
    assertThat(byEmail.getDouble("csatScore")).isEqualTo(0.5);
    assertThat(byEmail.getDouble("csatResponseRate")).isEqualTo(0.6667);
    assertThat(byPhone.getLong("conversations")).isEqualTo(1);
    assertThat(byPhone.getLong("surveysSent")).isZero();

    Resp csv = api.call(HttpMethod.GET, "/api/v1/reports/summary?" + range + "&groupBy=channel", tenant.admin.token(),
        null, "text/csv");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    assertThat(csv.body().toString()).startsWith("group,label,conversations,").contains("\r\nemail,email,4,");

    expect(api.get("/api/v1/reports/summary?" + range + "&groupBy=planet", tenant.admin.token()), 422);
    expect(api.get("/api/v1/reports/summary?groupBy=day", tenant.admin.token()), 422);
    var agent = tenant.user("agent", java.util.List.of());
    expect(api.get("/api/v1/reports/summary?" + range, agent.token()), 403);
  }
}
