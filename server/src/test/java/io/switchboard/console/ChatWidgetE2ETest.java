package io.switchboard.console;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.Browser;
import io.switchboard.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live chat widget on a shop's page (another origin, served by its own little web server)
 * and an agent in the console, both in headless Chromium, talking to each other live.
 */
@DisplayName("Chat widget: a shop page on another origin and the agent console, live both ways")
class ChatWidgetE2ETest {

  static final LocatorAssertions.ContainsTextOptions LIVE = new LocatorAssertions.ContainsTextOptions().setTimeout(15_000);
  static final LocatorAssertions.HasTextOptions LIVE_TEXT = new LocatorAssertions.HasTextOptions().setTimeout(15_000);
  static TestServer server;
  static Browser browser;
  static Vertx shopVertx;
  static HttpServer shop;
  /** The shop's pages by path; each test puts its own. */
  static final Map<String, String> pages = new java.util.concurrent.ConcurrentHashMap<>();
  final List<BrowserContext> contexts = new ArrayList<>();

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(Browser.available(), "Chromium is not installed");
    server = TestServer.start("chatwidget", Map.of("SWITCHBOARD_ADAPTERS", "in-process"));
    browser = new Browser();
    shopVertx = Vertx.vertx();
    shop = await(shopVertx.createHttpServer().requestHandler(req -> {
      String html = pages.get(req.path());
      if (html == null) {
        req.response().setStatusCode(404).end();
      } else {
        req.response().putHeader("Content-Type", "text/html; charset=utf-8").end(html);
      }
    }).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (shopVertx != null) {
      await(shopVertx.close());
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

  static String shopOrigin() {
    return "http://127.0.0.1:" + shop.actualPort();
  }

  /** A chat channel for the shop's origin, its adapter running. */
  static Channel chatChannel(Tenant t) {
    Channel ch = t.channel("chat", null, new JsonObject().put("allowedOrigins", new JsonArray(List.of(shopOrigin())))
        .put("title", "Shop help").put("color", "#0a8f3c").put("greeting", "Hi! Ask us anything."));
    until("the chat adapter runs", 20_000,
        () -> server.app.services().adapters.host() != null && server.app.services().adapters.host().runs(ch.id()));
    return ch;
  }

  /** A shop page whose own CSS tries hard to break anything it can reach, with the one script tag. */
  static String shopPage(String path, Channel ch, String scriptAttributes) {
    pages.put(path, "<!doctype html><html><head><title>Shop</title><style>"
        + "* { all: unset !important; color: red !important; } button { display: none !important; }"
        + "</style></head><body><h1>Garden Shop</h1><p>Spades and rakes.</p>"
        + "<script src=\"" + server.baseUrl().replace("127.0.0.1", "localhost") + "/channels/" + ch.id()
        + "/widget.js\" async" + scriptAttributes + "></script></body></html>");
    return shopOrigin() + path;
  }

  Page newPage(String who) {
    BrowserContext context = browser.browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
        .setViewportSize(1280, 860));
    contexts.add(context);
    Page page = context.newPage();
    page.onConsoleMessage(m -> System.out.println("[" + who + " " + m.type() + "] " + m.text()));
    page.onPageError(e -> System.out.println("[" + who + " error] " + e));
    return page;
  }

  Page console(String email) {
    Page page = newPage("agent");
    page.navigate(server.baseUrl() + "/");
    page.fill("#login-email", email);
    page.fill("#login-password", "secret-pass-1");
    page.click("#login-submit");
    assertThat(page.locator("#connection-state")).hasAttribute("data-state", "connected",
        new LocatorAssertions.HasAttributeOptions().setTimeout(15_000));
    // an admin lands in the admin area; the inbox is one click away
    page.click("#inbox-link");
    page.click("[data-view=all]");
    return page;
  }

  static String conversationOf(Channel ch) {
    return until("the chat's conversation", 15_000, () -> {
      var rows = server.rows("SELECT conversation_id FROM message WHERE channel_id = $1 ORDER BY created_at LIMIT 1", ch.id());
      return rows.isEmpty() ? null : rows.get(0).getString(0);
    });
  }

  @Test
  @DisplayName("visitor and agent talk live both ways, see each other typing, and a reload keeps the history")
  void liveBothWaysWithReload() {
    Tenant t = server.tenant("Garden");
    Channel ch = chatChannel(t);
    Page agent = console(t.admin.email());
    String url = shopPage("/garden", ch, "");

    Page visitor = newPage("visitor");
    visitor.navigate(url);
    visitor.click("#sb-launcher");
    assertThat(visitor.locator("#sb-panel")).isVisible();
    // The shop's CSS ("* { all: unset }", hidden buttons) does not reach into the widget.
    assertThat(visitor.locator("#sb-send")).isVisible();
    assertThat(visitor.locator("#sb-status")).containsText("We reply within", LIVE);
    assertThat(visitor.locator("#sb-contact")).isHidden();
    assertThat(visitor.locator(".sb-msg.greeting")).hasText("Hi! Ask us anything.");

    String hostile = "Is the spade in stock? <img src=x onerror=\"window.__pwned=1\">";
    visitor.fill("#sb-name", "Ann Visitor");
    visitor.fill("#sb-input", hostile);
    visitor.click("#sb-send");
    assertThat(visitor.locator(".sb-msg.inbound").last()).hasText(hostile);
    assertThat(visitor.locator(".sb-msg.pending")).hasCount(0);

    // The agent sees it arrive live and opens it.
    String conv = conversationOf(ch);
    Locator row = agent.locator(".conv-row[data-id=\"" + conv + "\"]");
    assertThat(row).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(15_000));
    row.click();
    assertThat(agent.locator("#timeline .msg-inbound .msg-body").last()).containsText("Is the spade in stock?", LIVE);

    // The visitor types: the agent sees it.
    visitor.locator("#sb-input").pressSequentially("Also a rake", new Locator.PressSequentiallyOptions().setDelay(30));
    assertThat(agent.locator("#typing")).containsText("is typing", LIVE);

    // The agent types: the visitor sees it; the reply arrives live.
    agent.fill("#composer-text", "Yes, we have 4 spades");
    assertThat(visitor.locator("#sb-typing")).containsText("is typing", LIVE);
    agent.click("#composer-send");
    assertThat(visitor.locator(".sb-msg.outbound").last()).hasText("Yes, we have 4 spades", LIVE_TEXT);
    assertThat(visitor.locator("#sb-typing")).hasText("");

    // A reload mid-conversation: the panel is still open and the whole thread is there.
    visitor.reload();
    assertThat(visitor.locator("#sb-panel")).isVisible();
    assertThat(visitor.locator(".sb-msg.inbound")).hasText(new String[] {hostile}, new LocatorAssertions.HasTextOptions().setTimeout(15_000));
    assertThat(visitor.locator(".sb-msg.outbound")).hasText(new String[] {"Yes, we have 4 spades"});

    // ... and the conversation goes on from the reloaded page, both ways.
    visitor.fill("#sb-input", "Great, and a rake?");
    visitor.press("#sb-input", "Enter");
    assertThat(agent.locator("#timeline .msg-inbound .msg-body").last()).containsText("Great, and a rake?", LIVE);
    agent.fill("#composer-text", "Rakes too: 2 left");
    agent.click("#composer-send");
    assertThat(visitor.locator(".sb-msg.outbound").last()).hasText("Rakes too: 2 left", LIVE_TEXT);

    // A new tab of the same browser has the same thread.
    Page tab2 = visitor.context().newPage();
    tab2.navigate(url);
    assertThat(tab2.locator(".sb-msg.outbound").last()).hasText("Rakes too: 2 left", LIVE_TEXT);
    assertThat(tab2.locator(".sb-msg.inbound")).hasCount(2);

    // Nothing the customer wrote ran as script, in the shop's page or in the console.
    assertThat(visitor.evaluate("() => window.__pwned === undefined")).isEqualTo(true);
    assertThat(agent.evaluate("() => window.__pwned === undefined")).isEqualTo(true);
    // One conversation, four chat messages.
    assertThat(server.count("SELECT count(*) FROM message WHERE conversation_id = $1 AND channel_id = $2", conv, ch.id()))
        .isEqualTo(4);
    visitor.screenshot(new Page.ScreenshotOptions().setPath(java.nio.file.Path.of("target/screenshots/chat-widget.png")));
  }

  @Test
  @DisplayName("with no agent online the widget is a contact form (email required) that opens a conversation")
  void contactFormWhenAway() {
    Tenant t = server.tenant("Nobody");
    Channel ch = chatChannel(t);
    Page visitor = newPage("visitor");
    visitor.navigate(shopPage("/away", ch, ""));
    visitor.click("#sb-launcher");
    assertThat(visitor.locator("#sb-status")).containsText("away", LIVE);
    assertThat(visitor.locator("#sb-contact")).isVisible();
    assertThat(visitor.locator("#sb-chat")).isHidden();
    visitor.fill("#sb-contact-name", "Carl");
    visitor.fill("#sb-contact-text", "Please call me about a bulk order");
    visitor.click("#sb-contact-send");
    // The browser's own check: no email, nothing sent.
    assertThat(server.count("SELECT count(*) FROM message WHERE channel_id = $1", ch.id())).isZero();
    visitor.fill("#sb-contact-email", "carl@bulk.example");
    visitor.click("#sb-contact-send");
    assertThat(visitor.locator("#sb-log .sb-note").last()).containsText("carl@bulk.example");
    String conv = conversationOf(ch);
    var found = server.rows("SELECT m.text, i.value, i.verified, c.status FROM message m JOIN conversation c ON c.id = m.conversation_id "
        + "JOIN identity i ON i.contact_id = c.contact_id AND i.kind = 'email' WHERE m.conversation_id = $1", conv);
    assertThat(found).hasSize(1);
    assertThat(found.get(0).getString("text")).isEqualTo("Please call me about a bulk order");
    assertThat(found.get(0).getString("value")).isEqualTo("carl@bulk.example");
    assertThat(found.get(0).getBoolean("verified")).as("an email typed into a form is unverified").isFalse();
    assertThat(found.get(0).getString("status")).isEqualTo("open");
  }

  @Test
  @DisplayName("a page on an origin the channel does not list gets no chat")
  void otherOriginRefused() {
    Tenant t = server.tenant("Elsewhere");
    Channel ch = t.channel("chat", null, new JsonObject().put("allowedOrigins", new JsonArray(List.of("https://shop.example"))));
    until("the chat adapter runs", 20_000,
        () -> server.app.services().adapters.host() != null && server.app.services().adapters.host().runs(ch.id()));
    Page visitor = newPage("visitor");
    List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
    visitor.onConsoleMessage(m -> {
      if (m.text().contains("403")) {
        refused.add(m.text());
      }
    });
    visitor.navigate(shopPage("/elsewhere", ch, ""));
    visitor.click("#sb-launcher");
    until("the socket is refused 403", 15_000, () -> refused.isEmpty() ? null : true);
    visitor.fill("#sb-input", "hello?");
    visitor.click("#sb-send");
    assertThat(visitor.locator(".sb-msg.pending")).hasCount(1);
    assertThat(server.count("SELECT count(*) FROM message WHERE channel_id = $1", ch.id())).isZero();
  }
}
