package io.switchboard.account;

import io.switchboard.http.Caller;
import io.switchboard.http.Json;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Map;

/** One row per admin change (people, teams, settings), written in the change's own transaction. */
public final class AdminAudit {

  private static final String INSERT = """
      INSERT INTO admin_audit (account_id, actor_id, action, target, detail) VALUES ($1, $2, $3, $4, $5::text::jsonb)""";

  private AdminAudit() {
  }

  /** A request body's fields as the detail of a row (nulls kept: "not changed"). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> fields(Object body) {
    return Json.MAPPER.convertValue(body, Map.class);
  }

  /** action like "user.invited", "team.deleted"; detail holds the changed fields (never a secret). */
  public static Future<Void> record(SqlClient db, Caller.User actor, String action, String target,
      Map<String, ?> detail) {
    return db.preparedQuery(INSERT).execute(Tuple.of(actor.accountId(), actor.userId(), action, target,
        Json.write(detail))).mapEmpty();
  }
}
