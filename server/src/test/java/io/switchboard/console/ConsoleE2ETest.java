package io.switchboard.console;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Person;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.Browser;
import io.switchboard.support.CuttableProxy;
import io.switchboard.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The agent console end to end, in real headless Chromium, through a proxy the test can cut. */
@DisplayName("The agent console in a real browser")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleE2ETest {

  static final String XSS_IMG = "<img src=x onerror=alert(1)>";
  static final String XSS_SVG = "<svg onload=alert(1)>";
  /**
   * Where the screenshots go: the build's own folder, so a test run changes no tracked file.
   * SWITCHBOARD_SCREENSHOTS=docs/screenshots (from the repository root) refreshes the README's.
   */
  static final Path SCREENSHOTS = Path.of(System.getProperty("user.dir")).getParent()
      .resolve(System.getenv().getOrDefault("SWITCHBOARD_SCREENSHOTS", "server/target/screenshots"));

  static Vertx proxyVertx;
  static CuttableProxy proxy;
  static TestServer server;
  static Api api;
  static Browser browser;
  static Tenant tenant;
  static Channel email;
  static Person ania;
  static Person bartek;
  static String ordersTeam;
  final List<BrowserContext> contexts = new ArrayList<>();
  final List<String> dialogs = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    proxyVertx = Vertx.vertx();
    proxy = new CuttableProxy(proxyVertx);
    server = TestServer.start("console", Map.of("SWITCHBOARD_PUBLIC_URL", "http://localhost:" + proxy.port()));
    proxy.target(server.port());
    api = server.api;
    tenant = server.tenant("Console");
    String team = tenant.team("Orders");
    ordersTeam = team;
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
    proxy.close();
    proxyVertx.close();
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
    page.onDialog(d -> {
      dialogs.add(d.message());
      d.dismiss();
    });
    // Browser errors end up in the test output, where a failing run needs them.
    page.onConsoleMessage(m -> System.out.println("[browser " + m.type() + "] " + m.text()));
    page.onPageError(e -> System.out.println("[browser error] " + e));
    page.navigate("http://localhost:" + proxy.port() + "/");
    page.fill("#login-email", person.email());
    page.fill("#login-password", "staff-pass-1");
    page.click("#login-submit");
    assertThat(page.locator("#connection-state")).hasAttribute("data-state", "connected",
        new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
    page.click("[data-view=all]");
    return page;
  }

  static Resp inbound(JsonObject from, String subject, String text, String threadKey) {
    JsonObject body = new JsonObject().put("externalId", UUID.randomUUID().toString()).put("from", from)
        .put("subject", subject).put("text", text);
    if (threadKey != null) {
      body.put("threadKey", threadKey);
    }
    Resp r = api.post("/api/v1/inbound", email.key(), body);
    assertThat(r.status()).as(r.toString()).isEqualTo(202);
    return r;
  }

  Locator row(Page page, String conversationId) {
    return page.locator(".conv-row[data-id=\"" + conversationId + "\"]");
  }

  @Test
  @Order(1) // first, so the screenshots show ordinary customers
  @DisplayName("an inbound message appears live; the agent replies, the adapter gets it, and the agent resolves")
  void liveInboundReplyResolve() throws Exception {
    Page page = signIn(ania);
    Resp in = inbound(new JsonObject().put("name", "Katarzyna Wisniewska").put("email", "kasia@example.com"),
        "Parcel 4471 is late", "Hello, my parcel 4471 was due on Monday. Where is it?", "<4471@mail>");
    String conv = in.json().getString("conversationId");
    Locator row = row(page, conv);
    row.waitFor(new Locator.WaitForOptions().setTimeout(10_000));
    assertThat(row.locator(".conv-subject")).hasText("Parcel 4471 is late");
    inbound(new JsonObject().put("name", "Jan Kowalski").put("email", "jan@example.com"), "Damaged mug",
        "The mug arrived in pieces, photo attached.", null);
    Channel phone = tenant.channel("phone", ordersTeam);
    Channel social = tenant.channel("social", ordersTeam);
    assertThat(api.post("/api/v1/inbound", phone.key(), new JsonObject().put("externalId", "call-77")
        .put("from", new JsonObject().put("name", "Tomasz Wójcik").put("phone", "+48 601 234 567"))
        .put("call", new JsonObject().put("direction", "inbound").put("outcome", "answered").put("durationSec", 184)
            .put("transcript", "Customer asks how to return a pair of shoes bought last week."))).status())
        .isEqualTo(202);
    assertThat(api.post("/api/v1/inbound", social.key(), new JsonObject().put("externalId", "ig-9")
        .put("from", new JsonObject().put("name", "Magda K.").put("handle", "17841400000000").put("platform", "instagram"))
        .put("text", "Hi! My refund for order 5521 still hasn't arrived, can you check?")).status()).isEqualTo(202);
    Files.createDirectories(SCREENSHOTS);
    page.waitForTimeout(500);
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("inbox.png")));

    row.click();
    Locator firstMessage = page.locator("#timeline .msg-inbound .msg-body").first();
    assertThat(firstMessage).containsText("Where is it?");
    page.fill("#composer-text", "Hi Katarzyna, the carrier confirms it arrives tomorrow.");
    page.click("#composer-send");
    assertThat(page.locator("#timeline .msg-outbound .msg-body").last())
        .containsText("arrives tomorrow");

    // the adapter receives the reply through the outbound queue
    Resp out = api.get("/api/v1/outbound?wait=10", email.key());
    assertThat(out.status()).isEqualTo(200);
    JsonArray items = out.json().getJsonArray("items");
    assertThat(items).hasSize(1);
    assertThat(items.getJsonObject(0).getString("text")).contains("arrives tomorrow");
    assertThat(items.getJsonObject(0).getString("conversationId")).isEqualTo(conv);
    // the adapter reports the reply sent: the agent sees the delivery status change live
    JsonObject item = items.getJsonObject(0);
    assertThat(api.post("/api/v1/outbound/" + item.getString("id") + "/ack", email.key(), new JsonObject()
        .put("leaseId", item.getString("leaseId")).put("status", "sent").put("externalId", "<sent-1@mail>"))
        .status()).isEqualTo(204);
    assertThat(page.locator("#timeline .msg-outbound .msg-status").last()).hasText("sent",
        new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setIgnoreCase(true));
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("conversation.png")));

    page.click("#conv-resolve");
    long deadline = System.currentTimeMillis() + 10_000;
    String status = null;
    while (System.currentTimeMillis() < deadline) {
      status = api.get("/api/v1/conversations/" + conv, ania.token()).json().getString("status");
      if ("resolved".equals(status)) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(status).isEqualTo("resolved");
    // the phone call shows as a call card with its transcript
    page.locator(".conv-row", new Page.LocatorOptions().setHasText("Tomasz")).first().click();
    assertThat(page.locator("#timeline .msg-inbound").first()).containsText("return a pair of shoes");
    assertThat(dialogs).isEmpty();
  }

  @Test
  @DisplayName("two agents on one conversation see each other's viewing indicator")
  void viewingIndicator() {
    Resp in = inbound(new JsonObject().put("name", "Ola").put("email", "ola@example.com"), "Return request",
        "I would like to return the blue jacket.", null);
    String conv = in.json().getString("conversationId");
    Page a = signIn(ania);
    Page b = signIn(bartek);
    row(a, conv).click();
    row(b, conv).click();
    assertThat(a.locator("#viewers")).containsText("Bartek",
        new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(10_000));
    assertThat(b.locator("#viewers")).containsText("Ania",
        new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(10_000));
  }

  /**
   * The characters of {@code expected} inside the first element matching {@code selector}, left
   * edges as Chromium laid them out: in logical order they must run left to right, which an
   * override (U+202E) would reverse.
   */
  static final String LAID_OUT = """
      ([selector, expected]) => {
        const el = document.querySelector(selector);
        if (!el) return { error: 'no ' + selector };
        const text = el.textContent;
        const controls = /[\\u202A-\\u202E\\u2066-\\u2069]/.test(text);
        // Every visible character (controls left out) with where it sits, in logical order.
        const chars = [];
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
          for (let i = 0; i < node.data.length; i++) {
            if (!/[\u202A-\u202E\u2066-\u2069]/.test(node.data[i])) chars.push({ node, i, c: node.data[i] });
          }
        }
        const visible = chars.map((x) => x.c).join('');
        const at = visible.indexOf(expected);
        const lefts = at < 0 ? [] : chars.slice(at, at + expected.length).map(({ node, i }) => {
          const r = document.createRange();
          r.setStart(node, i);
          r.setEnd(node, i + 1);
          return r.getBoundingClientRect().left;
        });
        return { text, controls, lefts };
      }""";

  @Test
  @DisplayName("a file name, sender name and subject with U+202E are shown in Chromium in their written order, not reversed")
  void bidiOverridesDoNotReorder() {
    // "evil\u202Egnp.exe" would show as "evilexe.png" if the override reached the page.
    Resp up = api.upload(email.key(), "evil%E2%80%AEgnp.exe", "application/octet-stream",
        Buffer.buffer(new byte[] {1, 2, 3}));
    assertThat(up.status()).isEqualTo(201);
    JsonObject body = new JsonObject().put("externalId", UUID.randomUUID().toString())
        .put("from", new JsonObject().put("name", "Mallory \u202Efdp.exe").put("email", "mallory@example.com"))
        .put("subject", "Invoice \u202Efdp.exe")
        .put("text", "see attached")
        .put("attachments", new JsonArray().add(new JsonObject().put("id", up.json().getString("id"))));
    Resp in = api.post("/api/v1/inbound", email.key(), body);
    assertThat(in.status()).isEqualTo(202);
    Page page = signIn(ania);
    Locator row = row(page, in.json().getString("conversationId"));
    row.waitFor(new Locator.WaitForOptions().setTimeout(10_000));
    row.click();
    assertThat(page.locator("#timeline .msg-attachment").first()).containsText("gnp.exe");
    assertThat(page.locator("#timeline .msg-author").first()).containsText("fdp.exe");
    String[][] shown = {
        {"#timeline .msg-attachment", "evilgnp.exe"},
        {"#timeline .msg-author", "Mallory fdp.exe"},
        {".conv-row[data-id=\"" + in.json().getString("conversationId") + "\"] .conv-subject", "Invoice fdp.exe"}};
    for (String[] check : shown) {
      @SuppressWarnings("unchecked")
      Map<String, Object> laid = (Map<String, Object>) page.evaluate(LAID_OUT, List.of(check[0], check[1]));
      assertThat(laid.get("error")).as(check[0]).isNull();
      @SuppressWarnings("unchecked")
      List<Number> lefts = (List<Number>) laid.get("lefts");
      assertThat(lefts).as(check[0] + " shows " + check[1]).hasSize(check[1].length());
      for (int i = 1; i < lefts.size(); i++) {
        assertThat(lefts.get(i).doubleValue()).as(check[0] + ": character " + i + " of " + check[1] + " is right of the one before")
            .isGreaterThan(lefts.get(i - 1).doubleValue());
      }
      assertThat(laid.get("controls")).as("bidi controls in " + check[0] + ": " + laid.get("text")).isEqualTo(false);
    }
  }

  @Test
  @DisplayName("hostile names, subjects, bodies and file names open no dialog and create no element")
  void hostileContentIsInert() {
    Resp up = api.upload(email.key(), XSS_IMG + ".png", "image/png", Buffer.buffer(new byte[] {1, 2, 3}));
    assertThat(up.status()).isEqualTo(201);
    JsonObject body = new JsonObject().put("externalId", UUID.randomUUID().toString())
        .put("from", new JsonObject().put("name", XSS_IMG + XSS_SVG).put("email", "evil@example.com"))
        .put("subject", XSS_SVG + " subject " + XSS_IMG)
        .put("text", "body " + XSS_IMG + " and " + XSS_SVG)
        .put("html", "<p>html " + XSS_IMG + XSS_SVG + "<script>alert(1)</script></p>")
        .put("attachments", new JsonArray().add(new JsonObject().put("id", up.json().getString("id"))));
    Resp in = api.post("/api/v1/inbound", email.key(), body);
    assertThat(in.status()).isEqualTo(202);
    Page page = signIn(ania);
    Locator row = row(page, in.json().getString("conversationId"));
    row.waitFor(new Locator.WaitForOptions().setTimeout(10_000));
    assertThat(row.locator(".conv-subject")).containsText("<svg onload=alert(1)>");
    row.click();
    assertThat(page.locator("#timeline .msg-inbound").first()).isVisible();
    assertThat(page.locator("#timeline .msg-attachment").first()).containsText("<img src=x onerror=alert(1)>");
    page.waitForTimeout(1000);
    Object injected = page.evaluate("() => document.querySelectorAll('img[src=\"x\"], svg[onload], img[onerror]').length");
    assertThat(((Number) injected).intValue()).isZero();
    Object frames = page.evaluate("() => [...document.querySelectorAll('iframe')].every(f => f.hasAttribute('sandbox')"
        + " && !(f.getAttribute('sandbox') || '').includes('allow-scripts'))");
    assertThat(frames).isEqualTo(true);
    assertThat(dialogs).isEmpty();
  }

  @Test
  @DisplayName("after a network cut the console resumes and shows all 20 missed messages in order")
  void resumesAfterCut() {
    JsonObject from = new JsonObject().put("name", "Piotr").put("email", "piotr@example.com");
    Resp first = inbound(from, "Refund question", "When do I get my refund?", "<refund@mail>");
    String conv = first.json().getString("conversationId");
    Page page = signIn(ania);
    row(page, conv).click();
    assertThat(page.locator("#timeline .msg-inbound .msg-body").first()).containsText("refund");
    proxy.cut();
    assertThat(page.locator("#connection-state")).not().hasAttribute("data-state", "connected",
        new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(10_000));
    for (int i = 1; i <= 20; i++) {
      inbound(from, "Refund question", "update " + i, "<refund@mail>");
    }
    proxy.heal();
    assertThat(page.locator("#connection-state")).hasAttribute("data-state", "connected",
        new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
    Locator updates = page.locator("#timeline .msg-inbound .msg-body", new Page.LocatorOptions().setHasText("update "));
    updates.nth(19).waitFor(new Locator.WaitForOptions().setTimeout(20_000).setState(WaitForSelectorState.ATTACHED));
    List<String> texts = updates.allTextContents().stream().map(String::trim).toList();
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      expected.add("update " + i);
    }
    assertThat(texts).containsExactlyElementsOf(expected);
  }
  @Test
  @DisplayName("a revoked session sends the agent to sign in and the draft survives")
  void revokedSessionKeepsDraft() {
    Person celina = tenant.user("agent", List.of(ordersTeam), "Celina Mazur");
    Resp in = inbound(new JsonObject().put("name", "Marek").put("email", "marek@example.com"), "Wrong size",
        "The shoes are one size too small.", null);
    String conv = in.json().getString("conversationId");
    Page page = signIn(celina);
    row(page, conv).click();
    page.fill("#composer-text", "Half-written answer about the exchange");
    page.waitForTimeout(500);
    // an admin disables and re-enables the agent: every earlier token is revoked
    assertThat(api.patch("/api/v1/users/" + celina.id(), tenant.admin.token(), new JsonObject().put("disabled", true))
        .status()).isEqualTo(200);
    assertThat(api.patch("/api/v1/users/" + celina.id(), tenant.admin.token(), new JsonObject().put("disabled", false))
        .status()).isEqualTo(200);
    assertThat(page.locator("#login-screen")).isVisible(
        new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions().setTimeout(30_000));
    page.fill("#login-email", celina.email());
    page.fill("#login-password", "staff-pass-1");
    page.click("#login-submit");
    assertThat(page.locator("#connection-state")).hasAttribute("data-state", "connected",
        new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
    page.click("[data-view=all]");
    row(page, conv).click();
    assertThat(page.locator("#composer-text")).hasValue("Half-written answer about the exchange");
  }

  @Test
  @DisplayName("the keyboard alone moves through the inbox, opens a conversation and resolves it")
  void keyboardOnly() {
    Resp first = inbound(new JsonObject().put("name", "Zofia").put("email", "zofia@example.com"), "Invoice copy",
        "Could you send the invoice again?", null);
    Resp second = inbound(new JsonObject().put("name", "Adam").put("email", "adam@example.com"), "Gift wrapping",
        "Can you gift-wrap order 9001?", null);
    Page page = signIn(ania);
    row(page, first.json().getString("conversationId")).waitFor();
    row(page, second.json().getString("conversationId")).waitFor();
    page.locator("body").click(new Locator.ClickOptions().setPosition(1, 1));
    // the two newest rows are ours: j selects the first (Gift wrapping), j the second, k back, j again
    page.keyboard().press("j");
    assertThat(page.locator(".conv-row.selected")).hasAttribute("data-id", second.json().getString("conversationId"));
    page.keyboard().press("j");
    page.keyboard().press("k");
    page.keyboard().press("j");
    assertThat(page.locator(".conv-row.selected")).hasAttribute("data-id", first.json().getString("conversationId"));
    page.keyboard().press("Enter");
    assertThat(page.locator("#timeline .msg-inbound .msg-body").first()).containsText("invoice again");
    page.keyboard().press("e");
    long deadline = System.currentTimeMillis() + 10_000;
    String status = null;
    while (System.currentTimeMillis() < deadline && !"resolved".equals(status)) {
      status = api.get("/api/v1/conversations/" + first.json().getString("conversationId"), ania.token()).json()
          .getString("status");
      page.waitForTimeout(200);
    }
    assertThat(status).isEqualTo("resolved");
  }
}
