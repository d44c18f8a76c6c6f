package io.switchboard.console;

import com.microsoft.playwright.Browser.NewContextOptions;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions;
import io.switchboard.http.Ids;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Person;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.Browser;
import io.switchboard.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.switchboard.support.Api.expect;

/**
 * An account that looks like the demo's: a care team with an agent, a supervisor and the admin, and
 * a dozen customers writing on email, chat, phone and social, some of them resolved or snoozed. The
 * layout tests and the screenshot command sign in to it.
 */
final class ConsoleDemo {

  final Tenant tenant;
  final String team;
  final Person agent;
  final Person supervisor;
  final Channel email;
  final Channel chat;
  final Channel phone;
  final Channel social;
  /** Conversation ids, newest last. */
  final List<String> conversations = new ArrayList<>();
  /** The conversation with a thread across channels and a reply, opened by the tests and screenshots. */
  String richConversation;
  /** Piotr Lis, who called from +48 601 234 567; his conversation is resolved. */
  String phoneConversation;
  /** Anna Kowalska on email; her conversation is snoozed. */
  String annaConversation;
  String annaContact;

  ConsoleDemo(TestServer server) {
    Api api = server.api;
    tenant = server.tenant("Northwind");
    team = tenant.team("Customer care");
    agent = tenant.user("agent", List.of(team), "Ania Nowak");
    supervisor = tenant.user("supervisor", List.of(team), "Sylwia Bąk");
    email = tenant.channel("email", team);
    chat = tenant.channel("chat", team);
    phone = tenant.channel("phone", team);
    social = tenant.channel("social", team, new JsonObject().put("platform", "instagram"));

    String[][] mails = {
        {"Marek Wiśniewski", "Invoice for order NW-10423",
            "Could you send the invoice for my last order again? The PDF link expired."},
        {"Julia Zając", "Wrong size delivered", "I ordered the jacket in M and got an L. How do I swap it?"},
        {"Tomasz Lewandowski", "Discount code not working",
            "The code WINTER15 says it is expired but the email says it is valid until Sunday."},
        {"Ola Kamińska", "Change delivery address", "Please deliver to Polna 5, Gdańsk instead; I moved last week."},
        {"Kasia Wójcik", "Parcel 00340434161234567890 damaged", "The box arrived crushed and the mug inside is broken."},
        {"Paweł Szymański", "Cancel my subscription", "I would like to cancel the monthly coffee box from next month."},
        {"Agnieszka Dąbrowska", "Gift wrapping", "Can you gift wrap the order and leave out the receipt?"},
        {"Michał Kozłowski", "Return label", "I need a return label for the lamp; it flickers."},
    };
    for (String[] m : mails) {
      conversations.add(mail(m[0], "c-" + Ids.random(6) + "@customer.test", m[1], m[2]));
    }
    String annaAddress = "anna.kowalska-" + Ids.random(4) + "@customer.test";
    annaConversation = mail("Anna Kowalska", annaAddress, "Invoice please", "Could you send the invoice again?");
    conversations.add(annaConversation);
    JsonObject annaConv = expect(api.get("/api/v1/conversations/" + annaConversation, tenant.admin.token()), 200).json();
    annaContact = annaConv.getString("contactId");
    expect(api.patch("/api/v1/conversations/" + annaConversation, tenant.admin.token(), new JsonObject()
        .put("status", "snoozed").put("snoozeUntil", Instant.now().plusSeconds(86400).toString())), 200);

    conversations.add(accepted(tenant.inbound(social, new JsonObject().put("externalId", "ig-" + Ids.random(8))
        .put("from", new JsonObject().put("handle", "zofia_makes").put("name", "Zofia Mazur"))
        .put("text", "Love the new mugs! Do you ship to Norway?"))));
    conversations.add(accepted(tenant.inbound(chat, new JsonObject().put("externalId", "chat-" + Ids.random(8))
        .put("from", new JsonObject().put("email", "kuba-" + Ids.random(4) + "@customer.test").put("name", "Kuba Krawczyk"))
        .put("text", "Hi, is the espresso grinder back in stock?"))));
    phoneConversation = accepted(tenant.inbound(phone, new JsonObject().put("externalId", "call-" + Ids.random(8))
        .put("from", new JsonObject().put("phone", "+48 601 234 567").put("name", "Piotr Lis"))
        .put("call", new JsonObject().put("callId", "CALL-" + Ids.random(6)).put("direction", "inbound")
            .put("outcome", "missed"))));
    conversations.add(phoneConversation);
    expect(api.patch("/api/v1/conversations/" + phoneConversation, tenant.admin.token(),
        new JsonObject().put("status", "resolved")), 200);

    // The newest: one customer on email and then chat, with the agent's reply and a note.
    String address = "hanna-" + Ids.random(4) + "@customer.test";
    richConversation = mail("Hanna Mróz", address, "Order NW-10488 has not arrived",
        "Hello, I ordered a kettle ten days ago (NW-10488) and the tracking has not moved since Monday.");
    expect(api.patch("/api/v1/conversations/" + richConversation, tenant.admin.token(), new JsonObject()
        .put("assigneeId", agent.id()).put("priority", "high").put("tags", List.of("delivery", "vip"))), 200);
    expect(api.post("/api/v1/conversations/" + richConversation + "/messages", agent.token(), new JsonObject()
        .put("text", "Hi Hanna, sorry about the wait. I have asked the carrier and will write back today.")), 201, 202);
    expect(api.post("/api/v1/conversations/" + richConversation + "/messages", agent.token(), new JsonObject()
        .put("private", true).put("text", "Carrier ticket DPD-55120 opened.")), 201, 202);
    conversations.add(richConversation);
  }

  private String mail(String name, String address, String subject, String text) {
    return accepted(tenant.inbound(email, new JsonObject().put("externalId", "<" + Ids.random(10) + "@m.test>")
        .put("from", new JsonObject().put("email", address).put("name", name)).put("subject", subject)
        .put("text", text)));
  }

  private static String accepted(Api.Resp r) {
    return expect(r, 202).json().getString("conversationId");
  }

  /** A signed-in console at this viewport, connected to the stream. */
  static Page signIn(Browser browser, TestServer server, List<BrowserContext> contexts, Person person, int width,
      int height) {
    BrowserContext context = browser.browser.newContext(new NewContextOptions().setViewportSize(width, height)
        .setIsMobile(width < 600).setHasTouch(width < 600));
    contexts.add(context);
    Page page = context.newPage();
    page.onPageError(e -> System.out.println("[browser error] " + e));
    page.navigate(server.baseUrl() + "/");
    page.fill("#login-email", person.email());
    page.fill("#login-password", person.role().equals("admin") ? "secret-pass-1" : "staff-pass-1");
    page.click("#login-submit");
    assertThat(page.locator("#connection-state")).hasAttribute("data-state", "connected",
        new HasAttributeOptions().setTimeout(15_000));
    return page;
  }
}
