package io.switchboard.loadtest;

import java.util.BitSet;

/**
 * One measured phase of load: which messages were sent and acknowledged, and to which group of
 * recipients each belongs (a team index, or {@link #EVERYONE}). Message numbers of a window start
 * at {@code base}, so receivers can keep a compact bit set of what they saw.
 */
final class Window {

  static final int EVERYONE = -1;

  final String run;
  final LatencyTrack ack;
  final LatencyTrack delivery;
  /** Receipts of this window's messages on all sockets, for knowing when delivery has drained. */
  final java.util.concurrent.atomic.AtomicLong deliveries = new java.util.concurrent.atomic.AtomicLong();
  private final BitSet acked = new BitSet();
  private final BitSet failed = new BitSet();
  private int[] groups = new int[1024];
  /** expectedBy per group: a thousand recipients share a few dozen groups. */
  private final java.util.Map<Integer, BitSet> expectedCache = new java.util.HashMap<>();
  private int sent;

  Window(String run, String label) {
    this.run = run;
    this.ack = new LatencyTrack(label + " ack");
    this.delivery = new LatencyTrack(label + " delivery");
  }

  synchronized int register(int group) {
    if (sent == groups.length) {
      groups = java.util.Arrays.copyOf(groups, groups.length * 2);
    }
    groups[sent] = group;
    return sent++;
  }

  synchronized void acknowledged(int n) {
    acked.set(n);
    expectedCache.clear();
  }

  synchronized void failed(int n) {
    failed.set(n);
  }

  synchronized int sent() {
    return sent;
  }

  synchronized int ackedCount() {
    return acked.cardinality();
  }

  synchronized int failedCount() {
    return failed.cardinality();
  }

  synchronized boolean isAcked(int n) {
    return acked.get(n);
  }

  synchronized int groupOf(int n) {
    return groups[n];
  }

  synchronized BitSet ackedSet() {
    return (BitSet) acked.clone();
  }

  /** The acknowledged messages a recipient of {@code group} should have seen (do not modify). */
  synchronized BitSet expectedBy(int group) {
    return expectedCache.computeIfAbsent(group, this::computeExpected);
  }

  private BitSet computeExpected(int group) {
    BitSet out = new BitSet(sent);
    for (int n = acked.nextSetBit(0); n >= 0; n = acked.nextSetBit(n + 1)) {
      if (group == EVERYONE || groups[n] == group) {
        out.set(n);
      }
    }
    return out;
  }
}
