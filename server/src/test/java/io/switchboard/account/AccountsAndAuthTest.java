package io.switchboard.account;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Accounts, people and credentials")
class AccountsAndAuthTest {

  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = TestServer.start("accounts");
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("the operator creates an account only with the platform key")
  void operatorCreatesAccounts() {
    JsonObject body = new JsonObject().put("name", "Shop").put("timezone", "Europe/Warsaw").put("defaultRegion", "PL")
        .put("admin", new JsonObject().put("email", "boss@shop.test").put("name", "Boss").put("password", "long-enough"));
    assertThat(api.post("/api/v1/accounts", null, body).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/accounts", "wrong", body).status()).isEqualTo(401);
    Resp created = api.post("/api/v1/accounts", server.platformKey, body);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().getString("adminId")).isNotBlank();
    // emails are unique across the installation
    assertThat(api.post("/api/v1/accounts", server.platformKey, body).status()).isEqualTo(409);
    Resp login = api.login("BOSS@shop.test", "long-enough");
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json().getJsonObject("user").getString("role")).isEqualTo("admin");
    assertThat(login.json().getString("refreshToken")).isNotBlank();
  }

  @Test
  @DisplayName("a wrong password, a tampered token and a foreign algorithm are refused")
  void badCredentials() {
    var t = server.tenant("Creds");
    assertThat(api.login(t.admin.email(), "nope-nope").status()).isEqualTo(401);
    String token = t.admin.token();
    String[] parts = token.split("\\.");
    // The signature's first character carries six bits of it (the last one only four, and "xx"
    // could decode to the same bytes): change that one.
    char first = parts[2].charAt(0);
    String tampered = parts[0] + "." + parts[1] + "." + (first == 'A' ? 'B' : 'A') + parts[2].substring(1);
    assertThat(api.get("/api/v1/account", tampered).status()).isEqualTo(401);
    // alg "none" with the same claims
    String none = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes())
        + "." + parts[1] + ".";
    assertThat(api.get("/api/v1/account", none).status()).isEqualTo(401);
    Resp noAuth = api.get("/api/v1/account", null);
    assertThat(noAuth.status()).isEqualTo(401);
    assertThat(noAuth.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  @DisplayName("a password change invalidates earlier access and refresh tokens")
  void passwordChangeRevokes() {
    var t = server.tenant("Pw");
    var agent = t.user("agent", List.of());
    Resp login = api.login(agent.email(), "staff-pass-1");
    String oldRefresh = login.json().getString("refreshToken");
    Resp changed = api.post("/api/v1/auth/password", agent.token(),
        new JsonObject().put("current", "staff-pass-1").put("new", "new-pass-123"));
    assertThat(changed.status()).isEqualTo(200);
    assertThat(api.get("/api/v1/account", agent.token()).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", oldRefresh)).status())
        .isEqualTo(401);
    assertThat(api.get("/api/v1/account", changed.json().getString("token")).status()).isEqualTo(200);
    assertThat(api.login(agent.email(), "new-pass-123").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a refresh token works once; disabling a user cuts their tokens")
  void refreshAndDisable() {
    var t = server.tenant("Ref");
    var agent = t.user("agent", List.of());
    Resp login = api.login(agent.email(), "staff-pass-1");
    String refresh = login.json().getString("refreshToken");
    Resp refreshed = api.post("/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", refresh));
    assertThat(refreshed.status()).isEqualTo(200);
    assertThat(api.post("/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", refresh)).status())
        .isEqualTo(401);
    String token = refreshed.json().getString("token");
    assertThat(api.get("/api/v1/account", token).status()).isEqualTo(200);
    assertThat(api.patch("/api/v1/users/" + agent.id(), t.admin.token(), new JsonObject().put("disabled", true)).status())
        .isEqualTo(200);
    assertThat(api.get("/api/v1/account", token).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/auth/refresh", null,
        new JsonObject().put("refreshToken", refreshed.json().getString("refreshToken"))).status()).isEqualTo(401);
    assertThat(api.login(agent.email(), "staff-pass-1").status()).isEqualTo(401);
  }

  @Test
  @DisplayName("admins manage users, teams, settings and channels; agents get 403")
  void rolesAndChannels() {
    var t = server.tenant("Roles");
    String team = t.team("Returns");
    var agent = t.user("agent", List.of(team));
    assertThat(api.post("/api/v1/teams", agent.token(), new JsonObject().put("name", "X")).status()).isEqualTo(403);
    assertThat(api.patch("/api/v1/account", agent.token(), new JsonObject().put("name", "X")).status()).isEqualTo(403);
    assertThat(api.post("/api/v1/channels", agent.token(), new JsonObject().put("kind", "email").put("name", "x"))
        .status()).isEqualTo(403);
    Resp patched = api.patch("/api/v1/account", t.admin.token(), new JsonObject().put("reopenWindowDays", 3)
        .put("defaultRegion", "de"));
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().getString("defaultRegion")).isEqualTo("DE");
    assertThat(patched.json().getInteger("reopenWindowDays")).isEqualTo(3);
    Resp teams = api.get("/api/v1/teams", agent.token());
    assertThat(teams.json().getJsonArray("items").getJsonObject(0).getJsonArray("memberIds"))
        .isEqualTo(new JsonArray().add(agent.id()));
    // a channel key, rotation: old and new both work until the old one is revoked
    var ch = t.channel("chat", team);
    assertThat(ch.secret()).isNotBlank();
    Resp rotated = api.post("/api/v1/channels/" + ch.id() + "/keys", t.admin.token(), new JsonObject());
    assertThat(rotated.status()).isEqualTo(201);
    String newKey = rotated.json().getString("apiKey");
    assertThat(api.get("/api/v1/outbound?wait=0", ch.key()).status()).isNotEqualTo(401);
    assertThat(api.get("/api/v1/outbound?wait=0", newKey).status()).isNotEqualTo(401);
    Resp list = api.get("/api/v1/channels", t.admin.token());
    // settings come back as the object they are; secrets are write-only (the contract): admins see
    // that one is set, masked, and agents do not see it at all
    assertThat(list.json().getJsonArray("items").getJsonObject(0).getJsonObject("settings").getString("secret"))
        .isEqualTo("********");
    assertThat(api.get("/api/v1/channels", agent.token()).json().getJsonArray("items").getJsonObject(0)
        .getJsonObject("settings").containsKey("secret")).isFalse();
    String oldKeyId = list.json().getJsonArray("items").getJsonObject(0).getJsonArray("keys").getJsonObject(0)
        .getString("keyId");
    assertThat(api.call(io.vertx.core.http.HttpMethod.DELETE, "/api/v1/channels/" + ch.id() + "/keys/" + oldKeyId,
        t.admin.token(), null).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/outbound?wait=0", ch.key()).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/outbound?wait=0", newKey).status()).isNotEqualTo(401);
    // another account's channel is a 404
    var other = server.tenant("Other");
    assertThat(api.post("/api/v1/channels/" + ch.id() + "/keys", other.admin.token(), new JsonObject()).status())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("bad account input gets problem+json with field errors")
  void badInput() {
    var t = server.tenant("Bad");
    Resp r = api.post("/api/v1/users", t.admin.token(), new JsonObject().put("email", "not-an-email").put("name", "x")
        .put("password", "short").put("role", "king"));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
        .contains("email", "password", "role");
    assertThat(api.post("/api/v1/teams", t.admin.token(), "{not json").status()).isEqualTo(400);
    assertThat(api.post("/api/v1/teams", t.admin.token(), new JsonObject().put("name", 42)).status()).isEqualTo(422);
  }
}
