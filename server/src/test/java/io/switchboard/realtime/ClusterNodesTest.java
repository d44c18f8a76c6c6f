package io.switchboard.realtime;

import io.switchboard.support.Api;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Person;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.NodeProcess;
import io.switchboard.support.NodeProcess.ClusterPlan;
import io.switchboard.support.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three clustered nodes, each its own process on loopback, sharing one database. The safety poll
 * is raised to a minute, so what delivers across nodes within seconds is the cluster's wake-up.
 */
@DisplayName("Three clustered nodes as processes: cross-node delivery, shared tickets, a node killed under load")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterNodesTest {

  static Vertx vertx;
  static String pgUrl;
  static List<NodeProcess> nodes = new ArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pgUrl = TestDatabases.create("cluster");
    ClusterPlan plan = ClusterPlan.of(pgUrl, 3, Map.of("SWITCHBOARD_STREAM_SAFETY_POLL_MS", "60000"));
    nodes.addAll(NodeProcess.startAll(vertx, plan, 180));
  }

  @AfterAll
  static void stop() {
    nodes.forEach(NodeProcess::close);
    vertx.close();
    TestDatabases.drop(pgUrl);
  }

  @Test
  @Order(1)
  @DisplayName("/health/ready on each node names the three members")
  void membersListed() {
    for (NodeProcess node : nodes) {
      JsonObject ready = Api.expect(node.api.get("/health/ready", null), 200).json();
      assertThat(ready.getString("node")).isEqualTo(node.name);
      assertThat(ready.getJsonObject("cluster").getString("state")).isEqualTo("up");
      assertThat(ready.getJsonObject("cluster").getJsonArray("members").getList())
          .containsExactly("node1", "node2", "node3");
    }
  }

  @Test
  @Order(2)
  @DisplayName("a message posted to node 1 reaches an agent on node 2 and a supervisor on node 3 at once; a ticket from node 1 opens a stream on node 2")
  void wakeUpAcrossNodes() {
    NodeProcess one = nodes.get(0);
    NodeProcess two = nodes.get(1);
    NodeProcess three = nodes.get(2);
    Tenant t = one.api.tenant("Cluster");
    String team = t.team("Support");
    Person agent = t.user("agent", List.of(team));
    Person supervisor = t.user("supervisor", List.of());
    Channel email = t.channel("email", team);

    try (StreamClient agentOnTwo = StreamClient.connect(vertx, two.port);
         StreamClient supervisorOnThree = StreamClient.open(vertx, three.api, supervisor.token(), null)) {
      agentOnTwo.auth(StreamClient.ticket(one.api, agent.token()), null);
      agentOnTwo.ready();
      supervisorOnThree.ready();

      long sent = System.nanoTime();
      Api.expect(t.inbound(email, new JsonObject().put("externalId", "x-1")
          .put("from", new JsonObject().put("email", "ann@example.com")).put("text", "where is my parcel?")), 202);
      for (StreamClient client : List.of(agentOnTwo, supervisorOnThree)) {
        JsonObject created = client.until(f -> "message.created".equals(f.getString("type")), 20);
        assertThat(created.getJsonObject("data").getString("text")).isEqualTo("where is my parcel?");
      }
      long tookMs = (System.nanoTime() - sent) / 1_000_000;
      assertThat(tookMs).as("delivery across nodes (the safety poll is 60 s)").isLessThan(10_000);
    }
  }

  @Test
  @Order(3)
  @DisplayName("node 2 killed with SIGKILL under load: its supervisor resumes on node 1 and misses nothing, sees nothing twice; every acknowledged message is stored")
  void nodeKilledUnderLoad() {
    NodeProcess one = nodes.get(0);
    NodeProcess two = nodes.get(1);
    NodeProcess three = nodes.get(2);
    Tenant t = one.api.tenant("Failover");
    Person supervisor = t.user("supervisor", List.of());
    Channel email = t.channel("email", null);

    StreamClient onTwo = StreamClient.open(vertx, two.api, supervisor.token(), null);
    long start = onTwo.ready();
    StreamClient onThree = StreamClient.open(vertx, three.api, supervisor.token(), start);
    onThree.ready();

    WebClient http = WebClient.create(vertx);
    List<String> externalIds = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> posts = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      if (i == 120) {
        two.kill();
      }
      NodeProcess target = nodes.get(i % 3);
      String externalId = "f-" + i + "-" + UUID.randomUUID();
      externalIds.add(externalId);
      posts.add(http.post(target.port, "localhost", "/api/v1/inbound")
          .putHeader("Authorization", "Bearer " + email.key())
          .sendJsonObject(new JsonObject().put("externalId", externalId)
              .put("from", new JsonObject().put("email", "c" + (i % 12) + "@example.com")).put("text", externalId)));
      if (i % 20 == 19) {
        // Paced in bursts, so the kill lands while messages are being written and delivered.
        await(Future.join(new ArrayList<>(posts)).otherwiseEmpty(), 60);
      }
    }
    await(Future.join(posts).otherwiseEmpty(), 60);
    Set<String> acknowledged = new HashSet<>();
    for (int i = 0; i < posts.size(); i++) {
      Future<HttpResponse<Buffer>> post = posts.get(i);
      if (post.succeeded() && post.result().statusCode() == 202) {
        acknowledged.add(externalIds.get(i));
      }
    }
    assertThat(acknowledged.size()).as("posts to the two live nodes are all acknowledged").isGreaterThanOrEqualTo(160);

    // The tab on node 2 lost its connection; it resumes on node 1 from the last seq it saw.
    assertThat(onTwo.closeCode(30)).isNotNull();
    List<JsonObject> beforeKill = onTwo.drain().stream().filter(f -> f.containsKey("seq")).toList();
    long lastSeen = beforeKill.isEmpty() ? start : beforeKill.get(beforeKill.size() - 1).getLong("seq");
    // (Not ready(): it would skip the replayed events, which come before "ready".)
    StreamClient resumed = StreamClient.open(vertx, one.api, supervisor.token(), lastSeen);

    Pool db = PgBuilder.pool().connectingTo(pgUrl).using(vertx).build();
    Set<String> stored = new HashSet<>();
    for (Row r : await(db.preparedQuery("SELECT external_id FROM message WHERE account_id = $1")
        .execute(Tuple.of(t.accountId)))) {
      stored.add(r.getString(0));
    }
    db.close();
    assertThat(stored).as("stored messages").containsAll(acknowledged);

    List<JsonObject> tab = new ArrayList<>(beforeKill);
    tab.addAll(messagesUntil(resumed, acknowledged, texts(beforeKill)));
    List<JsonObject> other = messagesUntil(onThree, acknowledged, Set.of());
    Map<String, List<JsonObject>> clients = Map.of("the tab resumed on node 1 (" + beforeKill.size() + " events before the kill)", tab,
        "the tab on node 3", other);
    clients.forEach((who, seen) -> {
      assertStrictlyRising(seen);
      List<String> created = seen.stream().filter(f -> "message.created".equals(f.getString("type")))
          .map(f -> f.getJsonObject("data").getString("text")).toList();
      assertThat(Set.copyOf(created)).as(who + " saw every acknowledged message").containsAll(acknowledged);
      assertThat(created).as(who + " saw none twice").doesNotHaveDuplicates();
    });
    resumed.close();
    onThree.close();
  }

  /** Durable frames until every acknowledged message's message.created is among them (or 30 s). */
  private static List<JsonObject> messagesUntil(StreamClient client, Set<String> acknowledged, Set<String> already) {
    List<JsonObject> out = new ArrayList<>();
    Set<String> seen = new HashSet<>(already);
    long deadline = System.currentTimeMillis() + 30_000;
    while (!seen.containsAll(acknowledged) && System.currentTimeMillis() < deadline) {
      for (JsonObject f : client.events(1, 1)) {
        out.add(f);
        if ("message.created".equals(f.getString("type"))) {
          seen.add(f.getJsonObject("data").getString("text"));
        }
      }
    }
    out.addAll(client.drain().stream().filter(f -> f.containsKey("seq") && !"ready".equals(f.getString("type"))).toList());
    return out;
  }

  private static Set<String> texts(List<JsonObject> frames) {
    Set<String> texts = new java.util.LinkedHashSet<>();
    for (JsonObject f : frames) {
      if ("message.created".equals(f.getString("type"))) {
        texts.add(f.getJsonObject("data").getString("text"));
      }
    }
    return texts;
  }

  private static void assertStrictlyRising(List<JsonObject> frames) {
    long last = -1;
    for (JsonObject f : frames) {
      long seq = f.getLong("seq");
      assertThat(seq).as("seq after " + last).isGreaterThan(last);
      last = seq;
    }
  }
}
