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
 * <p>Ordering design (sequenced after commit): a transaction appends its events without a seq, as
 * its last step, and commits in parallel with any other; after the commit the caller announces
 * it, and the {@link Sequencer} gives the committed events the account's next seqs and tells
 * every node. Readers only ever see numbered events, and numbers are given in commits that follow
 * one another, so a reader that sees seq N+1 also sees N, and a client resuming from its last seq
 * misses nothing. An aborted transaction leaves nothing to number. See docs/architecture.md.
 */
public final class EventLog {

  /** Event bus address on which every node hears "account X has events up to seq N". */
  public static final String APPENDED = "sb.events.appended";

  /** Arrays hold the events in order; ids (from a sequence) keep that order for the sequencer. */
  private static final String APPEND = """
      INSERT INTO event (account_id, type, conversation_id, team_id, assignee_id,
                         prev_team_id, prev_assignee_id, data)
      SELECT $1, e.type, e.conversation_id, e.team_id, e.assignee_id, e.prev_team_id, e.prev_assignee_id,
             e.data::jsonb
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             WITH ORDINALITY AS e(type, conversation_id, team_id, assignee_id, prev_team_id, prev_assignee_id, data, ord)
      ORDER BY e.ord""";

  private static final String CURRENT = "SELECT last_seq FROM account_seq WHERE account_id = $1";

  private final Vertx vertx;

  public EventLog(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Appends the events in the caller's transaction, in order, as its last step (after every row
   * lock it takes: see {@link Sequencer}); returns how many were appended, for {@link #announce}.
   */
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
    Tuple params = Tuple.of(accountId);
    for (String[] column : columns) {
      params.addArrayOfString(column);
    }
    return tx.preparedQuery(APPEND).execute(params).map(rows -> (long) rows.rowCount());
  }

  public Future<Long> append(SqlConnection tx, String accountId, EventDraft draft) {
    return append(tx, accountId, List.of(draft));
  }

  /** The seq of the newest committed event; a body read after this reflects every event up to it. */
  public Future<Long> current(SqlClient db, String accountId) {
    return db.preparedQuery(CURRENT).execute(Tuple.of(accountId))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
  }

  /** After the commit of a transaction that appended events: has them numbered and streamed. */
  public void announce(String accountId, long appended) {
    if (appended > 0) {
      vertx.eventBus().send(Sequencer.PENDING, accountId);
    }
  }

  /** Completes once every event of the account committed before this call has its seq. */
  public Future<Void> numbered(String accountId) {
    return vertx.eventBus().<String>request(Sequencer.FLUSH, accountId).compose(reply -> "numbered".equals(reply.body())
        ? Future.succeededFuture() : Future.failedFuture(new IllegalStateException("numbering failed")));
  }
}
