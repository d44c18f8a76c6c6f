package io.switchboard.account;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Admins' people, teams and settings: invitations by mail, roles, deactivation, teams, validation")
class PeopleAdminTest {

  static GreenMail green;
  static TestServer server;
  static Api api;

  @BeforeAll
  static void start() {
    green = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    green.start();
    server = TestServer.start("people", Map.of("SWITCHBOARD_SMTP_RELAY",
        "smtp://127.0.0.1:" + green.getSmtp().getPort() + "?tls=none", "SWITCHBOARD_MAIL_FROM", "Support HQ <hq@switchboard.test>"));
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
    green.stop();
  }

  /** The invitation mail to this address, read back from the relay. */
  static MimeMessage mailTo(String address, int nth) {
    return until("the invitation mail to " + address, 20_000, () -> {
      int seen = 0;
      for (MimeMessage m : green.getReceivedMessages()) {
        try {
          if (GreenMailUtil.getAddressList(m.getAllRecipients()).contains(address) && ++seen == nth) {
            return m;
          }
        } catch (jakarta.mail.MessagingException e) {
          throw new IllegalStateException(e);
        }
      }
      return null;
    });
  }

  static String token(MimeMessage mail) {
    return token(mail, "invite");
  }

  static String token(MimeMessage mail, String page) {
    Matcher m = Pattern.compile("/" + page + "/([a-z2-7]{43})").matcher(GreenMailUtil.getBody(mail));
    assertThat(m.find()).as("the mail carries the link").isTrue();
    return m.group(1);
  }

  static JsonObject invite(Api.Tenant t, String email, String role, List<String> teamIds) {
    return Api.expect(api.post("/api/v1/invitations", t.admin.token(), new JsonObject().put("email", email)
        .put("role", role).put("teamIds", new JsonArray(teamIds))), 201).json();
  }

  @Test
  @DisplayName("an invitation goes out through the relay; the invitee sets name and password once and is signed in")
  void inviteByMail() throws Exception {
    var t = server.tenant("Invites");
    String team = t.team("Returns desk");
    JsonObject invited = invite(t, "New.Person@Invites.test", "agent", List.of(team));
    assertThat(invited.getBoolean("mailed")).isTrue();
    assertThat(invited.getString("acceptUrl")).as("the link is not shown when it was mailed").isNull();
    JsonObject user = invited.getJsonObject("user");
    assertThat(user.getString("status")).isEqualTo("invited");
    assertThat(user.getString("email")).isEqualTo("new.person@invites.test");

    MimeMessage mail = mailTo("new.person@invites.test", 1);
    assertThat(mail.getSubject()).contains("Invites");
    assertThat(mail.getFrom()[0].toString()).contains("hq@switchboard.test");
    String token = token(mail);
    assertThat(GreenMailUtil.getBody(mail)).contains(server.baseUrl() + "/invite/" + token);
    // only the hash is stored
    assertThat(server.count("SELECT count(*) FROM user_link WHERE token_hash = $1", token)).isZero();

    // Before accepting, no password works (not even an empty one).
    assertThat(api.login("new.person@invites.test", "anything-at-all").status()).isEqualTo(401);
    Resp page = api.get("/invite/" + token, null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body().toString()).contains("new.person@invites.test").contains("Join Invites");

    Resp tooShort = api.post("/api/v1/invitations/" + token + "/accept", null,
        new JsonObject().put("name", "Nina New").put("password", "short"));
    assertThat(tooShort.status()).isEqualTo(422);
    Resp accepted = Api.expect(api.post("/api/v1/invitations/" + token + "/accept", null,
        new JsonObject().put("name", "  Nina New ").put("password", "nina-pass-1")), 200);
    JsonObject me = accepted.json().getJsonObject("user");
    assertThat(me.getString("name")).isEqualTo("Nina New");
    assertThat(me.getString("role")).isEqualTo("agent");
    assertThat(me.getString("status")).isEqualTo("active");
    assertThat(me.getJsonArray("teamIds")).containsExactly(team);
    Api.expect(api.get("/api/v1/auth/me", accepted.json().getString("token")), 200);
    Api.expect(api.login("new.person@invites.test", "nina-pass-1"), 200);

    // Single use: the page and the answer say so with 410.
    assertThat(api.post("/api/v1/invitations/" + token + "/accept", null,
        new JsonObject().put("name", "Someone else").put("password", "other-pass-1")).status()).isEqualTo(410);
    Resp used = api.get("/invite/" + token, null);
    assertThat(used.status()).isEqualTo(410);
    assertThat(used.body().toString()).contains("has been used");
    assertThat(api.get("/invite/" + "a".repeat(43), null).status()).isEqualTo(404);
    // Nobody can re-invite a person who joined.
    assertThat(api.post("/api/v1/users/" + me.getString("id") + "/invitation", t.admin.token(), null).status())
        .isEqualTo(409);
  }

  @Test
  @DisplayName("a forgotten password: the link goes by mail (the answer is the same for an unknown address), "
      + "works once and signs the person out everywhere else")
  void passwordReset() {
    var t = server.tenant("Resets");
    var agent = t.user("agent", List.of());
    int before = green.getReceivedMessages().length;
    assertThat(api.post("/api/v1/auth/password-reset", null, new JsonObject().put("email", "nobody@resets.test"))
        .status()).isEqualTo(202);
    assertThat(green.getReceivedMessages()).hasSize(before);
    assertThat(api.post("/api/v1/auth/password-reset", null, new JsonObject().put("email", agent.email().toUpperCase()))
        .status()).isEqualTo(202);
    String token = token(mailTo(agent.email(), 1), "reset");
    assertThat(api.get("/reset/" + token, null).body().toString()).contains("Choose a new password");
    assertThat(api.get("/invite/" + token, null).status()).as("a reset link is no invitation").isEqualTo(404);

    JsonObject session = Api.expect(api.post("/api/v1/password-resets/" + token, null,
        new JsonObject().put("password", "brand-new-pass")), 200).json();
    assertThat(session.getJsonObject("user").getString("id")).isEqualTo(agent.id());
    assertThat(api.get("/api/v1/auth/me", agent.token()).status()).as("the old session ended").isEqualTo(401);
    assertThat(api.login(agent.email(), "staff-pass-1").status()).isEqualTo(401);
    Api.expect(api.login(agent.email(), "brand-new-pass"), 200);
    assertThat(api.post("/api/v1/password-resets/" + token, null, new JsonObject().put("password", "again-pass-1"))
        .status()).isEqualTo(410);
    assertThat(api.get("/reset/" + token, null).status()).isEqualTo(410);

    // An admin makes one for a colleague; the agent may not.
    JsonObject issued = Api.expect(api.post("/api/v1/users/" + agent.id() + "/password-reset", t.admin.token(), null),
        201).json();
    assertThat(issued.getBoolean("mailed")).isTrue();
    token(mailTo(agent.email(), 2), "reset");
    assertThat(api.post("/api/v1/users/" + agent.id() + "/password-reset", agent.token(), null).status())
        .isIn(401, 403);
  }

  @Test
  @DisplayName("a new link replaces the old one; an expired link is a clear 410; a withdrawn invitation cannot be used")
  void linksExpireAndAreReplaced() {
    var t = server.tenant("Relinks");
    JsonObject invited = invite(t, "late@relinks.test", "supervisor", List.of());
    String userId = invited.getJsonObject("user").getString("id");
    String first = token(mailTo("late@relinks.test", 1));
    Api.expect(api.post("/api/v1/users/" + userId + "/invitation", t.admin.token(), null), 201);
    String second = token(mailTo("late@relinks.test", 2));
    assertThat(second).isNotEqualTo(first);
    assertThat(api.get("/invite/" + first, null).status()).isEqualTo(410);

    server.rows("UPDATE user_link SET expires_at = now() - interval '1 minute' WHERE user_id = $1 AND used_at IS NULL",
        userId);
    Resp expired = api.get("/invite/" + second, null);
    assertThat(expired.status()).isEqualTo(410);
    assertThat(expired.body().toString()).contains("expired");
    assertThat(api.post("/api/v1/invitations/" + second + "/accept", null,
        new JsonObject().put("name", "Late").put("password", "late-pass-1")).status()).isEqualTo(410);

    // Withdrawn: the admin deactivates the invited person; a fresh link cannot be asked for or used.
    Api.expect(api.post("/api/v1/users/" + userId + "/invitation", t.admin.token(), null), 201);
    String third = token(mailTo("late@relinks.test", 3));
    Api.expect(api.patch("/api/v1/users/" + userId, t.admin.token(), new JsonObject().put("disabled", true)), 200);
    assertThat(api.get("/invite/" + third, null).status()).isEqualTo(410);
    assertThat(api.post("/api/v1/invitations/" + third + "/accept", null,
        new JsonObject().put("name", "Late").put("password", "late-pass-1")).status()).isEqualTo(410);
    assertThat(api.login("late@relinks.test", "late-pass-1").status()).isEqualTo(401);
  }

  @Test
  @DisplayName("the list shows name, email, role, teams, status and last seen; an invitation to a taken email is a 409")
  void listAndBadInvitations() {
    var t = server.tenant("Listing");
    String team = t.team("Night shift");
    var agent = t.user("agent", List.of(team), "Ada Agent");
    invite(t, "pending@listing.test", "agent", List.of());
    JsonArray items = Api.expect(api.get("/api/v1/users", t.admin.token()), 200).json().getJsonArray("items");
    JsonObject ada = find(items, agent.id());
    assertThat(ada.getString("name")).isEqualTo("Ada Agent");
    assertThat(ada.getString("email")).isEqualTo(agent.email());
    assertThat(ada.getString("role")).isEqualTo("agent");
    assertThat(ada.getJsonArray("teamIds")).containsExactly(team);
    assertThat(ada.getString("status")).isEqualTo("active");
    assertThat(ada.getString("lastSeenAt")).as("she signed in").isNotNull();
    JsonObject pending = items.stream().map(JsonObject.class::cast)
        .filter(u -> u.getString("email").equals("pending@listing.test")).findFirst().orElseThrow();
    assertThat(pending.getString("status")).isEqualTo("invited");
    assertThat(pending.getString("lastSeenAt")).isNull();

    assertThat(api.post("/api/v1/invitations", t.admin.token(), new JsonObject().put("email", agent.email())
        .put("role", "agent")).status()).isEqualTo(409);
    Resp bad = api.post("/api/v1/invitations", t.admin.token(), new JsonObject().put("email", "not-an-address")
        .put("role", "boss").put("teamIds", new JsonArray().add("team_nope")));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.json().getJsonArray("errors").encode()).contains("email").contains("role");
    Resp unknownTeam = api.post("/api/v1/invitations", t.admin.token(), new JsonObject()
        .put("email", "x@listing.test").put("role", "agent").put("teamIds", new JsonArray().add("team_nope")));
    assertThat(unknownTeam.status()).isEqualTo(422);
    assertThat(server.count("SELECT count(*) FROM app_user WHERE email = 'x@listing.test'")).isZero();
    assertThat(api.post("/api/v1/invitations", t.admin.token(), "{\"email\": ").status()).isEqualTo(400);
  }

  @Test
  @DisplayName("an admin changes a role and deactivates and reactivates a person: their tokens and stream stop at once")
  void roleAndDeactivation() {
    var t = server.tenant("Deactivate");
    var agent = t.user("agent", List.of());
    Resp promoted = Api.expect(api.patch("/api/v1/users/" + agent.id(), t.admin.token(),
        new JsonObject().put("role", "supervisor")), 200);
    assertThat(promoted.json().getString("role")).isEqualTo("supervisor");
    String fresh = Api.expect(api.login(agent.email(), "staff-pass-1"), 200).json().getString("token");
    String refresh = api.login(agent.email(), "staff-pass-1").json().getString("refreshToken");
    // (Open streams close with 4403 at the same moment: RevocationTest.disabledUserClosed.)
    Resp off = Api.expect(api.patch("/api/v1/users/" + agent.id(), t.admin.token(),
        new JsonObject().put("disabled", true)), 200);
    assertThat(off.json().getString("status")).isEqualTo("disabled");
    assertThat(api.get("/api/v1/conversations", fresh).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/stream/tickets", fresh, null).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", refresh)).status())
        .isEqualTo(401);
    assertThat(api.login(agent.email(), "staff-pass-1").status()).isEqualTo(401);

    Resp on = Api.expect(api.patch("/api/v1/users/" + agent.id(), t.admin.token(),
        new JsonObject().put("disabled", false)), 200);
    assertThat(on.json().getString("status")).isEqualTo("active");
    Api.expect(api.login(agent.email(), "staff-pass-1"), 200);
    assertThat(server.count("SELECT count(*) FROM admin_audit WHERE account_id = $1 AND target = $2 "
        + "AND action = 'user.updated'", t.accountId, agent.id())).isEqualTo(3);
  }

  @Test
  @DisplayName("the last active admin can be neither demoted nor deactivated; nobody deactivates themselves")
  void keepsAnAdmin() {
    var t = server.tenant("Last admin");
    Resp demote = api.patch("/api/v1/users/" + t.admin.id(), t.admin.token(), new JsonObject().put("role", "agent"));
    assertThat(demote.status()).isEqualTo(409);
    assertThat(demote.json().getString("detail")).contains("at least one active admin");
    assertThat(api.patch("/api/v1/users/" + t.admin.id(), t.admin.token(), new JsonObject().put("disabled", true))
        .status()).isEqualTo(422);
    var second = t.user("admin", List.of());
    // With a second admin, the first may step down.
    Api.expect(api.patch("/api/v1/users/" + t.admin.id(), second.token(), new JsonObject().put("role", "agent")), 200);
    Resp me = Api.expect(api.get("/api/v1/users", second.token()), 200);
    assertThat(find(me.json().getJsonArray("items"), t.admin.id()).getString("role")).isEqualTo("agent");
  }

  @Test
  @DisplayName("teams: create, rename, add and remove members, delete when nothing sends work to them")
  void teams() {
    var t = server.tenant("Teams");
    var agent = t.user("agent", List.of());
    String team = t.team("Billing");
    assertThat(api.post("/api/v1/teams", t.admin.token(), new JsonObject().put("name", "billing")).status())
        .as("names are unique whatever their case").isEqualTo(409);
    Resp renamed = Api.expect(api.patch("/api/v1/teams/" + team, t.admin.token(),
        new JsonObject().put("name", "Billing & refunds")), 200);
    assertThat(renamed.json().getString("name")).isEqualTo("Billing & refunds");

    Resp added = Api.expect(api.call(HttpMethod.PUT, "/api/v1/teams/" + team + "/members/" + agent.id(),
        t.admin.token(), null), 200);
    assertThat(added.json().getJsonArray("memberIds")).containsExactly(agent.id());
    Api.expect(api.call(HttpMethod.PUT, "/api/v1/teams/" + team + "/members/" + agent.id(), t.admin.token(), null), 200);
    assertThat(Api.expect(api.get("/api/v1/auth/me", agent.token()), 200).json().getJsonArray("teamIds"))
        .containsExactly(team);
    Resp removed = Api.expect(api.call(HttpMethod.DELETE, "/api/v1/teams/" + team + "/members/" + agent.id(),
        t.admin.token(), null), 200);
    assertThat(removed.json().getJsonArray("memberIds")).isEmpty();
    assertThat(api.call(HttpMethod.DELETE, "/api/v1/teams/" + team + "/members/" + agent.id(), t.admin.token(), null)
        .status()).isEqualTo(404);

    // A channel still routes to it: refused with what to move.
    var channel = t.channel("chat", team);
    Resp busy = api.call(HttpMethod.DELETE, "/api/v1/teams/" + team, t.admin.token(), null);
    assertThat(busy.status()).isEqualTo(409);
    assertThat(busy.json().getString("detail")).contains("1 channel");
    String unused = t.team("Temporary");
    Api.expect(api.call(HttpMethod.PUT, "/api/v1/teams/" + unused + "/members/" + agent.id(), t.admin.token(), null),
        200);
    assertThat(api.call(HttpMethod.DELETE, "/api/v1/teams/" + unused, t.admin.token(), null).status()).isEqualTo(204);
    JsonArray teams = Api.expect(api.get("/api/v1/teams", t.admin.token()), 200).json().getJsonArray("items");
    assertThat(teams.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly(team);
    assertThat(Api.expect(api.get("/api/v1/auth/me", agent.token()), 200).json().getJsonArray("teamIds")).isEmpty();
    assertThat(api.call(HttpMethod.DELETE, "/api/v1/teams/" + unused, t.admin.token(), null).status()).isEqualTo(404);
    assertThat(api.patch("/api/v1/teams/" + unused, t.admin.token(), new JsonObject().put("name", "Back")).status())
        .isEqualTo(404);
    // A deleted team's name is free again, and it cannot be given to a channel or a person.
    t.team("Temporary");
    assertThat(api.post("/api/v1/channels", t.admin.token(), new JsonObject().put("kind", "chat").put("name", "x")
        .put("teamId", unused)).status()).isEqualTo(422);
    assertThat(api.patch("/api/v1/users/" + agent.id(), t.admin.token(), new JsonObject()
        .put("teamIds", new JsonArray().add(unused))).status()).isEqualTo(422);
    assertThat(channel.id()).isNotBlank();
  }

  @Test
  @DisplayName("settings: admins change them with validation (problem+json, nothing changed on bad input)")
  void settings() {
    var t = server.tenant("Settings");
    Resp bad = api.patch("/api/v1/account", t.admin.token(), new JsonObject().put("timezone", "Mars/Olympus")
        .put("defaultRegion", "XX").put("reopenWindowDays", 999).put("name", " "));
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.header("Content-Type")).startsWith("application/problem+json");
    assertThat(bad.json().getJsonArray("errors").encode()).contains("timezone", "defaultRegion", "reopenWindowDays",
        "name");
    JsonObject many = new JsonObject();
    for (int i = 0; i < 21; i++) {
      many.put("switch" + i, true);
    }
    assertThat(api.patch("/api/v1/account", t.admin.token(), new JsonObject().put("notifications", many)).status())
        .isEqualTo(422);
    JsonObject before = Api.expect(api.get("/api/v1/account", t.admin.token()), 200).json();
    assertThat(before.getString("timezone")).isEqualTo("Europe/Warsaw");

    JsonObject after = Api.expect(api.patch("/api/v1/account", t.admin.token(), new JsonObject()
        .put("timezone", "America/New_York").put("defaultRegion", "us").put("reopenWindowDays", 3)
        .put("notifications", new JsonObject().put("slaBreach", true))), 200).json();
    assertThat(after.getString("timezone")).isEqualTo("America/New_York");
    assertThat(after.getString("defaultRegion")).isEqualTo("US");
    assertThat(after.getInteger("reopenWindowDays")).isEqualTo(3);
    assertThat(after.getJsonObject("notifications").getBoolean("slaBreach")).isTrue();
    assertThat(server.count("SELECT count(*) FROM admin_audit WHERE account_id = $1 AND action = 'account.updated'",
        t.accountId)).isEqualTo(1);
  }

  @Test
  @DisplayName("agents and supervisors get 403 on every admin route; another account's admin gets 404")
  void rolesAndIsolation() {
    var a = server.tenant("Alpha people");
    var b = server.tenant("Beta people");
    String aTeam = a.team("Alpha team");
    var aAgent = a.user("agent", List.of(aTeam));
    String aInvited = invite(a, "pending@alpha-people.test", "agent", List.of()).getJsonObject("user").getString("id");
    var bAgent = b.user("agent", List.of());
    String bTeam = b.team("Beta team");
    for (var person : List.of(a.user("agent", List.of()), a.user("supervisor", List.of()))) {
      String tk = person.token();
      assertThat(List.of(
          api.post("/api/v1/invitations", tk, new JsonObject().put("email", "z@z.test").put("role", "agent")).status(),
          api.post("/api/v1/users/" + aInvited + "/invitation", tk, null).status(),
          api.patch("/api/v1/users/" + aAgent.id(), tk, new JsonObject().put("role", "admin")).status(),
          api.post("/api/v1/teams", tk, new JsonObject().put("name", "Mine")).status(),
          api.patch("/api/v1/teams/" + aTeam, tk, new JsonObject().put("name", "Mine")).status(),
          api.call(HttpMethod.DELETE, "/api/v1/teams/" + aTeam, tk, null).status(),
          api.call(HttpMethod.PUT, "/api/v1/teams/" + aTeam + "/members/" + person.id(), tk, null).status(),
          api.call(HttpMethod.DELETE, "/api/v1/teams/" + aTeam + "/members/" + aAgent.id(), tk, null).status(),
          api.patch("/api/v1/account", tk, new JsonObject().put("name", "Mine")).status()))
          .as(person.role()).containsOnly(403);
    }
    String bt = b.admin.token();
    assertThat(List.of(
        api.patch("/api/v1/users/" + aAgent.id(), bt, new JsonObject().put("disabled", true)).status(),
        api.post("/api/v1/users/" + aInvited + "/invitation", bt, null).status(),
        api.patch("/api/v1/teams/" + aTeam, bt, new JsonObject().put("name", "Taken")).status(),
        api.call(HttpMethod.DELETE, "/api/v1/teams/" + aTeam, bt, null).status(),
        api.call(HttpMethod.PUT, "/api/v1/teams/" + aTeam + "/members/" + bAgent.id(), bt, null).status(),
        api.call(HttpMethod.PUT, "/api/v1/teams/" + bTeam + "/members/" + aAgent.id(), bt, null).status(),
        api.call(HttpMethod.DELETE, "/api/v1/teams/" + aTeam + "/members/" + aAgent.id(), bt, null).status()))
        .containsOnly(404);
    JsonArray aTeams = Api.expect(api.get("/api/v1/teams", a.admin.token()), 200).json().getJsonArray("items");
    assertThat(aTeams.getJsonObject(0).getString("name")).isEqualTo("Alpha team");
    assertThat(aTeams.getJsonObject(0).getJsonArray("memberIds")).containsExactly(aAgent.id());
    Api.expect(api.get("/api/v1/auth/me", aAgent.token()), 200);
    assertThat(Api.expect(api.get("/api/v1/users", bt), 200).json().encode()).doesNotContain(aAgent.id());
  }

  static JsonObject find(JsonArray items, String id) {
    return items.stream().map(JsonObject.class::cast).filter(u -> u.getString("id").equals(id)).findFirst()
        .orElseThrow();
  }
}
