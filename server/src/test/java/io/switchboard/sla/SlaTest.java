package io.switchboard.sla;

import io.switchboard.http.Ids;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SLA semantics over the real database with the test clock. The calendar is Warsaw's office
 * hours (Mon-Fri 09:00-13:00 and 14:00-18:00, UTC+1 in winter); Monday 30 November 2026 09:00Z is
 * 10:00 local. Worked out by hand: 480 business minutes after Monday 10:00 local is Tuesday 10:00
 * local (09:00Z): 180 + 240 on Monday, 60 on Tuesday. Receipt times only rise, so each test
 * lives in a later week than the one before (none of those weeks has a holiday or a DST change).
 */
@DisplayName("SLA clocks, due times and timers")
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class SlaTest {

  static TestServer server;
  static Api api;
  static Tenant tenant;
  static Channel email;
  static SlaClock clock;

  static final Instant FIRST_MONDAY = Instant.parse("2026-11-30T09:00:00Z");

  /** Monday 10:00 local of the n-th week from 30 November 2026. */
  static Instant monday(int week) {
    return FIRST_MONDAY.plus(Duration.ofDays(7L * week));
  }

  /** The instant as JSON shows it: at + minutes. */
  static String at(Instant base, long minutes) {
    return base.plus(Duration.ofMinutes(minutes)).toString();
  }

  @BeforeAll
  static void start() {
    server = TestServer.start("sla");
    api = server.api;
    clock = server.app.services().sla.clock;
    tenant = api.tenant("Sla Shop");
    email = tenant.channel("email", null);
    put("/api/v1/business-hours/office", new JsonObject().put("name", "Office").put("timezone", "Europe/Warsaw")
        .put("weekly", office()).put("holidays", new JsonArray().add("2026-12-25").add("2027-05-03")), 200);
    put("/api/v1/sla-policies/standard", new JsonObject().put("name", "Standard").put("position", 10)
        .put("firstResponseMinutes", 60).put("nextResponseMinutes", 30).put("resolutionMinutes", 480)
        .put("businessHoursId", "office").put("warnBeforeMinutes", 10)
        .put("escalation", new JsonArray().add(new JsonObject().put("afterBreachMinutes", 0)
            .put("action", "raisePriority"))), 200);
    put("/api/v1/sla-policies/urgent", new JsonObject().put("name", "Urgent").put("position", 1)
        .put("match", new JsonObject().put("priority", new JsonArray().add("urgent")))
        .put("firstResponseMinutes", 15).put("resolutionMinutes", 120), 200);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject office() {
    return weekdays("09:00", "13:00", "14:00", "18:00");
  }

  /** Monday to Friday, the same periods each day (start, end, start, end, ...). */
  static JsonObject weekdays(String... bounds) {
    JsonObject weekly = new JsonObject();
    for (String d : new String[] {"mon", "tue", "wed", "thu", "fri"}) {
      JsonArray periods = new JsonArray();
      for (int i = 0; i + 1 < bounds.length; i += 2) {
        periods.add(new JsonArray().add(bounds[i]).add(bounds[i + 1]));
      }
      weekly.put(d, periods);
    }
    return weekly;
  }

  static Resp put(String path, JsonObject body, int status) {
    return expect(api.call(HttpMethod.PUT, path, tenant.admin.token(), body), status);
  }

  /** A customer's email received now (by the test clock); answers the conversation id. */
  static String customerWrites(String from, String text) {
    return customerWrites(from, text, null);
  }

  static String customerWrites(String from, String text, String threadKey) {
    JsonObject msg = new JsonObject().put("externalId", "<" + Ids.random(12) + "@mail.test>")
        .put("from", new JsonObject().put("email", from)).put("subject", "Help").put("text", text)
        .put("threadKey", threadKey);
    return expect(tenant.inbound(email, msg), 202).json().getString("conversationId");
  }

  static JsonObject sla(String conversationId) {
    return conversation(conversationId).getJsonObject("sla");
  }

  static JsonObject conversation(String id) {
    return expect(api.get("/api/v1/conversations/" + id, tenant.admin.token()), 200).json();
  }

  static void reply(String conversationId, boolean note) {
    expect(api.post("/api/v1/conversations/" + conversationId + "/messages", tenant.admin.token(),
        new JsonObject().put("text", note ? "internal" : "We are on it").put("private", note)), 201);
  }

  static void patch(String conversationId, JsonObject body) {
    expect(api.patch("/api/v1/conversations/" + conversationId, tenant.admin.token(), body), 200);
  }

  static String customer() {
    return "c-" + Ids.random(8) + "@customer.test";
  }

  static void eventually(String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new RuntimeException(e);
      }
    }
  }

  @Test
  @Order(1)
  @DisplayName("a new conversation gets first-response and resolution due times in business hours")
  void dueTimesInBusinessHours() {
    Instant m = monday(0);
    clock.set(m);
    String id = customerWrites(customer(), "Where is my order?");
    JsonObject sla = sla(id);
    assertThat(sla.getString("policyId")).isEqualTo("standard");
    assertThat(sla.getString("firstResponseDueAt")).isEqualTo(at(m, 60));
    assertThat(sla.getString("resolutionDueAt")).isEqualTo(at(m, 24 * 60)); // Tuesday 10:00 local
    assertThat(sla.getString("nextResponseDueAt")).isNull();
    assertThat(sla.getJsonArray("breaches")).isEmpty();
  }

  @Test
  @Order(2)
  @DisplayName("a public reply is the first response; notes are not; the next customer message starts a next-response clock")
  void firstAndNextResponse() {
    Instant m = monday(1);
    clock.set(m);
    String from = customer();
    String id = customerWrites(from, "Hello");
    clock.set(m.plus(Duration.ofMinutes(10)));
    reply(id, true);
    assertThat(sla(id).getString("firstResponseAt")).isNull();
    clock.set(m.plus(Duration.ofMinutes(20)));
    reply(id, false);
    JsonObject afterReply = sla(id);
    assertThat(afterReply.getString("firstResponseAt")).isEqualTo(at(m, 20));
    assertThat(afterReply.getString("nextResponseDueAt")).isNull();

    clock.set(m.plus(Duration.ofMinutes(40)));
    assertThat(customerWrites(from, "Any news?")).isEqualTo(id);
    JsonObject waiting = sla(id);
    assertThat(waiting.getString("nextResponseDueAt")).isEqualTo(at(m, 70));
    assertThat(waiting.getString("firstResponseAt")).isEqualTo(at(m, 20));
    // A second message while still waiting does not move the clock: the oldest unanswered counts.
    clock.set(m.plus(Duration.ofMinutes(50)));
    customerWrites(from, "Hello??");
    assertThat(sla(id).getString("nextResponseDueAt")).isEqualTo(at(m, 70));

    clock.set(m.plus(Duration.ofMinutes(55)));
    reply(id, false);
    assertThat(sla(id).getString("nextResponseDueAt")).isNull();
    assertThat(server.count("SELECT count(*) FROM sla_audit WHERE conversation_id = $1 AND change = 'met'", id))
        .isEqualTo(2);
  }

  @Test
  @Order(3)
  @DisplayName("pending pauses the resolution clock; the customer's answer resumes it with the paused time added")
  void pendingPausesResolution() {
    Instant m = monday(2);
    clock.set(m);
    String from = customer();
    String id = customerWrites(from, "Broken item");
    assertThat(sla(id).getString("resolutionDueAt")).isEqualTo(at(m, 24 * 60));
    clock.set(m.plus(Duration.ofHours(2))); // Mon 12:00 local
    patch(id, new JsonObject().put("status", "pending"));
    assertThat(sla(id).getBoolean("paused")).isTrue();
    // Tue 12:00 local: paused for Mon 12-13, 14-18 and Tue 9-12 = 480 business minutes, so the
    // resolution is due 960 business minutes after Monday 10:00 local: Wednesday 10:00 local.
    clock.set(m.plus(Duration.ofHours(26)));
    customerWrites(from, "Here are the photos");
    eventually("the resolution clock resumes", () -> at(m, 48 * 60).equals(sla(id).getString("resolutionDueAt")));
    assertThat(sla(id).getBoolean("paused")).isFalse();
    assertThat(server.count(
        "SELECT count(*) FROM sla_audit WHERE conversation_id = $1 AND change IN ('paused','resumed')", id))
        .isEqualTo(2);
  }

  @Test
  @Order(4)
  @DisplayName("raising the priority switches the policy and recomputes the due times (audited)")
  void priorityChangeSwitchesPolicy() {
    Instant m = monday(3);
    clock.set(m);
    String id = customerWrites(customer(), "Urgent matter");
    clock.set(m.plus(Duration.ofMinutes(5)));
    patch(id, new JsonObject().put("priority", "urgent"));
    JsonObject sla = sla(id);
    assertThat(sla.getString("policyId")).isEqualTo("urgent");
    // The urgent policy runs around the clock: 15 minutes after the message was received.
    assertThat(sla.getString("firstResponseDueAt")).isEqualTo(at(m, 15));
    assertThat(sla.getString("resolutionDueAt")).isEqualTo(at(m, 120));
    assertThat(server.count(
        "SELECT count(*) FROM sla_audit WHERE conversation_id = $1 AND change = 'policy.switched'", id)).isEqualTo(1);
  }

  @Test
  @Order(5)
  @DisplayName("resolving ends the clocks; a customer reopening starts new ones and keeps the first response")
  void resolveAndReopen() {
    Instant m = monday(4);
    clock.set(m);
    String from = customer();
    String thread = "<root-" + Ids.random(8) + "@mail.test>";
    String id = customerWrites(from, "Question", thread);
    reply(id, false);
    patch(id, new JsonObject().put("status", "resolved"));
    JsonObject resolved = sla(id);
    assertThat(resolved.getString("resolutionDueAt")).isNull();
    assertThat(resolved.getString("nextResponseDueAt")).isNull();
    clock.set(m.plus(Duration.ofHours(4))); // 14:00 local
    assertThat(customerWrites(from, "One more thing", thread)).isEqualTo(id);
    JsonObject reopened = sla(id);
    assertThat(reopened.getString("firstResponseAt")).isEqualTo(at(m, 0));
    assertThat(reopened.getString("nextResponseDueAt")).isEqualTo(at(m, 4 * 60 + 30));
    // 480 business minutes from Monday 14:00 local: 240 on Monday, 240 on Tuesday -> Tue 13:00 local.
    assertThat(reopened.getString("resolutionDueAt")).isEqualTo(at(m, 27 * 60));
  }

  @Test
  @Order(6)
  @DisplayName("warning and breach fire at their time, once, with the escalation step; rebuilt by a node started later")
  void timersFireOnceAcrossNodes() {
    Instant m = monday(5);
    clock.set(m);
    String id = customerWrites(customer(), "Nobody answers");
    assertThat(sla(id).getString("firstResponseDueAt")).isEqualTo(at(m, 60));

    clock.set(m.plus(Duration.ofSeconds(50 * 60 + 30))); // 10 minutes before: the warning
    eventually("the warning", () -> events(id, "sla.warning") == 1);
    assertThat(events(id, "sla.breached")).isZero();

    // A second node starts on the same database: it rebuilds its timers from the stored due times.
    try (TestServer second = server.secondNode()) {
      second.app.services().sla.clock.set(m.plus(Duration.ofSeconds(3601)));
      eventually("the breach, fired by the second node", () -> events(id, "sla.breached") == 1);
      clock.set(m.plus(Duration.ofSeconds(3602)));
      eventually("the escalation", () -> "high".equals(conversation(id).getString("priority")));
      // The first node's timers came due too; the database let only one fire. Wait until both
      // nodes have tried every timer due by their clocks (fired, or found already fired).
      var one = server.app.services().sla;
      var two = second.app.services().sla;
      eventually("both nodes tried every due timer", () ->
          !one.timersSettledThrough().isBefore(m.plus(Duration.ofSeconds(3602)))
              && !two.timersSettledThrough().isBefore(m.plus(Duration.ofSeconds(3601))));
      assertThat(events(id, "sla.breached")).isEqualTo(1);
      assertThat(events(id, "sla.warning")).isEqualTo(1);
      assertThat(events(id, "sla.escalated")).isEqualTo(1);
      // What /metrics counts (switchboard_sla_fired_total): over both nodes, exactly the events the
      // database holds (this class's earlier conversations fired some too), none counted twice.
      assertThat(one.fired(0) + two.fired(0)).as("warnings fired").isEqualTo(server.count(
          "SELECT count(*) FROM event WHERE type = 'sla.warning'"));
      assertThat(one.fired(1) + two.fired(1)).as("breaches fired").isEqualTo(server.count(
          "SELECT count(*) FROM event WHERE type = 'sla.breached'"));
      assertThat(one.fired(2) + two.fired(2)).as("escalation steps fired").isEqualTo(server.count(
          "SELECT count(*) FROM event WHERE type = 'sla.escalated'"));
      assertThat(two.fired(1)).as("the breach this test waits for, fired by the second node").isPositive();
    }
    JsonArray breaches = sla(id).getJsonArray("breaches");
    assertThat(breaches).hasSize(1);
    assertThat(breaches.getJsonObject(0).getString("metric")).isEqualTo("firstResponse");
  }

  @Test
  @Order(7)
  @DisplayName("Friday evening's message is due on Monday morning (weekend closed)")
  void weekendIsSkipped() {
    Instant friday = monday(6).plus(Duration.ofDays(4)).plus(Duration.ofMinutes(7 * 60 + 30)); // Fri 17:30 local
    clock.set(friday);
    String id = customerWrites(customer(), "Before the weekend");
    // 30 minutes on Friday, 30 on Monday from 09:00 local.
    assertThat(sla(id).getString("firstResponseDueAt")).isEqualTo(at(monday(7), -30));
  }

  @Test
  @Order(8)
  @DisplayName("an auto-reply opens nothing and starts no clock")
  void autoRepliesCountForNothing() {
    clock.set(monday(8));
    JsonObject msg = new JsonObject().put("externalId", "<" + Ids.random(12) + "@mail.test>")
        .put("from", new JsonObject().put("email", customer())).put("text", "I am out of office")
        .put("autoSubmitted", true);
    String id = expect(tenant.inbound(email, msg), 202).json().getString("conversationId");
    JsonObject sla = sla(id);
    assertThat(sla.getString("firstResponseDueAt")).isNull();
    assertThat(sla.getString("resolutionDueAt")).isNull();
  }

  @Test
  @Order(9)
  @DisplayName("policies and business hours are validated (422, unknown enum values included) and admin-only")
  void validation() {
    Resp bad = put("/api/v1/sla-policies/x", new JsonObject().put("name", "X").put("position", 1)
        .put("firstResponseMinutes", 10).put("match", new JsonObject().put("priority", new JsonArray().add("asap"))), 422);
    assertThat(bad.header("Content-Type")).startsWith("application/problem+json");
    assertThat(bad.json().getJsonArray("errors").encode()).contains("match.priority");
    put("/api/v1/sla-policies/x", new JsonObject().put("name", "X").put("position", 1).put("firstResponseMinutes", 10)
        .put("escalation", new JsonArray().add(new JsonObject().put("action", "fireEveryone"))), 422);
    put("/api/v1/sla-policies/x", new JsonObject().put("name", "X").put("position", 1), 422);
    put("/api/v1/sla-policies/x", new JsonObject().put("name", "X").put("position", 1).put("firstResponseMinutes", 10)
        .put("businessHoursId", "nope"), 422);
    put("/api/v1/business-hours/x", new JsonObject().put("timezone", "Mars/Olympus").put("weekly", office()), 422);
    put("/api/v1/business-hours/x", new JsonObject().put("timezone", "Europe/Warsaw").put("weekly",
        new JsonObject().put("mon", new JsonArray().add(new JsonArray().add("09:00").add("13:00"))
            .add(new JsonArray().add("12:00").add("15:00")))), 422);
    put("/api/v1/business-hours/x", new JsonObject().put("timezone", "Europe/Warsaw").put("weekly",
        new JsonObject().put("someday", new JsonArray())), 422);
    assertThat(server.count("SELECT count(*) FROM sla_policy WHERE id = 'x'")).isZero();
    assertThat(server.count("SELECT count(*) FROM business_hours WHERE id = 'x'")).isZero();

    var agent = tenant.user("agent", java.util.List.of());
    expect(api.call(HttpMethod.PUT, "/api/v1/sla-policies/y", agent.token(), new JsonObject().put("name", "Y")
        .put("position", 1).put("firstResponseMinutes", 5)), 403);
    JsonArray list = expect(api.get("/api/v1/sla-policies", tenant.admin.token()), 200).json().getJsonArray("items");
    assertThat(list.stream().map(o -> ((JsonObject) o).getString("id")).toList()).containsExactly("urgent", "standard");
    expect(api.call(HttpMethod.DELETE, "/api/v1/business-hours/office", tenant.admin.token(), null), 409);
    // Another account sees none of them.
    Tenant other = api.tenant("Other Shop");
    assertThat(expect(api.get("/api/v1/sla-policies", other.admin.token()), 200).json().getJsonArray("items")).isEmpty();
    expect(api.call(HttpMethod.DELETE, "/api/v1/sla-policies/standard", other.admin.token(), null), 404);
  }

  @Test
  @Order(10)
  @DisplayName("the dashboard lists conversations at risk by time to breach and counts today's breaches")
  void dashboardAtRisk() {
    Instant m = monday(9);
    clock.set(m);
    String a = customerWrites(customer(), "First in line"); // first response due m + 60
    clock.set(m.plus(Duration.ofMinutes(10)));
    String b = customerWrites(customer(), "Second, but urgent");
    patch(b, new JsonObject().put("priority", "urgent")); // due m + 25 (around the clock)
    JsonObject before = io.switchboard.support.Await.await(server.app.services().sla.dashboard(tenant.accountId));
    java.util.List<String> order = before.getJsonArray("atRisk").stream()
        .map(o -> ((JsonObject) o).getString("conversationId")).toList();
    assertThat(order).contains(a, b);
    assertThat(order.indexOf(b)).isLessThan(order.indexOf(a));
    java.util.List<String> dues = before.getJsonArray("atRisk").stream()
        .map(o -> ((JsonObject) o).getString("dueAt")).toList();
    assertThat(dues).isSorted();
    long breachesBefore = before.getLong("breachesToday");
    // a (10 minutes old) and b (just now) are both open for under 15 minutes.
    assertThat(before.getJsonObject("queueByAge").getLong("under15m")).isGreaterThanOrEqualTo(2);

    clock.set(m.plus(Duration.ofMinutes(26)));
    eventually("b breaches", () -> events(b, "sla.breached") == 1);
    // Today (from midnight local, 09:00 UTC+1 - 10 h) counts b's breach, and those of earlier
    // tests' conversations that came due when the clock jumped to this week (they fire at once).
    Instant midnight = m.minus(Duration.ofHours(10));
    eventually("today's breaches counted", () -> io.switchboard.support.Await.await(
            server.app.services().sla.dashboard(tenant.accountId)).getLong("breachesToday")
        == server.count("SELECT count(*) FROM sla_breach WHERE account_id = $1 AND kind = 'breached' AND fired_at >= $2",
            tenant.accountId, midnight.atOffset(java.time.ZoneOffset.UTC)));
    JsonObject after = io.switchboard.support.Await.await(server.app.services().sla.dashboard(tenant.accountId));
    assertThat(after.getLong("breachesToday")).isGreaterThan(breachesBefore);
    JsonObject bRow = after.getJsonArray("atRisk").stream().map(o -> (JsonObject) o)
        .filter(o -> b.equals(o.getString("conversationId"))).findFirst().orElseThrow();
    assertThat(bRow.getLong("secondsLeft")).isNegative();
    assertThat(bRow.getString("metric")).isEqualTo("firstResponse");
  }

  @Test
  @Order(11)
  @DisplayName("across the spring DST change: Friday 17:30 is due Monday 09:30 local, and the breach fires at that instant")
  void acrossTheSpringChange() {
    // Friday 26 March 2027 17:30 in Warsaw is 16:30Z (UTC+1); clocks go forward on Sunday 28 March,
    // so Monday 29 March 09:30 local is 07:30Z (UTC+2). 30 minutes on Friday, 30 on Monday.
    Instant friday = Instant.parse("2027-03-26T16:30:00Z");
    clock.set(friday);
    String id = customerWrites(customer(), "Before the clocks change");
    JsonObject sla = sla(id);
    assertThat(sla.getString("firstResponseDueAt")).isEqualTo("2027-03-29T07:30:00Z");
    // Resolution, 480 minutes: 30 on Friday, 240 + 210 on Monday (09-13, 14-17:30 local).
    assertThat(sla.getString("resolutionDueAt")).isEqualTo("2027-03-29T15:30:00Z");
    // The weekend and the lost hour pass in one step; nothing fires before its time.
    clock.set(Instant.parse("2027-03-29T07:29:00Z"));
    eventually("the warning", () -> events(id, "sla.warning") == 1);
    assertThat(events(id, "sla.breached")).isZero();
    clock.set(Instant.parse("2027-03-29T07:30:01Z"));
    eventually("the breach", () -> events(id, "sla.breached") == 1);
    assertThat(server.rows("SELECT data->>'dueAt' AS due FROM event WHERE conversation_id = $1 AND type = 'sla.breached'",
        id).get(0).getString("due")).isEqualTo("2027-03-29T07:30:00Z");
  }

  @Test
  @Order(12)
  @DisplayName("a holiday is skipped: Friday evening's message before a holiday Monday is due on Tuesday")
  void holidayIsSkipped() {
    // Friday 30 April 2027 17:30 local (15:30Z, UTC+2); Monday 3 May is a holiday of the calendar.
    clock.set(Instant.parse("2027-04-30T15:30:00Z"));
    String id = customerWrites(customer(), "Before the long weekend");
    assertThat(sla(id).getString("firstResponseDueAt")).isEqualTo("2027-05-04T07:30:00Z");
  }

  @Test
  @Order(13)
  @DisplayName("a breach while nobody is connected is a durable event: a console connecting later gets it")
  void breachWhileNobodyIsConnected() {
    Instant m = Instant.parse("2027-05-10T07:00:00Z"); // Monday 09:00 local (UTC+2)
    clock.set(m);
    String id = customerWrites(customer(), "Anyone there?");
    long seenSeq = server.count("SELECT coalesce(max(seq), 0) FROM event WHERE account_id = $1", tenant.accountId);
    assertThat(sla(id).getString("firstResponseDueAt")).isEqualTo(at(m, 60));
    // No stream is open while the first response comes due (the resolution, at 18:00 local, does not).
    clock.set(m.plus(Duration.ofHours(3)));
    eventually("the breach", () -> events(id, "sla.breached") == 1);
    try (var console = io.switchboard.realtime.StreamClient.open(server.vertx, api, tenant.admin.token(), seenSeq)) {
      JsonObject ev = console.until(e -> "sla.breached".equals(e.getString("type"))
          && id.equals(e.getString("conversationId")), 10);
      assertThat(ev.getJsonObject("data").getString("metric")).isEqualTo("firstResponse");
      assertThat(ev.getJsonObject("data").getString("dueAt")).isEqualTo(at(m, 60));
    }
  }

  @Test
  @Order(14)
  @DisplayName("the intraday report counts a day per channel and hour: new conversations, met and missed targets, breaches")
  void intradayReport() {
    Tenant shop = api.tenant("Intraday Shop"); // its account's time zone is Europe/Warsaw (UTC+2 in June)
    Channel mail = shop.channel("email", null);
    expect(api.call(HttpMethod.PUT, "/api/v1/sla-policies/quick", shop.admin.token(), new JsonObject()
        .put("name", "Quick").put("position", 1).put("firstResponseMinutes", 30)), 200);
    Instant day = Instant.parse("2027-06-06T22:00:00Z"); // midnight local; the minutes below are local times
    java.util.function.Function<Long, String> writes = minute -> {
      clock.set(day.plus(Duration.ofMinutes(minute)));
      JsonObject msg = new JsonObject().put("externalId", "<" + Ids.random(12) + "@mail.test>")
          .put("from", new JsonObject().put("email", customer())).put("text", "Hello");
      return expect(shop.inbound(mail, msg), 202).json().getString("conversationId");
    };
    java.util.function.BiConsumer<String, Long> answers = (id, minute) -> {
      clock.set(day.plus(Duration.ofMinutes(minute)));
      expect(api.post("/api/v1/conversations/" + id + "/messages", shop.admin.token(),
          new JsonObject().put("text", "Here to help").put("private", false)), 201);
    };
    String a = writes.apply(9 * 60 + 10L);
    String b = writes.apply(9 * 60 + 15L);  // due 09:45
    answers.accept(a, 9 * 60 + 30L);         // met, at 09:30
    writes.apply(10 * 60 + 5L);              // b breaches when the clock reaches 10:05
    eventually("b breaches", () -> events(b, "sla.breached") == 1);
    answers.accept(b, 10 * 60 + 10L);        // missed, at 10:10

    JsonObject report = expect(api.get("/api/v1/reports/intraday?date=2027-06-07", shop.admin.token()), 200).json();
    assertThat(report.getString("date")).isEqualTo("2027-06-07");
    assertThat(report.getString("timezone")).isEqualTo("Europe/Warsaw");
    JsonArray channels = report.getJsonArray("channels");
    assertThat(channels).hasSize(1);
    JsonObject email = channels.getJsonObject(0);
    assertThat(email.getString("channel")).isEqualTo("email");
    assertThat(email.getJsonArray("conversations").getLong(9)).isEqualTo(2);
    assertThat(email.getJsonArray("conversations").getLong(10)).isEqualTo(1);
    assertThat(email.getJsonArray("conversations").stream().mapToLong(n -> ((Number) n).longValue()).sum()).isEqualTo(3);
    assertThat(email.getJsonArray("met").getLong(9)).isEqualTo(1);
    assertThat(email.getJsonArray("missed").getLong(10)).isEqualTo(1);
    assertThat(email.getJsonArray("attainment").getDouble(9)).isEqualTo(1.0);
    assertThat(email.getJsonArray("attainment").getDouble(10)).isEqualTo(0.0);
    assertThat(email.getJsonArray("attainment").getValue(11)).isNull();
    assertThat(email.getJsonArray("breaches").getLong(10)).isEqualTo(1);
    // Without a date: today by the clock (still 7 June); another day is empty.
    assertThat(expect(api.get("/api/v1/reports/intraday", shop.admin.token()), 200).json().getString("date"))
        .isEqualTo("2027-06-07");
    assertThat(expect(api.get("/api/v1/reports/intraday?date=2027-06-08", shop.admin.token()), 200).json()
        .getJsonArray("channels")).isEmpty();
    assertThat(expect(api.get("/api/v1/reports/intraday?date=7.6.2027", shop.admin.token()), 422)
        .header("Content-Type")).startsWith("application/problem+json");
    expect(api.get("/api/v1/reports/intraday", shop.user("agent", java.util.List.of()).token()), 403);
    // Another account's day is its own.
    assertThat(expect(api.get("/api/v1/reports/intraday?date=2027-06-07", api.tenant("Quiet Shop").admin.token()), 200)
        .json()
        .getJsonArray("channels")).isEmpty();
  }

  @Test
  @Order(15)
  @DisplayName("escalation steps: supervisors are notified at the breach, the conversation moves to a team later")
  void escalationSteps() {
    Tenant shop = api.tenant("Escalation Shop");
    Channel mail = shop.channel("email", null);
    String team = shop.team("Escalations");
    expect(api.call(HttpMethod.PUT, "/api/v1/sla-policies/esc", shop.admin.token(), new JsonObject()
        .put("name", "Escalating").put("position", 1).put("firstResponseMinutes", 30)
        .put("escalation", new JsonArray()
            .add(new JsonObject().put("afterBreachMinutes", 0).put("action", "notifySupervisors"))
            .add(new JsonObject().put("afterBreachMinutes", 10).put("action", "assignTeam").put("teamId", team)))), 200);
    Instant t = Instant.parse("2027-06-14T08:00:00Z");
    clock.set(t);
    JsonObject msg = new JsonObject().put("externalId", "<" + Ids.random(12) + "@mail.test>")
        .put("from", new JsonObject().put("email", customer())).put("text", "Hello?");
    String id = expect(shop.inbound(mail, msg), 202).json().getString("conversationId");

    clock.set(t.plus(Duration.ofSeconds(30 * 60 + 1)));
    eventually("supervisors are notified", () -> events(id, "sla.escalated") == 1);
    assertThat(server.rows("SELECT data->>'action' AS a FROM event WHERE conversation_id = $1 AND type = 'sla.escalated'",
        id).get(0).getString("a")).isEqualTo("notifySupervisors");
    assertThat(expect(api.get("/api/v1/conversations/" + id, shop.admin.token()), 200).json().getString("teamId"))
        .isNull();

    clock.set(t.plus(Duration.ofSeconds(40 * 60 + 1)));
    eventually("the conversation moves to the team", () -> team.equals(
        expect(api.get("/api/v1/conversations/" + id, shop.admin.token()), 200).json().getString("teamId")));
    assertThat(events(id, "sla.escalated")).isEqualTo(2);
    assertThat(events(id, "sla.breached")).isEqualTo(1);
  }

  static long events(String conversationId, String type) {
    return server.count("SELECT count(*) FROM event WHERE conversation_id = $1 AND type = $2", conversationId, type);
  }
}
