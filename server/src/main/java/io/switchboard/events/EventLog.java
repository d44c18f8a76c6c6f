package io.switchboard.events;

import io.switchboard.http.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The append-only, per-account event log the live stream is served from.
 *
 * <p>Ordering design (numbered in the writing transaction): a transaction appends its events as
 * its last statement; that statement adds their count to the account's {@code account_seq} row and
 * inserts them with the numbers it got. The row lock is held until the transaction ends, so
 * writers of one account number one after another, and the next writer can take the lock only
 * once the previous one's commit is visible. So a reader that sees seq N also sees every lower
 * one, and an aborted transaction gives its numbers back with its rollback (no holes). Ingest
 * writes many messages per transaction, so the serialization costs little. See
 * docs/architecture.md, "Event ordering".
 */
public final class EventLog {

  /** Event bus address on which every node hears "account X has events up to seq N". */
  public static final String APPENDED = "sb.events.appended";

  /** Takes the account's next numbers and inserts the events with them, in array order. */
  private static final String APPEND = """
      WITH bumped AS (
        UPDATE account_seq SET last_seq = last_seq + $9 WHERE account_id = $1
        RETURNING last_seq - $9 AS base),
      inserted AS (
        INSERT INTO event (account_id, seq, type, conversation_id, team_id, assignee_id,
                           prev_team_id, prev_assignee_id, data)
        SELECT $1, bumped.base + e.ord, e.type, e.conversation_id, e.team_id, e.assignee_id,
               e.prev_team_id, e.prev_assignee_id, e.data::jsonb
        FROM bumped, unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
               WITH ORDINALITY AS e(type, conversation_id, team_id, assignee_id, prev_team_id, prev_assignee_id, data, ord)
        RETURNING seq, at)
      SELECT seq, at FROM inserted ORDER BY seq""";

  private static final String CURRENT = "SELECT last_seq FROM account_seq WHERE account_id = $1";

  private final Vertx vertx;
  /** This node's live streams, told of every committed append that was announced with its events. */
  private volatile Consumer<Appended> localStreams = appended -> { };

  public EventLog(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The stream hub of this node registers here at start. */
  public void onCommitted(Consumer<Appended> streams) {
    this.localStreams = streams;
  }

  /**
   * Appends the events in the caller's transaction, in order, as its last statement (after every
   * row lock it takes, so the order is causal); returns the seq of the last one (0 when none), for
   * {@link #announce(String, long)} after the commit.
   */
  public Future<Long> append(SqlConnection tx, String accountId, List<EventDraft> drafts) {
    return appendAll(tx, accountId, drafts).map(Appended::lastSeq);
  }

  /** As {@link #append}, returning the events themselves, for {@link #announce(Appended)}. */
  public Future<Appended> appendAll(SqlConnection tx, String accountId, List<EventDraft> drafts) {
    if (drafts.isEmpty()) {
      return Future.succeededFuture(new Appended(accountId, List.of()));
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
    params.addLong((long) n);
    return tx.preparedQuery(APPEND).execute(params).compose(rows -> {
      if (rows.size() != n) {
        return Future.failedFuture(new IllegalStateException("account " + accountId + " has no event counter"));
      }
      List<CommittedEvent> events = new ArrayList<>(n);
      int i = 0;
      for (Row r : rows) {
        events.add(new CommittedEvent(r.getLong("seq"), r.getOffsetDateTime("at").toInstant(), columns[0][i],
            columns[1][i], columns[2][i], columns[3][i], columns[4][i], columns[5][i], columns[6][i]));
        i++;
      }
      return Future.succeededFuture(new Appended(accountId, events));
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

  /**
   * After the commit of a transaction that appended events up to {@code lastSeq}: wakes every
   * node's stream feeds of the account. The wake-up carries no data; feeds read the log.
   */
  public void announce(String accountId, long lastSeq) {
    if (lastSeq > 0) {
      vertx.eventBus().publish(APPENDED, new JsonObject().put("accountId", accountId).put("seq", lastSeq));
    }
  }

  /**
   * After the commit: this node's streams get the events themselves (no read of the log when they
   * are next in line), and every node the usual wake-up.
   */
  public void announce(Appended appended) {
    if (!appended.events().isEmpty()) {
      localStreams.accept(appended);
      announce(appended.accountId(), appended.lastSeq());
    }
  }
}
