package io.switchboard.conversation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.switchboard.contact.SearchTerms;
import io.switchboard.conversation.Views.ConversationView;
import io.switchboard.db.Sql;
import io.switchboard.http.Caller;
import io.switchboard.http.Problem;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Conversations: the SQL that reads and writes them, scoped by account. */
public final class ConversationRepository {

  /** The columns a write needs to decide visibility and state. */
  public record State(String id, String accountId, String contactId, String status, String teamId, String assigneeId,
      Instant resolvedAt, String mergedInto) {
  }

  public static final String VIEW_COLUMNS = """
      c.id, c.status, c.priority, c.subject, c.contact_id, ct.name AS contact_name, c.channels, c.assignee_id,
      c.team_id, c.tags, c.created_at, c.last_message_at, c.last_inbound_at, c.snooze_until, c.resolved_at,
      c.needs_callback,
      (SELECT left(coalesce(m.text, m.subject, ''), 140) FROM message m
        WHERE m.account_id = c.account_id AND m.conversation_id = c.id AND m.direction <> 'note'
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS preview,
      """ + io.switchboard.sla.SlaViews.COLUMNS;

  /** Per user: an inbound message arrived after the user last read the conversation (or never read). */
  static final String UNREAD = """
      (c.last_inbound_at IS NOT NULL AND (rm.read_at IS NULL OR c.last_inbound_at > rm.read_at))""";

  private static final String VIEW = "SELECT " + VIEW_COLUMNS
      + " FROM conversation c JOIN contact ct ON ct.id = c.contact_id WHERE c.account_id = $1 AND c.id = $2";

  /** A conversation as one user sees it in REST answers: with unread, hidden once merged away. */
  private static final String VIEW_FOR_USER = "SELECT " + VIEW_COLUMNS + ", " + UNREAD + """
       AS unread
      FROM conversation c JOIN contact ct ON ct.id = c.contact_id
      LEFT JOIN read_marker rm ON rm.user_id = $3 AND rm.conversation_id = c.id
      WHERE c.account_id = $1 AND c.id = $2 AND c.merged_into IS NULL""";

  /** A contact's conversations across channels, newest activity first. */
  private static final String OF_CONTACT = "SELECT " + VIEW_COLUMNS + ", " + UNREAD + """
       AS unread
      FROM conversation c JOIN contact ct ON ct.id = c.contact_id
      LEFT JOIN read_marker rm ON rm.user_id = $3 AND rm.conversation_id = c.id
      WHERE c.account_id = $1 AND c.contact_id = $2 AND c.merged_into IS NULL
      ORDER BY c.last_message_at DESC, c.id DESC LIMIT 100""";

  private static final String MARK_READ = """
      INSERT INTO read_marker (account_id, user_id, conversation_id, read_at)
      SELECT account_id, $3, id, greatest(now(), last_inbound_at) FROM conversation
      WHERE account_id = $1 AND id = $2
      ON CONFLICT (user_id, conversation_id) DO UPDATE SET read_at = greatest(read_marker.read_at, excluded.read_at)""";

  /** A PATCH: null leaves a column as it is; assignee and team may be set to null explicitly. */
  private static final String CHANGE = """
      UPDATE conversation SET
        status = coalesce($3, status),
        priority = coalesce($4, priority),
        assignee_id = CASE WHEN $5 THEN $6 ELSE assignee_id END,
        team_id = CASE WHEN $7 THEN $8 ELSE team_id END,
        tags = coalesce($9, tags),
        snooze_until = CASE WHEN coalesce($3, status) = 'snoozed' THEN coalesce($10, snooze_until) END,
        resolved_at = CASE WHEN coalesce($3, status) = 'resolved' THEN coalesce(resolved_at, now()) END,
        subject = CASE WHEN $11 THEN $12 ELSE subject END,
        search_text = CASE WHEN $11
          THEN lower(concat_ws(' ', $12::text, (SELECT ct.name FROM contact ct WHERE ct.id = contact_id)))
          ELSE search_text END
      WHERE account_id = $1 AND id = $2""";

  private static final String FIRST_RESPONSE = """
      UPDATE conversation SET first_response_at = coalesce(first_response_at, now())
      WHERE account_id = $1 AND id = $2""";

  private static final String USER_EXISTS = """
      SELECT 1 FROM app_user WHERE account_id = $1 AND id = $2 AND NOT disabled""";

  private static final String CONTACT_EXISTS = """
      SELECT 1 FROM contact WHERE account_id = $1 AND id = $2 AND merged_into IS NULL""";

  private static final String TEAM_EXISTS = "SELECT 1 FROM team WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL";

  /**
   * Merge: the surviving conversation takes the other's activity, channels, tags and search text
   * (greatest/least skip NULLs).
   */
  private static final String ABSORB = """
      UPDATE conversation c SET
        last_message_at = greatest(c.last_message_at, o.last_message_at),
        last_inbound_at = greatest(c.last_inbound_at, o.last_inbound_at),
        channels = ARRAY(SELECT DISTINCT unnest(c.channels || o.channels)),
        tags = ARRAY(SELECT DISTINCT unnest(c.tags || o.tags)),
        subject = coalesce(c.subject, o.subject),
        search_text = left(c.search_text || ' ' || o.search_text, 32768),
        first_response_at = least(c.first_response_at, o.first_response_at)
      FROM conversation o
      WHERE c.account_id = $1 AND c.id = $2 AND o.account_id = $1 AND o.id = $3""";

  /**
   * Split: a new conversation of the same contact, team, assignee and priority, holding the chosen
   * messages ($4): its activity, channels and first response come from them.
   */
  private static final String SPLIT_OFF = """
      INSERT INTO conversation (id, account_id, contact_id, status, priority, subject, team_id, assignee_id, channels,
                                created_at, last_message_at, last_inbound_at, first_response_at, search_text)
      SELECT $3, c.account_id, c.contact_id, 'open', c.priority, $5, c.team_id, c.assignee_id,
             ARRAY(SELECT DISTINCT m.channel_kind FROM message m
                   WHERE m.account_id = $1 AND m.conversation_id = $2 AND m.id = ANY($4) AND m.channel_kind IS NOT NULL),
             now(),
             (SELECT max(m.created_at) FROM message m WHERE m.account_id = $1 AND m.conversation_id = $2 AND m.id = ANY($4)),
             (SELECT max(m.created_at) FROM message m WHERE m.account_id = $1 AND m.conversation_id = $2 AND m.id = ANY($4)
                AND m.direction = 'inbound'),
             (SELECT min(m.created_at) FROM message m WHERE m.account_id = $1 AND m.conversation_id = $2 AND m.id = ANY($4)
                AND m.direction = 'outbound' AND m.author_type = 'user'),
             lower(concat_ws(' ', $5::text, ct.name))
      FROM conversation c JOIN contact ct ON ct.id = c.contact_id
      WHERE c.account_id = $1 AND c.id = $2""";

  /** After a split: the conversation's activity and channels are those of the messages it kept. */
  private static final String RECOMPUTE = """
      UPDATE conversation c SET
        last_message_at = coalesce((SELECT max(m.created_at) FROM message m
                                    WHERE m.account_id = $1 AND m.conversation_id = $2), c.last_message_at),
        last_inbound_at = (SELECT max(m.created_at) FROM message m
                           WHERE m.account_id = $1 AND m.conversation_id = $2 AND m.direction = 'inbound'),
        channels = ARRAY(SELECT DISTINCT m.channel_kind FROM message m
                         WHERE m.account_id = $1 AND m.conversation_id = $2 AND m.channel_kind IS NOT NULL)
      WHERE c.account_id = $1 AND c.id = $2""";

  /** Delivery of moved replies follows them (its status updates name the message's conversation). */
  private static final String MOVE_OUTBOUND_OF = """
      UPDATE outbound_item SET conversation_id = $3 WHERE account_id = $1 AND conversation_id = $2
        AND message_id = ANY($4)""";

  private static final String MARK_MERGED = """
      UPDATE conversation SET merged_into = $3 WHERE account_id = $1 AND id = $2""";

  /** Threads of the other conversation now lead to the surviving one. */
  private static final String MOVE_THREADS = """
      UPDATE conversation_thread SET conversation_id = $3 WHERE account_id = $1 AND conversation_id = $2""";

  /** Undelivered messages follow their conversation so they still go out in order (typing items are moot). */
  private static final String MOVE_OUTBOUND = """
      UPDATE outbound_item SET conversation_id = $3
      WHERE account_id = $1 AND conversation_id = $2 AND status IN ('pending', 'leased') AND kind <> 'typing'""";

  /** Contact merge: conversations follow the surviving contact (threads too, unless it has the key). */
  private static final String MOVE_TO_CONTACT = """
      UPDATE conversation SET contact_id = $3 WHERE account_id = $1 AND contact_id = $2 RETURNING id""";

  private static final String MOVE_THREADS_TO_CONTACT = """
      UPDATE conversation_thread t SET contact_id = $3
      WHERE t.account_id = $1 AND t.contact_id = $2 AND NOT EXISTS (
        SELECT 1 FROM conversation_thread d
        WHERE d.channel_id = t.channel_id AND d.contact_id = $3 AND d.thread_key = t.thread_key)""";

  private static final String DROP_THREADS_OF_CONTACT = """
      DELETE FROM conversation_thread WHERE account_id = $1 AND contact_id = $2""";

  private static final String LOCK = """
      SELECT id, account_id, contact_id, status, team_id, assignee_id, resolved_at, merged_into
      FROM conversation WHERE account_id = $1 AND id = $2 FOR UPDATE""";

  /** search_text holds the subject and the contact's name; message text is searched per message (V5). */
  private static final String INSERT = """
      INSERT INTO conversation (id, account_id, contact_id, status, subject, team_id, channels, created_at,
                                last_message_at, search_text)
      VALUES ($1, $2, $3, 'open', $4, $5, ARRAY[$6]::text[], now(), now(),
              lower(concat_ws(' ', $4::text, (SELECT name FROM contact WHERE id = $3 AND account_id = $2))))""";

  /** Records a message: activity time, channels seen, and (for inbound) the move back to open. */
  private static final String TOUCH = """
      UPDATE conversation SET
        last_message_at = greatest(last_message_at, now()),
        last_inbound_at = CASE WHEN $3 THEN now() ELSE last_inbound_at END,
        channels = CASE WHEN $4::text IS NULL OR $4 = ANY(channels) THEN channels ELSE channels || $4::text END,
        subject = coalesce(subject, $5),
        status = CASE WHEN $6 AND status <> 'open' THEN 'open' ELSE status END,
        snooze_until = CASE WHEN $6 THEN NULL ELSE snooze_until END,
        resolved_at = CASE WHEN $6 THEN NULL ELSE resolved_at END
      WHERE account_id = $1 AND id = $2""";

  public Future<Optional<ConversationView>> view(SqlClient db, String accountId, String id) {
    return db.preparedQuery(VIEW).execute(Tuple.of(accountId, id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
  }

  private static final String CALLED_BACK = """
      UPDATE conversation SET needs_callback = false WHERE account_id = $1 AND id = $2 AND needs_callback
      RETURNING id""";

  /** Clears "needs callback"; the conversation's view when it was set (so the change is announced), else empty. */
  public Future<Optional<ConversationView>> calledBack(SqlClient tx, String accountId, String id) {
    return tx.preparedQuery(CALLED_BACK).execute(Tuple.of(accountId, id))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.<ConversationView>empty())
            : view(tx, accountId, id));
  }

  public Future<Optional<State>> lock(SqlClient tx, String accountId, String id) {
    return tx.preparedQuery(LOCK).execute(Tuple.of(accountId, id)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new State(r.getString("id"), r.getString("account_id"), r.getString("contact_id"),
          r.getString("status"), r.getString("team_id"), r.getString("assignee_id"),
          Sql.instant(r.getOffsetDateTime("resolved_at")), r.getString("merged_into")));
    });
  }

  public Future<Void> insert(SqlClient tx, String id, String accountId, String contactId, String subject,
      String teamId, String channelKind) {
    return tx.preparedQuery(INSERT).execute(Tuple.of(id, accountId, contactId, subject, teamId, channelKind))
        .mapEmpty();
  }

  /**
   * @param inbound a customer message (sets last_inbound_at)
   * @param reopen  move pending/snoozed/resolved back to open
   */
  public Future<Void> touch(SqlClient tx, String accountId, String id, boolean inbound, String channelKind,
      String subject, boolean reopen) {
    return tx.preparedQuery(TOUCH).execute(Tuple.of(accountId, id, inbound, channelKind, subject, reopen))
        .mapEmpty();
  }

  /** The conversation for a REST answer to this user: empty when absent, merged away or not visible. */
  public Future<Optional<ConversationView>> viewFor(SqlClient db, Caller.User caller, String id) {
    return db.preparedQuery(VIEW_FOR_USER).execute(Tuple.of(caller.accountId(), id, caller.userId()))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.<ConversationView>empty();
          }
          Row r = rows.iterator().next();
          ConversationView view = map(r).withUnread(r.getBoolean("unread"));
          return caller.sees(view.teamId(), view.assigneeId()) ? Optional.of(view) : Optional.empty();
        });
  }

  /** A page of the list and the cursor of the next one (null on the last page). */
  public record Page(List<Listed> items, String nextCursor) {
  }

  /**
   * A conversation in a list; match (search only, else absent) says what the query found: field is
   * email, phone, social, name, subject or text; text is the matched value or a snippet of the
   * message (messageId) around the query's words, for the console to highlight.
   */
  public record Listed(@JsonUnwrapped ConversationView conversation,
      @JsonInclude(JsonInclude.Include.NON_NULL) Match match) {
  }

  public record Match(String field, String text, String messageId) {
  }

  /**
   * Before a search: the account's phone region, and the share of messages (0 to 1) estimated to
   * hold all of the query's words. The estimate reads the statistics ANALYZE keeps on the
   * message_search index (the share of messages holding each of its commonest words, about a
   * thousand of them): a word matches as a prefix, so the shares of the words it begins are added
   * up; a word not among them is rare (its share counts as 0); the words of a query are taken to be
   * independent. No statistics yet (a young database) gives 0.
   */
  private static final String SEARCH_PLAN = """
      SELECT (SELECT default_region FROM account WHERE id = $1) AS region,
             ARRAY(SELECT t.lexeme FROM unnest(to_tsvector('simple', $2)) t ORDER BY t.lexeme) AS words,
             ARRAY(SELECT least(1, coalesce((SELECT sum(e.share) FROM unnest(s.elems, s.shares) AS e(word, share)
                                             WHERE starts_with(e.word, t.lexeme)), 0))::float8
                   FROM unnest(to_tsvector('simple', $2)) t
                   LEFT JOIN (SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS shares
                              FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'message_search'
                                AND attname = 'to_tsvector') s ON true
                   ORDER BY t.lexeme) AS shares,
             (SELECT reltuples FROM pg_class WHERE oid = 'message'::regclass)::float8 AS messages,
             (SELECT reltuples FROM pg_class WHERE oid = 'conversation'::regclass)::float8 AS conversations""";

  /**
   * Words estimated in fewer messages than WALK_SHARE still walk when the index would fetch at
   * least this many messages and a walk of WALK_MAX conversations is expected to fill the page:
   * fetching a message found by the index costs about 20 µs when it is not cached (they lie all
   * over the table), checking one of a walked conversation about 2 µs.
   */
  static final double INDEX_ROWS_WALK = 5000;

  /**
   * A word in at least this share of messages is not read from the word index when the query has
   * a rarer one: the messages the rarer words find are checked for it instead.
   */
  static final double INDEX_WORD_SHARE = 0.01;

  /**
   * From this estimated share of messages on, a search walks the newest conversations instead of
   * reading every match from the word index (see ConversationList.Words). The index read costs
   * at least 1.3 µs a match (measured warm at 220,000 messages) and grows with the database; the
   * walk checks about 2 µs a message and needs fewer of them the commoner the words. From those
   * figures, at 5 million messages both cost about 25 ms for words in 0.4% of messages (a walk of
   * some 500 conversations of 20 messages, well within WALK_MAX). Measured results:
   * docs/benchmarks/README.md, "Search at 5 million messages".
   */
  static final double WALK_SHARE = 0.004;

  /**
   * A search statement that runs longer than this is cancelled (a 503 that says to narrow the
   * search): a query's cost is bounded by design, and this caps what the estimate gets wrong.
   */
  static final int SEARCH_TIMEOUT_MS = 3000;

  /**
   * A word index read keeps one bit per matching message only while its bitmap fits in work_mem;
   * past that it keeps whole pages, and every message on them is split into words again (at 5
   * million messages, seconds for two common words). 32 MB holds a bitmap of several million.
   */
  static final String SEARCH_WORK_MEM = "32MB";

  /** The newest message of each conversation whose words match the query, walked newest first per conversation. */
  private static final String TEXT_MATCHES = """
      SELECT cv.id AS conversation_id, hit.id, hit.body FROM unnest($2::text[]) AS cv(id)
      CROSS JOIN LATERAL (
        SELECT m.id, left(concat_ws(' ', m.subject, m.text), 20000) AS body FROM message m
        WHERE m.account_id = $1 AND m.conversation_id = cv.id
          AND to_tsvector('simple', coalesce(m.subject, '') || ' ' || coalesce(m.text, '')) @@ %s
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1) hit""";

  public Future<Page> list(Pool db, Caller.User caller, ConversationList query) {
    if (query.q() == null) {
      ConversationList.Statement st = query.statement(caller);
      return db.preparedQuery(st.sql()).execute(st.params()).compose(rows -> page(db, caller, query, rows));
    }
    // JIT off: compiling a search's large statement costs more than running it.
    return db.withTransaction(tx -> tx.query("SET LOCAL statement_timeout = " + SEARCH_TIMEOUT_MS
            + "; SET LOCAL jit = off; SET LOCAL work_mem = '" + SEARCH_WORK_MEM + "'").execute()
            .compose(x -> search(tx, caller, query)))
        .recover(e -> Future.failedFuture(e instanceof PgException pg && "57014".equals(pg.getSqlState())
            ? Problem.unavailable("This search took too long. Add a word or a filter to narrow it.", 1) : e));
  }

  private Future<Page> search(SqlClient db, Caller.User caller, ConversationList query) {
    return db.preparedQuery(SEARCH_PLAN).execute(Tuple.of(caller.accountId(), query.q())).compose(plan -> {
      Row p = plan.iterator().next();
      String region = p.getString("region");
      String[] words = p.getArrayOfStrings("words");
      Double[] shares = p.getArrayOfDoubles("shares");
      List<String> indexed = selective(words, shares);
      boolean common = walks(together(shares), indexRows(words, shares, indexed, p.getDouble("messages")),
          p.getDouble("messages") / Math.max(1, p.getDouble("conversations")), query.limit() + 1);
      ConversationList.Statement st = query.statement(caller, region,
          common ? ConversationList.Words.RECENT : ConversationList.Words.INDEX, indexed);
      Future<RowSet<Row>> found = db.preparedQuery(st.sql()).execute(st.params());
      if (common) {
        // A short page from the walk is complete only if the walk reached the end of the list.
        found = found.compose(rows -> rows.size() > query.limit() ? Future.succeededFuture(rows)
            : bounded(db, query.walkBounded(caller)).compose(stopped -> {
              if (!stopped) {
                return Future.succeededFuture(rows);
              }
              ConversationList.Statement all = query.statement(caller, region, ConversationList.Words.INDEX,
                  indexed);
              return db.preparedQuery(all.sql()).execute(all.params());
            }));
      }
      return found.compose(rows -> page(db, caller, query, rows));
    });
  }

  /**
   * Whether to walk the newest conversations: the words are common, or the index would fetch many
   * messages while a bounded walk should still fill the page.
   *
   * @param together     the estimated share of messages holding all the words
   * @param indexRows    the messages the index read would fetch
   * @param perConversation messages per conversation, on average
   * @param page         the conversations wanted
   */
  static boolean walks(double together, double indexRows, double perConversation, int page) {
    double found = 1 - Math.pow(1 - together, Math.max(1, perConversation));
    return together >= WALK_SHARE || (indexRows >= INDEX_ROWS_WALK && found * ConversationList.WALK_MAX >= page);
  }

  /** The messages an index read of these words fetches: the share holding all the indexed ones. */
  static double indexRows(String[] words, Double[] shares, List<String> indexed, double messages) {
    double share = 1;
    for (int i = 0; i < words.length; i++) {
      if (indexed == null || indexed.contains(words[i])) {
        share *= Math.max(0, Math.min(1, shares[i]));
      }
    }
    return words.length == 0 ? 0 : share * messages;
  }

  /** The estimated share of messages holding all the words (taken as independent); 0 without words. */
  static double together(Double[] shares) {
    if (shares.length == 0) {
      return 0;
    }
    double all = 1;
    for (Double s : shares) {
      all *= Math.max(1e-9, Math.min(1, s));
    }
    return all;
  }

  /**
   * The words to read from the index: those under INDEX_WORD_SHARE; null (all of them) when that is
   * all or none of them. Of two common words seldom together, collecting both from the index costs
   * less than fetching every message that holds the rarer one (at 5 million messages: about 150 ms
   * against 500).
   */
  static List<String> selective(String[] words, Double[] shares) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      if (shares[i] < INDEX_WORD_SHARE) {
        out.add(words[i]);
      }
    }
    return out.isEmpty() || out.size() == words.length ? null : out;
  }

  private static Future<Boolean> bounded(SqlClient db, ConversationList.Statement st) {
    return db.preparedQuery(st.sql()).execute(st.params()).map(rows -> rows.iterator().next().getBoolean(0));
  }

  private Future<Page> page(SqlClient db, Caller.User caller, ConversationList query, RowSet<Row> rows) {
    List<Listed> items = new ArrayList<>();
    List<Integer> tiers = new ArrayList<>();
    for (Row r : rows) {
      ConversationView view = map(r).withUnread(r.getBoolean("unread"));
      Match match = null;
      if (query.q() != null) {
        tiers.add(r.getInteger("tier"));
        match = match(view, query.q(), r.getString("match_field"), r.getString("match_value"));
      }
      items.add(new Listed(view, match));
    }
    String next = null;
    if (items.size() > query.limit()) {
      items = new ArrayList<>(items.subList(0, query.limit()));
      ConversationView last = items.get(items.size() - 1).conversation();
      next = new Cursor(last.lastMessageAt(), last.id(), query.q() == null ? 0 : tiers.get(items.size() - 1))
          .encode();
    }
    String nextCursor = next;
    List<Listed> page = items;
    return textSnippets(db, caller.accountId(), query.q(), page).map(v -> new Page(List.copyOf(page), nextCursor));
  }

  private static Match match(ConversationView view, String q, String field, String value) {
    if (field == null || "text".equals(field)) {
      return new Match("text", null, null);
    }
    if ("subject".equals(field)) {
      String lower = q.toLowerCase(java.util.Locale.ROOT);
      boolean inSubject = view.subject() != null && view.subject().toLowerCase(java.util.Locale.ROOT).contains(lower);
      return inSubject ? new Match("subject", view.subject(), null) : new Match("name", view.contactName(), null);
    }
    // Social identities are stored as "platform:handle": show the handle.
    String shown = "social".equals(field) && value != null && value.indexOf(':') >= 0
        ? value.substring(value.lastIndexOf(':') + 1) : value;
    return new Match(field, shown, null);
  }

  /** Fills the snippets of the page's text matches, in one statement. */
  private Future<Void> textSnippets(SqlClient db, String accountId, String q, List<Listed> page) {
    List<String> ids = page.stream().filter(l -> l.match() != null && "text".equals(l.match().field()))
        .map(l -> l.conversation().id()).toList();
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    String sql = TEXT_MATCHES.formatted(ConversationList.queryWordsOf(3));
    return db.preparedQuery(sql).execute(Tuple.of(accountId).addArrayOfString(ids.toArray(String[]::new)).addString(q))
        .map(rows -> {
          Map<String, Match> found = new java.util.HashMap<>();
          for (Row r : rows) {
            found.put(r.getString("conversation_id"),
                new Match("text", SearchTerms.snippet(r.getString("body"), q, 140), r.getString("id")));
          }
          for (int i = 0; i < page.size(); i++) {
            Listed l = page.get(i);
            Match m = found.get(l.conversation().id());
            if (m != null) {
              page.set(i, new Listed(l.conversation(), m));
            }
          }
          return null;
        });
  }

  /** The contact's conversations this user may see. */
  public Future<List<ConversationView>> ofContact(SqlClient db, Caller.User caller, String contactId) {
    return db.preparedQuery(OF_CONTACT).execute(Tuple.of(caller.accountId(), contactId, caller.userId()))
        .map(rows -> {
          List<ConversationView> out = new ArrayList<>();
          for (Row r : rows) {
            ConversationView view = map(r).withUnread(r.getBoolean("unread"));
            if (caller.sees(view.teamId(), view.assigneeId())) {
              out.add(view);
            }
          }
          return out;
        });
  }

  /** Marks the conversation read up to its newest inbound message (and never moves backwards). */
  public Future<Void> markRead(SqlClient db, String accountId, String userId, String id) {
    return db.preparedQuery(MARK_READ).execute(Tuple.of(accountId, id, userId)).mapEmpty();
  }

  /** What a PATCH changes; null fields stay as they are. */
  public record Changes(String status, String priority, boolean setAssignee, String assigneeId, boolean setTeam,
      String teamId, List<String> tags, Instant snoozeUntil, String subject) {
  }

  public Future<Void> change(SqlClient tx, String accountId, String id, Changes c) {
    Tuple t = Tuple.of(accountId, id, c.status(), c.priority(), c.setAssignee(), c.assigneeId())
        .addBoolean(c.setTeam()).addString(c.teamId())
        .addArrayOfString(c.tags() == null ? null : c.tags().toArray(String[]::new))
        .addOffsetDateTime(Sql.utc(c.snoozeUntil())).addBoolean(c.subject() != null).addString(c.subject());
    return tx.preparedQuery(CHANGE).execute(t).mapEmpty();
  }

  /** Records the first agent reply (only the first one counts). */
  public Future<Void> recordFirstResponse(SqlClient tx, String accountId, String id) {
    return tx.preparedQuery(FIRST_RESPONSE).execute(Tuple.of(accountId, id)).mapEmpty();
  }

  /** An enabled user of the account (a valid assignee). */
  public Future<Boolean> userExists(SqlClient db, String accountId, String userId) {
    return db.preparedQuery(USER_EXISTS).execute(Tuple.of(accountId, userId)).map(rows -> rows.size() == 1);
  }

  /** A contact of the account that has not been merged into another. */
  public Future<Boolean> contactExists(SqlClient db, String accountId, String contactId) {
    return db.preparedQuery(CONTACT_EXISTS).execute(Tuple.of(accountId, contactId)).map(rows -> rows.size() == 1);
  }

  public Future<Boolean> teamExists(SqlClient db, String accountId, String teamId) {
    return db.preparedQuery(TEAM_EXISTS).execute(Tuple.of(accountId, teamId)).map(rows -> rows.size() == 1);
  }

  /** Merges other into target: state, threads and pending items move; the other is hidden from lists. */
  public Future<Void> absorb(SqlClient tx, String accountId, String targetId, String otherId) {
    Tuple t = Tuple.of(accountId, targetId, otherId);
    Tuple moving = Tuple.of(accountId, otherId, targetId);
    return tx.preparedQuery(ABSORB).execute(t)
        .compose(x -> tx.preparedQuery(MOVE_THREADS).execute(moving))
        .compose(x -> tx.preparedQuery(MOVE_OUTBOUND).execute(moving))
        .compose(x -> tx.preparedQuery(MARK_MERGED).execute(moving))
        .mapEmpty();
  }

  /** Creates the split-off conversation from the chosen messages (still in the source) and repoints their delivery. */
  public Future<Void> splitOff(SqlClient tx, String accountId, String sourceId, String newId, List<String> messageIds,
      String subject) {
    String[] ids = messageIds.toArray(String[]::new);
    return tx.preparedQuery(SPLIT_OFF).execute(Tuple.of(accountId, sourceId, newId).addArrayOfString(ids)
            .addString(subject))
        .compose(x -> tx.preparedQuery(MOVE_OUTBOUND_OF).execute(Tuple.of(accountId, sourceId, newId)
            .addArrayOfString(ids)))
        .mapEmpty();
  }

  /** Recomputes activity and channels from the conversation's messages (after some moved out). */
  public Future<Void> recompute(SqlClient tx, String accountId, String id) {
    return tx.preparedQuery(RECOMPUTE).execute(Tuple.of(accountId, id)).mapEmpty();
  }

  /**
   * Contact merge: every conversation (and thread key) of the other contact moves to the target.
   * Returns the ids of the conversations that moved.
   */
  public Future<List<String>> moveToContact(SqlClient tx, String accountId, String otherContactId,
      String targetContactId) {
    Tuple moving = Tuple.of(accountId, otherContactId, targetContactId);
    List<String> moved = new ArrayList<>();
    return tx.preparedQuery(MOVE_TO_CONTACT).execute(moving)
        .compose(rows -> {
          rows.forEach(r -> moved.add(r.getString("id")));
          return tx.preparedQuery(MOVE_THREADS_TO_CONTACT).execute(moving);
        })
        .compose(x -> tx.preparedQuery(DROP_THREADS_OF_CONTACT).execute(Tuple.of(accountId, otherContactId)))
        .map(x -> moved);
  }

  public static ConversationView map(Row r) {
    String[] channels = r.getArrayOfStrings("channels");
    String[] tags = r.getArrayOfStrings("tags");
    return new ConversationView(r.getString("id"), r.getString("status"), r.getString("priority"),
        r.getString("subject"), r.getString("contact_id"), r.getString("contact_name"),
        channels == null ? List.of() : Arrays.asList(channels), r.getString("assignee_id"), r.getString("team_id"),
        tags == null ? List.of() : Arrays.asList(tags), Sql.instant(r.getOffsetDateTime("created_at")),
        Sql.instant(r.getOffsetDateTime("last_message_at")), Sql.instant(r.getOffsetDateTime("last_inbound_at")),
        Sql.instant(r.getOffsetDateTime("snooze_until")), Sql.instant(r.getOffsetDateTime("resolved_at")),
        r.getString("preview"), null, io.switchboard.sla.SlaViews.sla(r), io.switchboard.sla.SlaViews.csat(r),
        Boolean.TRUE.equals(r.getBoolean("needs_callback")));
  }
}
