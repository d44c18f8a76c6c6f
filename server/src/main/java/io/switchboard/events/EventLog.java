package io.switchboard.events;

import io.switchboard.http.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only, per-account event log the live stream is served from.
 *
 * <p>Ordering design (serialized appends): an append increments the account's row in
 * {@code account_seq}, which row-locks it until the transaction ends. Callers append as the
 * <em>last</em> step of their transaction, so the lock is held only for the commit itself. Two
 * transactions of one account therefore commit in the order of their seq, and a reader that sees
 * seq N+1 committed also sees N: the stream can deliver whatever is committed, in seq order, and a
 * client resuming from its last seq misses nothing. An aborted transaction rolls its increment back,
 * so seq has no holes from aborts. See docs/architecture.md.
 */
public final class EventLog {

  /** Event bus address on which every node hears "account X has events up to seq N". */
  public static final String APPENDED = "sb.events.appended";

  private static final String BUMP = """
      UPDATE account_seq SET last_seq = last_seq + $2 WHERE account_id = $1 RETURNING last_seq""";

  private static final String INSERT = """
      INSERT INTO event (account_id, seq, type, conversation_id, team_id, assignee_id,
                         prev_team_id, prev_assignee_id, data)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb)""";

  private static final String CURRENT = "SELECT last_seq FROM account_seq WHERE account_id = $1";

  private final Vertx vertx;

  public EventLog(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Appends the events in the caller's transaction, in order; returns the last seq used. */
  public Future<Long> append(SqlConnection tx, String accountId, List<EventDraft> drafts) {
    if (drafts.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    return tx.preparedQuery(BUMP).execute(Tuple.of(accountId, drafts.size())).compose(rows -> {
      long last = rows.iterator().next().getLong(0);
      long first = last - drafts.size() + 1;
      List<Tuple> batch = new ArrayList<>(drafts.size());
      for (int i = 0; i < drafts.size(); i++) {
        EventDraft d = drafts.get(i);
        batch.add(Tuple.of(accountId, first + i, d.type(), d.conversationId(), d.teamId(), d.assigneeId(),
                d.prevTeamId(), d.prevAssigneeId())
            .addString(Json.write(d.data())));
      }
      return tx.preparedQuery(INSERT).executeBatch(batch).map(last);
    });
  }

  public Future<Long> append(SqlConnection tx, String accountId, EventDraft draft) {
    return append(tx, accountId, List.of(draft));
  }

  /** The seq of the newest committed event; a body read after this reflects every event up to it. */
  public Future<Long> current(SqlClient db, String accountId) {
    return db.preparedQuery(CURRENT).execute(Tuple.of(accountId))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
  }

  /** Tells every node (after commit) that the account has new events; the stream reads them. */
  public void announce(String accountId, long seq) {
    if (seq > 0) {
      vertx.eventBus().publish(APPENDED, new JsonObject().put("accountId", accountId).put("seq", seq));
    }
  }
}
