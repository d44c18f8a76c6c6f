package io.switchboard.outbound;

import io.switchboard.conversation.ConversationRepository;
import io.switchboard.events.EventLog;
import io.switchboard.http.Problem;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * What a provider reports after it took a message (delivered, read, or a late failure such as a
 * bounce), matched by the provider's id the adapter gave in its "sent" ack.
 */
final class ProviderReceipts {

  /** The newest message of the channel with that provider id (providers do not reuse ids, but be safe). */
  private static final String FIND = """
      SELECT id, conversation_id FROM message
      WHERE account_id = $1 AND channel_id = $2 AND provider_id = $3
      ORDER BY created_at DESC LIMIT 1""";

  private final Pool db;
  private final ConversationRepository conversations;
  private final DeliveryStatus delivery;
  private final EventLog events;

  ProviderReceipts(Pool db, ConversationRepository conversations, DeliveryStatus delivery, EventLog events) {
    this.db = db;
    this.conversations = conversations;
    this.delivery = delivery;
    this.events = events;
  }

  /** Applies the status when it moves the message forward; an older status is accepted and ignored. */
  Future<Void> record(String accountId, String channelId, String externalId, String status, String error) {
    return db.withTransaction(tx -> tx.preparedQuery(FIND).execute(Tuple.of(accountId, channelId, externalId))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(Problem.notFound("message with this externalId"));
              }
              Row message = rows.iterator().next();
              return conversations.lock(tx, accountId, message.getString("conversation_id"))
                  .compose(conv -> delivery.advance(tx, accountId, message.getString("id"), status, null, error));
            }))
        .onSuccess(appended -> events.announce(accountId, appended))
        .mapEmpty();
  }
}
