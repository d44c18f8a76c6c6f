package io.switchboard.adapters;

import io.switchboard.channels.core.AdapterContext;
import io.switchboard.channels.core.AdapterHost;
import io.switchboard.channels.core.ChannelAdapter;
import io.switchboard.channels.core.ChannelKind;
import io.switchboard.channels.core.Delivery;
import io.switchboard.channels.core.HostSettings;
import io.switchboard.channels.core.Inbound;
import io.switchboard.channels.core.OutboundItem;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Resp;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.CuttableProxy;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Channel adapters: the foundation (adapter API client, outbound loop, provider routes and limits)")
class AdapterFoundationTest {

  static TestServer server;
  static Api api;
  static Vertx vertx;
  static WebClient web;

  @BeforeAll
  static void start() {
    server = TestServer.start("adapters");
    api = server.api;
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    web.close();
    await(vertx.close());
    server.close();
  }

  @Test
  @DisplayName("GET /adapter/channel gives the channel's own key its settings with secrets decrypted; users see them masked")
  void adapterReadsItsSecrets() {
    Tenant t = server.tenant("Secrets");
    Channel email = t.channel("email", null, new JsonObject().put("address", "help@secrets.example")
        .put("relay", new JsonObject().put("host", "smtp.example").put("port", 587).put("username", "u")
            .put("password", "relay-pass-1").put("tls", "starttls"))
        .put("imap", new JsonObject().put("host", "imap.example").put("password", "imap-pass-1")));

    JsonObject own = Api.expect(api.get("/api/v1/adapter/channel", email.key()), 200).json();
    assertThat(own.getString("id")).isEqualTo(email.id());
    assertThat(own.getString("kind")).isEqualTo("email");
    assertThat(own.getJsonObject("settings").getJsonObject("relay").getString("password")).isEqualTo("relay-pass-1");
    assertThat(own.getJsonObject("settings").getJsonObject("imap").getString("password")).isEqualTo("imap-pass-1");
    assertThat(own.getJsonObject("settings").getString("address")).isEqualTo("help@secrets.example");

    // Nested secrets are sealed at rest and masked for admins, like top-level ones.
    String stored = server.rows("SELECT settings::text FROM channel WHERE id = $1", email.id()).get(0).getString(0);
    assertThat(stored).doesNotContain("relay-pass-1").doesNotContain("imap-pass-1").contains("smtp.example");
    String listed = Api.expect(api.get("/api/v1/channels", t.admin.token()), 200).body().toString();
    assertThat(listed).doesNotContain("relay-pass-1").doesNotContain("imap-pass-1").contains("********");

    // A user token is no channel key.
    assertThat(api.get("/api/v1/adapter/channel", t.admin.token()).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/adapter/channel", null).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("from.unverified wins over the channel's own kind; an unknown kind in it is a 422")
  void unverifiedFrom() {
    Tenant t = server.tenant("Unverified");
    Channel email = t.channel("email", null, new JsonObject().put("address", "help@unverified.example"));
    JsonObject bad = new JsonObject().put("externalId", "<u-0@x.example>").put("text", "hi")
        .put("from", new JsonObject().put("email", "zoe@x.example").put("unverified", new io.vertx.core.json.JsonArray().add("fax")));
    Resp refused = t.inbound(email, bad);
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.body().toString()).contains("from.unverified[0]");

    JsonObject claim = new JsonObject().put("externalId", "<u-1@x.example>").put("text", "hi")
        .put("from", new JsonObject().put("email", "zoe@x.example").put("unverified", new io.vertx.core.json.JsonArray().add("email")));
    Api.expect(t.inbound(email, claim), 202);
    assertThat(server.rows("SELECT from_verified FROM message WHERE channel_id = $1 AND external_id = $2",
        email.id(), "<u-1@x.example>").get(0).getBoolean(0)).isFalse();
    JsonObject plain = new JsonObject().put("externalId", "<u-2@x.example>").put("text", "hi")
        .put("from", new JsonObject().put("email", "zoe@x.example"));
    Api.expect(t.inbound(email, plain), 202);
    assertThat(server.rows("SELECT from_verified FROM message WHERE channel_id = $1 AND external_id = $2",
        email.id(), "<u-2@x.example>").get(0).getBoolean(0)).isTrue();
  }

  /** A kind made for this test: its provider posts to /hook, and it records what it delivers. */
  static final class EchoKind implements ChannelKind {
    final LinkedBlockingQueue<OutboundItem> delivered = new LinkedBlockingQueue<>();

    @Override
    public String kind() {
      return "chat";
    }

    @Override
    public ChannelAdapter create(AdapterContext ctx) {
      return new ChannelAdapter() {
        @Override
        public Future<Void> start() {
          ctx.routes().post("/hook", rc -> {
            JsonObject body = rc.body().asJsonObject();
            ctx.api().inbound(new Inbound(body.getString("id"),
                    new Inbound.From(body.getString("name"), body.getString("email"), null, null, null,
                        List.of("email"), List.of(), null),
                    null, null, body.getString("text"), null, Instant.now(), List.of(), null, false, false))
                .onSuccess(a -> rc.json(new JsonObject().put("conversationId", a.conversationId())))
                .onFailure(rc::fail);
          });
          return Future.succeededFuture();
        }

        @Override
        public Future<Delivery> deliver(OutboundItem item) {
          delivered.add(item);
          return Future.succeededFuture(Delivery.sent("echo-" + item.messageId()));
        }

        @Override
        public Future<Void> stop() {
          return Future.succeededFuture();
        }
      };
    }
  }

  @Test
  @DisplayName("a provider request reaches the adapter under /channels/{id}/, the reply is delivered and acked, "
      + "and the loop reconnects when the core is unreachable")
  void roundTripThroughTheHost() throws Exception {
    Tenant t = server.tenant("Host");
    Channel chat = t.channel("chat", null);
    CuttableProxy proxy = new CuttableProxy(vertx);
    proxy.target(server.port());
    EchoKind kind = new EchoKind();
    HostSettings settings = new HostSettings("http://localhost:0", 0, null,
        Map.of("SWITCHBOARD_ADAPTER_RATE_PER_ADDRESS", "40"));
    AdapterHost host = new AdapterHost(vertx, "http://127.0.0.1:" + proxy.port(), settings, List.of(kind));
    Router root = Router.router(vertx);
    root.route("/channels/*").subRouter(host.router());
    var http = await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    int port = http.actualPort();
    try {
      assertThat(await(host.add(chat.key())).id()).isEqualTo(chat.id());

      var hook = post(port, "/channels/" + chat.id() + "/hook", new JsonObject().put("id", "m1")
          .put("email", "ann@host.example").put("name", "Ann").put("text", "Where is my parcel?").toBuffer());
      assertThat(hook.statusCode()).isEqualTo(200);
      String conv = hook.bodyAsJsonObject().getString("conversationId");
      assertThat(conv).isNotNull();

      String first = reply(t, conv, "It left today");
      OutboundItem item = kind.delivered.poll(20, TimeUnit.SECONDS);
      assertThat(item).isNotNull();
      assertThat(item.messageId()).isEqualTo(first);
      assertThat(item.text()).isEqualTo("It left today");
      until("the first reply acked as sent", 10_000, () -> "sent".equals(status(t, conv, first)));

      // The core becomes unreachable: the poll in flight breaks; a reply written meanwhile waits.
      proxy.cut();
      String second = reply(t, conv, "Tracking number 123");
      assertThat(kind.delivered.poll(1, TimeUnit.SECONDS)).isNull();
      assertThat(status(t, conv, second)).isEqualTo("queued");
      proxy.heal();
      OutboundItem again = kind.delivered.poll(40, TimeUnit.SECONDS);
      assertThat(again).as("delivered after the core came back").isNotNull();
      assertThat(again.messageId()).isEqualTo(second);
      until("the second reply acked as sent", 10_000, () -> "sent".equals(status(t, conv, second)));

      // Limits: an unknown channel, a body over the cap, too many requests from one address.
      assertThat(post(port, "/channels/ch_nope/hook", Buffer.buffer("{}")).statusCode()).isEqualTo(404);
      var big = post(port, "/channels/" + chat.id() + "/hook", Buffer.buffer(new byte[(int) AdapterHost.BODY_LIMIT + 10]));
      assertThat(big.statusCode()).isEqualTo(413);
      assertThat(big.getHeader("Content-Type")).startsWith("application/problem+json");
      int limited = 0;
      for (int i = 0; i < 45 && limited == 0; i++) {
        var r = post(port, "/channels/" + chat.id() + "/nothing-here", Buffer.buffer("{}"));
        if (r.statusCode() == 429) {
          limited = i;
          assertThat(r.getHeader("Retry-After")).isNotNull();
        }
      }
      assertThat(limited).as("refused once the address passed its rate").isGreaterThan(0);
    } finally {
      await(host.close());
      await(http.close());
      proxy.close();
    }
  }

  private static io.vertx.ext.web.client.HttpResponse<Buffer> post(int port, String path, Buffer body) {
    return await(web.request(HttpMethod.POST, port, "127.0.0.1", path)
        .putHeader("Content-Type", "application/json").sendBuffer(body));
  }

  private static String reply(Tenant t, String conv, String text) {
    Resp r = Api.expect(api.post("/api/v1/conversations/" + conv + "/messages", t.admin.token(),
        new JsonObject().put("text", text)), 201);
    return r.json().getString("id");
  }

  private static String status(Tenant t, String conv, String messageId) {
    JsonObject c = Api.expect(api.get("/api/v1/conversations/" + conv, t.admin.token()), 200).json();
    for (Object o : c.getJsonArray("messages")) {
      JsonObject m = (JsonObject) o;
      if (m.getString("id").equals(messageId)) {
        return m.getString("deliveryStatus");
      }
    }
    return null;
  }
}
