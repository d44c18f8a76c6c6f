package io.switchboard.conversation;

import io.switchboard.channel.ChannelRoutes;
import io.switchboard.contact.SearchTerms;
import io.switchboard.db.Sql;
import io.switchboard.http.Caller;
import io.switchboard.http.Check;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One page of the conversation list: the validated filters and the SQL that serves them.
 *
 * <p>The WHERE clause is assembled from fixed fragments (values are always bound parameters) so
 * that each combination of filters gets its own plan, and that plan can use the index matching the
 * filter; one statement with "$n IS NULL OR ..." would get a generic plan that scans.
 */
public record ConversationList(String status, String assignee, String teamId, String channel, String q, int limit,
    Cursor after) {

  public static final List<String> STATUSES = List.of("open", "pending", "snoozed", "resolved");
  public static final List<String> CHANNELS = ChannelRoutes.KINDS;
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 100;

  /** The statement and its parameters for one caller. */
  public record Statement(String sql, Tuple params) {
  }

  private static final String SELECT = "SELECT " + ConversationRepository.VIEW_COLUMNS + ", "
      + ConversationRepository.UNREAD + """
       AS unread
      FROM conversation c JOIN contact ct ON ct.id = c.contact_id
      LEFT JOIN read_marker rm ON rm.user_id = $2 AND rm.conversation_id = c.id
      WHERE c.account_id = $1 AND c.merged_into IS NULL""";

  /** The expression of the message_search index (V10): the words of a message's subject and text. */
  private static final String MESSAGE_WORDS = "to_tsvector('simple', coalesce(m.subject, '') || ' ' || coalesce(m.text, ''))";

  /** The same words as {@link #MESSAGE_WORDS} by another expression, which no index serves (see Words.RECENT). */
  private static final String WALK_WORDS = "to_tsvector('simple', concat_ws(' ', m.subject, m.text))";

  /**
   * A cheap test that must pass before a walked message is split into words: its text holds each of
   * the query's words (lexemes are lower-cased pieces of the text) as a substring. Splitting costs
   * about ten times more, and most walked messages fail this first.
   */
  private static String walkSubstrings(int param) {
    return """
        lower(concat_ws(' ', m.subject, m.text)) LIKE ALL (ARRAY(SELECT '%%' || replace(replace(replace(lexeme,
          '\\', '\\\\'), '%%', '\\%%'), '_', '\\_') || '%%' FROM unnest(to_tsvector('simple', $%d))))""".formatted(param);
  }

  /**
   * The query's words, split and lower-cased by the same parser as the messages, each matching as
   * a prefix, all required. Built from lexemes PostgreSQL made itself and quoted, so nothing the
   * user typed is read as tsquery syntax; no words (only punctuation) match no message.
   */
  static String queryWordsOf(int param) {
    return queryWords(param);
  }

  private static String queryWords(int param) {
    return """
        (SELECT string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || ''':*', ' & ')
         FROM unnest(to_tsvector('simple', $%d)))::tsquery""".formatted(param);
  }

  /** The same kind of tsquery as {@link #queryWords} from lexemes PostgreSQL made (a text[] parameter). */
  private static String lexemeWords(int param) {
    return """
        (SELECT string_agg('''' || replace(replace(w, '\\', '\\\\'), '''', '''''') || ''':*', ' & ')
         FROM unnest($%d::text[]) AS w)::tsquery""".formatted(param);
  }

  /**
   * Builds the query; it asks for one row more than the page to learn whether another page follows.
   */
  public Statement statement(Caller.User caller) {
    return statement(caller, null);
  }

  /**
   * @param region the account's default region, to read a national phone number in q (null: only
   *               international numbers are read)
   */
  public Statement statement(Caller.User caller, String region) {
    return statement(caller, region, Words.INDEX, null);
  }

  /**
   * How a search finds the conversations whose messages hold the query's words (see {@link #search}).
   * INDEX reads every matching message from the message_search index, then keeps the newest
   * conversations: its cost grows with the number of matches, so it suits rare words. RECENT walks
   * the newest conversations (in the filter's own index order) and checks each one's messages until
   * the page is full: its cost grows with how rare the words are, so it suits common words. Both
   * give the same page as long as RECENT finds it within its first {@link #WALK_MAX} conversations.
   */
  public enum Words { INDEX, RECENT }

  /** The most conversations a RECENT search looks at; past that the words are not common enough for it. */
  public static final int WALK_MAX = 2000;

  /**
   * @param words   how the words are matched (ignored without q)
   * @param indexed for INDEX: the query's words (lexemes) to read from the index, the selective
   *                ones; each message found is then checked for all the words. Null: all of them.
   */
  public Statement statement(Caller.User caller, String region, Words words, List<String> indexed) {
    Tuple params = Tuple.of(caller.accountId(), caller.userId());
    String filters = filters(caller, params);
    if (q != null) {
      return search(SearchTerms.of(q, region), params, filters, words, indexed);
    }
    StringBuilder sql = new StringBuilder(SELECT).append(filters);
    if (after != null) {
      int at = params.size() + 1;
      params.addOffsetDateTime(Sql.utc(after.at())).addString(after.id());
      sql.append(" AND (c.last_message_at, c.id) < ($").append(at).append(", $").append(at + 1).append(")");
    }
    sql.append(" ORDER BY c.last_message_at DESC, c.id DESC LIMIT $").append(bind(params, limit + 1));
    return new Statement(sql.toString(), params);
  }

  /** The list filters and the agent's visibility, as conditions on conversation c. */
  private String filters(Caller.User caller, Tuple params) {
    StringBuilder sql = new StringBuilder();
    if (status != null) {
      sql.append(" AND c.status = $").append(bind(params, status));
    }
    switch (assignee == null ? "any" : assignee) {
      case "any" -> { }
      case "unassigned" -> sql.append(" AND c.assignee_id IS NULL");
      case "me" -> sql.append(" AND c.assignee_id = $2");
      default -> sql.append(" AND c.assignee_id = $").append(bind(params, assignee));
    }
    if (teamId != null) {
      sql.append(" AND c.team_id = $").append(bind(params, teamId));
    }
    if (channel != null) {
      sql.append(" AND c.channels @> ARRAY[$").append(bind(params, channel)).append("::text]");
    }
    if (!caller.seesAll()) {
      // Agents: their teams, their own and team-less conversations (see Caller.User.sees).
      int teams = params.size() + 1;
      params.addArrayOfString(caller.teamIds().toArray(String[]::new));
      sql.append(" AND (c.team_id IS NULL OR c.team_id = ANY($").append(teams).append(") OR c.assignee_id = $2)");
    }
    return sql.toString();
  }

  /**
   * Ranked search (tiers: see SearchTerms), in every status unless one is asked for. Each way of
   * matching is its own branch that returns only its newest page (filters, visibility and cursor
   * applied inside): a branch starts from identity_lookup/identity_value_search (identities),
   * conversation_search (name and subject), or for words either message_search or a walk of the
   * newest conversations, as the caller chose ({@link Words}: the word index costs every match, so
   * a common word walks). A conversation found several ways keeps its best tier; the page is the
   * best tiers, newest first. Contact, read marker and preview are read for that page only.
   */
  private Statement search(SearchTerms terms, Tuple params, String filters, Words how, List<String> indexed) {
    int page = bind(params, limit + 1);
    String[] cursor = new String[4];
    if (after != null) {
      int at = params.size() + 1;
      params.addOffsetDateTime(Sql.utc(after.at())).addString(after.id()).addInteger(after.rank());
      for (int tier = 1; tier <= 3; tier++) {
        cursor[tier] = " AND ($%d < %d OR $%d = %d AND (c.last_message_at, c.id) < ($%d, $%d))"
            .formatted(at + 2, tier, at + 2, tier, at, at + 1);
      }
    }
    String conversation = " AND c.merged_into IS NULL" + filters;
    String newest = " ORDER BY c.last_message_at DESC, c.id DESC LIMIT $" + page;
    List<String> branches = new ArrayList<>();
    int exact = params.size() + 1;
    params.addArrayOfString(terms.exactValues().toArray(String[]::new));
    String exactIdentity = "i.value = ANY($" + exact + ")";
    if (terms.handle() != null && terms.fragment()) {
      exactIdentity += " OR (i.kind = 'social' AND i.value ILIKE '%:' || $" + bind(params,
          SearchTerms.escapeLike(terms.handle())) + ")";
    }
    branches.add(identityBranch(1, exactIdentity, conversation + nonNull(cursor[1]), newest));
    // Each conversation is listed in its best tier only (a lower tier's branch leaves out what a
    // better one finds), so a cursor in one tier never brings it back in another.
    String notBetter = " AND NOT EXISTS (SELECT 1 FROM identity i WHERE i.account_id = $1"
        + " AND i.contact_id = c.contact_id AND (" + exactIdentity + "))";
    if (terms.fragment()) {
      int pattern = bind(params, terms.pattern());
      String partial = "i.value ILIKE $" + pattern;
      if (terms.phoneDigits() != null) {
        partial += " OR (i.kind = 'phone' AND i.value LIKE $" + bind(params, "%" + terms.phoneDigits() + "%") + ")";
      }
      branches.add("SELECT c.id, 2 AS tier, 'subject' AS field, NULL::text AS value, c.last_message_at"
          + " FROM conversation c WHERE c.account_id = $1 AND c.search_text LIKE $" + pattern + conversation
          + notBetter + nonNull(cursor[2]) + newest);
      branches.add(identityBranch(2, partial, conversation + notBetter + nonNull(cursor[2]), newest));
      notBetter += " AND NOT c.search_text LIKE $" + pattern + " AND NOT EXISTS (SELECT 1 FROM identity i"
          + " WHERE i.account_id = $1 AND i.contact_id = c.contact_id AND (" + partial + "))";
    }
    int query = bind(params, q);
    String words;
    if (how == Words.RECENT) {
      // The newest conversations in the filter's index order, each checked for a matching message
      // (any one: EXISTS stops at the first). OFFSET 0 keeps the check a per-row subplan (the
      // planner would otherwise turn it into a join over every message), and the words are matched
      // by an expression the message_search index does not hold, so the check reads the
      // conversation's own messages instead of the whole index for each row.
      words = "";
      branches.add("SELECT c.id, 3 AS tier, 'text' AS field, NULL::text AS value, c.last_message_at FROM"
          + " (SELECT c.* FROM conversation c WHERE c.account_id = $1" + conversation + nonNull(cursor[3])
          + " ORDER BY c.last_message_at DESC, c.id DESC LIMIT " + WALK_MAX + ") c"
          + " WHERE EXISTS (SELECT 1 FROM message m WHERE m.account_id = $1 AND m.conversation_id = c.id AND "
          + walkSubstrings(query) + " AND " + WALK_WORDS + " @@ " + queryWords(query) + " OFFSET 0)" + notBetter
          + newest);
    } else {
      // The conversations of every matching message, from message_search (materialized: the planner
      // cannot estimate a tsquery made at run time, and walking the newest conversations instead
      // reads every message of the account when the word is rare). Its conversations are then read
      // by primary key (= ANY of an array), never by hashing the account's conversations.
      // A common word among rare ones is left out of the index read (its matches would all be
      // collected, as every word matches as a prefix) and checked on the messages the rare ones find.
      String match = indexed == null ? MESSAGE_WORDS + " @@ " + queryWords(query)
          : MESSAGE_WORDS + " @@ " + lexemeWords(bind(params, indexed.toArray(String[]::new))) + " AND "
              + walkSubstrings(query) + " AND " + WALK_WORDS + " @@ " + queryWords(query);
      words = "words AS MATERIALIZED (SELECT DISTINCT m.conversation_id AS id FROM message m"
          + " WHERE m.account_id = $1 AND " + match + "),\n";
      branches.add("SELECT c.id, 3 AS tier, 'text' AS field, NULL::text AS value, c.last_message_at"
          + " FROM conversation c WHERE c.id = ANY(ARRAY(SELECT id FROM words)) AND c.account_id = $1"
          + conversation + notBetter + nonNull(cursor[3]) + newest);
    }
    StringBuilder sql = new StringBuilder("WITH ").append(words).append("hits AS (");
    for (int i = 0; i < branches.size(); i++) {
      sql.append(i == 0 ? "(" : " UNION ALL (").append(branches.get(i)).append(")");
    }
    sql.append("""
        ),
        best AS (SELECT DISTINCT ON (id) id, tier, field, value, last_message_at FROM hits ORDER BY id, tier, field),
        page AS (SELECT * FROM best ORDER BY tier, last_message_at DESC, id DESC LIMIT $%d)
        """.formatted(page));
    sql.append(SELECT.replace("FROM conversation c", "FROM page JOIN conversation c ON c.id = page.id")
            .replace(" AS unread", " AS unread, page.tier, page.field AS match_field, page.value AS match_value"))
        .append(" ORDER BY page.tier, c.last_message_at DESC, c.id DESC");
    return new Statement(sql.toString(), params);
  }

  /**
   * Whether the list's filters hold at least {@link #WALK_MAX} conversations: a RECENT search that
   * came back short then stopped before the end, and only the INDEX search can finish it.
   */
  public Statement walkBounded(Caller.User caller) {
    Tuple params = Tuple.of(caller.accountId(), caller.userId());
    String filters = filters(caller, params);
    // $2 (the user) is only used by some filters; its type is given here for the others.
    return new Statement("SELECT count(*) >= " + WALK_MAX + " AS bounded FROM (SELECT 1 FROM conversation c"
        + " WHERE c.account_id = $1 AND $2::text IS NOT NULL AND c.merged_into IS NULL" + filters + " LIMIT "
        + WALK_MAX + ") x", params);
  }

  /** One identity per contact (a contact matching twice must not fill the branch's page twice). */
  private static String identityBranch(int tier, String match, String conditions, String newest) {
    // Each contact's conversations by conversation_contact (LATERAL ... OFFSET 0 keeps it a nested
    // loop: for the 2,000 contacts of a common surname the planner preferred hashing all of the
    // account's conversations, 150 ms at 250,000 of them).
    return "SELECT c.id, " + tier + " AS tier, i.kind AS field, i.value, c.last_message_at FROM"
        + " (SELECT DISTINCT ON (i.contact_id) i.contact_id, i.kind, i.value FROM identity i"
        + " WHERE i.account_id = $1 AND (" + match + ") ORDER BY i.contact_id, i.kind, i.value) i"
        + " CROSS JOIN LATERAL (SELECT c.id, c.last_message_at FROM conversation c"
        + " WHERE c.contact_id = i.contact_id AND c.account_id = $1" + conditions + " OFFSET 0) c" + newest;
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  /** Validates the query string of GET /conversations. */
  public static ConversationList parse(Function<String, String> param) {
    String status = blankToNull(param.apply("status"));
    String assignee = blankToNull(param.apply("assignee"));
    String teamId = blankToNull(param.apply("teamId"));
    String channel = blankToNull(param.apply("channel"));
    String q = blankToNull(param.apply("q"));
    String limitText = blankToNull(param.apply("limit"));
    String cursor = blankToNull(param.apply("cursor"));
    Check check = new Check()
        .oneOf("status", status, STATUSES)
        .oneOf("channel", channel, CHANNELS)
        .maxLength("q", q, 200)
        .maxLength("assignee", assignee, 100)
        .maxLength("teamId", teamId, 100)
        // PostgreSQL refuses NUL in text: say so instead of failing the query.
        .that(noNul(q), "q", "must not contain NUL characters")
        .that(noNul(assignee), "assignee", "must not contain NUL characters")
        .that(noNul(teamId), "teamId", "must not contain NUL characters");
    int limit = DEFAULT_LIMIT;
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      check.that(limit >= 1 && limit <= MAX_LIMIT, "limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }
    check.done();
    return new ConversationList(status, assignee, teamId, channel, q == null ? null : q.trim(), limit,
        cursor == null ? null : Cursor.decode("cursor", cursor));
  }

  private static int bind(Tuple params, Object value) {
    params.addValue(value);
    return params.size();
  }

  private static boolean noNul(String s) {
    return s == null || s.indexOf('\0') < 0;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
