package io.switchboard.openapi;

import io.switchboard.support.Api.Resp;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.vertx.core.http.HttpMethod;
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
        "POST /api/v1/csat/{token}", "GET /api/v1/reports/summary", "POST /api/v1/stream/tickets",
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
  @DisplayName("documents only routes the server serves (contract routes not built yet, such as commerce, stay out)")
  void everyDocumentedRouteIsServed() {
    Set<String> served = served(server.app.services().openApi.rootRouter());
    List<String> notServed = new ArrayList<>();
    for (String op : documented(document)) {
      if (!served.contains(op)) {
        notServed.add(op);
      }
    }
    assertThat(notServed).as("operations in openapi.json that no route serves").isEmpty();
    assertThat(document.getJsonObject("paths").fieldNames()).noneMatch(p -> p.contains("commerce") || p.contains("returns"));
  }

  @Test
  @DisplayName("answers every documented operation, called with a credential of its role, as an implemented route")
  void everyDocumentedOperationIsImplemented() {
    var tenant = server.tenant("Honest");
    Map<String, String> tokens = Map.of("agent", tenant.user("agent", List.of()).token(),
        "supervisor", tenant.user("supervisor", List.of()).token(), "admin", tenant.admin.token());
    String channelKey = tenant.channel("chat", null).key();
    List<String> failures = new ArrayList<>();
    List<String> calls = documented(document);
    assertThat(calls).hasSizeGreaterThan(50);
    for (String call : calls) {
      String method = call.substring(0, call.indexOf(' '));
      String path = call.substring(call.indexOf(' ') + 1);
      JsonObject op = document.getJsonObject("paths").getJsonObject(path).getJsonObject(method.toLowerCase());
      String credential = credential(op, tokens, channelKey);
      // Unknown ids in the path: the route must look them up and say "not found", not "no such route".
      String uri = path.replaceAll("\\{[^}]+}", "x-unknown-id") + (hasQuery(op, "wait") ? "?wait=0" : "");
      Resp r = server.api.call(HttpMethod.valueOf(method), uri, credential,
          method.equals("GET") || method.equals("DELETE") ? null : new JsonObject());
      if (unimplemented(r) || r.status() >= 500) {
        failures.add(call + " -> " + r);
      }
    }
    assertThat(failures).as("documented operations that answer as an unknown or unimplemented route").isEmpty();
  }

  @Test
  @DisplayName("tells a route that does not exist from an object that does not exist")
  void theLiveCheckCanFail() {
    String admin = server.tenant("Honest check").admin.token();
    assertThat(unimplemented(server.api.get("/api/v1/not-a-route/x", admin))).isTrue();
    assertThat(unimplemented(server.api.call(HttpMethod.DELETE, "/api/v1/account", admin, null))).isTrue();
    assertThat(unimplemented(server.api.get("/api/v1/conversations/x-unknown-id", admin))).isFalse();
  }

  /** 404 from the router (no route), 405 or 501: the operation is documented but not really there. */
  static boolean unimplemented(Resp r) {
    String type = r.header("Content-Type");
    return r.status() == 405 || r.status() == 501
        || r.status() == 404 && type != null && type.startsWith("application/problem+json")
            && io.switchboard.http.Problem.NO_ROUTE.equals(r.json().getString("title"));
  }

  /** "METHOD /path" of every operation in the document. */
  static List<String> documented(JsonObject doc) {
    List<String> out = new ArrayList<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : new TreeSet<>(paths.fieldNames())) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        out.add(method.toUpperCase() + " " + path);
      }
    }
    return out;
  }

  private static String credential(JsonObject op, Map<String, String> tokens, String channelKey) {
    JsonArray security = op.getJsonArray("security");
    if (security == null || security.isEmpty()) {
      return null;
    }
    JsonObject first = security.getJsonObject(0);
    return first.containsKey("userToken") ? tokens.get(op.getString("x-minimum-role", "agent"))
        : first.containsKey("channelKey") ? channelKey
        : first.containsKey("platformKey") ? server.platformKey : null;
  }

  private static boolean hasQuery(JsonObject op, String name) {
    JsonArray params = op.getJsonArray("parameters", new JsonArray());
    for (int i = 0; i < params.size(); i++) {
      if (name.equals(params.getJsonObject(i).getString("name"))) {
        return true;
      }
    }
    return false;
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
