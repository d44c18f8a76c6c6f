package io.switchboard.http;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every write endpoint, fed garbage: each answer is a 4xx problem+json, never a 5xx or a stack trace.
 */
@DisplayName("Hostile input never causes a server error")
class HostileInputTest {

  static TestServer server;
  static Api api;
  static Tenant tenant;
  static Channel email;
  static String conversationId;
  static String contactId;

  record Endpoint(HttpMethod method, String path, String credential, List<String> fields) {
  }

  @BeforeAll
  static void start() {
    server = TestServer.start("hostile");
    api = server.api;
    tenant = server.tenant("Hostile");
    email = tenant.channel("email", null);
    Resp in = api.post("/api/v1/inbound", email.key(), new JsonObject().put("externalId", "seed")
        .put("from", new JsonObject().put("email", "seed@example.com")).put("text", "seed"));
    conversationId = in.json().getString("conversationId");
    contactId = in.json().getString("contactId");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static List<Endpoint> endpoints() {
    String user = tenant.admin.token();
    String key = email.key();
    return List.of(
        new Endpoint(HttpMethod.POST, "/api/v1/accounts", server.platformKey, List.of("name", "timezone", "defaultRegion", "admin")),
        new Endpoint(HttpMethod.POST, "/api/v1/auth/login", null, List.of("email", "password")),
        new Endpoint(HttpMethod.POST, "/api/v1/auth/refresh", null, List.of("refreshToken")),
        new Endpoint(HttpMethod.POST, "/api/v1/users", user, List.of("email", "name", "password", "role", "teamIds", "skills", "capacity")),
        new Endpoint(HttpMethod.PATCH, "/api/v1/users/" + tenant.admin.id(), user, List.of("role", "teamIds", "skills", "capacity", "disabled")),
        new Endpoint(HttpMethod.POST, "/api/v1/teams", user, List.of("name")),
        new Endpoint(HttpMethod.PATCH, "/api/v1/account", user, List.of("timezone", "defaultRegion", "reopenWindowDays", "notifications")),
        new Endpoint(HttpMethod.POST, "/api/v1/channels", user, List.of("kind", "name", "teamId", "settings")),
        new Endpoint(HttpMethod.POST, "/api/v1/inbound", key, List.of("externalId", "from", "threadKey", "subject", "text", "html", "sentAt", "attachments", "call", "autoSubmitted", "public")),
        new Endpoint(HttpMethod.POST, "/api/v1/conversations", user, List.of("contactId", "channelId", "subject", "text")),
        new Endpoint(HttpMethod.POST, "/api/v1/conversations/" + conversationId + "/messages", user, List.of("text", "html", "attachments", "private", "channelId", "afterMessageId", "clientId")),
        new Endpoint(HttpMethod.PATCH, "/api/v1/conversations/" + conversationId, user, List.of("status", "assigneeId", "teamId", "priority", "tags", "snoozeUntil")),
        new Endpoint(HttpMethod.POST, "/api/v1/conversations/" + conversationId + "/merge", user, List.of("otherId")),
        new Endpoint(HttpMethod.POST, "/api/v1/contacts/" + contactId + "/merge", user, List.of("otherId")),
        new Endpoint(HttpMethod.POST, "/api/v1/outbound/out_nope/ack", key, List.of("leaseId", "status", "externalId", "error", "retryable")),
        new Endpoint(HttpMethod.POST, "/api/v1/outbound/status", key, List.of("externalId", "status")));
  }

  static List<Buffer> garbage() {
    List<Buffer> out = new ArrayList<>();
    for (String s : List.of("", "null", "[]", "{", "\"text\"", "42", "{\"a\":1}}", "{\"a\":\"\\u0000\"}",
        "{\"text\": 1e999999}", "[".repeat(5000) + "]".repeat(5000),
        "{\"text\":" + "[".repeat(3000) + "]".repeat(3000) + "}")) {
      out.add(Buffer.buffer(s));
    }
    out.add(Buffer.buffer(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'}));
    return out;
  }

  static List<Object> wrongValues() {
    return List.of(new JsonArray().add(1), new JsonObject().put("$gt", ""), 12345678901234L, true, -1, "",
        "x".repeat(5000), "' OR 1=1 --", "\u0000", "9999-99-99T99:99:99Z");
  }

  @Test
  @DisplayName("malformed bodies and wrong types on every write endpoint get a 4xx problem")
  void everyEndpoint() {
    List<String> failures = new ArrayList<>();
    for (Endpoint e : endpoints()) {
      for (Buffer body : garbage()) {
        check(failures, e, body);
      }
      for (String field : e.fields()) {
        for (Object value : wrongValues()) {
          JsonObject json = new JsonObject().put(field, value).put("externalId", UUID.randomUUID().toString());
          check(failures, e, json.toBuffer());
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName("bad query parameters and unknown paths get a 4xx problem")
  void queries() {
    String user = tenant.admin.token();
    List<String> failures = new ArrayList<>();
    for (String q : List.of("status=bogus", "limit=abc", "limit=-5", "limit=100000", "cursor=%00%01garbage",
        "cursor=eyJ4IjoxfQ", "assignee=nobody", "channel=fax", "q=%27%3B%20DROP%20TABLE%20message%3B--")) {
      Resp r = api.get("/api/v1/conversations?" + q, user);
      if (r.status() >= 500 || (r.status() >= 400 && !r.header("Content-Type").startsWith("application/problem+json"))) {
        failures.add("GET /conversations?" + q + " -> " + r);
      }
    }
    for (String path : List.of("/api/v1/nope", "/api/v1/conversations/%00", "/api/v1/contacts/..%2F..%2Fetc",
        "/api/v1/attachments/" + "x".repeat(3000))) {
      Resp r = api.get(path, user);
      if (r.status() >= 500) {
        failures.add("GET " + path + " -> " + r);
      }
    }
    assertThat(failures).isEmpty();
  }

  private static void check(List<String> failures, Endpoint e, Buffer body) {
    Resp r = api.call(e.method(), e.path(), e.credential(), body);
    String type = r.header("Content-Type");
    boolean problem = r.status() < 400 || (type != null && type.startsWith("application/problem+json"));
    boolean leaks = r.body() != null && r.body().toString().contains("Exception");
    if (r.status() >= 500 || !problem || leaks) {
      String shown = body.length() > 80 ? body.getString(0, 80) + "..." : body.toString();
      failures.add(e.method() + " " + e.path() + " with " + shown + " -> " + r);
    }
  }
}
