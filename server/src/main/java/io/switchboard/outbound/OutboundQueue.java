package io.switchboard.outbound;

import io.switchboard.http.Ids;
import io.switchboard.http.Json;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The per-channel queue of items adapters deliver (agents' replies, typing, notifications).
 * Items are written in the same transaction as the message they deliver.
 */
public final class OutboundQueue {

  private static final String INSERT = """
      INSERT INTO outbound_item (id, account_id, channel_id, conversation_id, message_id, kind, payload)
      VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb)""";

  /**
   * Enqueues an item in the caller's transaction.
   *
   * @param payload what the adapter receives besides the queue fields: to, subject, text, html,
   *                attachments, inReplyTo, references
   */
  public Future<String> enqueue(SqlClient tx, String accountId, String channelId, String conversationId,
      String messageId, String kind, Object payload) {
    String id = Ids.next("out");
    return tx.preparedQuery(INSERT)
        .execute(Tuple.of(id, accountId, channelId, conversationId, messageId, kind).addString(Json.write(payload)))
        .map(id);
  }
}
