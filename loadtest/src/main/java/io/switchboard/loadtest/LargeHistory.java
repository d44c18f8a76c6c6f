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
 * the reports are timed over a month of it and the ingest steps are measured again, to compare
 * with the same rates on a small database. Each conversation carries what the reports read: a
 * first response, SLA audit rows (two outcomes among five rows, one in five missed, with a breach),
 * and a survey (six in ten rated).
 */
final class LargeHistory {

  private static final int MESSAGES_PER_CONVERSATION = 20;
  private static final int BATCH = 250_000;

  private static final String CONTACTS = """
      INSERT INTO contact (id, account_id, name)
      SELECT 'ct_hist_' || $2 || '_' || i, $1, 'History customer ' || i FROM generate_series($3::int, $4::int) i""";

  private static final String CONVERSATIONS = """
      INSERT INTO conversation (id, account_id, contact_id, status, subject, created_at, last_message_at, resolved_at,
                                channels, search_text, first_response_at)
      SELECT 'cv_hist_' || $2 || '_' || i, $1, 'ct_hist_' || $2 || '_' || i, 'resolved', 'Order ' || i,
             now() - make_interval(days => 30 + i % 300), now() - make_interval(days => 29 + i % 300),
             now() - make_interval(days => 29 + i % 300), '{email}', 'order ' || i,
             now() - make_interval(days => 30 + i % 300, mins => -(5 + i % 240))
      FROM generate_series($3::int, $4::int) i""";

  /** Five audit rows per conversation: two of them outcomes (met, or missed one time in five). */
  private static final String AUDIT = """
      INSERT INTO sla_audit (account_id, conversation_id, at, change, detail)
      SELECT $1, 'cv_hist_' || $2 || '_' || i, now() - make_interval(days => 30 + i % 300, mins => -x.after),
             CASE WHEN x.metric IS NULL THEN x.change WHEN (i + x.salt) % 5 = 0 THEN 'missed' ELSE 'met' END,
             CASE WHEN x.metric IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('metric', x.metric) END
      FROM generate_series($3::int, $4::int) i
      CROSS JOIN (VALUES (0, 'policy.applied', NULL::text, 0), (30, 'firstResponse.given', NULL, 0),
                         (30, NULL, 'firstResponse', 1), (1440, 'resolved', NULL, 0), (1440, NULL, 'resolution', 3))
        AS x(after, change, metric, salt)""";

  private static final String BREACHES = """
      INSERT INTO sla_breach (account_id, conversation_id, metric, kind, due_at, policy_id, fired_at, channel_kind)
      SELECT $1, 'cv_hist_' || $2 || '_' || i, 'firstResponse', 'breached', t, 'load', t, 'email'
      FROM generate_series($3::int, $4::int) i,
           LATERAL (SELECT now() - make_interval(days => 30 + i % 300, mins => -20) AS t) d
      WHERE (i + 1) % 5 = 0""";

  private static final String SURVEYS = """
      INSERT INTO csat_survey (id, account_id, conversation_id, contact_id, token_hash, sent, channel_kind, created_at,
                               expires_at, rating, rated_at)
      SELECT 'cs_hist_' || $2 || '_' || i, $1, 'cv_hist_' || $2 || '_' || i, 'ct_hist_' || $2 || '_' || i,
             md5('cs_hist_' || $2 || '_' || i), true, 'email', t, t + interval '14 days',
             CASE WHEN i % 10 < 6 THEN 1 + (i * 7) % 5 END, CASE WHEN i % 10 < 6 THEN t + interval '2 hours' END
      FROM generate_series($3::int, $4::int) i,
           LATERAL (SELECT now() - make_interval(days => 29 + i % 300) AS t) d""";

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
            .compose(r -> c.preparedQuery(CONVERSATIONS).execute(range))
            .compose(r -> c.preparedQuery(AUDIT).execute(range))
            .compose(r -> c.preparedQuery(BREACHES).execute(range))
            .compose(r -> c.preparedQuery(SURVEYS).execute(range))), 3600);
      }
      for (long from = 0; from < messages; from += BATCH) {
        long to = Math.min(messages, from + BATCH) - 1;
        Bench.await(pool.preparedQuery(MESSAGES).execute(Tuple.of(accountId, tag, from, to)), 3600);
        log.accept(String.format("  history: %d of %d messages stored", to + 1, messages));
      }
      Bench.await(pool.query("ANALYZE message").execute().compose(r -> pool.query("ANALYZE conversation").execute())
          .compose(r -> pool.query("ANALYZE sla_audit").execute()).compose(r -> pool.query("ANALYZE sla_breach").execute())
          .compose(r -> pool.query("ANALYZE csat_survey").execute()), 600);
    } finally {
      Bench.await(pool.close().otherwiseEmpty(), 30);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  static Future<Long> count(DbCheck db, String accountId) {
    return db.messageCount(accountId);
  }
}
