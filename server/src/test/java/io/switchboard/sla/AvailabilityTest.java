package io.switchboard.sla;

import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** What the chat widget asks: inside business hours, or when they open next (the channel's SLA calendar). */
@DisplayName("Adapter availability follows the business hours of the channel's SLA policy")
class AvailabilityTest {

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start("availability");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("a chat channel under Monday 09:00-17:00 Warsaw: open at noon, closed at 20:00 and opening next Monday")
  void businessHours() {
    Tenant t = server.tenant("Hours");
    Channel chat = t.channel("chat", null);
    Channel phone = t.channel("phone", null);
    expect(server.api.call(HttpMethod.PUT, "/api/v1/business-hours/office", t.admin.token(), new JsonObject()
        .put("timezone", "Europe/Warsaw").put("weekly", new JsonObject().put("mon",
            new JsonArray().add(new JsonArray().add("09:00").add("17:00"))))), 200, 201);
    expect(server.api.call(HttpMethod.PUT, "/api/v1/sla-policies/chat", t.admin.token(), new JsonObject()
        .put("name", "Chat").put("position", 1).put("firstResponseMinutes", 5).put("businessHoursId", "office")
        .put("match", new JsonObject().put("channel", new JsonArray().add("chat")))), 200, 201);
    SlaClock clock = server.app.services().sla.clock;
    try {
      // Monday 30 November 2026, 12:00 in Warsaw (UTC+1).
      clock.set(Instant.parse("2026-11-30T11:00:00Z"));
      JsonObject open = expect(server.api.get("/api/v1/adapter/availability", chat.key()), 200).json();
      assertThat(open.getBoolean("inBusinessHours")).isTrue();
      assertThat(open.getString("nextOpenAt")).isNull();

      clock.set(Instant.parse("2026-11-30T19:00:00Z"));
      JsonObject closed = expect(server.api.get("/api/v1/adapter/availability", chat.key()), 200).json();
      assertThat(closed.getBoolean("inBusinessHours")).isFalse();
      assertThat(closed.getString("nextOpenAt")).isEqualTo("2026-12-07T08:00:00Z");

      // The phone channel matches no policy: always open.
      JsonObject phoneOpen = expect(server.api.get("/api/v1/adapter/availability", phone.key()), 200).json();
      assertThat(phoneOpen.getBoolean("inBusinessHours")).isTrue();
    } finally {
      clock.set(Instant.now());
    }
  }
}
