package io.switchboard.adapters;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.channels.core.Signatures;
import io.switchboard.http.Ids;
import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.NodeProcess;
import io.switchboard.support.NodeProcess.ClusterPlan;
import io.switchboard.support.TestDatabases;
import io.switchboard.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static io.switchboard.support.Await.await;
import static io.switchboard.support.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The channels on two clustered nodes, each its own process on loopback, sharing one database and
 * one Redis (one key prefix), both running the in-process adapters: a chat reply reaches the
 * visitor's socket on whichever node holds it, a call's events posted to different nodes fold into
 * one call message, and an IMAP mailbox is fetched by one node at a time, by the other once that
 * one is killed. The chat catch-up is raised to ten minutes and the stream's safety poll to one, so
 * what arrives within seconds came over the cluster.
 */
@DisplayName("Channels on two clustered nodes: chat replies, call events and an IMAP mailbox across nodes")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterChannelsTest {

  static final String PUBLIC_URL = "https://support.cluster.example";
  static final String SHOP = "https://shop.example";

  static Vertx vertx;
  static String pgUrl;
  static String redisPrefix;
  static Pool db;
  static GreenMail green;
  static WebClient web;
  static List<NodeProcess> nodes = new ArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    green = new GreenMail(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));
    green.start();
    pgUrl = TestDatabases.create("clusterchannels");
    db = PgBuilder.pool().connectingTo(pgUrl).using(vertx).build();
    redisPrefix = "sbtest:" + Ids.random(8) + ":";
    Map<String, String> env = new HashMap<>();
    env.put("SWITCHBOARD_ADAPTERS", "in-process");
    env.put("SWITCHBOARD_REDIS_PREFIX", redisPrefix); // what the nodes share, as in production
    env.put("SWITCHBOARD_PUBLIC_URL", PUBLIC_URL); // the load balancer's: providers sign over it
    env.put("SWITCHBOARD_SMTP_PORT", "0");
    env.put("SWITCHBOARD_IMAP_POLL_SECONDS", "1");
    env.put("SWITCHBOARD_JOB_RETRY_MS", "500");
    env.put("SWITCHBOARD_CHAT_CATCHUP_SECONDS", "600");
    env.put("SWITCHBOARD_STREAM_SAFETY_POLL_MS", "60000");
    ClusterPlan plan = ClusterPlan.of(pgUrl, 2, env);
    nodes.addAll(NodeProcess.startAll(vertx, plan, 180));
  }

  @AfterAll
  static void stop() {
    nodes.forEach(NodeProcess::close);
    TestServer.deleteRedisKeys(vertx, "redis://127.0.0.1:6379", redisPrefix);
    await(db.close());
    web.close();
    await(vertx.close());
    green.stop();
    TestDatabases.drop(pgUrl);
  }

  static List<Row> rows(String sql, Object... params) {
    List<Row> out = new ArrayList<>();
    await(db.preparedQuery(sql).execute(Tuple.from(params))).forEach(out::add);
    return out;
  }

  /** Until the channel's provider routes answer on every live node (its adapter runs there). */
  static void runsEverywhere(Channel ch, String method, String path, int status) {
    for (NodeProcess node : nodes) {
      if (node.alive()) {
        until("the adapter of " + ch.id() + " runs on " + node.name, 30_000, () -> {
          var req = "GET".equals(method) ? web.get(node.port, "127.0.0.1", "/channels/" + ch.id() + path)
              : web.post(node.port, "127.0.0.1", "/channels/" + ch.id() + path);
          return await(req.sendBuffer(Buffer.buffer("{}"))).statusCode() == status;
        });
      }
    }
  }

  /** A widget tab on the node serving {@code port}: its frames in a queue. */
  static final class Tab {
    final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    final WebSocket ws;

    Tab(int port, Channel ch, WebSocketClient client) {
      ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/channels/" + ch.id() + "/widget/socket").addHeader("Origin", SHOP)));
      ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    }

    void send(JsonObject frame) {
      await(ws.writeTextMessage(frame.encode()));
    }

    /** The next frame of the type within the time, or null. */
    JsonObject next(String type, long withinMs) throws InterruptedException {
      long end = System.currentTimeMillis() + withinMs;
      for (long left = withinMs; left > 0; left = end - System.currentTimeMillis()) {
        JsonObject f = frames.poll(left, TimeUnit.MILLISECONDS);
        if (f != null && type.equals(f.getString("type"))) {
          return f;
        }
      }
      return null;
    }
  }

  @Test
  @Order(1)
  @DisplayName("chat: a visitor with a tab on each node gets every agent reply on both within seconds and once, whichever node sends it")
  void chatRepliesOnAnyNode() throws InterruptedException {
    NodeProcess one = nodes.get(0);
    NodeProcess two = nodes.get(1);
    Tenant t = one.api.tenant("Chat cluster");
    Channel ch = t.channel("chat", null, new JsonObject().put("allowedOrigins", new JsonArray(List.of(SHOP))));
    runsEverywhere(ch, "GET", "/widget.js", 200);

    WebSocketClient client = vertx.createWebSocketClient();
    Tab onTwo = new Tab(two.port, ch, client);
    onTwo.send(new JsonObject().put("type", "hello").put("name", "Visitor"));
    String session = onTwo.next("welcome", 15_000).getString("session");
    onTwo.send(new JsonObject().put("type", "message").put("clientId", "cl-000001").put("text", "Is the shop open on Sunday?"));
    String inboundId = onTwo.next("sent", 15_000).getString("messageId");
    String conversation = rows("SELECT conversation_id FROM message WHERE id = $1", inboundId).get(0)
        .getString("conversation_id");
    // The same visitor in a second tab, which the load balancer sent to the other node.
    Tab onOne = new Tab(one.port, ch, client);
    onOne.send(new JsonObject().put("type", "hello").put("session", session));
    assertThat(onOne.next("welcome", 15_000).getString("session")).isEqualTo(session);

    // Whichever node's adapter takes a reply from the queue, one of the two tabs is on the other node.
    List<String> replies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      JsonObject reply = Api.expect(one.api.post("/api/v1/conversations/" + conversation + "/messages",
          t.admin.token(), new JsonObject().put("text", "Reply " + i)), 201).json();
      replies.add(reply.getString("id"));
      long sent = System.nanoTime();
      for (Tab tab : List.of(onOne, onTwo)) {
        JsonObject frame = tab.next("message", 15_000);
        assertThat(frame).as("reply " + i + " on the tab (the catch-up is 10 minutes)").isNotNull();
        assertThat(frame.getJsonObject("message").getString("id")).isEqualTo(reply.getString("id"));
        assertThat(frame.getJsonObject("message").getString("text")).isEqualTo("Reply " + i);
      }
      assertThat((System.nanoTime() - sent) / 1_000_000).isLessThan(10_000);
    }
    until("every reply acknowledged as sent", 30_000, () -> rows(
        "SELECT count(*) FROM outbound_item WHERE message_id = ANY($1) AND status = 'sent'",
        (Object) replies.toArray(String[]::new)).get(0).getLong(0) == replies.size());
    assertThat(onOne.next("message", 1_000)).as("no reply twice").isNull();
    assertThat(onTwo.next("message", 100)).as("no reply twice").isNull();
    await(client.close());
  }

  static int ctiPost(NodeProcess node, Channel ch, JsonObject event) {
    Buffer body = event.toBuffer();
    return await(web.post(node.port, "127.0.0.1", "/channels/" + ch.id() + "/cti")
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Switchboard-Signature", Signatures.sha256Header(ch.secret(), body.getBytes()))
        .sendBuffer(body)).statusCode();
  }

  @Test
  @Order(2)
  @DisplayName("phone: a call answered on node 1 and ended on node 2 (the end names no caller) is one call message with the end's duration and transcript")
  void callEventsOnTwoNodes() {
    NodeProcess one = nodes.get(0);
    NodeProcess two = nodes.get(1);
    Tenant t = one.api.tenant("Phone cluster");
    Channel ch = t.channel("phone", null, new JsonObject().put("provider", "cti"));
    runsEverywhere(ch, "POST", "/cti", 403);

    assertThat(ctiPost(one, ch, new JsonObject().put("event", "answered").put("callId", "call-77")
        .put("from", "+48600100200"))).isEqualTo(204);
    // The CTI's end event names the call only: node 2 learns the caller from what node 1 remembered.
    assertThat(ctiPost(two, ch, new JsonObject().put("event", "ended").put("callId", "call-77").put("durationSec", 95)
        .put("transcript", "Customer asks about order 1001."))).isEqualTo(204);

    List<Row> calls = until("the call message updated by the end event", 20_000, () -> {
      List<Row> r = rows("SELECT call::text AS call FROM message WHERE channel_id = $1", ch.id());
      return r.size() == 1 && new JsonObject(r.get(0).getString("call")).getInteger("durationSec") != null ? r : null;
    });
    JsonObject call = new JsonObject(calls.get(0).getString("call"));
    assertThat(call.getString("callId")).isEqualTo("call-77");
    assertThat(call.getInteger("durationSec")).isEqualTo(95);
    assertThat(call.getString("transcript")).isEqualTo("Customer asks about order 1001.");
    assertThat(rows("SELECT count(DISTINCT conversation_id) FROM message WHERE channel_id = $1", ch.id()).get(0)
        .getLong(0)).isEqualTo(1);
  }

  /** The node whose session holds the channel's mailbox lock, by the name it gives its session. */
  static String imapHolder() {
    List<Row> r = rows("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        + "WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database() "
        + "AND a.application_name LIKE 'switchboard %'");
    return r.size() == 1 ? r.get(0).getString(0).substring("switchboard ".length()) : null;
  }

  /** Inbound messages a node's adapters posted that the core found already stored. */
  static double duplicates(NodeProcess node) {
    String metrics = Api.expect(node.api.get("/metrics", null), 200).body().toString();
    return metrics.lines().filter(l -> l.startsWith("switchboard_ingest_messages_total") && l.contains("duplicate"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  static void deliver(GreenMailUser box, int n) throws Exception {
    byte[] raw = ("From: Customer " + n + " <c" + n + "@customer.example>\r\nTo: help@clustershop.example\r\n"
        + "Subject: Question " + n + "\r\nMessage-ID: <cluster-" + n + "@customer.example>\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\nQuestion number " + n + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
    box.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
  }

  static int unseen() {
    try {
      var store = Session.getInstance(new Properties()).getStore("imap");
      store.connect("127.0.0.1", green.getImap().getPort(), "clustershop", "imap-pass-1");
      try {
        return store.getFolder("INBOX").getUnreadMessageCount();
      } finally {
        store.close();
      }
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  static long stored(Channel ch) {
    return rows("SELECT count(*) FROM message WHERE channel_id = $1", ch.id()).get(0).getLong(0);
  }

  @Test
  @Order(3)
  @DisplayName("IMAP: one node fetches the mailbox (each mail stored once, no duplicate posts); killed with SIGKILL, the other takes over")
  void imapFetchedByOneNode() throws Exception {
    GreenMailUser box = green.setUser("help@clustershop.example", "clustershop", "imap-pass-1");
    Tenant t = nodes.get(0).api.tenant("Mail cluster");
    Channel ch = t.channel("email", null, new JsonObject().put("address", "help@clustershop.example")
        .put("imap", new JsonObject().put("host", "127.0.0.1").put("port", green.getImap().getPort())
            .put("username", "clustershop").put("password", "imap-pass-1").put("folder", "INBOX")));
    String holder = until("one node holds the mailbox", 30_000, ClusterChannelsTest::imapHolder);

    for (int i = 0; i < 12; i++) {
      deliver(box, i);
    }
    until("the 12 mails stored", 30_000, () -> stored(ch) == 12);
    assertThat(rows("SELECT count(DISTINCT external_id) FROM message WHERE channel_id = $1", ch.id()).get(0)
        .getLong(0)).isEqualTo(12);
    assertThat(duplicates(nodes.get(0)) + duplicates(nodes.get(1))).as("mails posted twice").isZero();
    assertThat(imapHolder()).isEqualTo(holder);
    // Marked seen only after the core stored each: the node taking over must not fetch them again.
    until("every mail marked seen in the mailbox", 20_000, () -> unseen() == 0);

    NodeProcess killed = nodes.stream().filter(n -> n.name.equals(holder)).findFirst().orElseThrow();
    NodeProcess survivor = nodes.stream().filter(n -> n != killed).findFirst().orElseThrow();
    killed.kill();
    assertThat(until("the other node holds the mailbox", 30_000, ClusterChannelsTest::imapHolder))
        .isEqualTo(survivor.name);
    for (int i = 12; i < 17; i++) {
      deliver(box, i);
    }
    until("the 5 mails after the failover stored", 30_000, () -> stored(ch) == 17);
    assertThat(rows("SELECT count(DISTINCT external_id) FROM message WHERE channel_id = $1", ch.id()).get(0)
        .getLong(0)).isEqualTo(17);
    assertThat(duplicates(survivor)).isZero();
  }
}
