package io.switchboard.outbound;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tells a live-chat visitor that an agent is typing: when an agent types in a conversation whose
 * customer last wrote on a chat channel, that channel's adapter gets an ephemeral "typing" item.
 */
public final class ChatTyping {

  private static final String LATEST_CHAT = """
      SELECT m.channel_id, m.thread_key, i.value, i.platform
      FROM message m LEFT JOIN identity i ON i.id = m.identity_id AND i.account_id = m.account_id
      WHERE m.account_id = $1 AND m.conversation_id = $2 AND m.direction = 'inbound'
      ORDER BY m.created_at DESC, m.id DESC LIMIT 1""";

  private final Pool db;
  private final OutboundQueue outbound;

  public ChatTyping(Pool db, OutboundQueue outbound) {
    this.db = db;
    this.outbound = outbound;
  }

  /** Enqueues a typing item when the customer's latest message came over chat; else nothing. */
  public Future<Void> agentTyping(String accountId, String conversationId) {
    return db.preparedQuery(LATEST_CHAT).execute(Tuple.of(accountId, conversationId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      Row r = rows.iterator().next();
      String platform = r.getString("platform");
      if (platform == null || !platform.startsWith("chat:")) {
        return Future.succeededFuture();
      }
      Map<String, Object> to = new LinkedHashMap<>();
      String value = r.getString("value");
      to.put("handle", value.substring(platform.length() + 1));
      to.put("threadKey", r.getString("thread_key"));
      return outbound.typing(db, accountId, r.getString("channel_id"), conversationId, to);
    });
  }
}
