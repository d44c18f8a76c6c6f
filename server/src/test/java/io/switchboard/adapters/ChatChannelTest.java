package io.switchboard.adapters;

import io.switchboard.channels.core.AdapterHost;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chat adapter's socket as the widget speaks it, driven by a plain WebSocket client. */
@DisplayName("Chat channel: the widget's socket (Origin, signatures, limits, history)")
class ChatChannelTest {

  static final String SHOP = "https://shop.example";
  static TestServer server;
  static Vertx vertx;
  static WebSocketClient sockets;

  @BeforeAll
  static void start() {
    server = TestServer.start("chatchannel", java.util.Map.of("SWITCHBOARD_ADAPTERS", "in-process"));
    vertx = Vertx.vertx();
    sockets = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
    server.close();
  }

  static AdapterHost host() {
    return server.app.services().adapters.host();
  }

  static Channel chat(Tenant t) {
    Channel ch = t.channel("chat", null, new JsonObject().put("allowedOrigins", new JsonArray(List.of(SHOP)))
        .put("title", "Shop help"));
    until("the adapter of " + ch.id() + " runs", 20_000, () -> host() != null && host().runs(ch.id()));
    return ch;
  }

  /** A widget tab: its frames in a queue. */
  static final class Tab {
    final WebSocket ws;
    final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    volatile Short closedWith;

    Tab(WebSocket ws) {
      this.ws = ws;
      ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
      ws.closeHandler(v -> closedWith = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode());
    }

    void send(JsonObject frame) {
      await(ws.writeTextMessage(frame.encode()));
    }

    JsonObject next(String... types) {
      try {
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
          JsonObject f = frames.poll(200, TimeUnit.MILLISECONDS);
          if (f != null && List.of(types).contains(f.getString("type"))) {
            return f;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new AssertionError("no " + List.of(types) + " frame");
    }
  }

  static Future<WebSocket> connect(Channel ch, String origin) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
        .setURI("/channels/" + ch.id() + "/widget/socket");
    if (origin != null) {
      o.addHeader("Origin", origin);
    }
    return sockets.connect(o);
  }

  static Tab open(Channel ch, JsonObject hello) {
    Tab tab = new Tab(await(connect(ch, SHOP)));
    tab.send(hello.put("type", "hello"));
    return tab;
  }

  static String sign(String secret, String email) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(email.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  @DisplayName("the socket opens only from an allowed Origin: another origin or none is refused 403")
  void originChecked() {
    Channel ch = chat(server.tenant("Origins"));
    for (String origin : new String[] {"https://evil.example", "https://shop.example.evil.test", "null", null}) {
      assertThatThrownBy(() -> await(connect(ch, origin))).as("origin %s", origin)
          .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
    }
    Tab ok = new Tab(await(connect(ch, SHOP)));
    ok.send(new JsonObject().put("type", "hello"));
    JsonObject welcome = ok.next("welcome");
    assertThat(welcome.getString("session")).matches("[A-Za-z0-9_-]{43}");
    assertThat(welcome.getJsonArray("history")).isEmpty();
  }

  @Test
  @DisplayName("widget.js is served with the channel's settings and needs no credential")
  void scriptServed() {
    Channel ch = chat(server.tenant("Script"));
    HttpClient http = vertx.createHttpClient();
    var resp = await(http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(server.port()).setURI("/channels/" + ch.id() + "/widget.js"))
        .compose(r -> r.send().compose(res -> res.body().map(b -> new Object[] {res.statusCode(),
            res.getHeader("Content-Type"), b.toString()}))));
    assertThat(resp[0]).isEqualTo(200);
    assertThat((String) resp[1]).startsWith("text/javascript");
    assertThat((String) resp[2]).contains("\"title\":\"Shop help\"").contains("attachShadow");
  }

  @Test
  @DisplayName("a signed customer is verified; a wrong signature is refused 401 and nothing is stored")
  void signatures() throws Exception {
    Tenant t = server.tenant("Signed");
    Channel ch = chat(t);
    Tab forged = open(ch, new JsonObject().put("email", "ann@signed.example")
        .put("signature", sign("not-the-secret", "ann@signed.example")));
    JsonObject refused = forged.next("error");
    assertThat(refused.getInteger("status")).isEqualTo(401);
    until("the forged tab is closed 4401", 10_000, () -> forged.closedWith != null && forged.closedWith == 4401);

    Tab signed = open(ch, new JsonObject().put("email", "Ann@Signed.example").put("name", "Ann")
        .put("signature", sign(ch.secret(), "ann@signed.example")));
    JsonObject welcome = signed.next("welcome");
    assertThat(welcome.getBoolean("verified")).isTrue();
    signed.send(new JsonObject().put("type", "message").put("clientId", "c-000001").put("text", "Where is order 77?"));
    assertThat(signed.next("sent").getString("clientId")).isEqualTo("c-000001");
    // A repeat of the same clientId (a reconnecting tab) stores one message.
    signed.send(new JsonObject().put("type", "message").put("clientId", "c-000001").put("text", "Where is order 77?"));
    signed.next("sent");
    assertThat(server.count("SELECT count(*) FROM message WHERE account_id = $1 AND channel_id = $2", t.accountId, ch.id()))
        .isEqualTo(1);
    assertThat(server.count("SELECT count(*) FROM identity WHERE account_id = $1 AND kind = 'email' "
        + "AND value = 'ann@signed.example' AND verified", t.accountId)).isEqualTo(1);
    assertThat(server.count("SELECT count(*) FROM identity WHERE account_id = $1 AND value LIKE $2",
        t.accountId, "%" + welcome.getString("session") + "%")).as("the session secret is never an identity").isZero();
  }

  @Test
  @DisplayName("history follows the session to another tab; another session sees nothing of it")
  void historyPerSession() {
    Tenant t = server.tenant("History");
    Channel ch = chat(t);
    Tab first = open(ch, new JsonObject().put("name", "Bob").put("email", "bob@history.example"));
    String session = first.next("welcome").getString("session");
    first.send(new JsonObject().put("type", "message").put("clientId", "h-000001").put("text", "First question"));
    first.next("sent");

    Tab again = open(ch, new JsonObject().put("session", session));
    JsonArray history = again.next("welcome").getJsonArray("history");
    assertThat(history).hasSize(1);
    assertThat(history.getJsonObject(0).getString("text")).isEqualTo("First question");
    // A message from one tab shows in the other live.
    again.send(new JsonObject().put("type", "message").put("clientId", "h-000002").put("text", "From tab two"));
    assertThat(first.next("message").getJsonObject("message").getString("text")).isEqualTo("From tab two");

    Tab stranger = open(ch, new JsonObject());
    JsonObject welcome = stranger.next("welcome");
    assertThat(welcome.getString("session")).isNotEqualTo(session);
    assertThat(welcome.getJsonArray("history")).isEmpty();
    // An unverified email never joins anyone: the email identity is stored unverified.
    assertThat(server.count("SELECT count(*) FROM identity WHERE account_id = $1 AND kind = 'email' AND NOT verified",
        t.accountId)).isEqualTo(1);
  }

  @Test
  @DisplayName("limits: message size, messages per visitor per minute, the contact form needs an email")
  void limits() {
    Channel ch = chat(server.tenant("Limits"));
    Tab tab = open(ch, new JsonObject());
    tab.next("welcome");
    tab.send(new JsonObject().put("type", "message").put("clientId", "big-00001").put("text", "x".repeat(4001)));
    assertThat(tab.next("failed").getInteger("status")).isEqualTo(413);
    tab.send(new JsonObject().put("type", "contact").put("clientId", "form-0001").put("text", "Call me"));
    JsonObject noEmail = tab.next("failed");
    assertThat(noEmail.getString("detail")).contains("email");
    int sent = 0;
    int refused = 0;
    for (int i = 0; i < 24; i++) {
      tab.send(new JsonObject().put("type", "message").put("clientId", "rate-" + (10000 + i)).put("text", "msg " + i));
    }
    for (int i = 0; i < 24; i++) {
      JsonObject f = tab.next("sent", "failed");
      if ("sent".equals(f.getString("type"))) {
        sent++;
      } else if (f.getInteger("status") == 429) {
        refused++;
      }
    }
    assertThat(sent).isLessThanOrEqualTo(20);
    assertThat(refused).isGreaterThanOrEqualTo(4);
    // A frame over 16 KB closes the socket.
    tab.send(new JsonObject().put("type", "message").put("clientId", "huge-0001").put("text", "y".repeat(20_000)));
    until("the tab is closed 1009", 10_000, () -> tab.closedWith != null && tab.closedWith == 1009);
  }

  @Test
  @DisplayName("a tab that never says hello is closed; the typing route knows only this chat channel's threads")
  void helloTimeoutAndTypingRoute() {
    Tenant t = server.tenant("Quiet");
    Channel ch = chat(t);
    Tab silent = new Tab(await(connect(ch, SHOP)));
    until("the silent tab is closed", 30_000, () -> silent.closedWith != null ? true : null);

    Tab tab = open(ch, new JsonObject());
    String session = tab.next("welcome").getString("session");
    assertThat(server.api.post("/api/v1/adapter/threads/" + session + "/typing", ch.key(), new JsonObject()).status())
        .as("no message yet: no thread").isEqualTo(404);
    tab.send(new JsonObject().put("type", "message").put("clientId", "q-000001").put("text", "Hello"));
    tab.next("sent");
    assertThat(server.api.post("/api/v1/adapter/threads/" + session + "/typing", ch.key(), new JsonObject()).status())
        .isEqualTo(204);
    Channel other = chat(t);
    assertThat(server.api.post("/api/v1/adapter/threads/" + session + "/typing", other.key(), new JsonObject()).status())
        .as("another channel's key").isEqualTo(404);
    Channel email = t.channel("email", null, new JsonObject().put("address", "help@quiet.example"));
    assertThat(server.api.post("/api/v1/adapter/threads/" + session + "/typing", email.key(), new JsonObject()).status())
        .as("not a chat channel").isEqualTo(404);
  }
}
