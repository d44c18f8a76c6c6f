package io.switchboard.sla;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.switchboard.http.Ids;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Person;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.Browser;
import io.switchboard.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.switchboard.support.Api.expect;

/** The supervisors' dashboard in a real browser: a breach and a new at-risk conversation show live. */
@DisplayName("The supervisors' dashboard in a real browser")
class DashboardE2ETest {

  static TestServer server;
  static Api api;
  static Browser browser;
  static Tenant tenant;
  static Channel email;
  static Person supervisor;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(Browser.available(), "no Chromium on this machine");
    server = TestServer.start("dashboard");
    api = server.api;
    tenant = server.tenant("Dash Shop");
    supervisor = tenant.user("supervisor", List.of(), "Sylwia Supervisor");
    email = tenant.channel("email", null);
    expect(api.call(HttpMethod.PUT, "/api/v1/sla-policies/all", tenant.admin.token(), new JsonObject()
        .put("name", "All").put("position", 1).put("firstResponseMinutes", 60).put("resolutionMinutes", 600)), 200);
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

  static String customerWrites(String subject) {
    JsonObject msg = new JsonObject().put("externalId", Ids.random(12))
        .put("from", new JsonObject().put("email", "c-" + Ids.random(6) + "@customer.test"))
        .put("subject", subject).put("text", "Hello");
    return expect(tenant.inbound(email, msg), 202).json().getString("conversationId");
  }

  @Test
  @DisplayName("a breach raises the breach tile and a new conversation joins the at-risk list, live")
  void liveDashboard() {
    SlaClock clock = server.app.services().sla.clock;
    clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    String first = customerWrites("Where is my parcel");

    BrowserContext context = browser.browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
        .setViewportSize(1440, 900));
    Page page = context.newPage();
    page.onPageError(e -> System.out.println("[browser error] " + e));
    page.navigate(server.baseUrl() + "/");
    page.fill("#login-email", supervisor.email());
    page.fill("#login-password", "staff-pass-1");
    page.click("#login-submit");
    page.locator("#dashboard-link").click();
    Locator risk = page.locator("#dash-risk li[data-id='" + first + "']");
    risk.waitFor(new Locator.WaitForOptions().setTimeout(10_000));
    Locator breaches = page.locator("[data-tile='tile-breaches'] .tile-value");
    assertThat(breaches).hasText("0");
    assertThat(page.locator("#dash-chart-volume canvas")).hasCount(1);
    // Today's charts, per channel and hour: the email conversation is a series of its own.
    assertThat(page.locator("#dash-chart-volume .u-legend")).containsText("Email");
    assertThat(page.locator("#dash-chart-attainment canvas")).hasCount(1);

    // An hour passes on the server: the first response is breached, and the tile follows.
    clock.advance(Duration.ofMinutes(61));
    assertThat(breaches).hasText("1", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions()
        .setTimeout(10_000));

    String second = customerWrites("Broken lid");
    page.locator("#dash-risk li[data-id='" + second + "']").waitFor(new Locator.WaitForOptions().setTimeout(10_000));
    // Sorted by time to breach: the overdue one first.
    List<String> order = page.locator("#dash-risk li").evaluateAll("els => els.map(e => e.dataset.id)")
        instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    org.assertj.core.api.Assertions.assertThat(order.indexOf(first)).isLessThan(order.indexOf(second));
    context.close();
  }
}
