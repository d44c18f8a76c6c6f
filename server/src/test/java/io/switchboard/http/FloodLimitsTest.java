package io.switchboard.http;

import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Rate limits: each channel's ingest and the routes that need no credential answer 429 with Retry-After")
class FloodLimitsTest {

  static TestServer server;
  static Tenant flood;
  static Tenant calm;
  static JsonObject openApi;

  @BeforeAll
  static void start() {
    server = TestServer.start("floodlimits", Map.of("SWITCHBOARD_CHANNEL_RATE", "5", "SWITCHBOARD_PUBLIC_RATE", "2"));
    // Made first: creating an account is a public route, whose bucket one test empties.
    flood = server.tenant("Flood");
    calm = server.tenant("Calm");
    openApi = server.api.get("/api/v1/openapi.json", null).json();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject mail(String text) {
    return new JsonObject().put("externalId", UUID.randomUUID().toString())
        .put("from", new JsonObject().put("email", "flood@example.com")).put("text", text);
  }

  @Test
  @DisplayName("a channel over its rate gets 429 + Retry-After, every 2xx is stored, and another channel is not slowed")
  void channelIngestLimited() {
    Tenant t = flood;
    Channel noisy = t.channel("email", null);
    Channel quiet = t.channel("chat", null);
    List<Resp> answers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      answers.add(t.inbound(noisy, mail("flood " + i)));
    }
    long accepted = answers.stream().filter(r -> r.status() / 100 == 2).count();
    List<Resp> refused = answers.stream().filter(r -> r.status() == 429).toList();
    assertThat(accepted + refused.size()).as("every answer is a 2xx or a 429").isEqualTo(30);
    assertThat(refused).as("refused past the burst").isNotEmpty();
    assertThat(accepted).as("the burst got through").isGreaterThanOrEqualTo(5);
    assertThat(refused.get(0).header("Retry-After")).isNotNull();
    assertThat(Integer.parseInt(refused.get(0).header("Retry-After"))).isPositive();
    assertThat(refused.get(0).header("Content-Type")).startsWith("application/problem+json");
    assertThat(server.count("SELECT count(*) FROM message"
        + " WHERE account_id = $1 AND text LIKE 'flood %'", t.accountId))
        .as("stored messages").isEqualTo(accepted);
    // The limit is the channel's: the other channel of the same account is answered at once.
    assertThat(t.inbound(quiet, mail("calm")).status()).isEqualTo(202);
  }

  /**
   * Generated from the route table: every served route the OpenAPI document marks as needing no
   * credential (or only the operator's key) must be limited, so a new public page fails here until
   * it mounts {@code floods::publicRoute}. Sign-in and refresh have their own limits (LoginThrottleTest);
   * the stream's upgrade is guarded by its connection cap, ticket and frame budget.
   */
  @Test
  @DisplayName("every route that needs no credential, from the route table, answers 429 + Retry-After when flooded from one address")
  void everyPublicRouteLimited() {
    JsonObject paths = openApi.getJsonObject("paths");
    java.util.Set<String> exempt = java.util.Set.of("POST /api/v1/auth/login", "POST /api/v1/auth/refresh",
        "GET /api/v1/stream");
    List<String> unlimited = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    for (String route : io.switchboard.support.RouteTable.served(server.app.services().openApi.rootRouter())) {
      String method = route.substring(0, route.indexOf(' '));
      String path = route.substring(route.indexOf(' ') + 1);
      JsonObject op = paths.getJsonObject(path, new JsonObject()).getJsonObject(method.toLowerCase());
      if (op == null || exempt.contains(route)) {
        continue;
      }
      var security = op.getJsonArray("security");
      boolean open = security == null || security.isEmpty() || security.encode().contains("platformKey");
      if (!open) {
        continue;
      }
      checked.add(route);
      String uri = path.replaceAll("\\{[^}]+}", "unknown-token");
      boolean limited = false;
      for (int i = 0; i < 60 && !limited; i++) {
        Resp r = server.api.call(io.vertx.core.http.HttpMethod.valueOf(method), uri, null,
            method.equals("GET") ? null : new JsonObject());
        limited = r.status() == 429 && r.header("Retry-After") != null;
      }
      if (!limited) {
        unlimited.add(route);
      }
    }
    assertThat(checked).as("public routes found").contains("GET /health/live", "POST /api/v1/accounts");
    assertThat(unlimited).as("public routes without a limit").isEmpty();
  }

  @Test
  @DisplayName("a route that needs no credential, called too often from one address, gets 429 + Retry-After")
  void publicRoutesLimited() {
    List<Integer> statuses = new ArrayList<>();
    Resp refused = null;
    for (int i = 0; i < 60 && refused == null; i++) {
      Resp r = server.api.get("/api/v1/openapi.json", null);
      statuses.add(r.status());
      if (r.status() == 429) {
        refused = r;
      }
    }
    assertThat(refused).as("429 within 60 calls (burst 20): " + statuses).isNotNull();
    assertThat(statuses).containsOnly(200, 429);
    assertThat(refused.header("Retry-After")).isNotNull();
    // Signed-in routes are not limited by the public bucket.
    assertThat(server.api.get("/api/v1/account", calm.admin.token()).status()).isEqualTo(200);
  }
}
