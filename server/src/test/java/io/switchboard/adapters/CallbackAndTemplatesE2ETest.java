package io.switchboard.adapters;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.switchboard.channels.core.Signatures;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Person;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.Browser;
import io.switchboard.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.switchboard.support.Api.expect;
import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's parts of the phone and WhatsApp channels, in headless Chromium against the
 * server's own adapters and a local fake of Meta's Graph API: a missed call shows "Needs callback"
 * until the agent logs the call back; outside WhatsApp's 24-hour window the composer offers the
 * channel's templates, fills their variables and sends a template message.
 */
@DisplayName("Console: needs-callback and WhatsApp templates")
class CallbackAndTemplatesE2ETest {

  static final String APP_SECRET = "e2e-app-secret";
  static final String TEMPLATE_BODY = "Hello {{1}}, your order {{2}} is on its way.";

  static FakeProvider graph;
  static TestServer server;
  static Api api;
  static Browser browser;
  static Tenant tenant;
  static Person agent;
  static WebClient web;
  static final AtomicInteger sends = new AtomicInteger();
  final List<BrowserContext> contexts = new ArrayList<>();

  @BeforeAll
  static void start() {
    graph = new FakeProvider();
    graph.json(HttpMethod.POST, "/v19.0/:node/messages", ctx -> new JsonObject().put("messaging_product", "whatsapp")
        .put("messages", new JsonArray().add(new JsonObject().put("id", "wamid.E2E" + sends.incrementAndGet()))));
    server = TestServer.start("callbacktemplates", Map.of("SWITCHBOARD_ADAPTERS", "in-process"));
    api = server.api;
    tenant = server.tenant("Templates");
    String team = tenant.team("Care");
    agent = tenant.user("agent", List.of(team), "Ola Agent");
    web = WebClient.create(server.vertx);
    browser = new Browser();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    web.close();
    server.close();
    graph.close();
  }

  @AfterEach
  void closeContexts() {
    contexts.forEach(BrowserContext::close);
    contexts.clear();
  }

  @Test
  @DisplayName("a missed call shows Needs callback in the list and the conversation; logging an answered call clears it live")
  void needsCallback() {
    Channel phone = tenant.channel("phone", null);
    String conversationId = expect(tenant.inbound(phone, new JsonObject().put("externalId", "missed-1")
        .put("from", new JsonObject().put("phone", "+48 603 100 200"))
        .put("call", new JsonObject().put("callId", "CA-E2E-1").put("direction", "inbound").put("outcome", "missed")
            .put("durationSec", 0))), 202).json().getString("conversationId");
    Page page = signIn(agent, "staff-pass-1");
    Locator row = page.locator(".conv-row[data-id=\"" + conversationId + "\"]");
    assertThat(row.locator(".badge-callback")).hasText("Needs callback");
    row.click();
    assertThat(page.locator("#conv-channels .badge-callback")).hasText("Needs callback");

    // The only way to reach this customer is a call: the composer logs it.
    assertThat(page.locator("#composer-call-toggle")).isVisible();
    page.click("#composer-call-toggle");
    assertThat(page.locator("#composer-call-outcome")).isVisible();
    page.selectOption("#composer-call-outcome", "answered");
    page.fill("#composer-text", "Called back: the parcel is at the pick-up point.");
    page.click("#composer-send");

    assertThat(row.locator(".badge-callback")).hasCount(0);
    assertThat(page.locator("#conv-channels .badge-callback")).hasCount(0);
    JsonObject detail = expect(api.get("/api/v1/conversations/" + conversationId, agent.token()), 200).json();
    assertThat(detail.getBoolean("needsCallback")).isFalse();
    JsonObject logged = detail.getJsonArray("messages").stream().map(m -> (JsonObject) m)
        .filter(m -> m.getJsonObject("call") != null && "note".equals(m.getString("direction"))).findFirst().orElseThrow();
    assertThat(logged.getJsonObject("call").getString("outcome")).isEqualTo("answered");
  }

  @Test
  @DisplayName("inside WhatsApp's window the composer sends free text; outside it offers the channel's templates with their variables")
  void whatsappTemplates() {
    // The admin connects the WhatsApp number on the Channels page, templates included.
    Page admin = signIn(tenant.admin, "secret-pass-1");
    admin.click("#admin-link");
    admin.click("#admin-people .admin-nav a[href='#/admin/channels']");
    admin.selectOption("#channel-kind", "social");
    admin.fill("#channel-name", "WhatsApp +48 22 100 20 30");
    admin.selectOption("#cf-platform", "whatsapp");
    admin.fill("#cf-appSecret", APP_SECRET);
    admin.fill("#cf-accessToken", "wa-token");
    admin.fill("#cf-phoneNumberId", "555000111");
    admin.fill("#cf-graphBaseUrl", graph.url("/v19.0"));
    admin.fill("#cf-templates", "order_on_its_way | pl | " + TEMPLATE_BODY + "\nnot a template line");
    admin.click("#channel-create");
    assertThat(admin.locator("#channel-once")).isVisible();
    String key = admin.locator("#channel-once code").first().textContent();
    JsonObject created = expect(api.get("/api/v1/adapter/channel", key), 200).json();
    assertThat(created.getJsonObject("settings").getJsonArray("templates")).isEqualTo(new JsonArray().add(new JsonObject()
        .put("name", "order_on_its_way").put("language", "pl").put("body", TEMPLATE_BODY)));
    Channel whatsapp = new Channel(created.getString("id"), "social", key, null);
    until("the social adapter runs", 20_000, () -> server.app.services().adapters.host() != null
        && server.app.services().adapters.host().runs(whatsapp.id()));
    assertThat(customerWrites(whatsapp, "48600700800", "wamid.IN1", "Where is my order DS-1001?")).isEqualTo(200);
    String conversationId = until("the WhatsApp message stored", 20_000, () -> await(server.app.db()
        .preparedQuery("SELECT conversation_id FROM message WHERE external_id = 'wamid.IN1'").execute()
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0))));

    Page page = signIn(agent, "staff-pass-1");
    page.locator(".conv-row[data-id=\"" + conversationId + "\"]").click();
    // Inside the window: free text, and the composer says until when.
    assertThat(page.locator("#composer-text")).isVisible();
    assertThat(page.locator("#composer-templates")).isHidden();
    assertThat(page.locator("#composer-hint")).containsText("free text until");
    page.fill("#composer-text", "It left the warehouse this morning.");
    page.click("#composer-send");
    JsonObject text = until("the free text at the Graph API", 30_000, () -> sent("text"));
    assertThat(text.getJsonObject("text").getString("body")).isEqualTo("It left the warehouse this morning.");

    // A day later the window has closed (the customer's message is made 25 hours old).
    await(server.app.db().preparedQuery("UPDATE message SET created_at = now() - interval '25 hours' "
        + "WHERE conversation_id = $1 AND direction = 'inbound'").execute(Tuple.of(conversationId)));
    page.reload();
    page.locator(".conv-row[data-id=\"" + conversationId + "\"]").click();
    assertThat(page.locator("#composer-templates")).isVisible();
    assertThat(page.locator("#composer-text")).isHidden();
    assertThat(page.locator("#composer-template option")).hasText("order_on_its_way (pl)");
    Locator values = page.locator("#composer-templates .template-value");
    assertThat(values).hasCount(2);
    // A template with an empty variable is not sent.
    page.click("#composer-send");
    assertThat(page.locator(".template-value").first()).isFocused();
    values.nth(0).fill("Anna");
    values.nth(1).fill("DS-1001");
    assertThat(page.locator("#composer-template-preview")).hasText("Hello Anna, your order DS-1001 is on its way.");
    page.click("#composer-send");

    JsonObject template = until("the template at the Graph API", 30_000, () -> sent("template"));
    assertThat(template.getString("to")).isEqualTo("48600700800");
    JsonObject t = template.getJsonObject("template");
    assertThat(t.getString("name")).isEqualTo("order_on_its_way");
    assertThat(t.getJsonObject("language").getString("code")).isEqualTo("pl");
    JsonArray parameters = t.getJsonArray("components").getJsonObject(0).getJsonArray("parameters");
    assertThat(parameters.getJsonObject(0).getString("text")).isEqualTo("Anna");
    assertThat(parameters.getJsonObject(1).getString("text")).isEqualTo("DS-1001");
    // The timeline shows what the customer reads.
    assertThat(page.locator("#timeline .msg .msg-body").last()).containsText("Hello Anna, your order DS-1001");
  }

  /** The newest send of the type the Graph API took, or null. */
  private static JsonObject sent(String type) {
    List<FakeProvider.Seen> seen = graph.requests("/v19.0/555000111/messages");
    for (int i = seen.size() - 1; i >= 0; i--) {
      JsonObject body = seen.get(i).json();
      if (type.equals(body.getString("type"))) {
        return body;
      }
    }
    return null;
  }

  /** A WhatsApp message as Meta's webhook delivers it, signed with the app secret. */
  private static int customerWrites(Channel channel, String waId, String wamid, String text) {
    JsonObject value = new JsonObject().put("messaging_product", "whatsapp")
        .put("metadata", new JsonObject().put("display_phone_number", "48221002030").put("phone_number_id", "555000111"))
        .put("contacts", new JsonArray().add(new JsonObject().put("wa_id", waId)
            .put("profile", new JsonObject().put("name", "Anna Kowalska"))))
        .put("messages", new JsonArray().add(new JsonObject().put("from", waId).put("id", wamid)
            .put("timestamp", String.valueOf(System.currentTimeMillis() / 1000)).put("type", "text")
            .put("text", new JsonObject().put("body", text))));
    Buffer body = new JsonObject().put("object", "whatsapp_business_account").put("entry", new JsonArray()
        .add(new JsonObject().put("id", "1").put("changes", new JsonArray()
            .add(new JsonObject().put("field", "messages").put("value", value))))).toBuffer();
    return await(web.post(server.port(), "localhost", "/channels/" + channel.id() + "/meta")
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Hub-Signature-256", Signatures.sha256Header(APP_SECRET, body.getBytes()))
        .sendBuffer(body)).statusCode();
  }

  private Page signIn(Person person, String password) {
    return browser.console(contexts, server.baseUrl(), person.email(), password);
  }

}
