package io.switchboard.realtime;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher of one account on this node: reads newly committed events once per wake-up and
 * hands each, in seq order, to the account's connections here. Wake-ups while a read runs are
 * coalesced into one more read, so each event is read once per node however many watch it.
 *
 * <p>It also remembers the most recent events (up to {@link #RECENT_EVENTS} or
 * {@link #RECENT_BYTES}), so that a tab resuming from a recent seq, as every tab does after a
 * network blip or a reconnect storm, is replayed from memory instead of the database.
 *
 * <p>Runs on the stream context only (see {@link StreamHub}).
 */
final class AccountFeed {

  static final int RECENT_EVENTS = 10_000;
  static final long RECENT_BYTES = 16L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(AccountFeed.class);

  final String accountId;
  private final EventReader reader;
  private final StreamMetrics metrics;
  private final Set<StreamConnection> connections = new LinkedHashSet<>();
  /** The last seq handed to the connections; -1 until read from the database. */
  private long position = -1;
  private Future<Void> started;
  private boolean reading;
  private boolean wokenWhileReading;
  private boolean computingDashboard;
  /** Every event with a seq above {@link #forgotten}, in order, up to {@link #position}. */
  private final ArrayDeque<StreamEvent> recent = new ArrayDeque<>();
  private long recentBytes;
  private long forgotten = -1;

  AccountFeed(String accountId, EventReader reader, StreamMetrics metrics) {
    this.accountId = accountId;
    this.reader = reader;
    this.metrics = metrics;
  }

  /** Completes once the feed knows where the log ends; events after that reach every connection. */
  Future<Void> start() {
    if (started == null) {
      started = reader.current(accountId).map(seq -> {
        position = Math.max(position, seq);
        forgotten = Math.max(forgotten, position);
        return (Void) null;
      }).onSuccess(v -> wake()) // announcements heard while starting were ignored
        .onFailure(err -> started = null);
    }
    return started;
  }

  long position() {
    return position;
  }

  void add(StreamConnection connection) {
    connections.add(connection);
  }

  void remove(StreamConnection connection) {
    connections.remove(connection);
  }

  boolean isEmpty() {
    return connections.isEmpty();
  }

  List<StreamConnection> connections() {
    return new ArrayList<>(connections);
  }

  /** Something was committed (or may have been): read it unless a read is already running. */
  void wake() {
    if (position < 0) {
      return;
    }
    if (reading) {
      wokenWhileReading = true;
      return;
    }
    reading = true;
    wokenWhileReading = false;
    readAfter(position);
  }

  /** An announcement of seq: worth a read only when it is ahead of what we delivered. */
  void announced(long seq) {
    if (seq > position) {
      wake();
    }
  }

  private void readAfter(long seq) {
    reader.after(accountId, seq).onComplete(ar -> {
      if (ar.failed()) {
        // The safety poll tries again shortly.
        LOG.warn("reading events of {} failed: {}", accountId, ar.cause().getMessage());
        reading = false;
        return;
      }
      List<StreamEvent> page = ar.result();
      hand(page);
      if (page.size() == EventReader.PAGE || wokenWhileReading) {
        wokenWhileReading = false;
        readAfter(position);
      } else {
        reading = false;
      }
    });
  }

  /**
   * Events a transaction of this node just committed, handed over directly: when they are the next
   * ones, they go out without a read of the log; otherwise (a gap, or a read running) a read
   * fetches everything in order.
   */
  void committed(List<StreamEvent> events) {
    if (events.isEmpty() || events.get(events.size() - 1).seq() <= position) {
      return;
    }
    if (position < 0 || reading || events.get(0).seq() != position + 1) {
      wake();
      return;
    }
    hand(events);
  }

  /** Gives each event, in order, to the account's connections. */
  private void hand(List<StreamEvent> page) {
    // One copy per page, not per event: a connection may close (and leave the set) while offered.
    List<StreamConnection> receivers = connections();
    FanOut out = new FanOut(metrics); // one task per event loop for the whole page
    for (StreamEvent event : page) {
      position = event.seq();
      remember(event);
      for (StreamConnection c : receivers) {
        c.offer(event, out);
      }
    }
    metrics.handed(page.size(), out.size());
    out.flush();
  }

  private void remember(StreamEvent event) {
    recent.addLast(event);
    recentBytes += event.frame().length();
    while (recent.size() > RECENT_EVENTS || recentBytes > RECENT_BYTES) {
      StreamEvent old = recent.removeFirst();
      recentBytes -= old.frame().length();
      forgotten = old.seq();
    }
  }

  /** Whether every event after {@code since} (up to the position) is in memory. */
  boolean remembers(long since) {
    return forgotten >= 0 && since >= forgotten && since <= position;
  }

  /** Up to {@code limit} remembered events after {@code since}, in order; null once they are forgotten. */
  List<StreamEvent> recentAfter(long since, int limit) {
    if (!remembers(since)) {
      return null;
    }
    List<StreamEvent> page = new ArrayList<>();
    for (StreamEvent event : recent) {
      if (event.seq() > since) {
        page.add(event);
        if (page.size() == limit) {
          break;
        }
      }
    }
    return page;
  }

  /** Single flight for the account's dashboard: a slow query does not pile up. */
  boolean tryStartDashboard() {
    if (computingDashboard) {
      return false;
    }
    computingDashboard = true;
    return true;
  }

  void dashboardDone() {
    computingDashboard = false;
  }
}
