package io.switchboard.console;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Person;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.Browser;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin's channels page in real headless Chromium. */
@DisplayName("Admin: the channels page in a real browser")
class AdminChannelsE2ETest {

  static TestServer server;
  static Browser browser;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(Browser.available(), "Chromium is not installed");
    server = TestServer.start("adminchannels");
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
  @DisplayName("an admin creates an email channel: the key is shown once and works, the password is never shown back")
  void adminCreatesEmailChannel() {
    Tenant t = server.tenant("Pages");
    try (BrowserContext context = browser.browser.newContext()) {
      Page page = signIn(context, t.admin.email(), "secret-pass-1");
      page.click("#admin-link");
      page.click("#admin-people .admin-nav a[href='#/admin/channels']");
      assertThat(page.locator("#admin-channels")).isVisible();
      page.selectOption("#channel-kind", "email");
      page.fill("#channel-name", "Support mailbox");
      page.fill("#cf-address", "help@pages.example");
      page.fill("#cf-fromName", "Pages support");
      page.fill("#cf-relay-host", "smtp.pages.example");
      page.fill("#cf-relay-port", "587");
      page.fill("#cf-relay-password", "relay-pass-9");
      page.fill("#cf-trustedAuthServIds", "mx.google.com, mx.pages.example");
      page.click("#channel-create");

      assertThat(page.locator("#channel-once")).isVisible();
      String key = page.locator("#channel-once code").first().textContent();
      assertThat(key).startsWith("sbk_");
      assertThat(page.locator("#channel-once")).containsText("help@pages.example");
      assertThat(page.locator("#admin-channel-list")).containsText("Support mailbox");

      // The key shown is the channel's: its adapter reads the settings the form sent.
      JsonObject channel = Api.expect(server.api.get("/api/v1/adapter/channel", key), 200).json();
      JsonObject settings = channel.getJsonObject("settings");
      assertThat(channel.getString("kind")).isEqualTo("email");
      assertThat(settings.getString("address")).isEqualTo("help@pages.example");
      assertThat(settings.getJsonObject("relay").getInteger("port")).isEqualTo(587);
      assertThat(settings.getJsonObject("relay").getString("password")).isEqualTo("relay-pass-9");
      assertThat(settings.getJsonArray("trustedAuthServIds")).isEqualTo(new JsonArray(List.of("mx.google.com", "mx.pages.example")));

      // After a reload the page lists it, and neither the key nor the password is anywhere on it.
      page.reload();
      page.navigate(server.baseUrl() + "/#/admin/channels");
      assertThat(page.locator("#admin-channel-list")).containsText("help@pages.example");
      String html = page.content();
      assertThat(html).doesNotContain(key).doesNotContain("relay-pass-9");

      // A new key is shown once, and the list then has two.
      page.locator("#admin-channel-list .admin-channel").first().locator("button", new com.microsoft.playwright.Locator.LocatorOptions().setHasText("New key")).click();
      assertThat(page.locator("#channel-once")).containsText("sbk_");
      assertThat(page.locator("#admin-channel-list .key-list li")).hasCount(2);
      // For a look at the page: in the build's own folder, so no tracked file changes.
      page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
          .setPath(java.nio.file.Path.of("target/screenshots/admin-channels.png")));
    }
  }

  @Test
  @DisplayName("an admin edits a chat channel: the form comes prefilled, a bad origin is shown beside its field, the saved one reaches the adapter with the secret kept")
  void adminEditsChatChannel() {
    Tenant t = server.tenant("Edits");
    Api.Channel chat = t.channel("chat", null, new JsonObject()
        .put("allowedOrigins", new JsonArray(List.of("https://old-shop.example"))).put("title", "Old title"));
    try (BrowserContext context = browser.browser.newContext()) {
      Page page = signIn(context, t.admin.email(), "secret-pass-1");
      page.navigate(server.baseUrl() + "/#/admin/channels");
      var row = page.locator("#admin-channel-list .admin-channel[data-id='" + chat.id() + "']");
      row.locator("button.channel-edit").click();
      assertThat(page.locator("#channel-name")).hasValue("chat channel");
      assertThat(page.locator("#cf-allowedOrigins")).hasValue("https://old-shop.example");
      assertThat(page.locator("#cf-title")).hasValue("Old title");
      assertThat(page.locator("#channel-kind")).isDisabled();

      page.fill("#cf-allowedOrigins", "ftp://files.example");
      page.click("#channel-create");
      assertThat(page.locator("#cf-allowedOrigins-error")).isVisible();
      assertThat(page.locator("#cf-allowedOrigins-error")).containsText("origins such as https://shop.example");

      page.fill("#channel-name", "Shop chat");
      page.fill("#cf-allowedOrigins", "https://new-shop.example");
      page.fill("#cf-title", "Ask us");
      page.click("#channel-create");
      assertThat(row.locator("strong")).hasText("Shop chat");
      assertThat(page.locator("#channel-kind")).isEnabled();

      JsonObject settings = Api.expect(server.api.get("/api/v1/adapter/channel", chat.key()), 200).json()
          .getJsonObject("settings");
      assertThat(settings.getJsonArray("allowedOrigins")).isEqualTo(new JsonArray(List.of("https://new-shop.example")));
      assertThat(settings.getString("title")).isEqualTo("Ask us");
      assertThat(settings.getString("secret")).isEqualTo(chat.secret());
      assertThat(page.content()).doesNotContain(chat.secret());
    }
  }

  @Test
  @DisplayName("an agent has no channels page")
  void agentHasNoAdminPage() {
    Tenant t = server.tenant("Agents");
    Person agent = t.user("agent", List.of());
    try (BrowserContext context = browser.browser.newContext()) {
      Page page = signIn(context, agent.email(), "staff-pass-1");
      assertThat(page.locator("#admin-link")).isHidden();
      page.navigate(server.baseUrl() + "/#/admin/channels");
      assertThat(page.locator("#app")).isVisible();
      assertThat(page.locator("#admin-channels")).isHidden();
    }
  }
}
