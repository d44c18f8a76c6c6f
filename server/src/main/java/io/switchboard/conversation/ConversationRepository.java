package io.switchboard.conversation;

import io.switchboard.conversation.Views.ConversationView;
import io.switchboard.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
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

  static final String VIEW_COLUMNS = """
      c.id, c.status, c.priority, c.subject, c.contact_id, ct.name AS contact_name, c.channels, c.assignee_id,
      c.team_id, c.tags, c.created_at, c.last_message_at, c.last_inbound_at, c.snooze_until, c.resolved_at,
      (SELECT left(coalesce(m.text, m.subject, ''), 140) FROM message m
        WHERE m.account_id = c.account_id AND m.conversation_id = c.id AND m.direction <> 'note'
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS preview""";

  private static final String VIEW = "SELECT " + VIEW_COLUMNS
      + " FROM conversation c JOIN contact ct ON ct.id = c.contact_id WHERE c.account_id = $1 AND c.id = $2";

  private static final String LOCK = """
      SELECT id, account_id, contact_id, status, team_id, assignee_id, resolved_at, merged_into
      FROM conversation WHERE account_id = $1 AND id = $2 FOR UPDATE""";

  private static final String INSERT = """
      INSERT INTO conversation (id, account_id, contact_id, status, subject, team_id, channels, created_at,
                                last_message_at)
      VALUES ($1, $2, $3, 'open', $4, $5, ARRAY[$6]::text[], now(), now())""";

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

  public static ConversationView map(Row r) {
    String[] channels = r.getArrayOfStrings("channels");
    String[] tags = r.getArrayOfStrings("tags");
    return new ConversationView(r.getString("id"), r.getString("status"), r.getString("priority"),
        r.getString("subject"), r.getString("contact_id"), r.getString("contact_name"),
        channels == null ? List.of() : Arrays.asList(channels), r.getString("assignee_id"), r.getString("team_id"),
        tags == null ? List.of() : Arrays.asList(tags), Sql.instant(r.getOffsetDateTime("created_at")),
        Sql.instant(r.getOffsetDateTime("last_message_at")), Sql.instant(r.getOffsetDateTime("last_inbound_at")),
        Sql.instant(r.getOffsetDateTime("snooze_until")), Sql.instant(r.getOffsetDateTime("resolved_at")),
        r.getString("preview"), null, Map.of(), Map.of());
  }
}
