package io.switchboard.conversation;

import io.switchboard.channel.ChannelRoutes;
import io.switchboard.contact.SearchTerms;
import io.switchboard.db.Sql;
import io.switchboard.http.Caller;
import io.switchboard.http.Check;
import io.vertx.sqlclient.Tuple;
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

  /**
   * Search hits, each with its tier (see SearchTerms): identities equal to what the query names, then
   * the contact's name and the subject (conversation.search_text) and parts of identities, then the
   * words of messages. field/value say what matched, for the answer's match. Every branch starts
   * from an index: identity_lookup/identity_value_search, conversation_search, message_search.
   * $1 account, then pattern, exact values, handle, phone digits pattern and the words at the
   * numbers given.
   */
  private static String hits(SearchTerms terms, Tuple params, String q) {
    int exact = params.size() + 1;
    params.addArrayOfString(terms.exactValues().toArray(String[]::new));
    StringBuilder sql = new StringBuilder("WITH hits AS (");
    sql.append("""
        SELECT c.id, 1 AS tier, i.kind AS field, i.value FROM identity i
        JOIN conversation c ON c.contact_id = i.contact_id AND c.account_id = i.account_id AND c.merged_into IS NULL
        WHERE i.account_id = $1 AND (i.value = ANY($%d)""".formatted(exact));
    if (terms.handle() != null && terms.fragment()) {
      int handle = bind(params, SearchTerms.escapeLike(terms.handle()));
      sql.append(" OR (i.kind = 'social' AND i.value ILIKE '%%:' || $%d)".formatted(handle));
    }
    sql.append(")");
    if (terms.fragment()) {
      int pattern = bind(params, terms.pattern());
      sql.append("""
           UNION ALL
          SELECT c.id, 2, 'subject', NULL FROM conversation c
          WHERE c.account_id = $1 AND c.merged_into IS NULL AND c.search_text LIKE $%d
           UNION ALL
          SELECT c.id, 2, i.kind, i.value FROM identity i
          JOIN conversation c ON c.contact_id = i.contact_id AND c.account_id = i.account_id AND c.merged_into IS NULL
          WHERE i.account_id = $1 AND (i.value ILIKE $%d""".formatted(pattern, pattern));
      if (terms.phoneDigits() != null) {
        int digits = bind(params, "%" + terms.phoneDigits() + "%");
        sql.append(" OR (i.kind = 'phone' AND i.value LIKE $%d)".formatted(digits));
      }
      sql.append(")");
    }
    sql.append("""
         UNION ALL
        SELECT m.conversation_id, 3, 'text', NULL FROM message m
        WHERE m.account_id = $1 AND %s @@ %s),
        best AS (SELECT DISTINCT ON (id) id, tier, field, value FROM hits ORDER BY id, tier, field)
        """.formatted(MESSAGE_WORDS, queryWords(bind(params, q))));
    return sql.toString();
  }

  /** Builds the query; it asks for one row more than the page to learn whether another page follows. */
  public Statement statement(Caller.User caller) {
    return statement(caller, null);
  }

  /**
   * @param region the account's default region, to read a national phone number in q (null: only
   *               international numbers are read)
   */
  public Statement statement(Caller.User caller, String region) {
    Tuple params = Tuple.of(caller.accountId(), caller.userId());
    StringBuilder sql = new StringBuilder();
    if (q != null) {
      // Ranked search: tiers first (see SearchTerms), then the newest activity; every status unless one is asked for.
      SearchTerms terms = SearchTerms.of(q, region);
      sql.append(hits(terms, params, q)).append(SELECT.replace("FROM conversation c",
          "FROM best JOIN conversation c ON c.id = best.id")
          .replace(" AS unread", " AS unread, best.tier, best.field AS match_field, best.value AS match_value"));
    } else {
      sql.append(SELECT);
    }
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
    if (after != null) {
      int at = params.size() + 1;
      params.addOffsetDateTime(Sql.utc(after.at())).addString(after.id());
      String older = "(c.last_message_at, c.id) < ($" + at + ", $" + (at + 1) + ")";
      if (q != null) {
        int rank = bind(params, after.rank());
        sql.append(" AND (best.tier > $").append(rank).append(" OR best.tier = $").append(rank).append(" AND ")
            .append(older).append(")");
      } else {
        sql.append(" AND ").append(older);
      }
    }
    sql.append(q != null ? " ORDER BY best.tier, c.last_message_at DESC, c.id DESC LIMIT $"
        : " ORDER BY c.last_message_at DESC, c.id DESC LIMIT $").append(bind(params, limit + 1));
    return new Statement(sql.toString(), params);
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
