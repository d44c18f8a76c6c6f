package io.switchboard.realtime;

import io.switchboard.http.Caller;
import io.switchboard.http.Hashes;
import io.switchboard.http.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.List;

/**
 * Single-use stream tickets: a browser cannot set headers on a WebSocket, so it trades its token
 * for a short-lived ticket over REST and sends the ticket in its first frame. Tickets live in
 * PostgreSQL (hashed), so a Redis outage does not lock agents out.
 */
final class StreamTickets {

  static final int TTL_SECONDS = 30;

  private static final String ISSUE = """
      INSERT INTO stream_ticket (ticket_hash, account_id, user_id, expires_at, token_version)
      SELECT $1, account_id, id, now() + make_interval(secs => $4::int), token_version
      FROM app_user WHERE id = $2 AND account_id = $3""";

  private static final String REDEEM = """
      UPDATE stream_ticket SET used_at = now()
      WHERE ticket_hash = $1 AND used_at IS NULL AND expires_at > now()
      RETURNING account_id, user_id, token_version""";

  private static final String USER = """
      SELECT u.id, u.account_id, u.role, u.name, u.disabled, u.token_version,
             coalesce(array_agg(tm.team_id) FILTER (WHERE tm.team_id IS NOT NULL), '{}') AS team_ids
      FROM app_user u LEFT JOIN team_member tm ON tm.user_id = u.id
      WHERE u.id = $1 AND u.account_id = $2
      GROUP BY u.id""";

  /** Who a connection acts for, with the token version its credentials were issued under. */
  record Viewer(Caller.User user, int tokenVersion) {
  }

  /** The outcome of redeeming a ticket or re-reading a user. */
  sealed interface Check {
    record Valid(Viewer viewer) implements Check {
    }

    /** Unknown, used or expired ticket. */
    record Invalid() implements Check {
    }

    /** The user was disabled or changed their password since. */
    record Revoked() implements Check {
    }
  }

  private final Pool db;

  StreamTickets(Pool db) {
    this.db = db;
  }

  Future<String> issue(Caller.User user) {
    String ticket = "sbt_" + Ids.random(32);
    return db.preparedQuery(ISSUE).execute(Tuple.of(Hashes.sha256(ticket), user.userId(), user.accountId(), TTL_SECONDS))
        .map(ticket);
  }

  /** Marks the ticket used (whoever comes first wins) and reads its user fresh. */
  Future<Check> redeem(String ticket) {
    return db.preparedQuery(REDEEM).execute(Tuple.of(Hashes.sha256(ticket))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(new Check.Invalid());
      }
      Row r = rows.iterator().next();
      return reload(r.getString("account_id"), r.getString("user_id"), r.getInteger("token_version"));
    });
  }

  /** Re-reads a connected user: revoked credentials end the stream, new teams take effect. */
  Future<Check> reload(String accountId, String userId, int tokenVersion) {
    return db.preparedQuery(USER).execute(Tuple.of(userId, accountId)).map(rows -> {
      if (rows.size() == 0) {
        return new Check.Revoked();
      }
      Row r = rows.iterator().next();
      if (r.getBoolean("disabled") || r.getInteger("token_version") != tokenVersion) {
        return new Check.Revoked();
      }
      String[] teams = r.getArrayOfStrings("team_ids");
      List<String> teamIds = teams == null ? List.of() : Arrays.asList(teams);
      return new Check.Valid(new Viewer(new Caller.User(r.getString("id"), r.getString("account_id"),
          r.getString("role"), r.getString("name"), teamIds), tokenVersion));
    });
  }
}
