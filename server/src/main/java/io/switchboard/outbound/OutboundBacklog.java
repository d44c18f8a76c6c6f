package io.switchboard.outbound;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delivery queue's depth and the age of its oldest item, for /metrics (operators' view of the
 * whole installation, not of one account): read every few seconds from the partial index V14 keeps
 * of the items still waiting or leased, so the read stays small however many were delivered.
 */
public final class OutboundBacklog {

  private static final String BACKLOG = """
      SELECT count(*) AS items, coalesce(extract(epoch FROM now() - min(created_at)), 0) AS oldest
      FROM outbound_item WHERE status IN ('pending', 'leased')""";

  private final Vertx vertx;
  private final Pool db;
  private final AtomicLong items = new AtomicLong();
  private final AtomicLong oldestSeconds = new AtomicLong();
  private long timer = -1;

  public OutboundBacklog(Vertx vertx, Pool db, MeterRegistry registry) {
    this.vertx = vertx;
    this.db = db;
    Gauge.builder("switchboard.outbound.queued", items, AtomicLong::get)
        .description("outbound items waiting for delivery or leased to an adapter").register(registry);
    Gauge.builder("switchboard.outbound.oldest.seconds", oldestSeconds, AtomicLong::get)
        .description("age of the oldest outbound item not yet delivered").register(registry);
  }

  /** Often enough for a dashboard; the read is one index range. */
  private static final long EVERY_MS = 2_000;

  public void start() {
    read();
    timer = vertx.setPeriodic(EVERY_MS, id -> read());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  private void read() {
    db.query(BACKLOG).execute().onSuccess(rows -> {
      Row r = rows.iterator().next();
      items.set(r.getLong("items"));
      oldestSeconds.set(Math.round(r.getNumeric("oldest").doubleValue()));
    });
  }
}
