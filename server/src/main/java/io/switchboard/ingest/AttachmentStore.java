package io.switchboard.ingest;

import io.switchboard.http.Hashes;
import io.switchboard.http.Ids;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** Uploaded files, stored in PostgreSQL beside the messages that use them. */
public final class AttachmentStore {

  public record Uploaded(String id, String name, String contentType, long size) {
  }

  /**
   * A stored file with the conversation it belongs to (null while not yet used by a message), and
   * the channel and direction of the message that uses it.
   */
  public record Content(Uploaded meta, Buffer data, String conversationId, String teamId, String assigneeId,
      String channelId, String direction) {
  }

  private static final String INSERT = """
      INSERT INTO attachment (id, account_id, name, content_type, size, sha256, data)
      VALUES ($1, $2, $3, $4, $5, $6, $7)""";

  private static final String READ = """
      SELECT a.id, a.name, a.content_type, a.size, a.data, m.conversation_id, c.team_id, c.assignee_id,
             m.channel_id, m.direction
      FROM attachment a
      LEFT JOIN message m ON m.id = a.message_id AND m.account_id = a.account_id
      LEFT JOIN conversation c ON c.id = m.conversation_id AND c.account_id = a.account_id
      WHERE a.account_id = $1 AND a.id = $2""";

  public Future<Uploaded> save(SqlClient db, String accountId, String name, String contentType, Buffer bytes) {
    // 130 random bits: an attachment id is the only thing between a guesser and a customer's file.
    String id = "att_" + Ids.random(26);
    return db.preparedQuery(INSERT)
        .execute(Tuple.of(id, accountId, name, contentType, (long) bytes.length(), Hashes.sha256(bytes.getBytes()), bytes))
        .map(v -> new Uploaded(id, name, contentType, bytes.length()));
  }

  public Future<Optional<Content>> read(SqlClient db, String accountId, String id) {
    return db.preparedQuery(READ).execute(Tuple.of(accountId, id)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new Content(new Uploaded(r.getString("id"), r.getString("name"), r.getString("content_type"),
          r.getLong("size")), r.getBuffer("data"), r.getString("conversation_id"), r.getString("team_id"),
          r.getString("assignee_id"), r.getString("channel_id"), r.getString("direction")));
    });
  }
}
