package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.function.Consumer;

/**
 * Scenario 5: the load account gets a large stored history (resolved conversations of 20 messages
 * each, written straight into PostgreSQL in batches: going through the API would take hours), then
 * the ingest steps are measured again, to compare with the same rates on a small database.
 */
final class LargeHistory {

  private static final int MESSAGES_PER_CONVERSATION = 20;
  private static final int BATCH = 250_000;

  private static final String CONTACTS = """
      INSERT INTO contact (id, account_id, name)
      SELECT 'ct_hist_' || $2 || '_' || i, $1, 'History customer ' || i FROM generate_series($3::int, $4::int) i""";

  private static final String CONVERSATIONS = """
      INSERT INTO conversation (id, account_id, contact_id, status, subject, created_at, last_message_at, resolved_at,
                                channels, search_text)
      SELECT 'cv_hist_' || $2 || '_' || i, $1, 'ct_hist_' || $2 || '_' || i, 'resolved', 'Order ' || i,
             now() - make_interval(days => 30 + i % 300), now() - make_interval(days => 29 + i % 300),
             now() - make_interval(days => 29 + i % 300), '{email}', 'order ' || i
      FROM generate_series($3::int, $4::int) i""";

  private static final String MESSAGES = """
      INSERT INTO message (id, account_id, conversation_id, channel_kind, direction, author_type, author_id, text,
                           created_at)
      SELECT 'msg_hist_' || $2 || '_' || g, $1, 'cv_hist_' || $2 || '_' || (g / %d), 'email',
             CASE WHEN g %% 2 = 0 THEN 'inbound' ELSE 'outbound' END, CASE WHEN g %% 2 = 0 THEN 'contact' ELSE 'user' END,
             NULL, 'Hello, about my order ' || g || ': ' || repeat('parcel refund delivery ', 12),
             now() - make_interval(days => (29 + (g / %d) %% 300)::int, secs => (g %% 86400)::float8)
      FROM generate_series($3::bigint, $4::bigint) g""".formatted(MESSAGES_PER_CONVERSATION, MESSAGES_PER_CONVERSATION);

  record Result(long messagesAdded, double loadSeconds, long messagesInAccount, List<IngestRamp.Step> steps) {
  }

  private LargeHistory() {
  }

  /** Adds {@code messages} stored messages to the account; returns the seconds it took. */
  static double load(Vertx vertx, String pgUrl, String accountId, String tag, long messages, Consumer<String> log) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnectOptions.fromUri(pgUrl)).using(vertx).build();
    long start = System.nanoTime();
    try {
      long conversations = (messages + MESSAGES_PER_CONVERSATION - 1) / MESSAGES_PER_CONVERSATION;
      for (long from = 0; from < conversations; from += BATCH) {
        long to = Math.min(conversations, from + BATCH) - 1;
        Tuple range = Tuple.of(accountId, tag, (int) from, (int) to);
        Bench.await(pool.withTransaction(c -> c.preparedQuery(CONTACTS).execute(range)
            .compose(r -> c.preparedQuery(CONVERSATIONS).execute(range))), 3600);
      }
      for (long from = 0; from < messages; from += BATCH) {
        long to = Math.min(messages, from + BATCH) - 1;
        Bench.await(pool.preparedQuery(MESSAGES).execute(Tuple.of(accountId, tag, from, to)), 3600);
        log.accept(String.format("  history: %d of %d messages stored", to + 1, messages));
      }
      Bench.await(pool.query("ANALYZE message").execute().compose(r -> pool.query("ANALYZE conversation").execute()),
          600);
    } finally {
      Bench.await(pool.close().otherwiseEmpty(), 30);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  static Future<Long> count(DbCheck db, String accountId) {
    return db.messageCount(accountId);
  }
}
