package io.switchboard.conversation;

import io.switchboard.http.Caller;
import io.switchboard.support.Api.Person;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("The conversation list is served by indexes")
class ConversationListPlanTest {

  static TestServer server;
  static Tenant tenant;
  static String teamA;
  static Person agent;

  /** 10,000 conversations spread over statuses, teams, assignees and channels, plus a second account. */
  private static final String SEED_CONTACTS = """
      INSERT INTO contact (id, account_id, name)
      SELECT 'seedct_' || $2 || '_' || g, $1, 'Customer ' || g FROM generate_series(1, 10000) g""";

  private static final String SEED_CONVERSATIONS = """
      INSERT INTO conversation (id, account_id, contact_id, status, priority, subject, team_id, assignee_id, channels,
                                last_message_at, last_inbound_at, search_text)
      SELECT 'seedcv_' || $2 || '_' || g, $1, 'seedct_' || $2 || '_' || g,
             (ARRAY['open','pending','snoozed','resolved'])[1 + g % 4],
             (ARRAY['low','normal','high','urgent'])[1 + g % 4],
             'Subject ' || g,
             CASE g % 3 WHEN 0 THEN $3 WHEN 1 THEN NULL ELSE $4 END,
             CASE WHEN g % 5 = 0 THEN $5 ELSE NULL END,
             CASE g % 3 WHEN 0 THEN ARRAY['email'] WHEN 1 THEN ARRAY['chat','email'] ELSE ARRAY['phone'] END,
             now() - g * interval '1 minute', now() - g * interval '1 minute',
             lower('subject ' || g || ' customer ' || g || ' order number ' || md5(g::text))
      FROM generate_series(1, 10000) g""";

  /** Two messages per conversation: a common word in every one, a rare tracking number in each. */
  private static final String SEED_MESSAGES = """
      INSERT INTO message (id, account_id, conversation_id, direction, author_type, text, created_at)
      SELECT 'seedm_' || $2 || '_' || g, $1, 'seedcv_' || $2 || '_' || (1 + g % 10000), 'inbound', 'contact',
             'my parcel is late, tracking ' || (3400000000 + g), now() - g * interval '30 seconds'
      FROM generate_series(1, 20000) g""";

  @BeforeAll
  static void seed() {
    server = TestServer.start("listplan");
    tenant = server.tenant("Plans");
    teamA = tenant.team("A");
    String teamB = tenant.team("B");
    agent = tenant.user("agent", List.of(teamA));
    var db = server.app.db();
    await(db.preparedQuery(SEED_CONTACTS).execute(Tuple.of(tenant.accountId, "p")), 120);
    await(db.preparedQuery(SEED_CONVERSATIONS)
        .execute(Tuple.of(tenant.accountId, "p", teamA, teamB, agent.id())), 120);
    Tenant other = server.tenant("Neighbour");
    await(db.preparedQuery(SEED_CONTACTS).execute(Tuple.of(other.accountId, "n")), 120);
    await(db.preparedQuery(SEED_CONVERSATIONS).execute(Tuple.of(other.accountId, "n", null, null, null)), 120);
    await(db.preparedQuery(SEED_MESSAGES).execute(Tuple.of(tenant.accountId, "p")), 120);
    await(db.query("ANALYZE conversation").execute(), 120);
    await(db.query("ANALYZE message").execute(), 120);
    await(db.query("ANALYZE contact").execute(), 120);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("EXPLAIN of every list filter, for an agent and an admin, shows no sequential scan of conversation")
  void everyFilterUsesAnIndex() {
    Caller.User admin = new Caller.User(tenant.admin.id(), tenant.accountId, "admin", "Admin", List.of());
    Caller.User agentCaller = new Caller.User(agent.id(), tenant.accountId, "agent", "Agent", List.of(teamA));
    Cursor cursor = new Cursor(Instant.now().minusSeconds(3000 * 60), "seedcv_p_3000");
    Map<String, ConversationList> filters = new LinkedHashMap<>();
    filters.put("none", list(null, null, null, null, null, null));
    filters.put("status", list("open", null, null, null, null, null));
    filters.put("assignee=me", list(null, "me", null, null, null, null));
    filters.put("assignee=unassigned", list(null, "unassigned", null, null, null, null));
    filters.put("assignee=<id>", list(null, agent.id(), null, null, null, null));
    filters.put("status+assignee=me", list("pending", "me", null, null, null, null));
    filters.put("teamId", list(null, null, teamA, null, null, null));
    filters.put("status+teamId", list("resolved", null, teamA, null, null, null));
    filters.put("channel", list(null, null, null, "phone", null, null));
    filters.put("q", list(null, null, null, null, "order number 4242", null));
    filters.put("q short", list(null, null, null, null, "ab", null));
    filters.put("cursor", list(null, null, null, null, null, cursor));
    filters.put("status+cursor", list("open", null, null, null, null, cursor));
    for (var entry : filters.entrySet()) {
      for (Caller.User caller : List.of(admin, agentCaller)) {
        ConversationList.Statement st = entry.getValue().statement(caller);
        String plan = plan(st);
        assertThat(plan).as(entry.getKey() + " as " + caller.role() + ":\n" + plan)
            .doesNotContain("Seq Scan on conversation")
            .containsPattern("Index|Bitmap");
      }
    }
    // and the rows are really there: the plans above are over a full table
    assertThat(await(server.app.db().preparedQuery(ConversationList.parse(name -> null).statement(admin).sql())
        .execute(ConversationList.parse(name -> null).statement(admin).params())).size()).isEqualTo(51);
  }

  @Test
  @DisplayName("search reads messages through message_search and conversations by index, for rare and common words")
  void searchUsesIndexes() {
    Caller.User admin = new Caller.User(tenant.admin.id(), tenant.accountId, "admin", "Admin", List.of());
    Caller.User agentCaller = new Caller.User(agent.id(), tenant.accountId, "agent", "Agent", List.of(teamA));
    for (String q : List.of("3400004242", "parcel", "customer 42", "+48 601 234 567", "someone@mail.test")) {
      for (Caller.User caller : List.of(admin, agentCaller)) {
        ConversationList.Statement st = list(null, null, null, null, q, null).statement(caller, "PL");
        String plan = plan(st);
        // A walk over the newest conversations testing each one's messages, or a hash of the whole
        // account's conversations, took seconds at a million messages.
        assertThat(plan).as(q + " as " + caller.role() + ":\n" + plan)
            .doesNotContain("Seq Scan on conversation")
            .doesNotContain("Seq Scan on message")
            .contains("message_search");
      }
    }
    // and the rare number is found, through the text tier
    ConversationList rare = list(null, null, null, null, "3400004242", null);
    var rows = await(server.app.db().preparedQuery(rare.statement(admin, "PL").sql())
        .execute(rare.statement(admin, "PL").params()));
    assertThat(rows.size()).isEqualTo(1);
    assertThat(rows.iterator().next().getString("match_field")).isEqualTo("text");
  }

  @Test
  @DisplayName("a common word walks the newest conversations by the list's index and reads each one's own messages")
  void commonWordWalks() {
    Caller.User admin = new Caller.User(tenant.admin.id(), tenant.accountId, "admin", "Admin", List.of());
    Caller.User agentCaller = new Caller.User(agent.id(), tenant.accountId, "agent", "Agent", List.of(teamA));
    for (String status : new String[] {null, "open"}) {
      for (Caller.User caller : List.of(admin, agentCaller)) {
        ConversationList.Statement st = list(status, null, null, null, "parcel", null)
            .statement(caller, "PL", ConversationList.Words.RECENT, null);
        String plan = plan(st);
        assertThat(plan).as(status + " as " + caller.role() + ":\n" + plan)
            .doesNotContain("Seq Scan on conversation")
            .doesNotContain("Seq Scan on message")
            .doesNotContain("message_search")
            .containsPattern("Index Scan using (message_conversation|message_inbound)");
      }
    }
    // the walk finds the same newest page as the word index
    ConversationList common = list(null, null, null, null, "parcel", null);
    List<String> walked = ids(common.statement(admin, "PL", ConversationList.Words.RECENT, null));
    assertThat(walked).hasSize(51).isEqualTo(ids(common.statement(admin, "PL", ConversationList.Words.INDEX, null)));
    // 10,000 conversations: a walk that came back short could have stopped early
    assertThat(await(server.app.db().preparedQuery(common.walkBounded(admin).sql())
        .execute(common.walkBounded(admin).params())).iterator().next().getBoolean(0)).isTrue();
  }

  @Test
  @DisplayName("a common word beside a rare one is checked on the rare one's messages, with the same result")
  void commonWordBesideRareOne() {
    Caller.User admin = new Caller.User(tenant.admin.id(), tenant.accountId, "admin", "Admin", List.of());
    ConversationList mixed = list(null, null, null, null, "Parcel 3400004242", null);
    List<String> rareFirst = ids(mixed.statement(admin, "PL", ConversationList.Words.INDEX, List.of("3400004242")));
    assertThat(rareFirst).hasSize(1).isEqualTo(ids(mixed.statement(admin, "PL", ConversationList.Words.INDEX, null)));
    // the check still requires every word
    ConversationList absent = list(null, null, null, null, "kettle 3400004242", null);
    assertThat(ids(absent.statement(admin, "PL", ConversationList.Words.INDEX, List.of("3400004242")))).isEmpty();
    // which words are read from the index, from their estimated shares
    assertThat(ConversationRepository.selective(new String[] {"parcel", "3400004242"}, new Double[] {0.9, 0.0}))
        .containsExactly("3400004242");
    assertThat(ConversationRepository.selective(new String[] {"parcel", "late"}, new Double[] {0.9, 0.3})).isNull();
    assertThat(ConversationRepository.selective(new String[] {"kettle", "lid"}, new Double[] {0.001, 0.0})).isNull();
    assertThat(ConversationRepository.together(new Double[] {0.5, 0.1})).isCloseTo(0.05, within(1e-9));
    assertThat(ConversationRepository.together(new Double[0])).isZero();
    // common words walk; so do rarer ones the index would fetch by the thousand, if a walk can fill the page
    assertThat(ConversationRepository.walks(0.3, 1_500_000, 20, 51)).isTrue();
    assertThat(ConversationRepository.walks(0.002, 11_000, 20, 51)).isTrue();
    assertThat(ConversationRepository.walks(0.002, 400, 20, 51)).isFalse();
    assertThat(ConversationRepository.walks(0.0004, 90_000, 20, 51)).isFalse();
    assertThat(ConversationRepository.indexRows(new String[] {"a", "b"}, new Double[] {0.5, 0.01}, List.of("b"), 1000))
        .isCloseTo(10, within(1e-9));
  }

  /** The statement's EXPLAIN, one line a node. */
  private static String plan(ConversationList.Statement st) {
    StringBuilder plan = new StringBuilder();
    for (Row r : await(server.app.db().preparedQuery("EXPLAIN " + st.sql()).execute(st.params()))) {
      plan.append(r.getString(0)).append('\n');
    }
    return plan.toString();
  }

  private static List<String> ids(ConversationList.Statement st) {
    List<String> out = new java.util.ArrayList<>();
    await(server.app.db().preparedQuery(st.sql()).execute(st.params())).forEach(r -> out.add(r.getString("id")));
    return out;
  }

  private static ConversationList list(String status, String assignee, String teamId, String channel, String q,
      Cursor after) {
    return new ConversationList(status, assignee, teamId, channel, q, 50, after);
  }
}
