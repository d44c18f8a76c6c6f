package io.switchboard.outbound;

import io.switchboard.conversation.MessageRepository;
import io.switchboard.conversation.Views.MessageView;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The public history of a chat thread, as its widget may show it to whoever holds the thread key:
 * only messages exchanged on this channel. Internal notes never appear, and neither do the
 * conversation's messages on other channels (an email, a call transcript): the widget's visitor
 * may not be the person those were exchanged with.
 */
final class ThreadHistory {

  /** At most this many of the newest messages: enough for a widget to render a thread. */
  static final int LIMIT = 200;

  /** The conversation a thread key leads to on a channel (following a merge). */
  private static final String CONVERSATION = """
      SELECT coalesce(c.merged_into, c.id) AS conversation_id
      FROM conversation_thread t JOIN conversation c ON c.id = t.conversation_id AND c.account_id = t.account_id
      WHERE t.account_id = $1 AND t.channel_id = $2 AND t.thread_key = $3
      ORDER BY c.last_message_at DESC LIMIT 1""";

  private static final String MESSAGES = """
      SELECT * FROM (
        SELECT id, conversation_id, direction, channel_kind, channel_id, author_type, author_id, author_name, subject,
               text, html, attachments::text AS attachments, call::text AS call, auto_submitted, public, created_at,
               sent_at, delivery_status, client_id, thread_key
        FROM message
        WHERE account_id = $1 AND conversation_id = $2 AND channel_id = $3 AND direction IN ('inbound', 'outbound')
        ORDER BY created_at DESC, id DESC LIMIT $4::int) newest
      ORDER BY created_at, id""";

  /** The conversation of a thread on a channel (following a merge), if the thread exists. */
  Future<Optional<String>> conversation(SqlClient db, String accountId, String channelId, String threadKey) {
    return db.preparedQuery(CONVERSATION).execute(Tuple.of(accountId, channelId, threadKey)).map(rows ->
        rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("conversation_id")));
  }

  /** Oldest first; empty when the thread key is unknown on the channel. */
  Future<Optional<List<MessageView>>> messages(SqlClient db, String accountId, String channelId, String threadKey) {
    return db.preparedQuery(CONVERSATION).execute(Tuple.of(accountId, channelId, threadKey)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Optional.empty());
      }
      String conversationId = rows.iterator().next().getString("conversation_id");
      return db.preparedQuery(MESSAGES).execute(Tuple.of(accountId, conversationId, channelId, LIMIT)).map(found -> {
        List<MessageView> out = new ArrayList<>(found.size());
        for (Row r : found) {
          out.add(MessageRepository.map(r));
        }
        return Optional.of(out);
      });
    });
  }
}
