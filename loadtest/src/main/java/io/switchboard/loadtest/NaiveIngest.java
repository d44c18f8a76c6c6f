package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * The naive baseline's ingest: one transaction per inbound message, one statement after the other,
 * nothing batched, pipelined or cached. BEGIN; upsert the contact; lock its open conversation (or
 * open one); insert the message; insert the event; COMMIT.
 */
final class NaiveIngest {

  /** An inbound message as the naive server reads it from the adapter's body. */
  record Inbound(String account, String address, String name, String externalId, String text) {

    /** The sender's address is whatever identifies them on the channel: email, phone or handle. */
    static Inbound of(String account, JsonObject body) {
      JsonObject from = body.getJsonObject("from", new JsonObject());
      String address = from.getString("email", from.getString("phone", from.getString("handle", "unknown")));
      return new Inbound(account, address, from.getString("name"), body.getString("externalId"),
          body.getString("text", ""));
    }
  }

  /** The committed event, ready to push: seq is the event row's id. */
  record Created(long seq, long conversationId, long messageId, String text) {

    /** The frame the tool's stream clients read, shaped as Switchboard's durable events. */
    String frame() {
      JsonObject data = new JsonObject().put("id", messageId).put("conversationId", conversationId)
          .put("direction", "inbound").put("text", text);
      return new JsonObject().put("seq", seq).put("type", "message.created").put("conversationId", conversationId)
          .put("data", data).encode();
    }
  }

  private static final String UPSERT_CONTACT = """
      INSERT INTO contact (account, email, name) VALUES ($1, $2, $3)
      ON CONFLICT (account, email) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
      RETURNING id""";
  private static final String LOCK_OPEN_CONVERSATION = """
      SELECT id FROM conversation WHERE account = $1 AND contact_id = $2 AND status = 'open'
      ORDER BY id LIMIT 1 FOR UPDATE""";
  private static final String OPEN_CONVERSATION = """
      INSERT INTO conversation (account, contact_id) VALUES ($1, $2) RETURNING id""";
  private static final String INSERT_MESSAGE = """
      INSERT INTO message (account, conversation_id, external_id, direction, text)
      VALUES ($1, $2, $3, 'inbound', $4) RETURNING id""";
  private static final String INSERT_EVENT = """
      INSERT INTO event (account, type, conversation_id, data) VALUES ($1, 'message.created', $2, $3) RETURNING id""";

  private final Pool pool;

  NaiveIngest(Pool pool) {
    this.pool = pool;
  }

  Future<Created> accept(Inbound in) {
    return pool.withTransaction(tx -> contact(tx, in)
        .compose(contactId -> conversation(tx, in.account(), contactId))
        .compose(conversationId -> message(tx, in, conversationId)
            .compose(messageId -> event(tx, in, conversationId, messageId))));
  }

  private static Future<Long> contact(SqlConnection tx, Inbound in) {
    return tx.preparedQuery(UPSERT_CONTACT).execute(Tuple.of(in.account(), in.address(), in.name()))
        .map(NaiveIngest::id);
  }

  private static Future<Long> conversation(SqlConnection tx, String account, long contactId) {
    return tx.preparedQuery(LOCK_OPEN_CONVERSATION).execute(Tuple.of(account, contactId))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(id(rows))
            : tx.preparedQuery(OPEN_CONVERSATION).execute(Tuple.of(account, contactId)).map(NaiveIngest::id));
  }

  private static Future<Long> message(SqlConnection tx, Inbound in, long conversationId) {
    return tx.preparedQuery(INSERT_MESSAGE).execute(Tuple.of(in.account(), conversationId, in.externalId(), in.text()))
        .map(NaiveIngest::id);
  }

  private static Future<Created> event(SqlConnection tx, Inbound in, long conversationId, long messageId) {
    JsonObject data = new JsonObject().put("messageId", messageId).put("direction", "inbound").put("text", in.text());
    return tx.preparedQuery(INSERT_EVENT).execute(Tuple.of(in.account(), conversationId, data))
        .map(rows -> new Created(id(rows), conversationId, messageId, in.text()));
  }

  private static long id(RowSet<Row> rows) {
    return rows.iterator().next().getLong(0);
  }
}
