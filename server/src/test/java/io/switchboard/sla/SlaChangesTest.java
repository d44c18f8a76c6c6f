package io.switchboard.sla;

import io.switchboard.http.Ids;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;

import static io.switchboard.sla.SlaTest.weekdays;
import static io.switchboard.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What happens to running clocks when something other than the conversation changes: an admin
 * edits a policy or business hours (the open conversations are recomputed in the background,
 * audited, pushed and re-armed), or an agent splits messages off into a new conversation (both
 * conversations' clocks computed once from the messages each holds). Calendar: Mon-Fri
 * 09:00-17:00 in Warsaw (UTC+1 in November); Monday 2 November 2026 09:00Z is 10:00 local.
 * Receipt times only rise: the policy tests use frozen November instants, the split test (last)
 * runs on the real clock, so agents' replies (stamped by the database) fall between them.
 */
@DisplayName("SLA clocks after policy edits and splits")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlaChangesTest {

  static TestServer server;
  static Api api;
  static Tenant tenant;
  static Tenant other;
  static Channel email;
  static Channel otherEmail;
  static SlaClock clock;

  static final Instant MONDAY = Instant.parse("2026-11-02T09:00:00Z");

  @BeforeAll
  static void start() {
    server = TestServer.start("slachanges");
    api = server.api;
    clock = server.app.services().sla.clock;
    tenant = api.tenant("Edits Shop");
    email = tenant.channel("email", null);
    other = api.tenant("Other Shop");
    otherEmail = other.channel("email", null);
    for (Tenant t : List.of(tenant, other)) {
      put(t, "/api/v1/business-hours/office", new JsonObject().put("name", "Office").put("timezone", "Europe/Warsaw")
          .put("weekly", weekdays("09:00", "17:00")), 200);
      put(t, "/api/v1/sla-policies/std", standard(60), 200);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject standard(int firstResponseMinutes) {
    return new JsonObject().put("name", "Standard").put("position", 10).put("firstResponseMinutes", firstResponseMinutes)
        .put("nextResponseMinutes", 30).put("resolutionMinutes", 480).put("businessHoursId", "office");
  }

  static void put(Tenant t, String path, JsonObject body, int status) {
    expect(api.call(HttpMethod.PUT, path, t.admin.token(), body), status);
  }

  static String customerWrites(Tenant t, Channel channel, String from, String text) {
    JsonObject msg = new JsonObject().put("externalId", "<" + Ids.random(12) + "@mail.test>")
        .put("from", new JsonObject().put("email", from)).put("subject", "Help").put("text", text);
    return expect(t.inbound(channel, msg), 202).json().getString("conversationId");
  }

  static JsonObject conversation(Tenant t, String id) {
    return expect(api.get("/api/v1/conversations/" + id, t.admin.token()), 200).json();
  }

  static JsonObject sla(Tenant t, String id) {
    return conversation(t, id).getJsonObject("sla");
  }

  static String customer() {
    return "c-" + Ids.random(8) + "@customer.test";
  }

  static long audits(String id, String change, String cause) {
    return server.count("SELECT count(*) FROM sla_audit WHERE conversation_id = $1 AND change = $2 "
        + "AND detail->>'cause' = $3", id, change, cause);
  }

  @Test
  @Order(1)
  @DisplayName("editing a policy recomputes the open conversations' due times (audited, pushed, timers re-armed); other accounts keep theirs")
  void editingAPolicyRecomputes() {
    clock.set(MONDAY);
    String id = customerWrites(tenant, email, customer(), "Where is my parcel?");
    String theirs = customerWrites(other, otherEmail, customer(), "Where is mine?");
    String resolvedId = customerWrites(tenant, email, customer(), "Never mind");
    expect(api.patch("/api/v1/conversations/" + resolvedId, tenant.admin.token(),
        new JsonObject().put("status", "resolved")), 200);
    assertThat(sla(tenant, id).getString("firstResponseDueAt")).isEqualTo("2026-11-02T10:00:00Z");
    String theirsBefore = sla(other, theirs).getString("firstResponseDueAt");
    long seqBefore = server.count("SELECT coalesce(max(seq), 0) FROM event WHERE account_id = $1", tenant.accountId);

    put(tenant, "/api/v1/sla-policies/std", standard(30), 200);
    SlaTest.eventually("the due time is recomputed", () ->
        "2026-11-02T09:30:00Z".equals(sla(tenant, id).getString("firstResponseDueAt")));
    // 480 business minutes from Monday 10:00 local: 420 on Monday, 60 on Tuesday: unchanged.
    assertThat(sla(tenant, id).getString("resolutionDueAt")).isEqualTo("2026-11-03T09:00:00Z");
    assertThat(audits(id, "due.changed", "policy.changed")).isEqualTo(1);
    // Consoles see it live: a conversation.updated event carries the new due time.
    assertThat(server.count("SELECT count(*) FROM event WHERE account_id = $1 AND seq > $2 AND conversation_id = $3 "
            + "AND type = 'conversation.updated' AND data->'sla'->>'firstResponseDueAt' = '2026-11-02T09:30:00Z'",
        tenant.accountId, seqBefore, id)).isEqualTo(1);
    assertThat(sla(other, theirs).getString("firstResponseDueAt")).isEqualTo(theirsBefore).isNotNull();
    assertThat(sla(tenant, resolvedId).getString("firstResponseDueAt")).isNull();
    assertThat(server.count("SELECT count(*) FROM sla_audit WHERE conversation_id = $1 AND detail->>'cause' IS NOT NULL "
        + "AND detail->>'cause' <> 'inbound'", resolvedId)).isZero();

    // The timer follows the new due time: the breach fires at 09:30Z, not at the old 10:00Z.
    clock.set(MONDAY.plus(Duration.ofSeconds(30 * 60 + 1)));
    SlaTest.eventually("the breach at the new due time", () -> server.count(
        "SELECT count(*) FROM event WHERE conversation_id = $1 AND type = 'sla.breached' "
            + "AND data->>'dueAt' = '2026-11-02T09:30:00Z'", id) == 1);
    assertThat(server.count("SELECT count(*) FROM event WHERE conversation_id = $1 AND type = 'sla.breached'", theirs))
        .isZero();
  }

  @Test
  @Order(2)
  @DisplayName("editing business hours recomputes the conversations of the policies that use them")
  void editingBusinessHoursRecomputes() {
    Instant tuesday = MONDAY.plus(Duration.ofDays(8)); // Tuesday 10 November, 10:00 local
    clock.set(tuesday);
    String id = customerWrites(tenant, email, customer(), "Broken zip");
    // 480 minutes: Tuesday 10-17 (420), Wednesday 9-10 (60).
    assertThat(sla(tenant, id).getString("resolutionDueAt")).isEqualTo("2026-11-11T09:00:00Z");

    put(tenant, "/api/v1/business-hours/office", new JsonObject().put("name", "Office").put("timezone", "Europe/Warsaw")
        .put("weekly", weekdays("09:00", "12:00", "13:00", "17:00")), 200);
    // With a lunch hour: Tuesday 10-12 and 13-17 (360), Wednesday 9-11 (120).
    SlaTest.eventually("the resolution is recomputed", () ->
        "2026-11-11T10:00:00Z".equals(sla(tenant, id).getString("resolutionDueAt")));
    assertThat(audits(id, "due.changed", "businessHours.changed")).isEqualTo(1);
    // The other account's calendar of the same id is its own.
    assertThat(server.count("SELECT count(*) FROM sla_audit WHERE account_id = $1 AND detail->>'cause' = "
        + "'businessHours.changed'", other.accountId)).isZero();
  }

  @Test
  @Order(3)
  @DisplayName("deleting the policy removes the clocks; a new matching policy applies to the open conversations")
  void deletingAndCreatingPolicies() {
    clock.set(MONDAY.plus(Duration.ofDays(15))); // Tuesday 17 November
    String id = customerWrites(tenant, email, customer(), "Still waiting");
    assertThat(sla(tenant, id).getString("policyId")).isEqualTo("std");
    expect(api.call(HttpMethod.DELETE, "/api/v1/sla-policies/std", tenant.admin.token(), null), 204);
    SlaTest.eventually("the policy is removed", () -> sla(tenant, id).getString("policyId") == null);
    assertThat(sla(tenant, id).getString("firstResponseDueAt")).isNull();
    assertThat(audits(id, "policy.removed", "policy.deleted")).isEqualTo(1);

    put(tenant, "/api/v1/sla-policies/email", new JsonObject().put("name", "Email").put("position", 1)
        .put("match", new JsonObject().put("channel", new JsonArray().add("email")))
        .put("firstResponseMinutes", 120).put("resolutionMinutes", 960), 200);
    // Around the clock (no business hours), from the receipt time.
    Instant received = MONDAY.plus(Duration.ofDays(15));
    SlaTest.eventually("the new policy applies", () -> "email".equals(sla(tenant, id).getString("policyId")));
    assertThat(sla(tenant, id).getString("firstResponseDueAt")).isEqualTo(received.plus(Duration.ofHours(2)).toString());
    assertThat(sla(tenant, id).getString("resolutionDueAt")).isEqualTo(received.plus(Duration.ofHours(16)).toString());
    assertThat(audits(id, "policy.applied", "policy.changed")).isEqualTo(1);
  }

  @Test
  @Order(4)
  @DisplayName("a split computes both conversations' clocks once from the messages each now holds")
  void splitRecomputesBoth() {
    clock.set(null); // the real clock from here on: replies are stamped by the database
    String from = customer();
    String id = customerWrites(tenant, email, from, "My order 1 is late");
    expect(api.post("/api/v1/conversations/" + id + "/messages", tenant.admin.token(),
        new JsonObject().put("text", "Looking into it").put("private", false)), 201);
    assertThat(customerWrites(tenant, email, from, "Also, order 2 arrived broken")).isEqualTo(id);
    assertThat(customerWrites(tenant, email, from, "Photos attached")).isEqualTo(id);
    JsonObject before = conversation(tenant, id);
    JsonArray messages = before.getJsonArray("messages");
    List<JsonObject> inbound = messages.stream().map(o -> (JsonObject) o)
        .filter(m -> "inbound".equals(m.getString("direction")))
        .sorted((a, b) -> a.getString("createdAt").compareTo(b.getString("createdAt"))).toList();
    assertThat(inbound).hasSize(3);
    Instant opened = Instant.parse(inbound.get(0).getString("createdAt"));
    Instant second = Instant.parse(inbound.get(1).getString("createdAt"));
    // Waiting since the second message for a next response (policy "email" has none): no due time,
    // but the wait is recorded, so the split must end it on this side.
    String resolutionDue = before.getJsonObject("sla").getString("resolutionDueAt");
    assertThat(resolutionDue).isEqualTo(opened.plus(Duration.ofHours(16)).toString());

    JsonObject made = expect(api.post("/api/v1/conversations/" + id + "/split", tenant.admin.token(),
        new JsonObject().put("messageIds", new JsonArray().add(inbound.get(1).getString("id"))
            .add(inbound.get(2).getString("id"))).put("subject", "Broken order 2")), 201).json();
    String newId = made.getString("id");
    // The new conversation opened when its first customer message was received: nobody has
    // answered it yet, so its first response is due two hours after that.
    JsonObject split = sla(tenant, newId);
    assertThat(split.getString("policyId")).isEqualTo("email");
    assertThat(split.getString("firstResponseAt")).isNull();
    assertThat(split.getString("firstResponseDueAt")).isEqualTo(second.plus(Duration.ofHours(2)).toString());
    assertThat(split.getString("resolutionDueAt")).isEqualTo(second.plus(Duration.ofHours(16)).toString());
    // The source keeps its first response and its resolution clock; nothing of it waits any more.
    JsonObject source = sla(tenant, id);
    assertThat(source.getString("firstResponseAt")).isNotNull();
    assertThat(source.getString("resolutionDueAt")).isEqualTo(resolutionDue);
    assertThat(server.rows("SELECT awaiting_since FROM conversation WHERE id = $1", id).get(0)
        .getValue("awaiting_since")).isNull();
    assertThat(server.count("SELECT count(*) FROM sla_audit WHERE conversation_id = $1 AND change = 'policy.applied'",
        newId)).isEqualTo(1);
    // The events of the split carry the new clocks (the consoles' countdowns).
    assertThat(server.count("SELECT count(*) FROM event WHERE conversation_id = $1 AND type = 'conversation.created' "
        + "AND data->'sla'->>'firstResponseDueAt' = $2", newId, second.plus(Duration.ofHours(2)).toString()))
        .isEqualTo(1);
  }
}
