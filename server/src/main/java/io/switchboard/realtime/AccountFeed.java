package io.switchboard.realtime;

import io.vertx.core.Future;
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
 * <p>Runs on the stream context only (see {@link StreamHub}).
 */
final class AccountFeed {

  private static final Logger LOG = LoggerFactory.getLogger(AccountFeed.class);

  final String accountId;
  private final EventReader reader;
  private final Set<StreamConnection> connections = new LinkedHashSet<>();
  /** The last seq handed to the connections; -1 until read from the database. */
  private long position = -1;
  private Future<Void> started;
  private boolean reading;
  private boolean wokenWhileReading;
  private boolean computingDashboard;

  AccountFeed(String accountId, EventReader reader) {
    this.accountId = accountId;
    this.reader = reader;
  }

  /** Completes once the feed knows where the log ends; events after that reach every connection. */
  Future<Void> start() {
    if (started == null) {
      started = reader.current(accountId).map(seq -> {
        position = Math.max(position, seq);
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
      for (StreamEvent event : page) {
        position = event.seq();
        for (StreamConnection c : connections()) {
          c.offer(event);
        }
      }
      if (page.size() == EventReader.PAGE || wokenWhileReading) {
        wokenWhileReading = false;
        readAfter(position);
      } else {
        reading = false;
      }
    });
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
