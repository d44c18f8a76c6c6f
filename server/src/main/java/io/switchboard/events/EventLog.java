package io.switchboard.events;

import io.switchboard.http.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
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

  /**
   * One statement, so the account's counter row stays locked for one round trip less: it takes the
   * seq range and inserts the events with it (arrays hold the events in order).
   */
  private static final String APPEND = """
      WITH bumped AS (
        UPDATE account_seq SET last_seq = last_seq + $2 WHERE account_id = $1 RETURNING last_seq)
      INSERT INTO event (account_id, seq, type, conversation_id, team_id, assignee_id,
                         prev_team_id, prev_assignee_id, data)
      SELECT $1, bumped.last_seq - $2 + e.ord, e.type, e.conversation_id, e.team_id, e.assignee_id,
             e.prev_team_id, e.prev_assignee_id, e.data::jsonb
      FROM bumped,
           unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
             WITH ORDINALITY AS e(type, conversation_id, team_id, assignee_id, prev_team_id, prev_assignee_id, data, ord)
      RETURNING seq""";

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
    int n = drafts.size();
    String[][] columns = new String[7][n];
    for (int i = 0; i < n; i++) {
      EventDraft d = drafts.get(i);
      columns[0][i] = d.type();
      columns[1][i] = d.conversationId();
      columns[2][i] = d.teamId();
      columns[3][i] = d.assigneeId();
      columns[4][i] = d.prevTeamId();
      columns[5][i] = d.prevAssigneeId();
      columns[6][i] = Json.write(d.data());
    }
    Tuple params = Tuple.of(accountId, n);
    for (String[] column : columns) {
      params.addArrayOfString(column);
    }
    return tx.preparedQuery(APPEND).execute(params).compose(rows -> {
      if (rows.rowCount() != n) {
        return Future.failedFuture(new IllegalStateException("account " + accountId + " has no event counter"));
      }
      long last = 0;
      for (var row : rows) {
        last = Math.max(last, row.getLong(0));
      }
      return Future.succeededFuture(last);
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
