package io.switchboard.console;

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
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.switchboard.support.Api.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** Two agents working one shift in real headless Chromium: split, rename, reply collision, search. */
@DisplayName("Two agents in the console: split, rename, collision and search")
class ConsoleWorkE2ETest {

  static TestServer server;
  static Api api;
  static Browser browser;
  static Tenant tenant;
  static Channel email;
  static Person ania;
  static Person bartek;
  final List<BrowserContext> contexts = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.start("consolework");
    api = server.api;
    tenant = server.tenant("Shift");
    String team = tenant.team("Care");
    ania = tenant.user("agent", List.of(team), "Ania Nowak");
    bartek = tenant.user("agent", List.of(team), "Bartek Zielinski");
    email = tenant.channel("email", team);
    browser = new Browser();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    server.close();
  }

  @AfterEach
  void closeContexts() {
    contexts.forEach(BrowserContext::close);
    contexts.clear();
  }

  Page signIn(Person person) {
    BrowserContext context = browser.browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
        .setViewportSize(1440, 900));
    contexts.add(context);
    Page page = context.newPage();
    page.onPageError(e -> System.out.println("[browser error] " + e));
    page.navigate("http://localhost:" + server.port() + "/");
    page.fill("#login-email", person.email());
    page.fill("#login-password", "staff-pass-1");
    page.click("#login-submit");
    assertThat(page.locator("#connection-state")).hasAttribute("data-state", "connected",
        new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
    page.click("[data-view=all]");
    return page;
  }

  static JsonObject mail(String address, String subject, String text) {
    return expect(tenant.inbound(email, new JsonObject().put("externalId", "<" + Ids.random(10) + "@m.test>")
        .put("from", new JsonObject().put("email", address).put("name", "Hanna Mróz")).put("subject", subject)
        .put("text", text)), 202).json();
  }

  static Locator row(Page page, String conversationId) {
    return page.locator(".conv-row[data-id=\"" + conversationId + "\"]");
  }

  @Test
  @DisplayName("one agent splits and renames; the other agent's console follows live")
  void splitAndRenameLive() {
    String address = "hanna-" + Ids.random(5) + "@c.test";
    String cv = mail(address, "Broken lamp", "The lamp flickers when switched on").getString("conversationId");
    String moveA = mail(address, "Also", "Separate thing: change my delivery address").getString("messageId");
    String moveB = mail(address, "Also", "New address is Polna 5, Gdańsk").getString("messageId");
    Page a = signIn(ania);
    Page b = signIn(bartek);
    for (Page p : List.of(a, b)) {
      row(p, cv).click();
      assertThat(p.locator("#timeline .msg")).hasCount(3);
    }

    a.click("#conv-split");
    a.click("#timeline .msg[data-id=\"" + moveA + "\"]");
    a.click("#timeline .msg[data-id=\"" + moveB + "\"]");
    assertThat(a.locator("#split-bar .split-count")).hasText("2 messages chosen.");
    a.fill("#split-subject", "Delivery address change");
    a.click("#split-go");

    // both consoles: the moved messages leave the open conversation, and the new one is listed
    for (Page p : List.of(a, b)) {
      assertThat(p.locator("#timeline .msg")).hasCount(1);
      assertThat(p.locator("#timeline .msg .msg-body").first()).containsText("lamp flickers");
      assertThat(p.locator(".conv-row", new Page.LocatorOptions().setHasText("Delivery address change")))
          .hasCount(1);
    }
    String newId = b.locator(".conv-row", new Page.LocatorOptions().setHasText("Delivery address change"))
        .getAttribute("data-id");
    assertThat(newId).isNotEqualTo(cv);

    // rename by clicking the subject
    a.click("#conv-title");
    a.fill("#conv-title-input", "Lamp flickers");
    a.press("#conv-title-input", "Enter");
    assertThat(a.locator("#conv-title")).hasText("Lamp flickers");
    assertThat(b.locator("#conv-title")).hasText("Lamp flickers");
    assertThat(row(b, cv).locator(".conv-subject")).hasText("Lamp flickers");
    assertThat(api.get("/api/v1/conversations/" + cv, ania.token()).json().getString("subject"))
        .isEqualTo("Lamp flickers");

    // Bartek opens the new conversation: it holds the two moved messages
    row(b, newId).click();
    assertThat(b.locator("#timeline .msg")).hasCount(2);
    assertThat(b.locator("#conv-title")).hasText("Delivery address change");
  }

  @Test
  @DisplayName("two agents reply at once: the second sees the first's reply and keeps the draft")
  void replyCollision() {
    JsonObject in = mail("olek-" + Ids.random(5) + "@c.test", "Refund", "Where is my refund?");
    String cv = in.getString("conversationId");
    Page a = signIn(ania);
    Page b = signIn(bartek);
    for (Page p : List.of(a, b)) {
      row(p, cv).click();
      assertThat(p.locator("#timeline .msg")).hasCount(1);
    }
    // Bartek's reply leaves his browser written against the customer's message only, as when both
    // press Send in the same moment (the route makes that race happen every time).
    b.route("**/api/v1/conversations/*/messages", route -> {
      JsonObject body = new JsonObject(route.request().postData()).put("afterMessageId", in.getString("messageId"));
      route.resume(new com.microsoft.playwright.Route.ResumeOptions().setPostData(body.encode()));
    });
    a.fill("#composer-text", "The refund went out today");
    a.click("#composer-send");
    assertThat(a.locator("#timeline .msg-outbound")).hasCount(1);
    b.fill("#composer-text", "Let me check with accounting");
    b.click("#composer-send");
    assertThat(b.locator("#composer-conflict")).isVisible();
    assertThat(b.locator("#composer-conflict")).containsText("Ania Nowak replied while you were writing");
    assertThat(b.locator("#composer-text")).hasValue("Let me check with accounting");
    assertThat(b.locator("#timeline .msg-outbound .msg-body")).hasText("The refund went out today");
    assertThat(api.get("/api/v1/conversations/" + cv, bartek.token()).json().getJsonArray("messages")).hasSize(2);
  }

  @Test
  @DisplayName("search finds a customer by phone typed with spaces, in any status, and marks what matched")
  void searchByPhone() {
    Channel phone = tenant.channel("phone", null);
    String cv = expect(tenant.inbound(phone, new JsonObject().put("externalId", "call-" + Ids.random(6))
        .put("from", new JsonObject().put("phone", "+48 502 111 222").put("name", "Wiesław Kot"))
        .put("call", new JsonObject().put("callId", "C1").put("direction", "inbound").put("outcome", "missed"))), 202)
        .json().getString("conversationId");
    expect(api.patch("/api/v1/conversations/" + cv, tenant.admin.token(), new JsonObject().put("status", "resolved")),
        200);
    Page a = signIn(ania);
    assertThat(a.locator("#filter-status")).hasValue("open");
    a.fill("#search", "502 111 222");
    Locator hit = row(a, cv);
    assertThat(hit).isVisible();
    assertThat(a.locator("#filter-status")).hasValue("");
    assertThat(hit.locator(".conv-match")).containsText("Phone: +48502111222");
    assertThat(hit.locator(".conv-match mark")).hasText("502111222");
    // the composer offers the call log, not a text box that fails
    hit.click();
    assertThat(a.locator("#composer-call-toggle")).isVisible();
    assertThat(a.locator("#composer-reply-toggle")).isHidden();
    assertThat(a.locator("#composer-hint")).containsText("+48502111222");
    a.fill("#composer-text", "Called back, no answer");
    a.click("#composer-send");
    assertThat(a.locator("#timeline .msg-note .msg-body")).containsText("Call with +48502111222: Called back");
    // clearing the search restores the status filter
    a.fill("#search", "");
    assertThat(a.locator("#filter-status")).hasValue("open");
  }
}
