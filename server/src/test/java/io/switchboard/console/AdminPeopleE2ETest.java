package io.switchboard.console;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.Browser;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin's people, teams and settings pages in real headless Chromium; the invitee in a second browser. */
@DisplayName("Admin: people, teams and settings pages in a real browser")
class AdminPeopleE2ETest {

  static TestServer server;
  static Browser browser;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(Browser.available(), "Chromium is not installed");
    // No SWITCHBOARD_SMTP_RELAY: the page shows the invitation link to pass on.
    server = TestServer.start("adminpeople");
    browser = new Browser();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Page signIn(BrowserContext context, String email, String password) {
    Page page = context.newPage();
    page.navigate(server.baseUrl() + "/");
    page.fill("#login-email", email);
    page.fill("#login-password", password);
    page.click("#login-submit");
    assertThat(page.locator("#app")).isVisible();
    return page;
  }

  @Test
  @DisplayName("an admin creates a team and invites a person; the invitee opens the link elsewhere, sets a password "
      + "and lands in the inbox as an agent of that team")
  void inviteToInbox() {
    Tenant t = server.tenant("Browser people");
    try (BrowserContext adminContext = browser.browser.newContext();
        BrowserContext inviteeContext = browser.browser.newContext()) {
      Page admin = signIn(adminContext, t.admin.email(), "secret-pass-1");
      admin.click("#admin-link");
      assertThat(admin.locator("#admin-people")).isVisible();

      // A team first, from the teams page.
      admin.click("#admin-people .admin-nav a[href='#/admin/teams']");
      assertThat(admin.locator("#admin-teams")).isVisible();
      admin.click("#team-create");
      assertThat(admin.locator("#team-error")).hasText("Give the team a name.");
      admin.fill("#team-name", "Night shift");
      admin.click("#team-create");
      assertThat(admin.locator("#admin-team-list .admin-team")).hasCount(1);
      assertThat(admin.locator("#admin-team-list")).containsText("No members yet.");

      // The invitation: a bad address is refused in words, then the link is shown to copy.
      admin.click("#admin-teams .admin-nav a[href='#/admin/people']");
      admin.fill("#invite-email", "not an address");
      admin.click("#invite-submit");
      assertThat(admin.locator("#invite-error")).isVisible();
      admin.fill("#invite-email", "night.owl@browser.test");
      admin.selectOption("#invite-role", "agent");
      admin.getByRole(AriaRole.CHECKBOX, new Page.GetByRoleOptions().setName("Night shift")).check();
      admin.click("#invite-submit");
      assertThat(admin.locator("#invite-result")).containsText("pass this link to night.owl@browser.test");
      String link = admin.locator("#invite-link").inputValue();
      assertThat(link).startsWith(server.baseUrl() + "/invite/");
      assertThat(admin.locator("#people-rows tr[data-email='night.owl@browser.test']")).containsText("Invited");

      // The invitee, in another browser: name and password, then straight into the inbox.
      Page invitee = inviteeContext.newPage();
      invitee.navigate(link);
      assertThat(invitee.locator("h1")).containsText("Join Browser people");
      invitee.fill("#join-name", "Night Owl");
      invitee.fill("#join-password", "owl-pass-12");
      invitee.fill("#join-confirm", "owl-pass-1x");
      invitee.click("button[type=submit]");
      assertThat(invitee.locator("#status")).hasText("The two passwords differ.");
      invitee.fill("#join-confirm", "owl-pass-12");
      invitee.click("button[type=submit]");
      assertThat(invitee.locator("#app")).isVisible();
      assertThat(invitee.locator("#me-name")).hasText("Night Owl");
      // the inbox has loaded (nothing in it yet for a new agent)
      assertThat(invitee.locator("#inbox-empty")).isVisible();
      assertThat(invitee.locator("#view-tabs")).isVisible();
      assertThat(invitee.locator("#admin-link")).isHidden();
      JsonObject me = Api.expect(server.api.login("night.owl@browser.test", "owl-pass-12"), 200).json()
          .getJsonObject("user");
      assertThat(me.getString("role")).isEqualTo("agent");
      assertThat(me.getJsonArray("teamIds")).hasSize(1);

      // The link worked once.
      Page again = inviteeContext.newPage();
      again.navigate(link);
      assertThat(again.locator("h1")).hasText("This invitation has been used");

      // The admin sees the person active and a member of the team.
      admin.reload();
      assertThat(admin.locator("#people-rows tr[data-email='night.owl@browser.test']")).containsText("Active");
      assertThat(admin.locator("#people-rows tr[data-email='night.owl@browser.test']")).containsText("Night shift");
      admin.navigate(server.baseUrl() + "/#/admin/teams");
      assertThat(admin.locator("#admin-team-list .member-list")).containsText("Night Owl");
    }
  }

  @Test
  @DisplayName("the settings page saves valid settings and shows the server's message beside a bad field")
  void settingsValidation() {
    Tenant t = server.tenant("Browser settings");
    try (BrowserContext context = browser.browser.newContext()) {
      Page page = signIn(context, t.admin.email(), "secret-pass-1");
      page.navigate(server.baseUrl() + "/#/admin/settings");
      assertThat(page.locator("#set-timezone")).hasValue("Europe/Warsaw");
      page.fill("#set-timezone", "Mars/Olympus");
      page.click("#settings-save");
      assertThat(page.locator("#set-timezone-error")).containsText("not a known time zone");
      assertThat(page.locator("#set-timezone")).hasAttribute("aria-invalid", "true");
      page.fill("#set-timezone", "Europe/Lisbon");
      page.fill("#set-reopenWindowDays", "3");
      page.click("#settings-save");
      assertThat(page.locator("#toasts")).containsText("Settings saved.");
      assertThat(page.locator("#set-timezone-error")).isHidden();
      JsonObject account = Api.expect(server.api.get("/api/v1/account", t.admin.token()), 200).json();
      org.assertj.core.api.Assertions.assertThat(account.getString("timezone")).isEqualTo("Europe/Lisbon");
      org.assertj.core.api.Assertions.assertThat(account.getInteger("reopenWindowDays")).isEqualTo(3);
      assertThat(page.locator("#settings-hours")).containsText("No business hours");
    }
  }
}
