package io.switchboard.outbound;

import io.switchboard.conversation.ConversationRepository;
import io.switchboard.events.EventLog;
import io.switchboard.http.Problem;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;

/**
 * An adapter's answer for a leased item: sent, or failed (retryable or not). The first ack of a
 * lease wins; repeating it is harmless, contradicting it is a conflict, and an ack for a lease that
 * was replaced (the item was leased again) is refused.
 */
final class Acknowledgements {

  /** A retryable failure is tried at most this many times in all, then the item fails. */
  static final int MAX_ATTEMPTS = 5;
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /** What the adapter reports; validated by the route. */
  record Ack(String leaseId, String status, String externalId, String error, boolean retryable) {
  }

  private record Item(String id, String conversationId, String messageId, String kind, String status, String leaseId,
      String ackedLeaseId, String ackedStatus, int attempt) {
  }

  private static final String CONVERSATION_OF = """
      SELECT conversation_id FROM outbound_item WHERE id = $1 AND account_id = $2 AND channel_id = $3""";

  private static final String LOCK = """
      SELECT id, conversation_id, message_id, kind, status, lease_id, acked_lease_id, acked_status, attempt
      FROM outbound_item WHERE id = $1 AND account_id = $2 AND channel_id = $3 FOR UPDATE""";

  /** Records the ack with its lease; $2 is the item's next status, $5 the retry delay (null: none). */
  private static final String SETTLE = """
      UPDATE outbound_item SET
        status = $2, acked_lease_id = lease_id, acked_status = $3, leased_until = NULL,
        external_id = coalesce($4, external_id), last_error = coalesce($6, last_error),
        next_attempt_at = CASE WHEN $5::int IS NULL THEN next_attempt_at ELSE now() + $5::int * interval '1 second' END
      WHERE id = $1 AND account_id = $7""";

  private final Pool db;
  private final OutboundQueue queue;
  private final ConversationRepository conversations;
  private final DeliveryStatus delivery;
  private final EventLog events;

  Acknowledgements(Pool db, OutboundQueue queue, ConversationRepository conversations, DeliveryStatus delivery,
      EventLog events) {
    this.db = db;
    this.queue = queue;
    this.conversations = conversations;
    this.delivery = delivery;
    this.events = events;
  }

  /** Applies an ack to an item of the caller's channel; fails with 404 or 409 as described above. */
  Future<Void> ack(String accountId, String channelId, String itemId, Ack ack) {
    return db.withTransaction(tx -> tx.preparedQuery(CONVERSATION_OF).execute(Tuple.of(itemId, accountId, channelId))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(Problem.notFound("outbound item"));
              }
              // The conversation is locked before the item, the order every writer of a conversation uses.
              return conversations.lock(tx, accountId, rows.iterator().next().getString("conversation_id"));
            })
            .compose(conv -> tx.preparedQuery(LOCK).execute(Tuple.of(itemId, accountId, channelId)))
            .compose(rows -> rows.size() == 0 ? Future.failedFuture(Problem.notFound("outbound item"))
                : apply(tx, accountId, item(rows.iterator().next()), ack)))
        .onSuccess(appended -> {
          events.announce(accountId, appended);
          // a settled item may let its conversation's next one go: tell the waiting polls now
          queue.announceReady(accountId, channelId);
        })
        .mapEmpty();
  }

  private Future<Long> apply(SqlConnection tx, String accountId, Item item, Ack ack) {
    if ("typing".equals(item.kind())) {
      return Future.failedFuture(Problem.notFound("outbound item"));   // typing items take no ack
    }
    if (ack.leaseId().equals(item.ackedLeaseId())) {
      return ack.status().equals(item.ackedStatus()) ? Future.succeededFuture(0L)
          : Future.failedFuture(Problem.conflict("this lease was already acknowledged as " + item.ackedStatus()));
    }
    if (!"leased".equals(item.status()) || !ack.leaseId().equals(item.leaseId())) {
      return Future.failedFuture(Problem.conflict("the lease is no longer valid: the item was leased again or settled"));
    }
    if ("sent".equals(ack.status())) {
      return settle(tx, accountId, item, "sent", ack, null)
          .compose(v -> delivery.advance(tx, accountId, item.messageId(), "sent", ack.externalId(), null));
    }
    if (ack.retryable() && item.attempt() < MAX_ATTEMPTS) {
      return settle(tx, accountId, item, "pending", ack, backoff(item.attempt())).map(0L);
    }
    return settle(tx, accountId, item, "failed", ack, null)
        .compose(v -> delivery.advance(tx, accountId, item.messageId(), "failed", null, errorText(ack)));
  }

  private Future<Void> settle(SqlConnection tx, String accountId, Item item, String nextStatus, Ack ack,
      Integer retryInSeconds) {
    return tx.preparedQuery(SETTLE)
        .execute(Tuple.of(item.id(), nextStatus, ack.status(), ack.externalId(), retryInSeconds, ack.error())
            .addString(accountId))
        .mapEmpty();
  }

  /** 2, 4, 8, 16 s after attempts 1..4, capped: enough for a provider's hiccup to pass. */
  static int backoff(int attempt) {
    long seconds = 1L << Math.min(attempt, 20);
    return (int) Math.min(seconds, MAX_BACKOFF.toSeconds());
  }

  private static String errorText(Ack ack) {
    return ack.error() == null || ack.error().isBlank() ? "the adapter reported a failure" : ack.error();
  }

  private static Item item(Row r) {
    return new Item(r.getString("id"), r.getString("conversation_id"), r.getString("message_id"), r.getString("kind"),
        r.getString("status"), r.getString("lease_id"), r.getString("acked_lease_id"), r.getString("acked_status"),
        r.getInteger("attempt"));
  }
}
