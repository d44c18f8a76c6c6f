package io.switchboard.sla;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each account's policies and calendars in memory, so the ingest path computes due times without
 * reading them. A change anywhere publishes the account on the event bus and every node drops its
 * copy; the next use loads it again (one read per account per change).
 */
public final class SlaCache {

  public static final String CHANGED = "sb.sla.changed";

  private final Vertx vertx;
  private final Pool db;
  private final SlaRepository repo;
  private final Map<String, Future<AccountSla>> byAccount = new ConcurrentHashMap<>();
  private MessageConsumer<String> consumer;

  public SlaCache(Vertx vertx, Pool db, SlaRepository repo) {
    this.vertx = vertx;
    this.db = db;
    this.repo = repo;
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(CHANGED, msg -> byAccount.remove(msg.body()));
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Completed at once when cached. A failed load is not kept. */
  public Future<AccountSla> of(String accountId) {
    Future<AccountSla> f = byAccount.computeIfAbsent(accountId, a -> repo.load(db, a));
    return f.onFailure(err -> byAccount.remove(accountId, f));
  }

  /** After a committed change of the account's policies or calendars. */
  public void changed(String accountId) {
    byAccount.remove(accountId);
    vertx.eventBus().publish(CHANGED, accountId);
  }
}
