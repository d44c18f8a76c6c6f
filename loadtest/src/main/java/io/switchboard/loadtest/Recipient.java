package io.switchboard.loadtest;

import io.vertx.core.Future;
import java.util.BitSet;
import java.util.function.Function;

/**
 * One user who should see events (an agent of a team, or a supervisor who sees everything), with
 * the ledger that survives its reconnections: the last seq it saw, what it received in the current
 * window, and the violations of the contract it observed.
 */
final class Recipient {

  final String name;
  /** A team index, or {@link Window#EVERYONE} for supervisors. */
  final int group;
  final boolean supervisor;
  private final Function<Recipient, Future<String>> tickets;

  private Window window;
  private BitSet received = new BitSet();
  private long lastSeq = -1;
  private long duplicates;
  private long orderViolations;
  private long notAcknowledgedButSeen;
  volatile StreamClient connection;
  /** The connection attempt under way, if any (guarded by this). */
  Future<StreamClient> opening;

  Recipient(String name, int group, boolean supervisor, Function<Recipient, Future<String>> tickets) {
    this.name = name;
    this.group = group;
    this.supervisor = supervisor;
    this.tickets = tickets;
  }

  Future<String> ticket() {
    return tickets.apply(this);
  }

  /** Where a resume starts: the last seq seen, or null before the first event. */
  synchronized Long since() {
    return lastSeq < 0 ? null : lastSeq;
  }

  synchronized void watch(Window next) {
    window = next;
    received = new BitSet();
  }

  /** The server said "ready" at this seq: nothing at or below it will come on this connection. */
  synchronized void ready(long seq) {
    lastSeq = Math.max(lastSeq, seq);
  }

  synchronized void onEvent(Frame frame, long nowNanos) {
    if (frame.seq() >= 0) {
      if (frame.seq() <= lastSeq) {
        orderViolations++;
      } else {
        lastSeq = frame.seq();
      }
    }
    Marker m = frame.marker();
    if (m == null || window == null || !m.run().equals(window.run)) {
      return; // another window's message, or not ours
    }
    int n = (int) m.n();
    if (received.get(n)) {
      duplicates++;
      return;
    }
    received.set(n);
    window.deliveries.incrementAndGet();
    window.delivery.recordNanos(nowNanos - m.intendedNanos());
  }

  /** Counts, at the end of a window, what this recipient missed and what it saw without an ack. */
  synchronized Tally tally() {
    if (window == null) {
      return new Tally(0, 0, duplicates, orderViolations);
    }
    BitSet expected = window.expectedBy(supervisor ? Window.EVERYONE : group);
    BitSet missing = (BitSet) expected.clone(); // the window's copy is shared
    missing.andNot(received);
    BitSet extra = (BitSet) received.clone();
    extra.andNot(window.ackedSet());
    notAcknowledgedButSeen = extra.cardinality();
    return new Tally(expected.cardinality(), missing.cardinality(), duplicates, orderViolations);
  }

  synchronized long notAcknowledgedButSeen() {
    return notAcknowledgedButSeen;
  }

  /** Clears the violation counters for the next window. */
  synchronized void resetCounters() {
    duplicates = 0;
    orderViolations = 0;
  }

  record Tally(long expected, long lost, long duplicates, long orderViolations) {

    Tally plus(Tally o) {
      return new Tally(expected + o.expected, lost + o.lost, duplicates + o.duplicates,
          orderViolations + o.orderViolations);
    }
  }
}
