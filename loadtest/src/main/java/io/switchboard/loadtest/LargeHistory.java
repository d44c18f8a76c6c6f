package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Scenario 5: the load account gets a large stored history, written straight into PostgreSQL by
 * set-based statements (going through the API would take hours), then search and the ingest steps
 * are measured on it.
 *
 * <p>The history looks like a support mailbox over two years: contacts with names, emails, phone
 * numbers and some social handles; a few customers with hundreds of conversations and most with one
 * or two (customer k's share falls as k^-1/2); conversations of {@value #MESSAGES_PER_CONVERSATION}
 * messages, the newest 2% still open, pending or snoozed, spread over the account's teams; message
 * text drawn from a support vocabulary with Zipf word frequencies (the commonest word in most
 * messages), product codes "sku&lt;n&gt;" from a long Zipf tail (rare words), and order and parcel
 * numbers. Two neighbour accounts get a tenth as much each, so account scoping is part of what is
 * measured. Everything about a contact follows from its number, so {@link SearchBench} can ask for
 * real names, addresses and numbers without reading them back.
 *
 * <p>Loading is done like a restore: the message table's non-unique indexes are dropped, the rows
 * inserted, and the indexes built again from their own definitions (a bulk build is several times
 * faster than 5 million index inserts). Nothing ingests while it runs.
 */
final class LargeHistory {

  static final int MESSAGES_PER_CONVERSATION = 20;
  static final int CONVERSATIONS_PER_CONTACT = 3;
  private static final int NEIGHBOURS = 2;
  private static final int NEIGHBOUR_SHARE = 10;
  private static final int BATCH = 250_000;
  static final int ORDER_BASE = 100_000;

  /** A support mailbox's words, commonest first (drawn with Zipf frequencies, rank r ∝ 1/r). */
  static final List<String> WORDS = List.of(("the i to and my order you a is for it of please have in your this "
      + "delivery on was not with that we can refund but be parcel thank thanks hello would when me will if "
      + "package received an at still as are item return could so from no just payment has been days what "
      + "do there account help any here about our please know sent back invoice get sorry email it's all "
      + "address tracking number one shipping again week yesterday today time can't did by also new need "
      + "wrong size colour color exchange customer service store online card paid charged twice money "
      + "broken damaged missing box courier driver door left neighbour collect pickup point locker code "
      + "voucher discount promo sale price cancel cancelled confirmation update status dispatched shipped "
      + "arrived late delayed waiting tomorrow monday friday weekend morning evening phone call message "
      + "chat reply answer problem issue question request complaint review rating product quality "
      + "material fabric shoes jacket dress shirt trousers bag watch kettle mug lamp chair table sofa "
      + "mattress pillow blanket towel curtain rug mirror shelf drawer cable charger battery screen "
      + "headphones speaker keyboard mouse printer router camera lens tripod warranty repair replacement "
      + "manual instructions assembly screws missing parts label receipt bank transfer paypal klarna "
      + "installment subscription newsletter unsubscribe password login website app error checkout basket")
      .split(" "));
  static final List<String> FIRST_NAMES = List.of(("Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna "
      + "Elżbieta Magdalena Joanna Zofia Julia Emma Olivia Sophie Laura Sarah Jan Piotr Krzysztof Andrzej Tomasz "
      + "Paweł Michał Marcin Jakub Adam Łukasz Marek John James David Daniel Thomas Lukas Noah Liam").split(" "));
  static final List<String> LAST_NAMES = List.of(("Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski "
      + "Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski "
      + "Smith Johnson Williams Brown Jones Miller Davis Garcia Müller Schmidt Schneider Fischer Weber Meyer "
      + "Wagner Becker Dubois Martin Bernard Rossi").split(" "));

  /** Contact k (0-based) in SQL: the same formulas as {@link #name}, {@link #email}, {@link #phone}. */
  private static final String NAME_SQL = "$6[1 + k % cardinality($6)] || ' ' || $7[1 + (k / cardinality($6)) % cardinality($7)]";

  private static final String CONTACTS = """
      INSERT INTO contact (id, account_id, name, created_at, updated_at)
      SELECT 'ct_h_' || $2 || '_' || k, $1, %s, now() - interval '800 days', now() - interval '800 days'
      FROM generate_series($3::int, $4::int) k WHERE $5::int >= 0""".formatted(NAME_SQL);

  /** Every contact an email, every second one a phone, every fifth an Instagram handle; all verified. */
  private static final String IDENTITIES = """
      INSERT INTO identity (id, account_id, contact_id, kind, value, platform, verified, created_at)
      SELECT 'id_h_' || $2 || '_' || kind || k, $1, 'ct_h_' || $2 || '_' || k, kind,
             CASE kind WHEN 'email' THEN translate(lower(%1$s), ' ąćęłńóśźżäöüé', '.acelnoszzaoue') || '.' || k || '@mail.example'
                       WHEN 'phone' THEN '+486' || lpad(k::text, 8, '0')
                       ELSE 'instagram:' || translate(lower($6[1 + k %% cardinality($6)]), 'ąćęłńóśźżäöüé', 'acelnoszzaoue') || '_' || k END,
             CASE kind WHEN 'social' THEN 'instagram' END, true, now() - interval '800 days'
      FROM generate_series($3::int, $4::int) k CROSS JOIN unnest(ARRAY['email', 'phone', 'social']) kind
      WHERE (kind = 'email' OR (kind = 'phone' AND k %% 2 = 0) OR (kind = 'social' AND k %% 5 = 0))
        AND $5::int >= 0""".formatted(NAME_SQL);

  /** A word of the vocabulary $8, rank r drawn with probability ∝ 1/r. */
  private static final String WORD = "$8[floor(exp(random() * ln(cardinality($8) + 1)))::int]";

  private static String words(int n) {
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      picks.add(WORD);
    }
    return String.join(" || ' ' || ", picks);
  }

  /**
   * Conversation i (0-based, oldest first over two years) of contact floor(contacts * u^2): a few
   * customers have hundreds of conversations, most one or two. A third are about an order (its
   * number in the subject); the newest 2% are not resolved yet.
   */
  private static final String CONVERSATIONS = """
      INSERT INTO conversation (id, account_id, contact_id, status, subject, team_id, created_at, last_message_at,
                                last_inbound_at, resolved_at, channels, search_text)
      SELECT 'cv_h_' || $2 || '_' || i, $1, 'ct_h_' || $2 || '_' || k, status, subject, team, at,
             at + interval '190 minutes', at + interval '180 minutes',
             CASE WHEN status = 'resolved' THEN at + interval '200 minutes' END, ARRAY[kind],
             lower(concat_ws(' ', subject, %s))
      FROM (SELECT i, k, at, (ARRAY['email', 'chat', 'phone', 'social'])[1 + i %% 4] AS kind,
                   CASE WHEN i %% 3 = 0 THEN 'Order ORD-' || (%d + i) ELSE initcap(%s) END AS subject,
                   CASE WHEN i >= $5 - $5 / 50 THEN (ARRAY['open', 'pending', 'snoozed', 'open'])[1 + i %% 4]
                        ELSE 'resolved' END AS status,
                   CASE WHEN cardinality($9::text[]) > 0 THEN $9[1 + i %% cardinality($9::text[])] END AS team
            FROM (SELECT i, floor(($5 / %d) * random() ^ 2)::int AS k,
                         now() - interval '1 day' - make_interval(secs => ($5 - i)::float8 * 63072000 / $5) AS at
                  FROM generate_series($3::int, $4::int) i) c) c""".formatted(NAME_SQL, ORDER_BASE, words(3),
      CONVERSATIONS_PER_CONTACT);

  /**
   * Message g is message g % 20 of conversation g / 20, ten minutes apart, customer and agent in
   * turn. The first names the order; text is 8, 16 or 32 vocabulary words; every fourth message
   * names a product code, every seventh a parcel number.
   */
  private static final String MESSAGES = """
      INSERT INTO message (id, account_id, conversation_id, channel_kind, direction, author_type, text, created_at)
      SELECT 'msg_h_' || $2 || '_' || g, $1, 'cv_h_' || $2 || '_' || (g / %1$d), (ARRAY['email', 'chat', 'phone', 'social'])[1 + (g / %1$d) %% 4],
             CASE WHEN g %% 2 = 0 THEN 'inbound' ELSE 'outbound' END, CASE WHEN g %% 2 = 0 THEN 'contact' ELSE 'user' END,
             CASE WHEN g %% %1$d = 0 THEN 'Hello, about order ORD-' || (%2$d + g / %1$d) || '. ' ELSE '' END
               || %3$s
               || CASE WHEN g %% 2 = 0 THEN ' ' || %3$s ELSE '' END
               || CASE WHEN g %% 5 = 0 THEN ' ' || %3$s || ' ' || %3$s ELSE '' END
               || CASE WHEN g %% 4 = 1 THEN ' sku' || floor(exp(random() * ln(200000)))::int ELSE '' END
               || CASE WHEN g %% 7 = 3 THEN ' parcel 0034' || lpad((g * 7919 %% 10000000000)::text, 16, '0') ELSE '' END,
             now() - interval '1 day' - make_interval(secs => ($5 - g / %1$d)::float8 * 63072000 / $5)
               + make_interval(mins => 10 * (g %% %1$d)::int)
      FROM generate_series($3::bigint, $4::bigint) g WHERE $6::text[] IS NOT NULL AND $7::text[] IS NOT NULL
        AND $9::text[] IS NOT NULL""".formatted(MESSAGES_PER_CONVERSATION, ORDER_BASE, words(8));

  /**
   * What the reports read, for the load account's resolved conversations: a first response, five
   * SLA audit rows (two of them outcomes: met, or missed one time in five), a breach for one in
   * five, and a survey (six in ten rated). Derived from each conversation's id, so it is repeatable.
   */
  private static final List<String> REPORT_FACTS = List.of("""
      UPDATE conversation SET first_response_at = created_at + make_interval(mins => 5 + abs(hashtext(id)) % 240)
      WHERE account_id = $1 AND status = 'resolved'""", """
      INSERT INTO sla_audit (account_id, conversation_id, at, change, detail)
      SELECT $1, c.id, c.created_at + make_interval(mins => x.after),
             CASE WHEN x.metric IS NULL THEN x.change WHEN (abs(hashtext(c.id)) + x.salt) % 5 = 0 THEN 'missed' ELSE 'met' END,
             CASE WHEN x.metric IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('metric', x.metric) END
      FROM conversation c
      CROSS JOIN (VALUES (0, 'policy.applied', NULL::text, 0), (30, 'firstResponse.given', NULL, 0),
                         (30, NULL, 'firstResponse', 1), (200, 'resolved', NULL, 0), (200, NULL, 'resolution', 3))
        AS x(after, change, metric, salt)
      WHERE c.account_id = $1 AND c.status = 'resolved'""", """
      INSERT INTO sla_breach (account_id, conversation_id, metric, kind, due_at, policy_id, fired_at, channel_kind)
      SELECT $1, c.id, 'firstResponse', 'breached', c.created_at + interval '20 minutes', 'load',
             c.created_at + interval '20 minutes', c.channels[1]
      FROM conversation c WHERE c.account_id = $1 AND c.status = 'resolved' AND (abs(hashtext(c.id)) + 1) % 5 = 0""", """
      INSERT INTO csat_survey (id, account_id, conversation_id, contact_id, token_hash, sent, channel_kind, created_at,
                               expires_at, rating, rated_at)
      SELECT 'cs_' || c.id, $1, c.id, c.contact_id, md5('cs_' || c.id), true, c.channels[1], c.resolved_at,
             c.resolved_at + interval '14 days',
             CASE WHEN abs(hashtext(c.id)) % 10 < 6 THEN 1 + abs(hashtext(c.id)) % 5 END,
             CASE WHEN abs(hashtext(c.id)) % 10 < 6 THEN c.resolved_at + interval '2 hours' END
      FROM conversation c WHERE c.account_id = $1 AND c.status = 'resolved'""");

  private static final String NEIGHBOUR = """
      INSERT INTO account (id, name, default_region) VALUES ($1, $2, 'PL') ON CONFLICT (id) DO NOTHING""";

  /** The message table's indexes that a bulk load drops and builds again (unique ones stay: ingest relies on them). */
  private static final String DROPPABLE = """
      SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relname = 'message' AND t.relnamespace = 'public'::regnamespace AND NOT x.indisunique""";

  /** One account's part of the history. */
  record Part(String accountId, String prefix, long messages) {

    long conversations() {
      return (messages + MESSAGES_PER_CONVERSATION - 1) / MESSAGES_PER_CONVERSATION;
    }

    long contacts() {
      return Math.max(1, conversations() / CONVERSATIONS_PER_CONTACT);
    }
  }

  record Result(long messagesAdded, double loadSeconds, long messagesInAccount, List<IngestRamp.Step> steps,
      List<SearchBench.Kind> search) {
  }

  private LargeHistory() {
  }

  /** The load account's part first, then the neighbours'. */
  static List<Part> parts(String accountId, String tag, long messages) {
    List<Part> parts = new ArrayList<>();
    parts.add(new Part(accountId, tag + "_0", messages));
    for (int n = 1; n <= NEIGHBOURS; n++) {
      parts.add(new Part("acc_h_" + tag + "_" + n, tag + "_" + n, messages / NEIGHBOUR_SHARE));
    }
    return parts;
  }

  /** Adds the history to the account (and its neighbours); returns the seconds it took. */
  static double load(Vertx vertx, String pgUrl, List<Part> parts, List<String> teamIds, Consumer<String> log) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnectOptions.fromUri(pgUrl)).using(vertx).build();
    long start = System.nanoTime();
    try {
      List<Row> indexes = new ArrayList<>();
      Bench.await(pool.query(DROPPABLE).execute().map(rows -> {
        rows.forEach(indexes::add);
        return null;
      }), 60);
      for (Row index : indexes) {
        Bench.await(pool.query("DROP INDEX " + index.getString("name")).execute(), 600);
      }
      String[] first = FIRST_NAMES.toArray(String[]::new);
      String[] last = LAST_NAMES.toArray(String[]::new);
      String[] words = WORDS.toArray(String[]::new);
      for (Part part : parts) {
        String[] teams = part.accountId().equals(parts.get(0).accountId()) ? teamIds.toArray(String[]::new)
            : new String[0];
        if (!part.accountId().equals(parts.get(0).accountId())) {
          Bench.await(pool.preparedQuery(NEIGHBOUR).execute(Tuple.of(part.accountId(), "History neighbour "
              + part.prefix())), 60);
        }
        for (long from = 0; from < part.contacts(); from += BATCH) {
          Tuple range = Tuple.of(part.accountId(), part.prefix(), (int) from,
              (int) (Math.min(part.contacts(), from + BATCH) - 1), (int) part.contacts())
              .addArrayOfString(first).addArrayOfString(last);
          Bench.await(pool.preparedQuery(CONTACTS).execute(range)
              .compose(r -> pool.preparedQuery(IDENTITIES).execute(range)), 3600);
        }
        for (long from = 0; from < part.conversations(); from += BATCH) {
          Tuple range = Tuple.of(part.accountId(), part.prefix(), (int) from,
                  (int) (Math.min(part.conversations(), from + BATCH) - 1), (int) part.conversations())
              .addArrayOfString(first).addArrayOfString(last).addArrayOfString(words).addArrayOfString(teams);
          Bench.await(pool.preparedQuery(CONVERSATIONS).execute(range), 3600);
        }
        for (long from = 0; from < part.messages(); from += BATCH) {
          long to = Math.min(part.messages(), from + BATCH) - 1;
          Tuple range = Tuple.of(part.accountId(), part.prefix(), from, to, (int) part.conversations())
              .addArrayOfString(first).addArrayOfString(last).addArrayOfString(words).addArrayOfString(teams);
          Bench.await(pool.preparedQuery(MESSAGES).execute(range), 3600);
          log.accept(String.format("  history %s: %d of %d messages stored (%.0f s)", part.accountId(), to + 1,
              part.messages(), (System.nanoTime() - start) / 1e9));
        }
      }
      for (String facts : REPORT_FACTS) {
        Bench.await(pool.preparedQuery(facts).execute(Tuple.of(parts.get(0).accountId())), 3600);
      }
      Bench.await(pool.query("SET maintenance_work_mem = '1GB'").execute(), 60);
      for (Row index : indexes) {
        long t0 = System.nanoTime();
        Bench.await(pool.query(index.getString("def")).execute(), 3600);
        log.accept(String.format("  history: index %s built in %.0f s", index.getString("name"),
            (System.nanoTime() - t0) / 1e9));
      }
      Bench.await(pool.query("VACUUM ANALYZE message").execute()
          .compose(r -> pool.query("VACUUM ANALYZE conversation").execute())
          .compose(r -> pool.query("VACUUM ANALYZE contact").execute())
          .compose(r -> pool.query("VACUUM ANALYZE identity").execute())
          .compose(r -> pool.query("ANALYZE sla_audit").execute()).compose(r -> pool.query("ANALYZE sla_breach").execute())
          .compose(r -> pool.query("ANALYZE csat_survey").execute()), 1800);
    } finally {
      Bench.await(pool.close().otherwiseEmpty(), 30);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** Contact k's name, as the SQL above writes it. */
  static String name(long k) {
    return FIRST_NAMES.get((int) (k % FIRST_NAMES.size())) + " " + LAST_NAMES.get((int) ((k / FIRST_NAMES.size())
        % LAST_NAMES.size()));
  }

  static String email(long k) {
    String ascii = java.text.Normalizer.normalize(name(k).replace('ł', 'l').replace('Ł', 'L'),
        java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    return ascii.toLowerCase(java.util.Locale.ROOT).replace(' ', '.') + "." + k + "@mail.example";
  }

  /** Even contacts have a phone: +48 6 and the contact number in eight digits. */
  static String phoneDigits(long k) {
    return "6" + String.format("%08d", k);
  }

  static Future<Long> count(DbCheck db, String accountId) {
    return db.messageCount(accountId);
  }
}
