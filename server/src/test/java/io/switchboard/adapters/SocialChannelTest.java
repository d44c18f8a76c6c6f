package io.switchboard.adapters;

import io.switchboard.channels.core.Signatures;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The social channel run by the server (in-process adapters) against a local fake of Meta's Graph
 * API that records each send and each media fetch. Webhook bodies are the real payloads of
 * shared/fixtures/meta, signed as Meta signs them.
 */
@DisplayName("Social channel: Meta webhooks in, Graph API out, statuses back")
class SocialChannelTest {

  static final String APP_SECRET = "meta-app-secret-1";
  static final byte[] PHOTO = "\u00ff\u00d8\u00ff fake jpeg".getBytes(StandardCharsets.ISO_8859_1);

  static FakeProvider graph;
  static FakeProvider elsewhere;
  static TestServer server;
  static Api api;
  static Vertx vertx;
  static WebClient web;
  static final AtomicInteger sent = new AtomicInteger();

  @BeforeAll
  static void start() {
    graph = new FakeProvider();
    elsewhere = new FakeProvider();
    elsewhere.file("/internal", "text/plain", "internal".getBytes(StandardCharsets.US_ASCII));
    graph.file("/cdn/photo.jpg", "image/jpeg", PHOTO);
    graph.router.get("/wa-media/:id").handler(ctx -> {
      if (!"Bearer page-token-1".equals(ctx.request().getHeader("Authorization"))) {
        ctx.response().setStatusCode(401).end();
        return;
      }
      ctx.response().putHeader("Content-Type", "image/jpeg").end(Buffer.buffer(PHOTO));
    });
    graph.json(HttpMethod.GET, "/v19.0/:mediaId", ctx -> new JsonObject()
        .put("url", graph.url("/wa-media/" + ctx.pathParam("mediaId"))).put("mime_type", "image/jpeg"));
    graph.router.post("/v19.0/:node/messages").handler(ctx -> {
      JsonObject body = ctx.body().buffer() == null || ctx.body().buffer().length() == 0 ? new JsonObject()
          : ctx.body().asJsonObject();
      if ("48999000111".equals(body.getString("to")) && "text".equals(body.getString("type"))) {
        ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("error", new JsonObject().put("message", "Re-engagement message").put("code", 131047)).encode());
        return;
      }
      int n = sent.incrementAndGet();
      ctx.json("whatsapp".equals(body.getString("messaging_product"))
          ? new JsonObject().put("messaging_product", "whatsapp")
              .put("messages", new JsonArray().add(new JsonObject().put("id", "wamid.OUT" + n)))
          : new JsonObject().put("recipient_id", "x").put("message_id", "m_OUT" + n));
    });
    graph.json(HttpMethod.POST, "/v19.0/:comment/comments", ctx -> new JsonObject().put("id", "reply_" + sent.incrementAndGet()));
    server = TestServer.start("social", Map.of("SWITCHBOARD_ADAPTERS", "in-process",
        "SWITCHBOARD_PROVIDER_MEDIA_HOSTS", "127.0.0.1:" + graph.port()));
    api = server.api;
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    web.close();
    await(vertx.close());
    server.close();
    graph.close();
    elsewhere.close();
  }

  static Channel socialChannel(Tenant t, String platform) {
    Channel ch = t.channel("social", null, new JsonObject().put("platform", platform).put("appSecret", APP_SECRET)
        .put("verifyToken", "verify-me-1").put("accessToken", "page-token-1").put("pageId", "12345654332")
        .put("phoneNumberId", "123456123").put("graphBaseUrl", graph.url("/v19.0")));
    until("the adapter of " + ch.id() + " runs", 20_000, () -> server.app.services().adapters.host() != null
        && server.app.services().adapters.host().runs(ch.id()));
    return ch;
  }

  static int webhook(Channel ch, byte[] body, String signature) {
    var req = web.post(server.port(), "localhost", "/channels/" + ch.id() + "/meta")
        .putHeader("Content-Type", "application/json");
    if (signature != null) {
      req.putHeader("X-Hub-Signature-256", signature);
    }
    return await(req.sendBuffer(Buffer.buffer(body))).statusCode();
  }

  static int signed(Channel ch, byte[] body) {
    return webhook(ch, body, Signatures.sha256Header(APP_SECRET, body));
  }

  static byte[] fixture(String name) {
    return FakeProvider.fixture("meta", name);
  }

  static List<Row> messages(Channel ch) {
    return server.rows("SELECT id, conversation_id, text, public, attachments::text AS attachments, external_id, "
        + "from_verified FROM message WHERE channel_id = $1 AND direction = 'inbound' ORDER BY created_at", ch.id());
  }

  @Test
  @DisplayName("the hub.challenge handshake answers only the channel's verify token")
  void handshake() {
    Tenant t = server.tenant("Hubshop");
    Channel ch = socialChannel(t, "messenger");
    String base = "/channels/" + ch.id() + "/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=";
    var ok = await(web.get(server.port(), "localhost", base + "verify-me-1").send());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsString()).isEqualTo("1158201444");
    assertThat(await(web.get(server.port(), "localhost", base + "verify-me-2").send()).statusCode()).isEqualTo(403);
    assertThat(await(web.get(server.port(), "localhost", "/channels/" + ch.id() + "/meta?hub.mode=subscribe"
        + "&hub.challenge=1").send()).statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("a forged or missing X-Hub-Signature-256 is refused with 403 and nothing is stored")
  void forged() {
    Tenant t = server.tenant("Forgedsocial");
    Channel ch = socialChannel(t, "messenger");
    byte[] body = fixture("restfb_messenger_message-basic.json");
    assertThat(webhook(ch, body, null)).isEqualTo(403);
    assertThat(webhook(ch, body, Signatures.sha256Header("not-the-app-secret", body))).isEqualTo(403);
    assertThat(webhook(ch, body, "sha256=" + "0".repeat(64))).isEqualTo(403);
    // Signed, then changed on the way.
    byte[] changed = new String(body, StandardCharsets.UTF_8).replace("hello, world!", "send me the refund")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(webhook(ch, changed, Signatures.sha256Header(APP_SECRET, body))).isEqualTo(403);
    assertThat(server.count("SELECT count(*) FROM message WHERE channel_id = $1", ch.id())).isZero();
  }

  @Test
  @DisplayName("Messenger: the real text message stored once however often Meta delivers it; a postback as text")
  void messengerRetry() {
    Tenant t = server.tenant("Messengershop");
    Channel ch = socialChannel(t, "messenger");
    byte[] body = fixture("restfb_messenger_message-basic.json");
    assertThat(signed(ch, body)).isEqualTo(200);
    assertThat(signed(ch, body)).isEqualTo(200);
    List<Row> rows = messages(ch);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getString("text")).isEqualTo("hello, world!");
    assertThat(rows.get(0).getString("external_id")).isEqualTo("mid.1457764197618:41d102a3e1ae206a38");
    assertThat(rows.get(0).getBoolean("from_verified")).isTrue();
    assertThat(server.rows("SELECT i.kind, i.platform, i.value FROM identity i JOIN message m ON m.identity_id = i.id "
        + "WHERE m.id = $1", rows.get(0).getString("id")).get(0).getString("value")).contains("987654321432");

    assertThat(signed(ch, fixture("restfb_messenger_postback-basic.json"))).isEqualTo(200);
    assertThat(messages(ch)).hasSize(2).last().satisfies(r ->
        assertThat(r.getString("text")).isEqualTo("USER_DEFINED_PAYLOAD"));
  }

  @Test
  @DisplayName("Messenger media: fetched from Meta's host (the fake) and uploaded; a URL elsewhere is never fetched")
  void messengerMedia() {
    Tenant t = server.tenant("Mediashop");
    Channel ch = socialChannel(t, "messenger");
    String body = new String(fixture("restfb_messenger_message-media-attachment.json"), StandardCharsets.UTF_8);
    assertThat(signed(ch, body.replace("IMAGE_URL", graph.url("/cdn/photo.jpg")).getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(200);
    assertThat(graph.requests("/cdn/photo.jpg")).hasSize(1);
    Row photo = messages(ch).get(0);
    JsonArray files = new JsonArray(photo.getString("attachments"));
    assertThat(files).hasSize(1);
    String id = files.getJsonObject(0).getString("id");
    assertThat(Api.expect(api.get("/api/v1/attachments/" + id, t.admin.token()), 200).body().getBytes()).isEqualTo(PHOTO);

    // Another message whose URL points inside the network: not fetched, the agent sees a note.
    String inside = body.replace("IMAGE_URL", elsewhere.url("/internal")).replace("b4ef9d19ec21086067", "inside1");
    assertThat(signed(ch, inside.getBytes(StandardCharsets.UTF_8))).isEqualTo(200);
    assertThat(elsewhere.seen).isEmpty();
    Row note = messages(ch).get(1);
    assertThat(note.getString("text")).contains("could not be fetched");
    assertThat(note.getString("attachments")).isIn(null, "[]");
  }

  @Test
  @DisplayName("round trip on WhatsApp: the real message in, an agent's reply through the fake Graph API, "
      + "delivered and read statuses back")
  void whatsappRoundTrip() {
    Tenant t = server.tenant("Whatsshop");
    Channel ch = socialChannel(t, "whatsapp");
    assertThat(signed(ch, fixture("whatsapp-api-js_v25_incoming.json"))).isEqualTo(200);
    Row in = messages(ch).get(0);
    assertThat(in.getString("text")).isEqualTo("this is a text message");
    String conv = in.getString("conversation_id");

    String replyId = Api.expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "Hello! Your order ships today.")), 201).json().getString("id");
    var send = until("the reply at the Graph API", 30_000, () -> graph.requests("/v19.0/123456123/messages").stream()
        .filter(r -> "16315551181".equals(r.json().getString("to"))).findFirst().orElse(null));
    assertThat(send.authorization()).isEqualTo("Bearer page-token-1");
    JsonObject body = send.json();
    assertThat(body.getString("to")).isEqualTo("16315551181");
    assertThat(body.getString("type")).isEqualTo("text");
    assertThat(body.getJsonObject("text").getString("body")).isEqualTo("Hello! Your order ships today.");
    Row acked = until("the reply acked as sent", 20_000, () -> {
      Row r = server.rows("SELECT delivery_status, provider_id FROM message WHERE id = $1", replyId).get(0);
      return "sent".equals(r.getString("delivery_status")) ? r : null;
    });
    String wamid = acked.getString("provider_id");
    assertThat(wamid).startsWith("wamid.OUT");

    // Meta reports delivery and reading of our message (the real status payloads, with our id).
    for (String status : List.of("delivered", "read")) {
      String payload = new String(fixture("whatsapp-api-js_v25_" + status + ".json"), StandardCharsets.UTF_8)
          .replace("\"ABGGFlA5Fpa\"", "\"" + wamid + "\"");
      assertThat(signed(ch, payload.getBytes(StandardCharsets.UTF_8))).isEqualTo(200);
      assertThat(server.rows("SELECT delivery_status FROM message WHERE id = $1", replyId).get(0).getString(0))
          .isEqualTo(status);
    }
    // The conversation shows it to the agent.
    JsonObject view = Api.expect(api.get("/api/v1/conversations/" + conv, t.admin.token()), 200).json();
    assertThat(view.getJsonArray("messages").stream().map(o -> (JsonObject) o)
        .filter(m -> replyId.equals(m.getString("id"))).findFirst().orElseThrow().getString("deliveryStatus"))
        .isEqualTo("read");
  }

  @Test
  @DisplayName("WhatsApp media: the media id looked up at the Graph API, the file fetched with the token and uploaded")
  void whatsappImage() {
    Tenant t = server.tenant("Waimage");
    Channel ch = socialChannel(t, "whatsapp");
    String body = """
        {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
          "messaging_product":"whatsapp","metadata":{"display_phone_number":"16505551111","phone_number_id":"123456123"},
          "contacts":[{"profile":{"name":"Ann"},"wa_id":"48600100200"}],
          "messages":[{"from":"48600100200","id":"wamid.IMG1","timestamp":"1764583200","type":"image",
            "image":{"caption":"the broken zip","mime_type":"image/jpeg","sha256":"x","id":"MEDIA777"}}]}}]}]}""";
    assertThat(signed(ch, body.getBytes(StandardCharsets.UTF_8))).isEqualTo(200);
    assertThat(graph.requests("/v19.0/MEDIA777")).hasSize(1);
    assertThat(graph.requests("/wa-media/MEDIA777")).singleElement()
        .satisfies(s -> assertThat(s.authorization()).isEqualTo("Bearer page-token-1"));
    Row m = messages(ch).get(0);
    assertThat(m.getString("text")).isEqualTo("the broken zip");
    assertThat(new JsonArray(m.getString("attachments"))).hasSize(1);
    // WhatsApp vouches for the number: the contact has a verified phone identity too.
    assertThat(server.count("SELECT count(*) FROM identity WHERE account_id = $1 AND kind = 'phone' AND verified "
        + "AND value = '+48600100200'", t.accountId)).isEqualTo(1);
  }

  @Test
  @DisplayName("a public page comment arrives public; the agent's reply goes privately to the commenter (comment_id)")
  void commentReplyIsPrivate() {
    Tenant t = server.tenant("Commentshop");
    Channel ch = socialChannel(t, "messenger");
    String body = new String(fixture("restfb_page-feed_comment-add-211.json"), StandardCharsets.UTF_8)
        .replace("\"id\": \"1234567890321\",\n              \"name\": \"Tester\"", "\"id\": \"555000111\",\n              \"name\": \"Ann\"");
    assertThat(body).contains("555000111");
    assertThat(signed(ch, body.getBytes(StandardCharsets.UTF_8))).isEqualTo(200);
    Row c = messages(ch).get(0);
    assertThat(c.getBoolean("public")).isTrue();
    assertThat(c.getString("text")).isEqualTo("and the next one");

    int before = graph.requests("/v19.0/12345654332/messages").size();
    Api.expect(api.post("/api/v1/conversations/" + c.getString("conversation_id") + "/messages", t.admin.token(),
        new JsonObject().put("text", "We sent you a message")), 201);
    var send = until("the private reply", 30_000, () -> {
      var r = graph.requests("/v19.0/12345654332/messages");
      return r.size() > before ? r.get(r.size() - 1) : null;
    });
    assertThat(send.json().getJsonObject("recipient").getString("comment_id"))
        .isEqualTo("901097836652708_903438993085259");
    assertThat(send.json().getJsonObject("message").getString("text")).isEqualTo("We sent you a message");
    assertThat(graph.requests("/v19.0/901097836652708_903438993085259/comments")).isEmpty();
  }

  @Test
  @DisplayName("an agent who chooses public answers the comment under the post")
  void publicCommentReply() {
    Tenant t = server.tenant("Publicshop");
    Channel ch = socialChannel(t, "messenger");
    String body = new String(fixture("restfb_page-feed_comment-add-211.json"), StandardCharsets.UTF_8)
        .replace("\"id\": \"1234567890321\",\n              \"name\": \"Tester\"",
            "\"id\": \"555000222\",\n              \"name\": \"Bob\"")
        .replace("903438993085259", "903438993000001");
    assertThat(signed(ch, body.getBytes(StandardCharsets.UTF_8))).isEqualTo(200);
    Row c = messages(ch).get(0);
    JsonObject reply = Api.expect(api.post("/api/v1/conversations/" + c.getString("conversation_id") + "/messages",
        t.admin.token(), new JsonObject().put("text", "Thanks, Bob!").put("public", true)), 201).json();
    assertThat(reply.getBoolean("public")).isTrue();
    var send = until("the public answer", 30_000, () -> {
      var r = graph.requests("/v19.0/901097836652708_903438993000001/comments");
      return r.isEmpty() ? null : r.get(0);
    });
    assertThat(send.json().getString("message")).isEqualTo("Thanks, Bob!");
    until("acked", 20_000, () -> "sent".equals(server.rows("SELECT delivery_status FROM message WHERE id = $1",
        reply.getString("id")).get(0).getString(0)));
  }

  @Test
  @DisplayName("a WhatsApp template goes out as a template message with its parameters")
  void whatsappTemplate() {
    Tenant t = server.tenant("Templateshop");
    Channel ch = socialChannel(t, "whatsapp");
    assertThat(whatsappFrom(ch, "48500600700", "wamid.TPL1")).isEqualTo(200);
    String conv = messages(ch).get(0).getString("conversation_id");
    Api.expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "Your order 1001 has shipped.").put("template", new JsonObject()
            .put("name", "order_shipped").put("language", "pl").put("parameters", new JsonArray().add("1001")))), 201);
    var send = until("the template at the Graph API", 30_000, () -> graph.requests("/v19.0/123456123/messages")
        .stream().filter(r -> "48500600700".equals(r.json().getString("to"))).findFirst().orElse(null));
    JsonObject sentBody = send.json();
    assertThat(sentBody.getString("type")).isEqualTo("template");
    assertThat(sentBody.getJsonObject("template").getString("name")).isEqualTo("order_shipped");
    assertThat(sentBody.getJsonObject("template").getJsonObject("language").getString("code")).isEqualTo("pl");
    assertThat(sentBody.getJsonObject("template").getJsonArray("components").getJsonObject(0)
        .getJsonArray("parameters").getJsonObject(0).getString("text")).isEqualTo("1001");
    // A template without a name is refused before anything is queued.
    Api.expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "x").put("template", new JsonObject().put("language", "pl"))), 422);
  }

  @Test
  @DisplayName("24 hours after the customer's last WhatsApp message free text is refused at once (422); a template goes")
  void windowClosedOnServer() {
    Tenant t = server.tenant("Closedshop");
    Channel ch = socialChannel(t, "whatsapp");
    assertThat(whatsappFrom(ch, "48511222333", "wamid.OLD2")).isEqualTo(200);
    Row in = messages(ch).get(0);
    server.rows("UPDATE message SET created_at = now() - interval '25 hours' WHERE id = $1", in.getString("id"));
    String conv = in.getString("conversation_id");
    var refused = api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "Hello again"));
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().encode()).contains("template");
    assertThat(server.count("SELECT count(*) FROM message WHERE conversation_id = $1 AND direction = 'outbound'",
        conv)).isZero();
    Api.expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "Your order has shipped.").put("template", new JsonObject()
            .put("name", "order_shipped"))), 201);
    until("the template at the Graph API", 30_000, () -> graph.requests("/v19.0/123456123/messages").stream()
        .anyMatch(r -> "48511222333".equals(r.json().getString("to")) && "template".equals(r.json().getString("type"))));
  }

  @Test
  @DisplayName("outside WhatsApp's 24-hour window free text is refused for good, with the reason")
  void outsideWindow() {
    Tenant t = server.tenant("Windowshop");
    Channel ch = socialChannel(t, "whatsapp");
    assertThat(whatsappFrom(ch, "48999000111", "wamid.OLD1")).isEqualTo(200);
    String conv = messages(ch).get(0).getString("conversation_id");
    String replyId = Api.expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", "Are you still there?")), 201).json().getString("id");
    until("the reply failed", 30_000, () -> "failed".equals(server.rows(
        "SELECT delivery_status FROM message WHERE id = $1", replyId).get(0).getString(0)));
    Row item = server.rows("SELECT attempt, last_error FROM outbound_item WHERE message_id = $1", replyId).get(0);
    assertThat(item.getInteger("attempt")).isEqualTo(1);
    assertThat(item.getString("last_error")).contains("24-hour window");
  }

  /** Meta's real incoming WhatsApp text, from another number and with another message id, posted signed. */
  private int whatsappFrom(Channel ch, String phone, String wamid) {
    String body = new String(fixture("whatsapp-api-js_v25_incoming.json"), StandardCharsets.UTF_8)
        .replace("16315551181", phone).replace("ABGGFlA5Fpa", wamid);
    return signed(ch, body.getBytes(StandardCharsets.UTF_8));
  }
}
