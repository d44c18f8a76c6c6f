package io.switchboard.realtime;

import io.switchboard.events.EventDraft;
import io.switchboard.events.EventLog;
import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Live stream: tickets, visibility, ordering, replay and slow consumers")
class LiveStreamTest {

  static TestServer server;
  static Api api;
  static Pool db;
  static EventLog events;

  @BeforeAll
  static void start() {
    server = TestServer.start("livestream");
    api = server.api;
    db = server.app.db();
    events = server.app.services().events;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("an event for team A reaches its supervisor and agent but not team B's agent; a move reaches both teams")
  void visibilityFollowsTeams() {
    var teams = TwoTeams.create(server, "Visibility");
    var t = teams.tenant();
    String teamA = teams.teamA();
    String teamB = teams.teamB();
    var supervisor = teams.supervisor();
    var agentA = teams.agentA();
    var agentB = teams.agentB();
    try (var sup = StreamClient.open(server.vertx, api, supervisor.token(), null);
        var a = StreamClient.open(server.vertx, api, agentA.token(), null);
        var b = StreamClient.open(server.vertx, api, agentB.token(), null)) {
      sup.ready();
      a.ready();
      b.ready();
      long forA = append(t.accountId, EventDraft.of("conversation.created", "cv_1", teamA, null, Map.of("id", "cv_1")));
      long moved = append(t.accountId, new EventDraft("conversation.updated", "cv_1", teamB, null, teamA, null,
          Map.of("id", "cv_1", "teamId", teamB)));
      long forEveryone = append(t.accountId, EventDraft.of("conversation.created", "cv_2", null, null, Map.of("id", "cv_2")));

      assertThat(seqs(sup.events(3, 10))).containsExactly(forA, moved, forEveryone);
      List<JsonObject> ofA = a.events(3, 3);
      assertThat(seqs(ofA)).containsExactly(forA, moved, forEveryone);
      assertThat(ofA.get(0).getString("type")).isEqualTo("conversation.created");
      assertThat(ofA.get(0).getString("conversationId")).isEqualTo("cv_1");
      assertThat(ofA.get(0).getString("at")).endsWith("Z");
      assertThat(ofA.get(0).getJsonObject("data")).isEqualTo(new JsonObject().put("id", "cv_1"));
      assertThat(seqs(b.events(3, 3))).containsExactly(moved, forEveryone);
    }
  }

  @Test
  @DisplayName("a customer's message posted by an adapter reaches the team's agent live, not another team's")
  void inboundMessageIsStreamed() {
    var teams = TwoTeams.create(server, "Inbound");
    var t = teams.tenant();
    String teamA = teams.teamA();
    var agentA = teams.agentA();
    var agentB = teams.agentB();
    var email = t.channel("email", teamA);
    try (var a = StreamClient.open(server.vertx, api, agentA.token(), null);
        var b = StreamClient.open(server.vertx, api, agentB.token(), null)) {
      a.ready();
      b.ready();
      Api.Resp accepted = Api.expect(t.inbound(email, new JsonObject().put("externalId", "m-1")
          .put("from", new JsonObject().put("email", "ann@example.com").put("name", "Ann"))
          .put("subject", "Where is my parcel?").put("text", "Order 1234").put("sentAt", "2026-11-22T13:45:00Z")), 202);
      String conversationId = accepted.json().getString("conversationId");

      JsonObject created = a.until(f -> "message.created".equals(f.getString("type")), 10);
      assertThat(created.getString("conversationId")).isEqualTo(conversationId);
      assertThat(created.getLong("seq")).isPositive();
      // a marker everyone sees: b got nothing before it
      long marker = append(t.accountId, EventDraft.of("conversation.updated", "cv_x", null, null, Map.of("id", "cv_x")));
      assertThat(seqs(b.events(1, 10))).containsExactly(marker);
    }
  }

  @Test
  @DisplayName("an uncommitted event is never streamed; the next writer of the account waits for its commit and follows it; an abort leaves no gap")
  void uncommittedEventIsNumberedInItsTransaction() throws Exception {
    var t = server.tenant("Ordering");
    try (var client = StreamClient.open(server.vertx, api, t.admin.token(), null)) {
      client.ready();
      long s0 = await(events.current(db, t.accountId));
      SqlConnection first = await(db.getConnection());
      Transaction tx = await(first.begin());
      long firstSeq = await(events.append(first, t.accountId, draft(1)));
      assertThat(firstSeq).isEqualTo(s0 + 1);
      // A second writer of the account waits on the counter row until the first one ends.
      Future<Long> second = db.withTransaction(conn -> events.append(conn, t.accountId, draft(2)))
          .onSuccess(seq -> events.announce(t.accountId, seq));
      Thread.sleep(1500); // longer than the stream's safety poll: nothing uncommitted may show
      assertThat(second.isComplete()).isFalse();
      assertThat(client.drain()).noneMatch(f -> f.containsKey("seq"));

      await(tx.commit());
      events.announce(t.accountId, firstSeq);
      await(first.close());
      assertThat(await(second)).isEqualTo(s0 + 2);
      List<JsonObject> got = client.events(2, 10);
      assertThat(seqs(got)).containsExactly(s0 + 1, s0 + 2);
      assertThat(got.get(0).getJsonObject("data").getInteger("n")).isEqualTo(1);
      assertThat(got.get(1).getJsonObject("data").getInteger("n")).isEqualTo(2);

      // An aborted append gives its number back: the next event follows without a gap.
      await(db.withTransaction(conn -> events.append(conn, t.accountId, draft(3))
          .compose(n -> Future.failedFuture("changed my mind"))).recover(err -> Future.succeededFuture()));
      long next = append(t.accountId, draft(4));
      assertThat(next).isEqualTo(s0 + 3);
      assertThat(seqs(client.events(1, 10))).containsExactly(next);
    }
  }

  @Test
  @DisplayName("a client resuming from its last seq gets every newer event once, in order, while writers keep writing")
  void resumeAfterConcurrentWriters() {
    var t = server.tenant("Resume");
    long s0 = await(events.current(db, t.accountId));
    await(concurrentWrites(t.accountId, 100, 8));
    long afterHundred = await(events.current(db, t.accountId));
    assertThat(afterHundred - s0).isEqualTo(100);

    try (var client = StreamClient.connect(server.vertx, api.port())) {
      client.auth(StreamClient.ticket(api, t.admin.token()), s0);
      // More writers while the replay runs: the hand-over to live must neither lose nor repeat.
      Future<Void> more = concurrentWrites(t.accountId, 50, 8);
      List<JsonObject> frames = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (frames.stream().filter(f -> f.containsKey("seq") && !"ready".equals(f.getString("type"))).count() < 150
          && System.currentTimeMillis() < deadline) {
        frames.add(client.next(20));
      }
      await(more);
      List<Long> seqs = seqs(frames.stream().filter(f -> f.containsKey("seq") && !"ready".equals(f.getString("type")))
          .toList());
      assertThat(seqs).hasSize(150);
      assertThat(new HashSet<>(seqs)).hasSize(150);
      assertThat(seqs).isSorted();
      assertThat(seqs.get(0)).isEqualTo(s0 + 1);
      assertThat(seqs.get(149)).isEqualTo(s0 + 150);
      // The first hundred were replayed before ready.
      int ready = indexOfType(frames, "ready");
      assertThat(ready).isGreaterThanOrEqualTo(100);
      assertThat(frames.get(ready).getLong("seq")).isGreaterThanOrEqualTo(afterHundred);

      long live = append(t.accountId, draft(999));
      assertThat(seqs(client.events(1, 10))).containsExactly(live);
    }
  }

  @Test
  @DisplayName("a tab resuming while another keeps the account's feed open is replayed from memory: each missed event once, in order")
  void resumeFromTheFeedsMemory() {
    var t = server.tenant("Memory");
    try (var keeper = StreamClient.open(server.vertx, api, t.admin.token(), null)) {
      keeper.ready();
      long last;
      try (var first = StreamClient.open(server.vertx, api, t.admin.token(), null)) {
        first.ready();
        last = append(t.accountId, draft(1));
        assertThat(seqs(first.events(1, 10))).containsExactly(last);
      }
      for (int i = 0; i < 30; i++) {
        append(t.accountId, draft(100 + i));
      }
      assertThat(seqs(keeper.events(31, 10))).hasSize(31); // the feed has read them all
      // Gone from the database: only the feed's memory can replay them now.
      await(db.preparedQuery("DELETE FROM event WHERE account_id = $1 AND seq > $2")
          .execute(Tuple.of(t.accountId, last)));
      try (var back = StreamClient.open(server.vertx, api, t.admin.token(), last)) {
        List<Long> replayed = seqs(back.events(30, 10));
        assertThat(replayed).hasSize(30).isSorted().doesNotHaveDuplicates();
        assertThat(replayed.get(0)).isEqualTo(last + 1);
        assertThat(back.ready()).isEqualTo(last + 30);
        long live = append(t.accountId, draft(999));
        assertThat(seqs(back.events(1, 10))).containsExactly(live);
      }
    }
  }

  @Test
  @DisplayName("a since older than retention gets resync; one inside it replays")
  void resyncWhenSinceWasPruned() {
    var t = server.tenant("Retention");
    long s0 = await(events.current(db, t.accountId));
    for (int i = 0; i < 20; i++) {
      append(t.accountId, draft(i));
    }
    long last = s0 + 20;
    await(db.preparedQuery("UPDATE event SET at = now() - interval '8 days' WHERE account_id = $1")
        .execute(Tuple.of(t.accountId)));
    var retention = new EventRetention(db, new StreamSettings.Retention(7L * 24 * 3600 * 1000, 5, 3600_000));
    assertThat(await(retention.prune())).isGreaterThanOrEqualTo(15L);

    try (var old = StreamClient.open(server.vertx, api, t.admin.token(), s0 + 1)) {
      assertThat(old.next(10).getString("type")).isEqualTo("resync");
      assertThat(old.ready()).isEqualTo(last);
    }
    try (var recent = StreamClient.open(server.vertx, api, t.admin.token(), last - 5)) {
      assertThat(seqs(recent.events(5, 10))).containsExactly(last - 4, last - 3, last - 2, last - 1, last);
      assertThat(recent.ready()).isEqualTo(last);
    }
    try (var future = StreamClient.open(server.vertx, api, t.admin.token(), last + 100)) {
      assertThat(future.next(10).getString("type")).isEqualTo("resync");
    }
  }

  @Test
  @DisplayName("a client that stops reading is closed with 4408 while another keeps receiving")
  void slowConsumerIsDropped() throws InterruptedException {
    var t = server.tenant("Slow");
    String padding = "x".repeat(10_000);
    StreamSettings normal = hub().settings();
    // A small queue and a short patience, so the test need not push tens of megabytes.
    hub().tune(normal.withSlowConsumer(64 * 1024, 2000, 1L << 30));
    try (var slow = StreamClient.connect(server.vertx, api.port(), null, 4096);
        var fast = StreamClient.open(server.vertx, api, t.admin.token(), null)) {
      slow.auth(StreamClient.ticket(api, t.admin.token()), null);
      slow.ready();
      fast.ready();
      slow.pause();
      int total = 0;
      long last = 0;
      // Until the server gives up on the paused one: first the kernel buffers fill, then its queue.
      for (int batch = 0; batch < 120 && (batch < 8 || connectionCount() > 1); batch++) {
        List<EventDraft> drafts = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
          drafts.add(EventDraft.of("message.created", "cv_slow", null, null, Map.of("n", total++, "pad", padding)));
        }
        last = append(t.accountId, drafts.toArray(EventDraft[]::new));
        Thread.sleep(50);
      }
      List<Long> received = seqs(fast.events(total, 60));
      assertThat(received).hasSize(total);
      assertThat(received).isSorted();
      assertThat(received.get(total - 1)).isEqualTo(last);

      assertThat(connectionCount()).isEqualTo(1);
      slow.resume();
      assertThat(slow.closeCode(30)).isEqualTo((short) 4408);
      // the fast one is still served
      long after = append(t.accountId, draft(1));
      assertThat(seqs(fast.events(1, 10))).containsExactly(after);
    } finally {
      hub().tune(normal);
    }
  }

  @Test
  @DisplayName("a foreign Origin gets 403; a bad ticket gets 4401; a ticket works once")
  void originAndTickets() {
    var t = server.tenant("Tickets");
    assertThatThrownBy(() -> StreamClient.connect(server.vertx, api.port(), "https://evil.example", 0))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));

    Api.Resp issued = api.post("/api/v1/stream/tickets", t.admin.token(), new JsonObject());
    assertThat(issued.status()).isEqualTo(200);
    assertThat(issued.json().getInteger("expiresIn")).isEqualTo(30);
    assertThat(api.post("/api/v1/stream/tickets", null, new JsonObject()).status()).isEqualTo(401);
    String ticket = issued.json().getString("ticket");

    try (var own = StreamClient.connect(server.vertx, api.port(), server.baseUrl(), 0)) {
      own.auth(ticket, null);
      assertThat(own.ready()).isGreaterThanOrEqualTo(0);
      own.send(new JsonObject().put("type", "ping"));
      assertThat(own.untilType("pong", 5)).isNotNull();
    }
    try (var again = StreamClient.connect(server.vertx, api.port())) {
      again.auth(ticket, null);
      assertThat(again.closeCode(10)).isEqualTo((short) 4401);
    }
    try (var forged = StreamClient.connect(server.vertx, api.port())) {
      forged.auth("sbt_made_up", null);
      assertThat(forged.closeCode(10)).isEqualTo((short) 4401);
    }
    try (var noAuth = StreamClient.connect(server.vertx, api.port())) {
      noAuth.send(new JsonObject().put("type", "ping"));
      assertThat(noAuth.closeCode(10)).isEqualTo((short) 4401);
    }
  }

  @Test
  @DisplayName("a disabled user's stream closes with 4403")
  void revokedCredentialsClose() {
    var t = server.tenant("Revoke");
    var agent = t.user("agent", List.of());
    try (var client = StreamClient.open(server.vertx, api, agent.token(), null)) {
      client.ready();
      Api.expect(api.patch("/api/v1/users/" + agent.id(), t.admin.token(), new JsonObject().put("disabled", true)), 200);
      hub().onStreamContext(hub()::recheckCredentials);
      assertThat(client.closeCode(10)).isEqualTo((short) 4403);
    }
  }

  /** How many sockets the server holds, read on the stream's own thread. */
  static int connectionCount() {
    Promise<Integer> count = Promise.promise();
    hub().onStreamContext(() -> count.complete(hub().connectionCount()));
    return await(count.future());
  }

  static StreamHub hub() {
    return server.app.services().realtime.hub();
  }

  /**
   * Appends in one transaction, as services do, and announces after commit; returns the seq of
   * the last event appended.
   */
  static long append(String accountId, EventDraft... drafts) {
    long appended = await(db.withTransaction(tx -> events.append(tx, accountId, List.of(drafts))));
    events.announce(accountId, appended);
    return appended;
  }

  static EventDraft draft(int n) {
    return EventDraft.of("conversation.updated", "cv_" + n, null, null, Map.of("n", n));
  }

  /** count single-event transactions from `writers` concurrent chains. */
  static Future<Void> concurrentWrites(String accountId, int count, int writers) {
    List<Future<Void>> chains = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int share = count / writers + (w < count % writers ? 1 : 0);
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < share; i++) {
        int n = w * 1000 + i;
        chain = chain.compose(v -> db.withTransaction(tx -> events.append(tx, accountId, draft(n)))
            .onSuccess(appended -> events.announce(accountId, appended)).mapEmpty());
      }
      chains.add(chain);
    }
    return Future.all(chains).mapEmpty();
  }

  static List<Long> seqs(List<JsonObject> frames) {
    return frames.stream().map(f -> f.getLong("seq")).toList();
  }

  static int indexOfType(List<JsonObject> frames, String type) {
    for (int i = 0; i < frames.size(); i++) {
      if (type.equals(frames.get(i).getString("type"))) {
        return i;
      }
    }
    return -1;
  }
}
