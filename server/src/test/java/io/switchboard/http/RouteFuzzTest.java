package io.switchboard.http;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.RouteTable;
import io.switchboard.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated from the route table and the OpenAPI document: hostile values in every path parameter
 * and every documented query parameter never give a 500, and an unknown value of an enum query
 * parameter is a 422 naming the parameter, on every route that takes one.
 */
@DisplayName("Every route, every parameter: hostile values are a 4xx problem, an unknown enum value in a query a 422")
class RouteFuzzTest {

  static final List<String> HOSTILE = List.of("%00", "..%2F..%2Fetc%2Fpasswd", "x".repeat(3000), "%C0%AF",
      "%F0%28%8C%28", "%27%3B%20DROP%20TABLE%20message%3B--", "%E2%80%AEgnp.exe", "-1", "99999999999999999999999",
      "%EF%BF%BF", "%20", "null");

  static TestServer server;
  static Api api;
  static JsonObject openApi;
  static Tenant tenant;
  static Api.Channel channel;

  @BeforeAll
  static void start() {
    server = TestServer.start("routefuzz");
    api = server.api;
    openApi = api.get("/api/v1/openapi.json", null).json();
    tenant = server.tenant("Fuzz");
    channel = tenant.channel("chat", null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static List<String> routes() {
    return RouteTable.served(server.app.services().openApi.rootRouter()).stream()
        .filter(r -> !r.startsWith("ANY ") && !r.equals("GET /api/v1/stream")).toList();
  }

  static JsonObject operation(String method, String path) {
    return openApi.getJsonObject("paths").getJsonObject(path, new JsonObject())
        .getJsonObject(method.toLowerCase(), new JsonObject());
  }

  static String credential(JsonObject op) {
    JsonArray security = op.getJsonArray("security");
    if (security == null || security.isEmpty()) {
      return null;
    }
    JsonObject first = security.getJsonObject(0);
    return first.containsKey("userToken") ? tenant.admin.token()
        : first.containsKey("channelKey") ? channel.key()
        : first.containsKey("platformKey") ? server.platformKey : null;
  }

  static void check(List<String> failures, String method, String uri, String credential) {
    Resp r = api.call(HttpMethod.valueOf(method), uri, credential,
        method.equals("GET") || method.equals("DELETE") ? null : new JsonObject());
    String type = r.header("Content-Type");
    // Pages for people outside the API (a customer's survey link) answer their errors as a page.
    boolean page = !uri.startsWith("/api/") && type != null && type.startsWith("text/html");
    boolean problem = r.status() < 400 || page || (type != null && type.startsWith("application/problem+json"));
    if (r.status() >= 500 || !problem) {
      failures.add(method + " " + (uri.length() > 120 ? uri.substring(0, 120) + "..." : uri) + " -> " + r);
    }
  }

  @Test
  @DisplayName("hostile path ids on every route with a path parameter: never a 500, always a problem")
  void hostilePathIds() {
    List<String> failures = new ArrayList<>();
    int calls = 0;
    for (String route : routes()) {
      String method = route.substring(0, route.indexOf(' '));
      String path = route.substring(route.indexOf(' ') + 1);
      if (!path.contains("{")) {
        continue;
      }
      String credential = credential(operation(method, path));
      for (String value : HOSTILE) {
        check(failures, method, path.replaceAll("\\{[^}]+}", java.util.regex.Matcher.quoteReplacement(value)),
            credential);
        calls++;
      }
    }
    assertThat(calls).isGreaterThan(50);
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName("hostile values in every documented query parameter: never a 500; an unknown enum value is a 422 on that field")
  void hostileQueries() {
    List<String> failures = new ArrayList<>();
    int enums = 0;
    for (String route : routes()) {
      String method = route.substring(0, route.indexOf(' '));
      String path = route.substring(route.indexOf(' ') + 1);
      JsonObject op = operation(method, path);
      JsonArray parameters = op.getJsonArray("parameters", new JsonArray());
      String concrete = path.replaceAll("\\{[^}]+}", "unknown");
      for (Object p : parameters) {
        JsonObject param = (JsonObject) p;
        if (!"query".equals(param.getString("in"))) {
          continue;
        }
        String name = param.getString("name");
        for (String value : HOSTILE) {
          if (name.equals("wait") && value.equals("%20")) {
            continue; // a blank wait is the default: a 25 s long poll, not a hostile value
          }
          check(failures, method, concrete + "?" + name + "=" + value, credential(op));
        }
        JsonArray allowed = param.getJsonObject("schema", new JsonObject()).getJsonArray("enum");
        if (allowed != null) {
          enums++;
          Resp r = api.call(HttpMethod.valueOf(method), concrete + "?" + name + "=not-a-" + name, credential(op), null);
          JsonArray errors = r.json().getJsonArray("errors", new JsonArray());
          boolean named = errors.stream().anyMatch(e -> name.equals(((JsonObject) e).getString("field")));
          if (r.status() != 422 || !named) {
            failures.add(method + " " + path + "?" + name + "=not-a-" + name + " -> " + r);
          }
        }
      }
    }
    assertThat(enums).as("enum query parameters found (conversation status and channel at least)")
        .isGreaterThanOrEqualTo(2);
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName("the enum check can fail: a route that ignores its enum is reported")
  void enumCheckSees() {
    // The conversation list's status really is checked; and a value of the enum is accepted.
    assertThat(api.get("/api/v1/conversations?status=open", tenant.admin.token()).status()).isEqualTo(200);
    Resp r = api.get("/api/v1/conversations?status=nope", tenant.admin.token());
    assertThat(r.status()).isEqualTo(422);
    assertThat(Set.copyOf(r.json().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field")).toList())).contains("status");
  }
}
