package io.switchboard.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's other half of a case: now and then the supervisor answers and resolves the oldest
 * open conversation, and the customer rates the survey that goes out (mostly 4-5, sometimes 1-2,
 * which reopens the case). Everything goes through the public API; only the survey link is read
 * from the outbound queue, where the customer's mailbox would find it.
 */
final class DemoSatisfaction {

  private static final Logger LOG = LoggerFactory.getLogger(DemoSatisfaction.class);
  private static final Pattern LINK = Pattern.compile("/csat/([a-z2-7]+)");
  private static final String SURVEY_TEXT = """
      SELECT o.payload->>'text' AS text FROM outbound_item o JOIN message m ON m.id = o.message_id
      WHERE o.account_id = $1 AND o.conversation_id = $2 AND m.author_type = 'system'
      ORDER BY o.created_at DESC LIMIT 1""";

  private final Vertx vertx;
  private final DemoClient api;
  private final Pool db;
  private final String accountId;
  private final long everyMs;
  private final Random random;
  private long timer = -1;
  private volatile boolean running;

  DemoSatisfaction(Vertx vertx, DemoClient api, Pool db, String accountId, long everyMs, Random random) {
    this.vertx = vertx;
    this.api = api;
    this.db = db;
    this.accountId = accountId;
    this.everyMs = everyMs;
    this.random = random;
  }

  void start() {
    running = true;
    schedule();
  }

  void stop() {
    running = false;
    vertx.cancelTimer(timer);
  }

  private void schedule() {
    if (running) {
      timer = vertx.setTimer(everyMs, id -> round().onComplete(ar -> {
        if (ar.failed()) {
          LOG.debug("demo satisfaction round: {}", ar.cause().getMessage());
        }
        schedule();
      }));
    }
  }

  private Future<Void> round() {
    return api.post("/api/v1/auth/login", null, new JsonObject().put("email", DemoSetup.STAFF.get(1).email())
            .put("password", DemoSetup.PASSWORD))
        .compose(login -> {
          String token = login.expect("signing in the demo supervisor", 200).body().getString("token");
          return api.get("/api/v1/conversations?status=open&assignee=any&limit=50", token)
              .compose(list -> {
                JsonArray items = list.expect("listing open conversations", 200).body().getJsonArray("items");
                // Leave a few open so the dashboard always has something at risk.
                if (items == null || items.size() < 6) {
                  return Future.succeededFuture();
                }
                String id = items.getJsonObject(items.size() - 1).getString("id");
                return api.post("/api/v1/conversations/" + id + "/messages", token,
                        new JsonObject().put("text", "All sorted on our side. Thank you for your patience!"))
                    .compose(x -> api.send(io.vertx.core.http.HttpMethod.PATCH, "/api/v1/conversations/" + id, token,
                        new JsonObject().put("status", "resolved")))
                    .compose(x -> rate(id));
              });
        });
  }

  /** The customer opens the survey link a little later and answers. */
  private Future<Void> rate(String conversationId) {
    return db.preparedQuery(SURVEY_TEXT).execute(Tuple.of(accountId, conversationId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      Matcher m = LINK.matcher(String.valueOf(rows.iterator().next().getString("text")));
      if (!m.find() || random.nextInt(10) < 3) {
        return Future.succeededFuture(); // not everyone answers
      }
      int roll = random.nextInt(100);
      int rating = roll < 45 ? 5 : roll < 75 ? 4 : roll < 88 ? 3 : roll < 95 ? 2 : 1;
      return api.post("/api/v1/csat/" + m.group(1), null, new JsonObject().put("rating", rating)).mapEmpty();
    });
  }
}
