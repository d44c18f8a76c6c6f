package io.switchboard.outbound;

import io.switchboard.conversation.ConversationRepository;
import io.switchboard.conversation.MessageRepository;
import io.switchboard.events.EventDraft;
import io.switchboard.events.EventLog;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Moves a message's deliveryStatus forward and tells the console: every change appends a
 * {@code message.updated} event holding the full message, in the caller's transaction.
 *
 * <p>Statuses only move forward along {@link #ORDER}. "failed" sits after "sent" (a bounce after
 * the provider took the message) and before "delivered" (a late receipt proves the message
 * arrived after all), so out-of-order provider callbacks never move a message backwards.
 */
final class DeliveryStatus {

  static final List<String> ORDER = List.of("queued", "sent", "failed", "delivered", "read");

  /**
   * Locks the message, sets the provider's id when given, and moves the status when that is
   * forward. Returns the conversation and whether the status moved.
   */
  private static final String ADVANCE = """
      UPDATE message m SET
        provider_id = coalesce($4, m.provider_id),
        delivery_status = CASE WHEN old.forward THEN $3 ELSE m.delivery_status END,
        delivery_error = CASE WHEN NOT old.forward THEN m.delivery_error WHEN $3 = 'failed' THEN $5 END
      FROM (SELECT id,
                   coalesce(array_position($6::text[], coalesce(delivery_status, 'queued')), 0)
                     < array_position($6::text[], $3::text) AS forward
            FROM message WHERE account_id = $1 AND id = $2 FOR UPDATE) old
      WHERE m.id = old.id
      RETURNING m.conversation_id, old.forward""";

  private final ConversationRepository conversations;
  private final MessageRepository messages;
  private final EventLog events;

  DeliveryStatus(ConversationRepository conversations, MessageRepository messages, EventLog events) {
    this.conversations = conversations;
    this.messages = messages;
    this.events = events;
  }

  /**
   * Applies a delivery outcome to a message in the caller's transaction; the event append is its
   * last statement. Returns how many events were appended (0 when nothing changed).
   *
   * @param providerId the provider's id for the message, or null to keep the one it has
   * @param error      why delivery failed (kept only with "failed")
   */
  Future<Long> advance(SqlConnection tx, String accountId, String messageId, String status, String providerId,
      String error) {
    if (messageId == null) {
      return Future.succeededFuture(0L);
    }
    return tx.preparedQuery(ADVANCE)
        .execute(Tuple.of(accountId, messageId, status, providerId, error).addArrayOfString(ORDER.toArray(String[]::new)))
        .compose(rows -> {
          if (rows.size() == 0 || !rows.iterator().next().getBoolean("forward")) {
            return Future.succeededFuture(0L);
          }
          Row moved = rows.iterator().next();
          return announce(tx, accountId, moved.getString("conversation_id"), messageId);
        });
  }

  /** The event carries the conversation's team and assignee, which decide who sees it. */
  private Future<Long> announce(SqlConnection tx, String accountId, String conversationId, String messageId) {
    return conversations.lock(tx, accountId, conversationId)
        .compose(conv -> messages.byId(tx, accountId, messageId).compose(view -> {
          if (conv.isEmpty() || view.isEmpty()) {
            return Future.succeededFuture(0L);
          }
          return events.append(tx, accountId, EventDraft.of("message.updated", conversationId,
              conv.get().teamId(), conv.get().assigneeId(), view.get()));
        }));
  }
}
