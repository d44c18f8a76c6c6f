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
      FROM team t WHERE t.account_id = $1 ORDER BY t.name""";
  private static final String TEAM = """
      SELECT t.id, t.name,
             coalesce((SELECT array_agg(tm.user_id ORDER BY tm.user_id) FROM team_member tm WHERE tm.team_id = t.id),
                      '{}') AS member_ids
      FROM team t WHERE t.account_id = $1 AND t.id = $2""";
  private static final String INSERT_TEAM = "INSERT INTO team (id, account_id, name) VALUES ($1, $2, $3)";
  private static final String RENAME_TEAM = "UPDATE team SET name = $3 WHERE account_id = $1 AND id = $2";

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

  private static TeamView team(Row r) {
    String[] members = r.getArrayOfStrings("member_ids");
    return new TeamView(r.getString("id"), r.getString("name"), members == null ? List.of() : Arrays.asList(members));
  }

  static Map<String, Object> none() {
    return Map.of();
  }
}
