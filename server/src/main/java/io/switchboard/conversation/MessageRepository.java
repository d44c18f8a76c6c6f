package io.switchboard.conversation;

import io.switchboard.conversation.Views.AttachmentRef;
import io.switchboard.conversation.Views.Author;
import io.switchboard.conversation.Views.MessageView;
import io.switchboard.db.Sql;
import io.switchboard.http.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Messages of conversations, scoped by account. */
public final class MessageRepository {

  /** What a write stores; the repository returns the resulting view. */
  public record Draft(String id, String accountId, String conversationId, String channelId, String channelKind,
      String direction, Author author, String identityId, boolean fromVerified, String externalId, String clientId,
      String threadKey, String subject, String text, String html, List<AttachmentRef> attachments,
      Map<String, Object> call, boolean isPublic, boolean autoSubmitted, Instant sentAt, String deliveryStatus,
      JsonObject ingestAnswer) {
  }

  /** The columns {@link #map} reads (ingest inserts messages in batches and maps them the same way). */
  public static final String COLUMNS = """
      id, conversation_id, direction, channel_kind, channel_id, author_type, author_id, author_name, subject, text,
      html, attachments::text AS attachments, call::text AS call, auto_submitted, public, created_at, sent_at,
      delivery_status, client_id, thread_key""";

  /** Inserts the message; its subject and text are searchable through the message_search index (V10). */
  private static final String INSERT = """
      INSERT INTO message (id, account_id, conversation_id, channel_id, channel_kind, direction, author_type,
                           author_id, author_name, identity_id, from_verified, external_id, client_id, thread_key,
                           subject, text, html, attachments, call, public, auto_submitted, sent_at, delivery_status,
                           ingest_answer)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::text::jsonb,
              $19::text::jsonb, $20, $21, $22, $23, $24::text::jsonb)
      RETURNING\s""" + COLUMNS;

  private static final String BY_ID = "SELECT " + COLUMNS + " FROM message WHERE account_id = $1 AND id = $2";

  /** Newest first, before an optional (created_at, id) cursor. */
  private static final String PAGE = "SELECT " + COLUMNS + """
       FROM message WHERE account_id = $1 AND conversation_id = $2
        AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))
      ORDER BY created_at DESC, id DESC LIMIT $5""";

  private static final String BY_ID_IN = BY_ID + " AND conversation_id = $3";

  private static final String BY_CLIENT_ID = "SELECT " + COLUMNS
      + " FROM message WHERE account_id = $1 AND conversation_id = $2 AND client_id = $3";

  private static final String NEWEST_INBOUND = "SELECT " + COLUMNS + """
       FROM message WHERE account_id = $1 AND conversation_id = $2 AND direction = 'inbound'
      ORDER BY created_at DESC, id DESC LIMIT 1""";

  /** The newest public reply another agent wrote (the reply-collision check); served by message_conversation. */
  private static final String NEWEST_REPLY_BY_OTHERS = "SELECT " + COLUMNS + """
       FROM message WHERE account_id = $1 AND conversation_id = $2 AND direction = 'outbound'
        AND author_type = 'user' AND author_id IS DISTINCT FROM $3
      ORDER BY created_at DESC, id DESC LIMIT 1""";

  /** Split: the chosen messages move to the new conversation; answers them as they now are. */
  private static final String MOVE_CHOSEN = "UPDATE message SET conversation_id = $3"
      + " WHERE account_id = $1 AND conversation_id = $2 AND id = ANY($4) RETURNING " + COLUMNS;

  private static final String COUNT_CHOSEN = """
      SELECT count(*) FILTER (WHERE id = ANY($3)) AS chosen, count(*) AS total
      FROM message WHERE account_id = $1 AND conversation_id = $2""";

  /** Merge: messages move; a clientId the target already holds is dropped (its retry window is long gone). */
  private static final String MOVE = """
      UPDATE message m SET conversation_id = $3,
        client_id = CASE WHEN EXISTS (SELECT 1 FROM message d WHERE d.conversation_id = $3 AND d.client_id = m.client_id)
                         THEN NULL ELSE m.client_id END
      WHERE m.account_id = $1 AND m.conversation_id = $2""";

  private static final String ATTACHMENT_REFS = """
      SELECT id, name, content_type, size FROM attachment
      WHERE account_id = $1 AND id = ANY($2) AND message_id IS NULL""";

  private static final String LINK_ATTACHMENTS = """
      UPDATE attachment SET message_id = $3 WHERE account_id = $1 AND id = ANY($2) AND message_id IS NULL""";

  public Future<MessageView> insert(SqlClient tx, Draft d) {
    Tuple t = Tuple.tuple()
        .addString(d.id()).addString(d.accountId()).addString(d.conversationId()).addString(d.channelId())
        .addString(d.channelKind()).addString(d.direction()).addString(d.author().type()).addString(d.author().id())
        .addString(d.author().name()).addString(d.identityId()).addBoolean(d.fromVerified())
        .addString(d.externalId()).addString(d.clientId()).addString(d.threadKey()).addString(d.subject())
        .addString(d.text()).addString(d.html()).addString(Json.write(d.attachments() == null ? List.of() : d.attachments()))
        .addString(d.call() == null ? null : Json.write(d.call())).addBoolean(d.isPublic())
        .addBoolean(d.autoSubmitted()).addOffsetDateTime(Sql.utc(d.sentAt())).addString(d.deliveryStatus())
        .addString(d.ingestAnswer() == null ? null : d.ingestAnswer().encode());
    return tx.preparedQuery(INSERT).execute(t).map(rows -> map(rows.iterator().next()));
  }

  /** Claims uploaded attachments for a message; returns how many were linked. */
  public Future<Integer> linkAttachments(SqlClient tx, String accountId, String messageId, List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return tx.preparedQuery(LINK_ATTACHMENTS)
        .execute(Tuple.of(accountId).addArrayOfString(ids.toArray(String[]::new)).addString(messageId))
        .map(r -> r.rowCount());
  }

  public Future<Optional<MessageView>> byId(SqlClient db, String accountId, String id) {
    return db.preparedQuery(BY_ID).execute(Tuple.of(accountId, id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
  }

  /** A page of a conversation's messages, newest first. */
  public Future<List<MessageView>> page(SqlClient db, String accountId, String conversationId, Instant beforeAt,
      String beforeId, int limit) {
    return db.preparedQuery(PAGE)
        .execute(Tuple.of(accountId, conversationId, Sql.utc(beforeAt), beforeId, limit))
        .map(rows -> {
          List<MessageView> out = new ArrayList<>();
          rows.forEach(r -> out.add(map(r)));
          return out;
        });
  }

  /** The message only if it belongs to this conversation. */
  public Future<Optional<MessageView>> inConversation(SqlClient db, String accountId, String conversationId,
      String id) {
    return db.preparedQuery(BY_ID_IN).execute(Tuple.of(accountId, id, conversationId)).map(MessageRepository::first);
  }

  /** The message an earlier request with this clientId stored, if any. */
  public Future<Optional<MessageView>> byClientId(SqlClient db, String accountId, String conversationId,
      String clientId) {
    return db.preparedQuery(BY_CLIENT_ID).execute(Tuple.of(accountId, conversationId, clientId))
        .map(MessageRepository::first);
  }

  public Future<Optional<MessageView>> newestInbound(SqlClient db, String accountId, String conversationId) {
    return db.preparedQuery(NEWEST_INBOUND).execute(Tuple.of(accountId, conversationId))
        .map(MessageRepository::first);
  }

  public Future<Optional<MessageView>> newestReplyByOthers(SqlClient db, String accountId, String conversationId,
      String userId) {
    return db.preparedQuery(NEWEST_REPLY_BY_OTHERS).execute(Tuple.of(accountId, conversationId, userId))
        .map(MessageRepository::first);
  }

  /** How many of the ids are messages of the conversation, and how many messages it has: [chosen, total]. */
  public Future<long[]> countChosen(SqlClient db, String accountId, String conversationId, List<String> ids) {
    return db.preparedQuery(COUNT_CHOSEN)
        .execute(Tuple.of(accountId, conversationId).addArrayOfString(ids.toArray(String[]::new)))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new long[] {r.getLong("chosen"), r.getLong("total")};
        });
  }

  /** Moves the chosen messages of one conversation into another (split), oldest first. */
  public Future<List<MessageView>> moveChosen(SqlClient tx, String accountId, String fromId, String toId,
      List<String> ids) {
    return tx.preparedQuery(MOVE_CHOSEN)
        .execute(Tuple.of(accountId, fromId, toId).addArrayOfString(ids.toArray(String[]::new)))
        .map(rows -> {
          List<MessageView> out = new ArrayList<>();
          rows.forEach(r -> out.add(map(r)));
          out.sort(java.util.Comparator.comparing(MessageView::createdAt).thenComparing(MessageView::id));
          return out;
        });
  }

  /** Moves every message of one conversation into another (conversation merge). */
  public Future<Integer> moveAll(SqlClient tx, String accountId, String fromConversationId, String toConversationId) {
    return tx.preparedQuery(MOVE).execute(Tuple.of(accountId, fromConversationId, toConversationId))
        .map(r -> r.rowCount());
  }

  /** Descriptions of uploaded, not yet used attachments of the account, in the order asked for. */
  public Future<List<AttachmentRef>> unusedAttachments(SqlClient db, String accountId, List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return db.preparedQuery(ATTACHMENT_REFS)
        .execute(Tuple.of(accountId).addArrayOfString(ids.toArray(String[]::new)))
        .map(rows -> {
          Map<String, AttachmentRef> found = new java.util.HashMap<>();
          for (Row r : rows) {
            found.put(r.getString("id"), new AttachmentRef(r.getString("id"), r.getString("name"),
                r.getString("content_type"), r.getLong("size")));
          }
          return ids.stream().map(found::get).filter(java.util.Objects::nonNull).toList();
        });
  }

  private static Optional<MessageView> first(io.vertx.sqlclient.RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
  }

  public static MessageView map(Row r) {
    List<AttachmentRef> attachments = new ArrayList<>();
    String att = r.getString("attachments");
    if (att != null) {
      for (Object o : new JsonArray(att)) {
        JsonObject a = (JsonObject) o;
        attachments.add(new AttachmentRef(a.getString("id"), a.getString("name"), a.getString("contentType"),
            a.getLong("size", 0L)));
      }
    }
    String call = r.getString("call");
    return new MessageView(r.getString("id"), r.getString("conversation_id"), r.getString("direction"),
        r.getString("channel_kind"), r.getString("channel_id"),
        new Author(r.getString("author_type"), r.getString("author_id"), r.getString("author_name")),
        r.getString("subject"), r.getString("text"), r.getString("html"), attachments,
        call == null ? null : new JsonObject(call).getMap(), r.getBoolean("auto_submitted"), r.getBoolean("public"),
        Sql.instant(r.getOffsetDateTime("created_at")), Sql.instant(r.getOffsetDateTime("sent_at")),
        r.getString("delivery_status"), r.getString("client_id"), r.getString("thread_key"));
  }
}
