package io.switchboard.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.switchboard.events.CommittedEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Reads committed events of one account in seq order, and the range a client may resume from. */
final class EventReader {

  static final int PAGE = 1000;

  private static final String AFTER = """
      SELECT seq, type, at, conversation_id, team_id, assignee_id, prev_team_id, prev_assignee_id,
             data::text AS data
      FROM event WHERE account_id = $1 AND seq > $2
      ORDER BY seq LIMIT $3""";

  private static final String CURRENT = "SELECT last_seq FROM account_seq WHERE account_id = $1";

  private static final String RANGE = """
      SELECT coalesce((SELECT last_seq FROM account_seq WHERE account_id = $1), 0) AS current,
             coalesce((SELECT through_seq FROM event_pruned WHERE account_id = $1), 0) AS pruned""";

  /** Resuming is possible from any seq in [pruned, current]. */
  record Range(long pruned, long current) {

    boolean canResumeFrom(long since) {
      return since >= pruned && since <= current;
    }
  }

  private final Pool db;

  EventReader(Pool db) {
    this.db = db;
  }

  /** Up to {@link #PAGE} committed events after {@code seq}, in order. */
  Future<List<StreamEvent>> after(String accountId, long seq) {
    return db.preparedQuery(AFTER).execute(Tuple.of(accountId, seq, (long) PAGE)).map(rows -> {
      List<StreamEvent> page = new ArrayList<>(rows.size());
      for (Row r : rows) {
        page.add(toEvent(r));
      }
      return page;
    });
  }

  /** The newest committed seq: every lower one has committed too (see EventLog). */
  Future<Long> current(String accountId) {
    return db.preparedQuery(CURRENT).execute(Tuple.of(accountId))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
  }

  Future<Range> range(String accountId) {
    return db.preparedQuery(RANGE).execute(Tuple.of(accountId))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Range(r.getLong("pruned"), r.getLong("current"));
        });
  }

  private static StreamEvent toEvent(Row r) {
    return event(r.getLong("seq"), r.getOffsetDateTime("at").toInstant(), r.getString("type"),
        r.getString("conversation_id"), r.getString("team_id"), r.getString("assignee_id"),
        r.getString("prev_team_id"), r.getString("prev_assignee_id"), r.getString("data"));
  }

  /** The same event handed over by the transaction that wrote it (see EventLog#announce(Appended)). */
  static StreamEvent toEvent(CommittedEvent e) {
    return event(e.seq(), e.at(), e.type(), e.conversationId(), e.teamId(), e.assigneeId(), e.prevTeamId(),
        e.prevAssigneeId(), e.data());
  }

  private static StreamEvent event(long seq, Instant at, String type, String conversationId, String teamId,
      String assigneeId, String prevTeamId, String prevAssigneeId, String data) {
    JsonObject head = new JsonObject()
        .put("seq", seq)
        .put("type", type)
        .put("at", at.truncatedTo(ChronoUnit.MILLIS).toString())
        .put("conversationId", conversationId);
    // data is already JSON text: splice it in instead of parsing and re-encoding.
    String encoded = head.encode();
    String frame = encoded.substring(0, encoded.length() - 1) + ",\"data\":" + data + "}";
    return new StreamEvent(seq, teamId, assigneeId, prevTeamId, prevAssigneeId, frame);
  }
}
