package io.switchboard.account;

import io.switchboard.db.Sql;
import io.switchboard.http.Hashes;
import io.switchboard.http.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Single-use links mailed to a person: an invitation or a password reset. The token (215 random
 * bits) is only in the link; the table keeps its SHA-256. Issuing a new link of a kind voids the
 * person's earlier ones of that kind, so only the newest mail works.
 */
public final class UserLinks {

  /** What a link is worth when someone opens it. */
  public enum State { VALID, USED, EXPIRED }

  public record Link(String accountId, String userId, String kind, State state) {
  }

  private static final String VOID = """
      UPDATE user_link SET used_at = now()
      WHERE account_id = $1 AND user_id = $2 AND kind = $3 AND used_at IS NULL""";
  private static final String INSERT = """
      INSERT INTO user_link (token_hash, account_id, user_id, kind, created_by, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6)""";
  private static final String FIND = """
      SELECT account_id, user_id, kind, used_at IS NOT NULL AS used, expires_at <= now() AS expired
      FROM user_link WHERE token_hash = $1""";
  // Single use: the UPDATE claims the link, so two tabs submitting at once cannot both use it.
  private static final String CLAIM = """
      UPDATE user_link SET used_at = now()
      WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > now()
      RETURNING account_id, user_id, kind""";

  public record Issued(String token, Instant expiresAt) {
  }

  /** A new link for the person (earlier ones of the kind stop working). */
  public Future<Issued> issue(SqlClient db, String kind, String accountId, String userId, String createdBy,
      Duration valid) {
    String token = Ids.random(43);
    Instant expires = Instant.now().plus(valid);
    return db.preparedQuery(VOID).execute(Tuple.of(accountId, userId, kind))
        .compose(v -> db.preparedQuery(INSERT).execute(Tuple.of(Hashes.sha256(token), accountId, userId, kind,
            createdBy, Sql.utc(expires))))
        .map(v -> new Issued(token, expires));
  }

  public Future<Optional<Link>> find(SqlClient db, String token) {
    return db.preparedQuery(FIND).execute(Tuple.of(Hashes.sha256(token))).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      State state = r.getBoolean("used") ? State.USED : r.getBoolean("expired") ? State.EXPIRED : State.VALID;
      return Optional.of(new Link(r.getString("account_id"), r.getString("user_id"), r.getString("kind"), state));
    });
  }

  /** Uses the link once; empty when it is unknown, used, expired or of another kind. */
  public Future<Optional<Link>> claim(SqlClient db, String token, String kind) {
    return db.preparedQuery(CLAIM).execute(Tuple.of(Hashes.sha256(token), kind)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new Link(r.getString("account_id"), r.getString("user_id"), r.getString("kind"), State.VALID));
    });
  }
}
