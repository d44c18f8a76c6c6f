package io.switchboard.sla;

import io.switchboard.http.Ids;
import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static io.switchboard.sla.SlaTest.weekdays;
import static io.switchboard.support.Api.expect;
import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A recompute after a policy edit outlives the node that took the edit, and is done once across
 * nodes: the edit marks the conversations stale in its own transaction, and every node sweeps them
 * in SKIP LOCKED pages. Calendar Mon-Fri 09:00-17:00 Warsaw; every conversation opens Monday
 * 3 November 2031 09:00Z (10:00 local), so a first response target of N minutes is due at 09:NN Z.
 * The date lies ahead of the real clock the second nodes run on: none of their timers is due, so
 * none fires (a firing timer waits for the conversations the test holds locked).
 */
@DisplayName("SLA recompute: durable and once across nodes")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlaSweepTest {

  static final Instant MONDAY = Instant.parse("2031-11-03T09:00:00Z");
  /** More than two sweep pages. */
  static final int N = 2 * SlaRecompute.PAGE + 50;
  /** Conversations the test holds locked while the edit's node sweeps, so that node cannot finish. */
  static final int HELD = 60;

  static TestServer server;
  static Tenant tenant;
  static List<String> ids = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.start("slasweep");
    server.app.services().sla.clock.set(MONDAY);
    tenant = server.api.tenant("Sweep Shop");
    Channel email = tenant.channel("email", null);
    expect(server.api.call(HttpMethod.PUT, "/api/v1/business-hours/office", tenant.admin.token(),
        new JsonObject().put("name", "Office").put("timezone", "Europe/Warsaw")
            .put("weekly", weekdays("09:00", "17:00"))), 200);
    expect(server.api.call(HttpMethod.PUT, "/api/v1/sla-policies/std", tenant.admin.token(), standard(60)), 200);
    for (int i = 0; i < N; i++) {
      JsonObject msg = new JsonObject().put("externalId", "<" + Ids.random(12) + "@mail.test>")
          .put("from", new JsonObject().put("email", "c" + i + "-" + Ids.random(6) + "@customer.test"))
          .put("subject", "Help").put("text", "Where is order " + i + "?");
      ids.add(expect(tenant.inbound(email, msg), 202).json().getString("conversationId"));
    }
    SlaTest.eventually("every conversation has its first response due", () -> dueAt("10:00") == N);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static JsonObject standard(int firstResponseMinutes) {
    return new JsonObject().put("name", "Standard").put("position", 10).put("firstResponseMinutes", firstResponseMinutes)
        .put("resolutionMinutes", 480).put("businessHoursId", "office");
  }

  /**
   * Conversations of the tenant whose first response is due Monday at this UTC minute (receipt
   * times of one instant are a microsecond apart).
   */
  static long dueAt(String hhmm) {
    return server.count("SELECT count(*) FROM conversation WHERE account_id = $1 "
        + "AND date_trunc('minute', first_response_due_at) = $2::text::timestamptz",
        tenant.accountId, "2031-11-03T" + hhmm + ":00Z");
  }

  static long stale() {
    return server.count("SELECT count(*) FROM conversation WHERE account_id = $1 AND sla_stale", tenant.accountId);
  }

  /** Conversations with exactly one due.changed audit row to this due time, and all such rows. */
  static long[] audited(String hhmm) {
    String due = "2031-11-03T" + hhmm + ":00%";
    long once = server.count("SELECT count(*) FROM (SELECT conversation_id FROM sla_audit WHERE account_id = $1 "
        + "AND change = 'due.changed' AND detail->>'firstResponseDueAt' LIKE $2 GROUP BY 1 HAVING count(*) = 1) x",
        tenant.accountId, due);
    long all = server.count("SELECT count(*) FROM sla_audit WHERE account_id = $1 AND change = 'due.changed' "
        + "AND detail->>'firstResponseDueAt' LIKE $2", tenant.accountId, due);
    return new long[] {once, all};
  }

  /** What an edit's transaction does (see SlaRepository.markStale), for the given conversations. */
  static final String MARK = """
      UPDATE conversation SET sla_stale = true, sla_stale_cause = 'policy.changed'
      WHERE account_id = $1 AND id = ANY($2) AND status IN ('open', 'pending', 'snoozed') AND merged_into IS NULL""";

  @Test
  @Order(1)
  @DisplayName("a node that dies before its recompute is done leaves the rest stale; a node that starts finishes it, each conversation once")
  void aStartingNodeFinishesWhatADeadNodeLeft() {
    Sla first = server.app.services().sla;
    long beforeFirst = first.recomputed();
    server.rows("UPDATE sla_policy SET first_response_minutes = 30, updated_at = now() WHERE account_id = $1 AND id = 'std'",
        tenant.accountId);
    // The edit marks every conversation; HELD of them are marked by a transaction that stays open
    // (busy, as under a long writer) while the node that took the edit sweeps, so that node leaves
    // them stale when it goes.
    List<String> held = ids.subList(ids.size() - HELD, ids.size());
    SqlConnection holder = await(server.app.db().getConnection());
    long[] dead = new long[2];
    try {
      Transaction holding = await(holder.begin());
      await(holder.preparedQuery(MARK).execute(Tuple.of(tenant.accountId).addArrayOfString(held.toArray(String[]::new))));
      server.rows(MARK, tenant.accountId, ids.subList(0, ids.size() - HELD).toArray(String[]::new));
      try (TestServer dying = server.secondNode()) {
        // It sweeps at start: everything it can take (the first node may take a share).
        Sla sla = dying.app.services().sla;
        SlaTest.eventually("the node sweeps what it can",
            () -> sla.recomputed() + first.recomputed() - beforeFirst == N - HELD);
        dead[0] = sla.recomputed();
      }
      dead[1] = first.recomputed();
      await(holding.commit());
    } finally {
      holder.close();
    }
    long doneByDeadNode = dead[0];
    long firstAtDeath = dead[1];
    assertThat(stale()).as("left stale when the node went").isEqualTo(HELD);
    assertThat(dueAt("09:30")).isEqualTo(N - HELD);

    try (TestServer later = server.secondNode()) {
      Sla sla = later.app.services().sla;
      SlaTest.eventually("the node that starts sweeps the rest",
          () -> doneByDeadNode + sla.recomputed() + first.recomputed() - beforeFirst == N);
      assertThat(stale()).isZero();
      long doneLater = sla.recomputed();
      assertThat(doneByDeadNode + doneLater + first.recomputed() - beforeFirst).as("recomputed over all nodes")
          .isEqualTo(N);
      assertThat(doneLater + first.recomputed() - firstAtDeath).as("recomputed after the node went").isEqualTo(HELD);
    }
    assertThat(dueAt("09:30")).isEqualTo(N);
    long[] audits = audited("09:30");
    assertThat(audits[0]).as("conversations audited exactly once").isEqualTo(N);
    assertThat(audits[1]).as("audit rows").isEqualTo(N);
    assertThat(server.count("SELECT count(*) FROM sla_audit WHERE account_id = $1 AND change = 'due.changed' "
        + "AND detail->>'cause' = 'policy.changed'", tenant.accountId)).isEqualTo(N);
  }

  @Test
  @Order(2)
  @DisplayName("two nodes sweeping the same stale conversations at once recompute each exactly once")
  void twoNodesSweepEachConversationOnce() {
    long seqBefore = server.count("SELECT coalesce(max(seq), 0) FROM event WHERE account_id = $1", tenant.accountId);
    Sla one = server.app.services().sla;
    long before = one.recomputed();
    // What an edit's transaction does, committed by a node that then died before sweeping.
    server.rows("""
        WITH p AS (UPDATE sla_policy SET first_response_minutes = 45, updated_at = now()
                   WHERE account_id = $1 AND id = 'std' RETURNING id)
        UPDATE conversation SET sla_stale = true, sla_stale_cause = 'policy.changed'
        WHERE account_id = $1 AND status IN ('open', 'pending', 'snoozed') AND merged_into IS NULL
          AND EXISTS (SELECT 1 FROM p)""", tenant.accountId);
    assertThat(stale()).isEqualTo(N);

    try (TestServer second = server.secondNode()) {
      Sla two = second.app.services().sla;
      // Both sweep at once (the second has also begun its start-up sweep).
      await(Future.all(one.sweep(), two.sweep()));
      assertThat(stale()).isZero();
      assertThat(one.recomputed() + two.recomputed() - before).as("recomputed over both nodes").isEqualTo(N);
    }
    assertThat(dueAt("09:45")).isEqualTo(N);
    long[] audits = audited("09:45");
    assertThat(audits[0]).as("conversations audited exactly once").isEqualTo(N);
    assertThat(audits[1]).as("audit rows").isEqualTo(N);
    // Consoles heard of each once.
    assertThat(server.count("SELECT count(DISTINCT conversation_id) FROM event WHERE account_id = $1 AND seq > $2 "
        + "AND type = 'conversation.updated' AND data->'sla'->>'firstResponseDueAt' LIKE '2031-11-03T09:45:00%'",
        tenant.accountId, seqBefore)).isEqualTo(N);
    assertThat(server.count("SELECT count(*) FROM event WHERE account_id = $1 AND seq > $2 "
        + "AND type = 'conversation.updated'", tenant.accountId, seqBefore)).isEqualTo(N);
  }
}
