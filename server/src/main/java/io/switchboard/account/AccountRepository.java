package io.switchboard.account;

import io.switchboard.account.AccountViews.AccountView;
import io.switchboard.account.AccountViews.TeamView;
import io.switchboard.http.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Accounts (tenants), their settings and teams. */
public final class AccountRepository {

  private static final String INSERT = """
      INSERT INTO account (id, name, timezone, default_region) VALUES ($1, $2, $3, $4)""";
  private static final String INSERT_SEQ = "INSERT INTO account_seq (account_id) VALUES ($1)";
  private static final String GET = """
      SELECT id, name, timezone, default_region, reopen_window_days, settings::text AS settings FROM account WHERE id = $1""";
  private static final String UPDATE = """
      UPDATE account SET name = coalesce($2, name), timezone = coalesce($3, timezone),
             default_region = coalesce($4, default_region), reopen_window_days = coalesce($5, reopen_window_days),
             settings = settings || jsonb_build_object('notifications',
                 coalesce(settings->'notifications', '{}'::jsonb) || coalesce($6::text::jsonb, '{}'::jsonb))
      WHERE id = $1""";
  private static final String TEAMS = """
      SELECT t.id, t.name,
             coalesce((SELECT array_agg(tm.user_id ORDER BY tm.user_id) FROM team_member tm WHERE tm.team_id = t.id),
                      '{}') AS member_ids
      FROM team t WHERE t.account_id = $1 AND t.deleted_at IS NULL ORDER BY lower(t.name)""";
  private static final String TEAM = """
      SELECT t.id, t.name,
             coalesce((SELECT array_agg(tm.user_id ORDER BY tm.user_id) FROM team_member tm WHERE tm.team_id = t.id),
                      '{}') AS member_ids
      FROM team t WHERE t.account_id = $1 AND t.id = $2 AND t.deleted_at IS NULL""";
  private static final String INSERT_TEAM = "INSERT INTO team (id, account_id, name) VALUES ($1, $2, $3)";
  private static final String RENAME_TEAM = """
      UPDATE team SET name = $3 WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL""";
  // What still sends work to a team: its channels, its live conversations and SLA escalation steps.
  private static final String TEAM_USES = """
      SELECT (SELECT count(*) FROM channel WHERE account_id = $1 AND team_id = $2) AS channels,
             (SELECT count(*) FROM conversation WHERE account_id = $1 AND team_id = $2 AND status <> 'resolved'
                AND merged_into IS NULL) AS conversations,
             (SELECT count(*) FROM sla_policy p, jsonb_array_elements(p.escalation) e
                WHERE p.account_id = $1 AND e->>'teamId' = $2) AS escalations""";
  private static final String DELETE_TEAM = """
      UPDATE team SET deleted_at = now() WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL""";
  private static final String CLEAR_MEMBERS = "DELETE FROM team_member WHERE account_id = $1 AND team_id = $2";
  private static final String ADD_MEMBER = """
      INSERT INTO team_member (account_id, team_id, user_id)
      SELECT $1, t.id, u.id FROM team t, app_user u
      WHERE t.account_id = $1 AND t.id = $2 AND t.deleted_at IS NULL AND u.account_id = $1 AND u.id = $3
      ON CONFLICT DO NOTHING""";
  private static final String REMOVE_MEMBER = """
      DELETE FROM team_member WHERE account_id = $1 AND team_id = $2 AND user_id = $3""";
  private static final String USER_EXISTS = "SELECT 1 FROM app_user WHERE account_id = $1 AND id = $2";

  public Future<Void> insert(SqlClient db, String id, String name, String timezone, String region) {
    return db.preparedQuery(INSERT).execute(Tuple.of(id, name, timezone, region))
        .compose(v -> db.preparedQuery(INSERT_SEQ).execute(Tuple.of(id)))
        .mapEmpty();
  }

  public Future<Optional<AccountView>> get(SqlClient db, String id) {
    return db.preparedQuery(GET).execute(Tuple.of(id)).map(rows -> {
      var it = rows.iterator();
      if (!it.hasNext()) {
        return Optional.empty();
      }
      Row r = it.next();
      JsonObject settings = new JsonObject(r.getString("settings"));
      JsonObject notifications = settings == null ? new JsonObject() : settings.getJsonObject("notifications", new JsonObject());
      return Optional.of(new AccountView(r.getString("id"), r.getString("name"), r.getString("timezone"),
          r.getString("default_region"), r.getInteger("reopen_window_days"), notifications.getMap()));
    });
  }

  public Future<Void> update(SqlClient db, String id, AccountRequests.PatchAccount p) {
    String notifications = p.notifications() == null ? null : Json.write(p.notifications());
    return db.preparedQuery(UPDATE).execute(Tuple.of(id, p.name(), p.timezone(), p.defaultRegion(),
        p.reopenWindowDays(), notifications)).mapEmpty();
  }

  public Future<List<TeamView>> teams(SqlClient db, String accountId) {
    return db.preparedQuery(TEAMS).execute(Tuple.of(accountId)).map(rows -> {
      List<TeamView> out = new ArrayList<>();
      rows.forEach(r -> out.add(team(r)));
      return out;
    });
  }

  public Future<Optional<TeamView>> team(SqlClient db, String accountId, String id) {
    return db.preparedQuery(TEAM).execute(Tuple.of(accountId, id)).map(rows -> {
      var it = rows.iterator();
      return it.hasNext() ? Optional.of(team(it.next())) : Optional.empty();
    });
  }

  public Future<Void> insertTeam(SqlClient db, String id, String accountId, String name) {
    return db.preparedQuery(INSERT_TEAM).execute(Tuple.of(id, accountId, name)).mapEmpty();
  }

  public Future<Boolean> renameTeam(SqlClient db, String accountId, String id, String name) {
    return db.preparedQuery(RENAME_TEAM).execute(Tuple.of(accountId, id, name)).map(r -> r.rowCount() == 1);
  }

  public record TeamUses(long channels, long conversations, long escalations) {

    public boolean any() {
      return channels + conversations + escalations > 0;
    }
  }

  public Future<TeamUses> teamUses(SqlClient db, String accountId, String id) {
    return db.preparedQuery(TEAM_USES).execute(Tuple.of(accountId, id)).map(rows -> {
      Row r = rows.iterator().next();
      return new TeamUses(r.getLong("channels"), r.getLong("conversations"), r.getLong("escalations"));
    });
  }

  /** Marks the team deleted (its row stays for history) and empties it; false when there was none. */
  public Future<Boolean> deleteTeam(SqlClient db, String accountId, String id) {
    return db.preparedQuery(DELETE_TEAM).execute(Tuple.of(accountId, id)).compose(r -> r.rowCount() == 0
        ? Future.succeededFuture(false)
        : db.preparedQuery(CLEAR_MEMBERS).execute(Tuple.of(accountId, id)).map(true));
  }

  /** Adds the person to the team (again is harmless); false when either is not the account's. */
  public Future<Boolean> addMember(SqlClient db, String accountId, String teamId, String userId) {
    return db.preparedQuery(ADD_MEMBER).execute(Tuple.of(accountId, teamId, userId))
        .compose(r -> r.rowCount() == 1 ? Future.succeededFuture(true)
            : team(db, accountId, teamId).compose(t -> t.isEmpty() ? Future.succeededFuture(false)
                : db.preparedQuery(USER_EXISTS).execute(Tuple.of(accountId, userId)).map(u -> u.size() == 1)));
  }

  public Future<Boolean> removeMember(SqlClient db, String accountId, String teamId, String userId) {
    return db.preparedQuery(REMOVE_MEMBER).execute(Tuple.of(accountId, teamId, userId)).map(r -> r.rowCount() == 1);
  }

  private static TeamView team(Row r) {
    String[] members = r.getArrayOfStrings("member_ids");
    return new TeamView(r.getString("id"), r.getString("name"), members == null ? List.of() : Arrays.asList(members));
  }

  static Map<String, Object> none() {
    return Map.of();
  }
}
