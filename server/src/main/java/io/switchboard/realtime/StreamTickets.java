package io.switchboard.realtime;

import io.switchboard.http.Authenticator;
import io.switchboard.http.Caller;
import io.switchboard.http.Hashes;
import io.switchboard.http.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

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
    return Authenticator.currentUser(db, accountId, userId, tokenVersion)
        .map(user -> user.<Check>map(u -> new Check.Valid(new Viewer(u, tokenVersion))).orElseGet(Check.Revoked::new));
  }
}
