package io.switchboard.http;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.RouteTable;
import io.switchboard.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated from the route table: every route the server serves with an id in its path is called
 * by account B with a real id of account A's object, and must answer as if it did not exist, with
 * nothing of A's changed. A new route with a path parameter fails {@link #everyPathParameterHasAnId}
 * until this test knows which of A's objects to use for it.
 */
@DisplayName("Cross-account isolation, generated from the route table: B calling with A's real ids gets 404 and changes nothing")
class CrossAccountRoutesTest {

  private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

  static TestServer server;
  static Api api;
  static JsonObject openApi;
  static Tenant a;
  static Tenant b;
  /** A's objects, by the path up to and including the parameter that names them. */
  static final Map<String, String> A_IDS = new LinkedHashMap<>();
  /**
   * Links whose token is the credential (a customer's survey): whoever holds the link may use it,
   * whatever account they are in, so there is no other account to refuse; CsatTest covers them.
   */
  static final Set<String> BEARER_LINKS = Set.of("/csat/{token}", "/api/v1/csat/{token}", "/invite/{token}",
      "/api/v1/invitations/{token}/accept", "/reset/{token}", "/api/v1/password-resets/{token}");
  /**
   * Objects whose id the admin chooses (PUT creates or replaces): ids are per account, so B's PUT
   * with A's id makes B's own object and must leave A's untouched (checked after the loop).
   */
  static final Map<String, JsonObject> CLIENT_CHOSEN_IDS = Map.of(
      "/api/v1/business-hours/{id}", new JsonObject().put("timezone", "Europe/Warsaw")
          .put("weekly", new JsonObject().put("mon", new JsonArray().add(new JsonArray().add("09:00").add("17:00")))),
      "/api/v1/sla-policies/{id}", new JsonObject().put("name", "B's policy").put("position", 1)
          .put("firstResponseMinutes", 30));
  /** B's own objects, for bodies that name a second object ("merge this into that"). */
  static String bConversation;
  static String bContact;
  static String bChannelKey;
  static String aLeaseId;

  @BeforeAll
  static void start() {
    server = TestServer.start("crossaccount");
    api = server.api;
    openApi = api.get("/api/v1/openapi.json", null).json();
    a = server.tenant("Alpha");
    b = server.tenant("Beta");

    String aTeam = a.team("Alpha support");
    Api.Person aAgent = a.user("agent", List.of(aTeam));
    JsonObject aEmail = channel(a, "email");
    JsonObject aChat = channel(a, "chat");
    Resp inbound = Api.expect(api.post("/api/v1/inbound", aChat.getString("apiKey"), new JsonObject()
        .put("externalId", "a-1").put("threadKey", "thread-alpha").put("from", new JsonObject().put("email", "ann@alpha.test"))
        .put("text", "Alpha's private question")), 202);
    assertThat(inbound.json().getString("conversationId")).isNotBlank();
    Resp byMail = Api.expect(api.post("/api/v1/inbound", aEmail.getString("apiKey"), new JsonObject()
        .put("externalId", "a-2").put("from", new JsonObject().put("email", "bob@alpha.test")).put("subject", "Hi")
        .put("text", "Alpha's mail")), 202);
    String aMailConversation = byMail.json().getString("conversationId");
    String aContact = Api.expect(api.get("/api/v1/conversations/" + aMailConversation, a.admin.token()), 200).json()
        .getString("contactId");
    String aAttachment = Api.expect(api.upload(a.admin.token(), "alpha.png", "image/png", Buffer.buffer(new byte[64])),
        201).json().getString("id");
    // A reply in A's mail conversation makes an outbound item, leased by A's adapter.
    Api.expect(api.post("/api/v1/conversations/" + aMailConversation + "/messages", a.admin.token(),
        new JsonObject().put("text", "Alpha's answer").put("clientId", "alpha-reply")), 201);
    JsonObject item = Api.expect(api.get("/api/v1/outbound?wait=0", aEmail.getString("apiKey")), 200).json()
        .getJsonArray("items").getJsonObject(0);
    aLeaseId = item.getString("leaseId");

    A_IDS.put("/api/v1/users/{id}", aAgent.id());
    A_IDS.put("/api/v1/teams/{id}", aTeam);
    A_IDS.put("/api/v1/teams/{id}/members/{userId}", aAgent.id());
    A_IDS.put("/api/v1/channels/{id}", aEmail.getString("id"));
    A_IDS.put("/api/v1/channels/{id}/keys/{keyId}", aEmail.getString("keyId"));
    A_IDS.put("/api/v1/outbound/{id}", item.getString("id"));
    A_IDS.put("/api/v1/adapter/threads/{threadKey}", "thread-alpha");
    A_IDS.put("/api/v1/attachments/{id}", aAttachment);
    A_IDS.put("/api/v1/contacts/{id}", aContact);
    // The mail one: a reply to it is valid for A (a verified address), so only the account can refuse B's.
    A_IDS.put("/api/v1/conversations/{id}", aMailConversation);
    // A's calendar and SLA policy, under ids A's admin chose.
    Api.expect(api.call(HttpMethod.PUT, "/api/v1/business-hours/alpha-hours", a.admin.token(), new JsonObject()
        .put("timezone", "Europe/Warsaw").put("weekly", new JsonObject().put("tue",
            new JsonArray().add(new JsonArray().add("08:00").add("16:00"))))), 200, 201);
    Api.expect(api.call(HttpMethod.PUT, "/api/v1/sla-policies/alpha-policy", a.admin.token(), new JsonObject()
        .put("name", "Alpha").put("position", 1).put("firstResponseMinutes", 60)
        .put("businessHoursId", "alpha-hours")), 200, 201);
    A_IDS.put("/api/v1/business-hours/{id}", "alpha-hours");
    A_IDS.put("/api/v1/sla-policies/{id}", "alpha-policy");

    JsonObject bChat = channel(b, "chat");
    bChannelKey = bChat.getString("apiKey");
    bConversation = Api.expect(api.post("/api/v1/inbound", bChannelKey, new JsonObject().put("externalId", "b-1")
        .put("threadKey", "thread-beta").put("from", new JsonObject().put("email", "cy@beta.test")).put("text", "Beta")),
        202).json().getString("conversationId");
    bContact = Api.expect(api.get("/api/v1/conversations/" + bConversation, b.admin.token()), 200).json()
        .getString("contactId");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject channel(Tenant t, String kind) {
    return Api.expect(api.post("/api/v1/channels", t.admin.token(), new JsonObject().put("kind", kind)
        .put("name", kind + " of " + t.accountId).put("settings", new JsonObject())), 201).json();
  }

  /** The routes with a path parameter, from the running server's router. */
  static List<String> routesWithIds() {
    return RouteTable.served(server.app.services().openApi.rootRouter()).stream()
        .filter(r -> r.contains("{")).filter(r -> !BEARER_LINKS.contains(r.substring(r.indexOf(' ') + 1))).toList();
  }

  /** The concrete path with A's ids, or null when some parameter has no provider. */
  static String withAIds(String path, Map<String, String> ids) {
    Matcher m = PARAM.matcher(path);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String upTo = path.substring(0, m.end());
      String id = ids.get(upTo);
      if (id == null) {
        return null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(id));
    }
    m.appendTail(out);
    return out.toString();
  }

  static List<String> uncovered(List<String> routes, Map<String, String> ids) {
    return routes.stream().filter(r -> withAIds(r.substring(r.indexOf(' ') + 1), ids) == null).toList();
  }

  @Test
  @DisplayName("every route with a path parameter has one of A's real objects to try (a new route fails here)")
  void everyPathParameterHasAnId() {
    List<String> routes = routesWithIds();
    assertThat(routes).as("the walk reaches the API's routes").contains("GET /api/v1/conversations/{id}",
        "PATCH /api/v1/users/{id}", "GET /api/v1/attachments/{id}");
    assertThat(uncovered(routes, A_IDS)).as("routes with a path id and no provider in A_IDS").isEmpty();
  }

  @Test
  @DisplayName("the coverage check fails for a route it does not know")
  void theCoverageCheckCanFail() {
    assertThat(uncovered(List.of("GET /api/v1/widgets/{id}", "GET /api/v1/conversations/{id}"), A_IDS))
        .containsExactly("GET /api/v1/widgets/{id}");
  }

  @Test
  @DisplayName("B's admin, agent and channel key get 404 on every route with A's real ids, and A's data is unchanged")
  void everyRouteRefusesAnotherAccountsIds() {
    String before = digest(a.accountId);
    Api.Person bAgent = b.user("agent", List.of());
    List<String> failures = new ArrayList<>();
    int calls = 0;
    for (String route : routesWithIds()) {
      String method = route.substring(0, route.indexOf(' '));
      String template = route.substring(route.indexOf(' ') + 1);
      String path = withAIds(template, A_IDS);
      if (method.equals("PUT") && CLIENT_CHOSEN_IDS.containsKey(template)) {
        continue; // below, after the reads and deletes: it makes B's own object under that id
      }
      for (String credential : credentials(method, template, bAgent)) {
        Resp r = api.call(HttpMethod.valueOf(method), path, credential, body(method, template));
        calls++;
        // 403 only where the role alone refuses it (an agent on an admin route), before any lookup.
        boolean roleRefuses = credential != null && credential.equals(bAgent.token())
            && !"agent".equals(operation(method, template).getString("x-minimum-role", "agent"));
        Set<Integer> allowed = credential == null ? Set.of(401, 403, 404) : roleRefuses ? Set.of(403, 404) : Set.of(404);
        if (!allowed.contains(r.status())) {
          failures.add(route + " as " + (credential == null ? "nobody" : credential.substring(0, 4)) + " -> " + r);
        }
      }
    }
    // Ids of A's objects in a body, on B's own objects.
    calls += expect404(failures, "POST", "/api/v1/conversations/" + bConversation + "/merge", b.admin.token(),
        new JsonObject().put("otherId", A_IDS.get("/api/v1/conversations/{id}")));
    calls += expect404(failures, "POST", "/api/v1/contacts/" + bContact + "/merge", b.admin.token(),
        new JsonObject().put("otherId", A_IDS.get("/api/v1/contacts/{id}")));
    calls += notOk(failures, "PATCH", "/api/v1/conversations/" + bConversation, b.admin.token(),
        new JsonObject().put("assigneeId", A_IDS.get("/api/v1/users/{id}")));
    calls += notOk(failures, "PATCH", "/api/v1/conversations/" + bConversation, b.admin.token(),
        new JsonObject().put("teamId", A_IDS.get("/api/v1/teams/{id}")));
    calls += notOk(failures, "POST", "/api/v1/conversations/" + bConversation + "/messages", b.admin.token(),
        new JsonObject().put("text", "with A's file").put("clientId", "b-att")
            .put("attachments", new JsonArray().add(new JsonObject().put("id", A_IDS.get("/api/v1/attachments/{id}")))));
    calls += notOk(failures, "POST", "/api/v1/conversations", b.admin.token(),
        new JsonObject().put("contactId", A_IDS.get("/api/v1/contacts/{id}")).put("text", "hello").put("subject", "x")
            .put("channelId", A_IDS.get("/api/v1/channels/{id}")));
    calls += notOk(failures, "POST", "/api/v1/users", b.admin.token(), new JsonObject().put("email",
        "x-" + UUID.randomUUID() + "@beta.test").put("name", "X").put("password", "secret-pass-9").put("role", "agent")
        .put("teamIds", new JsonArray().add(A_IDS.get("/api/v1/teams/{id}"))));

    // B's admin PUTs under A's chosen ids: B's own objects, A's stay as they were (the digest below).
    for (var chosen : CLIENT_CHOSEN_IDS.entrySet()) {
      Resp r = api.call(HttpMethod.PUT, withAIds(chosen.getKey(), A_IDS), b.admin.token(), chosen.getValue());
      calls++;
      if (r.status() != 200 && r.status() != 201) {
        failures.add("PUT " + chosen.getKey() + " as B's admin (B's own object) -> " + r);
      }
    }
    assertThat(calls).as("calls made").isGreaterThan(20);
    assertThat(failures).as("answers other than 404").isEmpty();
    assertThat(digest(a.accountId)).as("A's rows after B's calls").isEqualTo(before);
    // B's list filtered by A's team or user shows nothing of A's.
    JsonArray byTeam = api.get("/api/v1/conversations?teamId=" + A_IDS.get("/api/v1/teams/{id}"), b.admin.token())
        .json().getJsonArray("items", new JsonArray());
    assertThat(byTeam).isEmpty();
  }

  private static int expect404(List<String> failures, String method, String path, String token, JsonObject body) {
    Resp r = api.call(HttpMethod.valueOf(method), path, token, body);
    if (r.status() != 404) {
      failures.add(method + " " + path + " " + body.encode() + " -> " + r);
    }
    return 1;
  }

  /** For bodies that name A's object beside B's own: refused (404 or 422), never done. */
  private static int notOk(List<String> failures, String method, String path, String token, JsonObject body) {
    Resp r = api.call(HttpMethod.valueOf(method), path, token, body);
    if (r.status() != 404 && r.status() != 422) {
      failures.add(method + " " + path + " " + body.encode() + " -> " + r);
    }
    return 1;
  }

  private static JsonObject operation(String method, String template) {
    return openApi.getJsonObject("paths").getJsonObject(template, new JsonObject())
        .getJsonObject(method.toLowerCase(), new JsonObject());
  }

  /** B's credentials the route takes, from its OpenAPI security (an undocumented route fails OpenApiTest). */
  private static List<String> credentials(String method, String template, Api.Person bAgent) {
    JsonObject op = operation(method, template);
    JsonArray security = op.getJsonArray("security");
    List<String> out = new ArrayList<>();
    if (security == null || security.isEmpty()) {
      out.add(null);
      return out;
    }
    for (Object s : security) {
      JsonObject scheme = (JsonObject) s;
      if (scheme.containsKey("userToken")) {
        out.add(b.admin.token());
        out.add(bAgent.token());
      }
      if (scheme.containsKey("channelKey")) {
        out.add(bChannelKey);
      }
    }
    return out;
  }

  /** A body the route would accept for an object of the caller's own, so only the id can refuse it. */
  private static Object body(String method, String template) {
    if (method.equals("GET") || method.equals("DELETE")) {
      return null;
    }
    String route = method + " " + template;
    return switch (route) {
      case "PATCH /api/v1/users/{id}", "PATCH /api/v1/teams/{id}" -> new JsonObject().put("name", "Taken over");
      case "POST /api/v1/outbound/{id}/ack" -> new JsonObject().put("leaseId", aLeaseId).put("status", "sent")
          .put("externalId", "stolen");
      case "POST /api/v1/conversations/{id}/messages" -> new JsonObject().put("text", "from B")
          .put("clientId", "b-" + UUID.randomUUID());
      case "PATCH /api/v1/conversations/{id}" -> new JsonObject().put("status", "resolved").put("priority", "urgent");
      case "POST /api/v1/conversations/{id}/merge" -> new JsonObject().put("otherId", bConversation);
      case "POST /api/v1/contacts/{id}/merge" -> new JsonObject().put("otherId", bContact);
      default -> new JsonObject();
    };
  }

  /** Every row of the account in every table that has an account id, as one hash. */
  static String digest(String accountId) {
    List<String> tables = server.rows("SELECT table_name FROM information_schema.columns WHERE column_name = 'account_id'"
        + " AND table_schema = 'public' ORDER BY table_name").stream().map(r -> r.getString(0)).toList();
    Set<String> parts = new TreeSet<>();
    for (String table : tables) {
      parts.add(table + ":" + server.rows("SELECT coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '')"
          + " FROM \"" + table + "\" t WHERE account_id = $1", accountId).get(0).getString(0));
    }
    return String.join("\n", parts);
  }
}
