package io.switchboard.outbound;

import io.switchboard.http.Ids;
import io.switchboard.http.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-channel queue of items adapters deliver (agents' replies, typing, notifications).
 * Items are written in the same transaction as the message they deliver; once that commits, every
 * node hears {@link #READY} so adapters waiting in a long poll get the item at once.
 *
 * <p>Delivery rules, all enforced by the one leasing statement: a conversation's items go out in
 * creation order and at most one of them is leased at a time; a lease lasts {@link #LEASE}, after
 * which the item is leased again with attempt+1. Typing items stand apart: they neither wait for nor
 * hold up messages, and they are deleted when handed out (never acked, never re-delivered).
 */
public final class OutboundQueue {

  /** Event bus address: {"accountId","channelId"} has new items (published after commit). */
  public static final String READY = "sb.outbound.ready";

  static final Duration LEASE = Duration.ofSeconds(60);

  /** A typing item older than this is stale when an adapter finally asks: dropped, not delivered. */
  static final Duration TYPING_FRESH = Duration.ofSeconds(6);

  private static final String INSERT = """
      INSERT INTO outbound_item (id, account_id, channel_id, conversation_id, message_id, kind, payload)
      VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb)""";

  private static final String UPSERT_TYPING = """
      INSERT INTO outbound_item (id, account_id, channel_id, conversation_id, kind, payload)
      VALUES ($1, $2, $3, $4, 'typing', $5::text::jsonb)
      ON CONFLICT (conversation_id) WHERE kind = 'typing'
      DO UPDATE SET channel_id = excluded.channel_id, payload = excluded.payload, created_at = clock_timestamp()""";

  /**
   * Leases up to $3 items of channel $2 for $4 seconds. An item is ready when it is due (pending
   * and past its backoff, or leased but the lease ran out), no earlier item of its conversation is
   * unfinished and no other item of its conversation is leased. SKIP LOCKED lets concurrent polls
   * take disjoint items; the per-conversation conditions see a committed earlier item as unfinished
   * until it is acked, so two polls never hand out two items of one conversation.
   */
  private static final String LEASE_READY = """
      WITH ready AS (
        SELECT o.id, o.kind
        FROM outbound_item o
        WHERE o.account_id = $1 AND o.channel_id = $2
          AND (o.kind = 'typing'
               OR (((o.status = 'pending' AND o.next_attempt_at <= now())
                    OR (o.status = 'leased' AND o.leased_until <= now()))
                   AND NOT EXISTS (
                     SELECT 1 FROM outbound_item e
                     WHERE e.conversation_id = o.conversation_id AND e.kind <> 'typing' AND e.seq < o.seq
                       AND e.status IN ('pending', 'leased'))
                   AND NOT EXISTS (
                     SELECT 1 FROM outbound_item l
                     WHERE l.conversation_id = o.conversation_id AND l.kind <> 'typing' AND l.id <> o.id
                       AND l.status = 'leased')))
        ORDER BY o.seq
        LIMIT $3::int
        FOR UPDATE OF o SKIP LOCKED
      ),
      leased AS (
        UPDATE outbound_item o
        SET status = 'leased', lease_id = 'lease_' || replace(gen_random_uuid()::text, '-', ''),
            leased_until = now() + $4::int * interval '1 second', attempt = o.attempt + 1
        FROM ready WHERE o.id = ready.id AND ready.kind <> 'typing'
        RETURNING o.id, o.lease_id, o.message_id, o.conversation_id, o.kind, o.payload::text AS payload, o.attempt,
                  o.seq, o.created_at
      ),
      typing AS (
        DELETE FROM outbound_item o USING ready WHERE o.id = ready.id AND ready.kind = 'typing'
        RETURNING o.id, 'lease_' || replace(gen_random_uuid()::text, '-', '') AS lease_id, o.message_id,
                  o.conversation_id, o.kind, o.payload::text AS payload, 1 AS attempt, o.seq, o.created_at
      )
      SELECT * FROM leased
      UNION ALL
      SELECT * FROM typing WHERE created_at > now() - $5::int * interval '1 second'
      ORDER BY seq""";

  /** Gives back leases nobody received (the poller went away): as if they had never been leased. */
  private static final String RELEASE = """
      UPDATE outbound_item SET status = 'pending', leased_until = NULL, attempt = attempt - 1
      WHERE account_id = $1 AND lease_id = ANY($2) AND status = 'leased'""";

  private final Vertx vertx;

  public OutboundQueue(Vertx vertx) {
    this.vertx = vertx;
  }

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
        .onSuccess(rows -> announceAfterCommit(tx, accountId, channelId))
        .map(id);
  }

  /**
   * Tells the channel's adapter that an agent is typing in a conversation. At most one typing item
   * waits per conversation (a new call refreshes it); it is handed out once (with a leaseId like any
   * item, so adapters parse one shape) and never acked: an ack of it is a 404.
   *
   * @param to the identity the adapter addresses, as in a message item
   */
  public Future<Void> typing(SqlClient db, String accountId, String channelId, String conversationId,
      Map<String, Object> to) {
    return db.preparedQuery(UPSERT_TYPING)
        .execute(Tuple.of(Ids.next("out"), accountId, channelId, conversationId).addString(Json.write(Map.of("to", to))))
        .onSuccess(rows -> announceAfterCommit(db, accountId, channelId))
        .mapEmpty();
  }

  /** Leases what is ready for the channel now; an empty list when nothing is. */
  public Future<List<OutboundItem>> lease(SqlClient db, String accountId, String channelId, int max) {
    return db.preparedQuery(LEASE_READY)
        .execute(Tuple.of(accountId, channelId, max, (int) LEASE.toSeconds(), (int) TYPING_FRESH.toSeconds()))
        .map(rows -> {
          List<OutboundItem> items = new ArrayList<>(rows.size());
          for (Row r : rows) {
            items.add(OutboundItem.map(r));
          }
          return items;
        });
  }

  /** Returns leased items to the queue; typing items among them are gone for good, as intended. */
  public Future<Void> release(SqlClient db, String accountId, List<OutboundItem> items) {
    String[] leaseIds = items.stream().filter(i -> !"typing".equals(i.kind())).map(OutboundItem::leaseId)
        .toArray(String[]::new);
    if (leaseIds.length == 0) {
      return Future.succeededFuture();
    }
    return db.preparedQuery(RELEASE).execute(Tuple.of(accountId).addArrayOfString(leaseIds)).mapEmpty();
  }

  /** Wakes the channel's waiting polls on every node, for example when an ack lets a conversation's next item go. */
  void announceReady(String accountId, String channelId) {
    vertx.eventBus().publish(READY, new JsonObject().put("accountId", accountId).put("channelId", channelId));
  }

  /**
   * Wakes waiting polls once the item is visible to them: after the commit when called inside a
   * transaction (nothing on rollback), at once otherwise.
   */
  private void announceAfterCommit(SqlClient client, String accountId, String channelId) {
    if (client instanceof SqlConnection conn && conn.transaction() != null) {
      conn.transaction().completion().onSuccess(v -> announceReady(accountId, channelId));
    } else {
      announceReady(accountId, channelId);
    }
  }
}
