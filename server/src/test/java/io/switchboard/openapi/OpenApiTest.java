package io.switchboard.openapi;

import io.switchboard.support.Api.Resp;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The OpenAPI document")
class OpenApiTest {

  static TestServer server;
  static JsonObject document;

  @BeforeAll
  static void start() {
    server = TestServer.start("openapi");
    Resp r = server.api.get("/api/v1/openapi.json", null);
    assertThat(r.status()).isEqualTo(200);
    document = r.json();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("is served without credentials as an OpenAPI 3.1 document")
  void served() {
    Resp r = server.api.get("/api/v1/openapi.json", null);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(document.getString("openapi")).startsWith("3.1");
    assertThat(document.getJsonObject("info").getString("title")).isNotBlank();
    assertThat(document.getJsonArray("servers").getJsonObject(0).getString("url")).isEqualTo(server.baseUrl());
    assertThat(document.getJsonObject("components").getJsonObject("securitySchemes").fieldNames())
        .contains("userToken", "channelKey", "platformKey");
  }

  @Test
  @DisplayName("names every route the running server serves, with its method")
  void everyServedRouteIsDocumented() {
    Set<String> served = served(server.app.services().openApi.rootRouter());
    // the walk must reach into the /api/v1 sub-router, or this test would prove nothing
    assertThat(served).contains("GET /health/live", "POST /api/v1/accounts", "GET /api/v1/openapi.json",
        "PATCH /api/v1/users/{id}");
    assertThat(undocumented(served, document)).as("routes missing from openapi.json").isEmpty();
  }

  @Test
  @DisplayName("fails the check for a route it does not name")
  void theCheckCanFail() {
    Router extra = Router.router(server.vertx);
    extra.get("/not/documented/:id").handler(ctx -> ctx.end());
    extra.post("/api/v1/accounts").handler(ctx -> ctx.end());
    assertThat(undocumented(served(extra), document)).containsExactly("GET /not/documented/{id}");
  }

  @Test
  @DisplayName("describes every operation of the contract, with request and response schemas")
  void contractOperations() {
    List<String> contract = List.of(
        "POST /api/v1/accounts", "POST /api/v1/auth/login", "POST /api/v1/auth/refresh", "POST /api/v1/auth/password",
        "GET /api/v1/users", "POST /api/v1/users", "PATCH /api/v1/users/{id}", "GET /api/v1/teams",
        "POST /api/v1/teams", "PATCH /api/v1/teams/{id}", "GET /api/v1/account", "PATCH /api/v1/account",
        "POST /api/v1/channels", "GET /api/v1/channels", "POST /api/v1/channels/{id}/keys",
        "POST /api/v1/attachments", "POST /api/v1/inbound", "GET /api/v1/outbound", "POST /api/v1/outbound/{id}/ack",
        "POST /api/v1/outbound/status", "GET /api/v1/adapter/threads/{threadKey}/messages",
        "GET /api/v1/adapter/availability", "GET /api/v1/conversations", "POST /api/v1/conversations",
        "GET /api/v1/conversations/{id}", "POST /api/v1/conversations/{id}/messages",
        "PATCH /api/v1/conversations/{id}", "POST /api/v1/conversations/{id}/read",
        "POST /api/v1/conversations/{id}/merge", "GET /api/v1/contacts/{id}", "POST /api/v1/contacts/{id}/merge",
        "PUT /api/v1/sla-policies/{id}", "PUT /api/v1/business-hours/{id}", "GET /csat/{token}",
        "POST /api/v1/csat/{token}", "GET /api/v1/reports/summary", "PUT /api/v1/commerce/orders/{externalId}",
        "POST /api/v1/returns", "PATCH /api/v1/returns/{id}", "GET /returns/{token}", "POST /api/v1/stream/tickets",
        "GET /api/v1/stream", "GET /health/live", "GET /health/ready", "GET /metrics", "GET /api/v1/openapi.json");
    assertThat(undocumented(new TreeSet<>(contract), document)).isEmpty();

    JsonObject inbound = operation("POST /api/v1/inbound");
    assertThat(inbound.getJsonObject("requestBody").encode()).contains("#/components/schemas/Inbound");
    assertThat(inbound.getJsonObject("responses").fieldNames()).contains("202", "200", "default");
    JsonObject inboundSchema = schema("Inbound");
    assertThat(inboundSchema.getJsonObject("properties").fieldNames())
        .contains("externalId", "from", "threadKey", "subject", "text", "html", "sentAt", "attachments", "call",
            "autoSubmitted", "public");
    assertThat(inboundSchema.getJsonArray("required")).contains("externalId", "from");
    assertThat(schema("Conversation").getJsonObject("properties").getJsonObject("status").getJsonArray("enum"))
        .containsExactly("open", "pending", "snoozed", "resolved");
    assertThat(schema("Message").getJsonObject("properties").fieldNames())
        .contains("id", "conversationId", "direction", "channel", "author", "subject", "text", "html",
            "attachments", "call", "public", "createdAt", "deliveryStatus");
    assertThat(schema("Problem").getJsonArray("required")).contains("type", "title", "status");
    // path parameters are declared
    assertThat(operation("PATCH /api/v1/users/{id}").getJsonArray("parameters").encode()).contains("\"in\":\"path\"");
  }

  @Test
  @DisplayName("every schema reference resolves to a component")
  void referencesResolve() {
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      String[] parts = ref.substring(2).split("/");
      JsonObject node = document;
      for (String part : parts) {
        assertThat(node.containsKey(part)).as("reference " + ref).isTrue();
        node = node.getJsonObject(part);
      }
    }
  }

  /** "METHOD /path/{param}" for every concrete route (see support/RouteTable). */
  static Set<String> served(Router router) {
    return io.switchboard.support.RouteTable.served(router);
  }

  /** The routes the document does not name; "ANY" routes need some operation on their path. */
  static List<String> undocumented(Set<String> routes, JsonObject doc) {
    JsonObject paths = doc.getJsonObject("paths");
    List<String> missing = new ArrayList<>();
    for (String route : routes) {
      String method = route.substring(0, route.indexOf(' ')).toLowerCase();
      String path = route.substring(route.indexOf(' ') + 1);
      JsonObject item = paths.getJsonObject(path);
      boolean found = item != null && (method.equals("any") ? !item.isEmpty() : item.containsKey(method));
      if (!found) {
        missing.add(route);
      }
    }
    return missing;
  }

  private static JsonObject operation(String route) {
    String method = route.substring(0, route.indexOf(' ')).toLowerCase();
    return document.getJsonObject("paths").getJsonObject(route.substring(route.indexOf(' ') + 1))
        .getJsonObject(method);
  }

  private static JsonObject schema(String name) {
    return document.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
  }

  private static void collectRefs(Object node, List<String> refs) {
    if (node instanceof JsonObject o) {
      o.forEach(e -> {
        if (e.getKey().equals("$ref")) {
          refs.add((String) e.getValue());
        } else {
          collectRefs(e.getValue(), refs);
        }
      });
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collectRefs(v, refs));
    }
  }
}
