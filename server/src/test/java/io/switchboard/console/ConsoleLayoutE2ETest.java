package io.switchboard.console;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import io.switchboard.http.Ids;
import io.switchboard.support.Browser;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.switchboard.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** The console at every screen size, its focus rings, each role's first page and search for people. */
@DisplayName("The console from phones to wide screens, for every role")
class ConsoleLayoutE2ETest {

  static TestServer server;
  static Browser browser;
  static ConsoleDemo demo;
  final List<BrowserContext> contexts = new ArrayList<>();

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(Browser.available(), "Chromium is not installed");
    server = TestServer.start("consolelayout");
    demo = new ConsoleDemo(server);
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

  @AfterEach
  void closeContexts() {
    contexts.forEach(BrowserContext::close);
    contexts.clear();
  }

  Page agentAt(int width, int height) {
    return ConsoleDemo.signIn(browser, server, contexts, demo.agent, width, height);
  }

  static Locator row(Page page, String conversationId) {
    return page.locator(".conv-row[data-id=\"" + conversationId + "\"]");
  }

  /** What a user sees as sideways scrolling: the document wider than the window. */
  static void noSidewaysScroll(Page page) {
    Object[] sizes = ((List<?>) page.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]")).toArray();
    assertThat(((Number) sizes[0]).intValue()).as("page width against window width")
        .isLessThanOrEqualTo(((Number) sizes[1]).intValue());
  }

  /** The element is visible and lies wholly inside the window. */
  static void insideWindow(Page page, Locator el) {
    assertThat(el).isVisible();
    BoundingBox box = el.boundingBox();
    int w = page.viewportSize().width;
    int h = page.viewportSize().height;
    assertThat(box.x).as("left of " + el).isGreaterThanOrEqualTo(0);
    assertThat(box.y).as("top of " + el).isGreaterThanOrEqualTo(0);
    assertThat(box.x + box.width).as("right of " + el).isLessThanOrEqualTo(w + 0.5);
    assertThat(box.y + box.height).as("bottom of " + el).isLessThanOrEqualTo(h + 0.5);
  }

  /** Each dropdown is wide enough for the option it shows (text measured in the select's own font). */
  static void dropdownsShowTheirText(Page page) {
    for (Locator select : page.locator("#conversation .controls select").all()) {
      if (!select.isVisible()) {
        continue;
      }
      JsonObject fit = new JsonObject((String) select.evaluate("s => { const st = getComputedStyle(s);"
          + " const ctx = document.createElement('canvas').getContext('2d'); ctx.font = st.font;"
          + " const text = s.selectedOptions[0] ? s.selectedOptions[0].text : '';"
          + " const need = ctx.measureText(text).width + parseFloat(st.paddingLeft) + 18;"
          + " return JSON.stringify({ text, need, have: s.clientWidth }); }"));
      assertThat(fit.getDouble("need")).as("room for " + fit).isLessThanOrEqualTo(fit.getDouble("have"));
    }
  }

  @ParameterizedTest(name = "{0} px wide")
  @ValueSource(ints = {360, 390})
  @DisplayName("a phone: the list, then the conversation with a back button, then the contact; nothing sideways")
  void phone(int width) {
    Page page = agentAt(width, 800);
    page.click("[data-view=all]");
    assertThat(row(page, demo.richConversation)).isVisible();
    assertThat(page.locator("#conv-empty")).isHidden();
    insideWindow(page, page.locator("#logout"));
    noSidewaysScroll(page);

    row(page, demo.richConversation).click();
    assertThat(page.locator("#conv-title")).hasText("Order NW-10488 has not arrived");
    assertThat(page.locator("#inbox-list")).isHidden();
    insideWindow(page, page.locator("#conv-back"));
    insideWindow(page, page.locator("#logout"));
    Locator first = page.locator("#timeline .msg-inbound .msg-body").first();
    assertThat(first).containsText("tracking has not moved");
    // the text reads in lines, not a letter per line
    assertThat(first.boundingBox().width).isGreaterThan(width * 0.6);
    for (String control : List.of("#conv-status", "#conv-priority", "#conv-assignee", "#conv-team", "#conv-resolve",
        "#composer-text", "#composer-send", "#composer-attach")) {
      page.locator(control).scrollIntoViewIfNeeded();
      insideWindow(page, page.locator(control));
    }
    dropdownsShowTheirText(page);
    noSidewaysScroll(page);

    // the contact card is its own view, with a way back
    page.click("#conv-contact-open");
    assertThat(page.locator("#contact-panel .contact-name")).hasText("Hanna Mróz");
    assertThat(page.locator("#conversation")).isHidden();
    noSidewaysScroll(page);
    page.click("#contact-back");
    assertThat(page.locator("#conv-title")).isVisible();
    page.click("#conv-back");
    assertThat(row(page, demo.richConversation)).isVisible();
    assertThat(page.locator("#conversation")).isHidden();

    // the pages and settings that do not fit the bar are in its menu
    assertThat(page.locator("#shortcuts-button")).isHidden();
    page.click("#menu-toggle");
    insideWindow(page, page.locator("#shortcuts-button"));
    insideWindow(page, page.locator("#sound-toggle"));
    page.click("#shortcuts-button");
    assertThat(page.locator("#shortcuts-dialog")).isVisible();
    noSidewaysScroll(page);
  }

  @Test
  @DisplayName("a 1280x720 laptop shows eight or more rows and the conversation's controls whole")
  void laptop() {
    Page page = agentAt(1280, 720);
    page.click("[data-view=all]");
    assertThat(page.locator("#inbox-list .conv-row").nth(10)).isAttached();
    int whole = 0;
    for (Locator r : page.locator("#inbox-list .conv-row").all()) {
      BoundingBox b = r.boundingBox();
      if (b != null && b.y >= 0 && b.y + b.height <= 720) {
        whole++;
      }
    }
    assertThat(whole).as("rows wholly visible").isGreaterThanOrEqualTo(8);

    row(page, demo.richConversation).click();
    assertThat(page.locator("#conv-title")).hasText("Order NW-10488 has not arrived");
    assertThat(page.locator("#contact-panel .contact-name")).hasText("Hanna Mróz");
    BoundingBox pane = page.locator(".pane-conversation").boundingBox();
    for (String control : List.of("#conv-status", "#conv-priority", "#conv-assignee", "#conv-team", "#conv-resolve",
        "#conv-split", "#composer-attach", "#composer-send")) {
      Locator el = page.locator(control);
      insideWindow(page, el);
      BoundingBox b = el.boundingBox();
      assertThat(b.x + b.width).as(control + " inside the conversation pane").isLessThanOrEqualTo(pane.x + pane.width);
    }
    dropdownsShowTheirText(page);
    assertThat(page.locator("#conv-back")).isHidden();
    noSidewaysScroll(page);
  }

  @Test
  @DisplayName("a 900 px tablet: list and conversation side by side, the contact card in the conversation's place")
  void tablet() {
    Page page = agentAt(900, 1000);
    row(page, demo.richConversation).click();
    assertThat(page.locator("#inbox-list")).isVisible();
    assertThat(page.locator("#conv-title")).isVisible();
    assertThat(page.locator("#conv-back")).isHidden();
    assertThat(page.locator("#contact-panel")).isHidden();
    page.click("#conv-contact-open");
    assertThat(page.locator("#contact-panel .contact-name")).hasText("Hanna Mróz");
    assertThat(page.locator("#conversation")).isHidden();
    assertThat(page.locator("#inbox-list")).isVisible();
    page.click("#contact-back");
    assertThat(page.locator("#conv-title")).isVisible();
    dropdownsShowTheirText(page);
    insideWindow(page, page.locator("#logout"));
    noSidewaysScroll(page);
  }

  @Test
  @DisplayName("a 2560 px screen uses its width: wider list and contact panel, nothing sideways")
  void wide() {
    Page page = agentAt(2560, 1440);
    row(page, demo.richConversation).click();
    assertThat(page.locator("#contact-panel .contact-name")).hasText("Hanna Mróz");
    assertThat(page.locator(".pane-inbox").boundingBox().width).isGreaterThan(400);
    assertThat(page.locator(".pane-contact").boundingBox().width).isGreaterThan(340);
    insideWindow(page, page.locator("#logout"));
    noSidewaysScroll(page);
  }

  @Test
  @DisplayName("every control shows a focus ring when reached by keyboard")
  void focusRings() {
    Page page = agentAt(1280, 720);
    row(page, demo.richConversation).click();
    assertThat(page.locator("#conv-title")).isVisible();
    for (String id : List.of("shortcuts-button", "sound-toggle", "logout", "composer-attach", "conv-resolve",
        "conv-split", "composer-send", "search", "conv-status")) {
      // reach it with Tab from the control before it, as a keyboard user does
      page.locator("#" + id).focus();
      page.keyboard().press("Shift+Tab");
      page.keyboard().press("Tab");
      assertThat(page.locator("#" + id)).isFocused();
      JsonObject style = new JsonObject((String) page.locator("#" + id).evaluate("el => { const s = getComputedStyle(el);"
          + " return JSON.stringify({ visible: el.matches(':focus-visible'), outline: s.outlineStyle,"
          + " width: parseFloat(s.outlineWidth), shadow: s.boxShadow }); }"));
      assertThat(style.getBoolean("visible")).as(id + " :focus-visible").isTrue();
      boolean ring = !"none".equals(style.getString("outline")) && style.getDouble("width") >= 2
          || !"none".equals(style.getString("shadow"));
      assertThat(ring).as(id + " ring: " + style).isTrue();
    }
  }

  @Test
  @DisplayName("supervisors land on the dashboard, admins in the admin area, agents in the inbox; all reach the inbox")
  void roleLanding() {
    Page supervisor = ConsoleDemo.signIn(browser, server, contexts, demo.supervisor, 1280, 720);
    assertThat(supervisor).hasURL(Pattern.compile("#/dashboard$"));
    assertThat(supervisor.locator("#dashboard")).isVisible();
    assertThat(supervisor.locator(".panes")).isHidden();
    supervisor.click("#inbox-link");
    supervisor.click("[data-view=all]");
    assertThat(supervisor.locator("#inbox-list .conv-row").first()).isVisible();
    assertThat(supervisor.locator("#dashboard")).isHidden();

    Page admin = ConsoleDemo.signIn(browser, server, contexts, demo.tenant.admin, 1280, 720);
    assertThat(admin).hasURL(Pattern.compile("#/admin/people$"));
    assertThat(admin.locator("#admin-people")).isVisible();
    admin.click("#inbox-link");
    assertThat(admin.locator("#admin-people")).isHidden();
    assertThat(admin.locator("#search")).isVisible();

    Page agent = agentAt(1280, 720);
    assertThat(agent).hasURL(Pattern.compile("#/$"));
    assertThat(agent.locator("#search")).isVisible();
    assertThat(agent.locator("#dashboard-link")).isHidden();
    assertThat(agent.locator("#inbox-link")).isHidden();

    // signing in again after signing out lands on the role's page again
    supervisor.click("#logout");
    supervisor.fill("#login-password", "staff-pass-1");
    supervisor.click("#login-submit");
    assertThat(supervisor.locator("#dashboard")).isVisible();
  }

  @Test
  @DisplayName("search shows people and conversations whatever the status filter, marked as text, and opens them")
  void searchPeople() {
    // a name that is markup must stay text
    String trap = expect(demo.tenant.inbound(demo.email, new JsonObject().put("externalId", "<" + Ids.random(8) + "@m>")
        .put("from", new JsonObject().put("email", "trap-" + Ids.random(4) + "@customer.test")
            .put("name", "<img src=x onerror=window.__xss=1> Kowalczyk")).put("subject", "Hi").put("text", "Hello")), 202)
        .json().getString("conversationId");
    Page page = agentAt(1280, 720);
    page.selectOption("#filter-status", "pending");
    page.fill("#search", "kowalska");
    Locator person = page.locator("#search-people .person-row", new Page.LocatorOptions().setHasText("Anna Kowalska"));
    assertThat(person).isVisible();
    assertThat(person.locator("mark")).hasText(Pattern.compile("^kowalska$", Pattern.CASE_INSENSITIVE));
    assertThat(row(page, demo.annaConversation)).isVisible();
    assertThat(row(page, demo.annaConversation).locator(".status-chip")).hasText("Snoozed");

    // a phone number written another way: the person and the resolved conversation
    page.fill("#search", "601-234-567");
    Locator piotr = page.locator("#search-people .person-row", new Page.LocatorOptions().setHasText("Piotr Lis"));
    assertThat(piotr).isVisible();
    assertThat(piotr.locator(".conv-match")).containsText("Phone: +48601234567");
    assertThat(piotr.locator("mark")).hasText("601234567");
    assertThat(row(page, demo.phoneConversation)).isVisible();
    assertThat(page.locator("#search-people .person-row")).hasCount(1);

    // the person opens as a card listing their conversations, which open in turn
    piotr.click();
    assertThat(page.locator("#contact-panel .contact-name")).hasText("Piotr Lis");
    page.locator("#contact-panel .contact-conv[data-id=\"" + demo.phoneConversation + "\"]").click();
    assertThat(page.locator("#conversation")).isVisible();
    assertThat(row(page, demo.phoneConversation)).hasClass(Pattern.compile("\\bactive\\b"));
    // the card follows the conversation's status as it changes
    Locator listed = page.locator("#contact-panel .contact-conv[data-id=\"" + demo.phoneConversation + "\"] .status-chip");
    assertThat(listed).hasText("Resolved");
    page.selectOption("#conv-status", "open");
    assertThat(listed).hasText("Open");

    // markup in a name is shown as typed, and nothing runs
    page.fill("#search", "kowalczyk");
    Locator trapRow = page.locator("#search-people .person-row");
    assertThat(trapRow).hasCount(1);
    assertThat(trapRow).containsText("<img src=x onerror=window.__xss=1>");
    assertThat(trapRow.locator("img")).hasCount(0);
    assertThat(row(page, trap)).isVisible();
    assertThat(page.evaluate("() => window.__xss === undefined")).isEqualTo(true);

    // an empty search brings back the chosen status
    page.fill("#search", "");
    assertThat(page.locator("#filter-status")).hasValue("pending");
    assertThat(page.locator("#search-people")).isHidden();
  }

  @Test
  @DisplayName("axe-core finds no serious or critical problem on sign-in, the dashboard, the inbox and a conversation")
  void accessibility() throws Exception {
    BrowserContext context = browser.browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
        .setViewportSize(1280, 720).setBypassCSP(true));
    contexts.add(context);
    Page page = context.newPage();
    page.navigate(server.baseUrl() + "/");
    assertThat(page.locator("#login-email")).isVisible();
    assertThat(Axe.seriousViolations(page)).as("sign-in").isEmpty();
    page.fill("#login-email", demo.supervisor.email());
    page.fill("#login-password", "staff-pass-1");
    page.click("#login-submit");
    assertThat(page.locator("#dashboard")).isVisible();
    assertThat(page.locator("#dash-tiles .tile").first()).isVisible();
    assertThat(Axe.seriousViolations(page)).as("dashboard").isEmpty();
    page.click("#inbox-link");
    page.click("[data-view=all]");
    assertThat(row(page, demo.richConversation)).isVisible();
    assertThat(Axe.seriousViolations(page)).as("inbox").isEmpty();
    row(page, demo.richConversation).click();
    assertThat(page.locator("#timeline .msg").first()).isVisible();
    assertThat(page.locator("#contact-panel .contact-name")).hasText("Hanna Mróz");
    assertThat(Axe.seriousViolations(page)).as("conversation").isEmpty();
    // the same on a phone, where each pane is a view of its own
    page.setViewportSize(390, 844);
    assertThat(page.locator("#conv-back")).isVisible();
    assertThat(Axe.seriousViolations(page)).as("conversation at 390 px").isEmpty();
    page.click("#conv-back");
    assertThat(row(page, demo.richConversation)).isVisible();
    assertThat(Axe.seriousViolations(page)).as("inbox at 390 px").isEmpty();
  }
}
