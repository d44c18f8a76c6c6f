package io.switchboard.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The supervisors' live dashboard: the queue (unresolved conversations by the channel kind they
 * started on and status) and agents by presence. Computed once per account per tick, however many
 * supervisors watch it.
 */
final class Dashboard {

  private static final String QUEUES = """
      SELECT coalesce(channels[1], 'none') AS channel, status, count(*) AS conversations,
             count(*) FILTER (WHERE assignee_id IS NULL) AS unassigned
      FROM conversation
      WHERE account_id = $1 AND merged_into IS NULL AND status <> 'resolved'
      GROUP BY 1, 2 ORDER BY 1, 2""";

  private static final String STAFF = "SELECT count(*) FROM app_user WHERE account_id = $1 AND NOT disabled";

  private final Pool db;
  private final Presence presence;
  /** SLA and CSAT figures (at-risk list, breaches and attainment today, CSAT): set by Realtime. */
  volatile java.util.function.Function<String, Future<JsonObject>> slaPart = account -> Future.succeededFuture(null);

  Dashboard(Pool db, Presence presence) {
    this.db = db;
    this.presence = presence;
  }

  /** The frame {"type":"dashboard.snapshot","data":{...}}, encoded once for every subscriber. */
  Future<String> snapshot(String accountId) {
    Future<JsonArray> queues = db.preparedQuery(QUEUES).execute(Tuple.of(accountId)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("channel", r.getString("channel")).put("status", r.getString("status"))
            .put("conversations", r.getLong("conversations")).put("unassigned", r.getLong("unassigned")));
      }
      return out;
    });
    Future<Long> staff = db.preparedQuery(STAFF).execute(Tuple.of(accountId))
        .map(rows -> rows.iterator().next().getLong(0));
    var agents = presence.counts(accountId);
    Future<JsonObject> sla = slaPart.apply(accountId);
    return Future.all(queues, staff, agents, sla).map(v -> {
      int online = agents.result().get("online");
      int away = agents.result().get("away");
      // Staff who never connected have no presence entry: they are offline too.
      long offline = Math.max(0, staff.result() - online - away);
      JsonObject data = new JsonObject()
          .put("at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString())
          .put("queues", queues.result())
          .put("agents", new JsonObject().put("online", online).put("away", away).put("offline", offline));
      if (sla.result() != null) {
        data.mergeIn(sla.result());
      }
      return new JsonObject().put("type", "dashboard.snapshot").put("data", data).encode();
    });
  }
}
