package io.switchboard.account;

import io.switchboard.account.AccountViews.UserView;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** People of an account, their team memberships and refresh tokens. */
public final class UserRepository {

  public record Stored(UserView view, String passwordHash, int tokenVersion) {
  }

  private static final String COLUMNS = """
      u.id, u.account_id, u.email, u.name, u.role, u.password_hash, u.skills, u.capacity, u.disabled,
      u.token_version, u.last_seen_at,
      coalesce((SELECT array_agg(tm.team_id ORDER BY tm.team_id) FROM team_member tm WHERE tm.user_id = u.id),
               '{}') AS team_ids""";

  private static final String INSERT_INVITED = """
      INSERT INTO app_user (id, account_id, email, name, role, password_hash, skills, capacity, invited_at)
      VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, now())""";
  // Only a person who has not joined yet takes a name and a first password this way.
  private static final String JOIN = """
      UPDATE app_user SET name = $3, password_hash = $4, token_version = token_version + 1
      WHERE id = $1 AND account_id = $2 AND password_hash IS NULL AND NOT disabled""";
  private static final String SEEN = "UPDATE app_user SET last_seen_at = now() WHERE id = $1 AND account_id = $2";
  // The account must keep an admin who can sign in.
  private static final String ACTIVE_ADMINS = """
      SELECT count(*) FROM app_user
      WHERE account_id = $1 AND role = 'admin' AND NOT disabled AND password_hash IS NOT NULL""";

  private static final String BY_EMAIL = "SELECT " + COLUMNS + " FROM app_user u WHERE u.email = $1";
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM app_user u WHERE u.id = $1 AND u.account_id = $2";
  private static final String LIST = "SELECT " + COLUMNS + " FROM app_user u WHERE u.account_id = $1 ORDER BY u.name, u.id";
  private static final String INSERT = """
      INSERT INTO app_user (id, account_id, email, name, role, password_hash, skills, capacity)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";
  private static final String UPDATE = """
      UPDATE app_user SET name = coalesce($3, name), role = coalesce($4, role), skills = coalesce($5, skills),
             capacity = CASE WHEN $6::boolean THEN $7 ELSE capacity END,
             disabled = coalesce($8, disabled),
             token_version = token_version + CASE WHEN $8 IS TRUE AND NOT disabled THEN 1 ELSE 0 END
      WHERE id = $1 AND account_id = $2""";
  private static final String CLEAR_TEAMS = "DELETE FROM team_member WHERE user_id = $1 AND account_id = $2";
  private static final String ADD_TEAM = """
      INSERT INTO team_member (account_id, team_id, user_id)
      SELECT $1, t.id, $3 FROM team t WHERE t.id = $2 AND t.account_id = $1 AND t.deleted_at IS NULL""";
  private static final String SET_PASSWORD = """
      UPDATE app_user SET password_hash = $3, token_version = token_version + 1 WHERE id = $1 AND account_id = $2""";
  private static final String SAVE_REFRESH = """
      INSERT INTO refresh_token (token_hash, account_id, user_id, token_version, expires_at) VALUES ($1, $2, $3, $4, $5)""";
  // Single use: the UPDATE claims the token, so two concurrent refreshes cannot both succeed.
  private static final String USE_REFRESH = """
      UPDATE refresh_token SET used_at = now()
      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
      RETURNING user_id, account_id, token_version""";
  private static final String COUNT_TEAMS = """
      SELECT count(*) FROM team WHERE account_id = $1 AND id = ANY($2) AND deleted_at IS NULL""";

  public Future<Optional<Stored>> byEmail(SqlClient db, String email) {
    return db.preparedQuery(BY_EMAIL).execute(Tuple.of(email)).map(rows -> one(rows.iterator()));
  }

  public Future<Optional<Stored>> byId(SqlClient db, String accountId, String id) {
    return db.preparedQuery(BY_ID).execute(Tuple.of(id, accountId)).map(rows -> one(rows.iterator()));
  }

  public Future<List<UserView>> list(SqlClient db, String accountId) {
    return db.preparedQuery(LIST).execute(Tuple.of(accountId)).map(rows -> {
      List<UserView> out = new ArrayList<>();
      rows.forEach(r -> out.add(map(r).view()));
      return out;
    });
  }

  public Future<Void> insert(SqlClient db, String id, String accountId, String email, String name, String role,
      String hash, List<String> skills, Integer capacity) {
    return db.preparedQuery(INSERT).execute(Tuple.of(id, accountId, email, name, role, hash)
        .addArrayOfString(skills == null ? new String[0] : skills.toArray(String[]::new))
        .addInteger(capacity)).mapEmpty();
  }

  /** A person invited by mail: no password until they accept (status "invited"). */
  public Future<Void> insertInvited(SqlClient db, String id, String accountId, String email, String name, String role,
      List<String> skills, Integer capacity) {
    return db.preparedQuery(INSERT_INVITED).execute(Tuple.of(id, accountId, email, name, role)
        .addArrayOfString(skills == null ? new String[0] : skills.toArray(String[]::new))
        .addInteger(capacity)).mapEmpty();
  }

  /** An invited person sets their name and first password; false when they had joined already. */
  public Future<Boolean> join(SqlClient db, String accountId, String id, String name, String hash) {
    return db.preparedQuery(JOIN).execute(Tuple.of(id, accountId, name, hash)).map(r -> r.rowCount() == 1);
  }

  /** Signed in or refreshed a session: what "last seen" shows the admins. */
  public Future<Void> seen(SqlClient db, String accountId, String id) {
    return db.preparedQuery(SEEN).execute(Tuple.of(id, accountId)).mapEmpty();
  }

  public Future<Long> activeAdmins(SqlClient db, String accountId) {
    return db.preparedQuery(ACTIVE_ADMINS).execute(Tuple.of(accountId)).map(r -> r.iterator().next().getLong(0));
  }

  public Future<Boolean> update(SqlClient db, String accountId, String id, AccountRequests.PatchUser p) {
    Tuple t = Tuple.of(id, accountId, p.name(), p.role())
        .addArrayOfString(p.skills() == null ? null : p.skills().toArray(String[]::new))
        .addBoolean(p.capacity() != null)
        .addInteger(p.capacity())
        .addBoolean(p.disabled());
    return db.preparedQuery(UPDATE).execute(t).map(rows -> rows.rowCount() == 1);
  }

  /** Replaces the user's teams; fails with false when a team id is not the account's. */
  public Future<Boolean> setTeams(SqlClient db, String accountId, String userId, List<String> teamIds) {
    String[] ids = teamIds.stream().distinct().toArray(String[]::new);
    return db.preparedQuery(COUNT_TEAMS).execute(Tuple.of(accountId).addArrayOfString(ids)).compose(rows -> {
      if (rows.iterator().next().getLong(0) != ids.length) {
        return Future.succeededFuture(false);
      }
      Future<?> chain = db.preparedQuery(CLEAR_TEAMS).execute(Tuple.of(userId, accountId));
      for (String teamId : ids) {
        chain = chain.compose(v -> db.preparedQuery(ADD_TEAM).execute(Tuple.of(accountId, teamId, userId)));
      }
      return chain.map(true);
    });
  }

  public Future<Void> setPassword(SqlClient db, String accountId, String userId, String hash) {
    return db.preparedQuery(SET_PASSWORD).execute(Tuple.of(userId, accountId, hash)).mapEmpty();
  }

  public Future<Void> saveRefresh(SqlClient db, String hash, String accountId, String userId, int tokenVersion,
      Instant expiresAt) {
    return db.preparedQuery(SAVE_REFRESH)
        .execute(Tuple.of(hash, accountId, userId, tokenVersion, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC)))
        .mapEmpty();
  }

  public record RefreshClaim(String userId, String accountId, int tokenVersion) {
  }

  public Future<Optional<RefreshClaim>> useRefresh(SqlClient db, String hash) {
    return db.preparedQuery(USE_REFRESH).execute(Tuple.of(hash)).map(rows -> {
      var it = rows.iterator();
      if (!it.hasNext()) {
        return Optional.empty();
      }
      Row r = it.next();
      return Optional.of(new RefreshClaim(r.getString("user_id"), r.getString("account_id"),
          r.getInteger("token_version")));
    });
  }

  /** disabled wins over invited: a disabled invitation cannot be accepted. */
  private static String status(Row r) {
    return r.getBoolean("disabled") ? "disabled" : r.getString("password_hash") == null ? "invited" : "active";
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static Optional<Stored> one(java.util.Iterator<Row> it) {
    return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
  }

  private static Stored map(Row r) {
    String[] teams = r.getArrayOfStrings("team_ids");
    String[] skills = r.getArrayOfStrings("skills");
    UserView view = new UserView(r.getString("id"), r.getString("name"), r.getString("email"), r.getString("role"),
        r.getString("account_id"), teams == null ? List.of() : Arrays.asList(teams),
        skills == null ? List.of() : Arrays.asList(skills), r.getInteger("capacity"), r.getBoolean("disabled"),
        status(r), instant(r.getOffsetDateTime("last_seen_at")));
    return new Stored(view, r.getString("password_hash"), r.getInteger("token_version"));
  }
}
