package io.switchboard.sla;

import io.switchboard.sla.SlaPolicy.Metric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Armed SLA timers in one-second slots. A slot holds its entries in parallel arrays (no object per
 * timer), so 100,000 armed conversations cost a few megabytes; the only per-second object is the
 * slot. Not thread-safe: SlaTimers uses it from its own context only. An entry whose due time has
 * since changed stays until its second and then fires as a no-op (the database guard sees that the
 * due time is no longer the stored one), so re-arming never searches the wheel.
 */
final class TimerWheel {

  /** What comes due: kind 0 is the warning, 1 the breach, 2+n escalation step n. */
  record Fire(String accountId, String conversationId, Metric metric, int kind, long dueMicros) {

    Instant due() {
      return Instant.ofEpochSecond(Math.floorDiv(dueMicros, 1_000_000L), Math.floorMod(dueMicros, 1_000_000L) * 1000L);
    }
  }

  private static final class Slot {
    String[] accounts = new String[4];
    String[] conversations = new String[4];
    byte[] codes = new byte[4];
    long[] dues = new long[4];
    int size;

    void add(String account, String conversation, byte code, long due) {
      if (size == codes.length) {
        int n = size * 2;
        accounts = java.util.Arrays.copyOf(accounts, n);
        conversations = java.util.Arrays.copyOf(conversations, n);
        codes = java.util.Arrays.copyOf(codes, n);
        dues = java.util.Arrays.copyOf(dues, n);
      }
      accounts[size] = account;
      conversations[size] = conversation;
      codes[size] = code;
      dues[size] = due;
      size++;
    }
  }

  private final TreeMap<Long, Slot> slots = new TreeMap<>();
  private int size;

  /** Arms one timer at its due time (fires in the tick at or after that second). */
  void arm(String accountId, String conversationId, Metric metric, int kind, Instant at, Instant due) {
    long atMicros = micros(at);
    long second = Math.floorDiv(atMicros + 999_999L, 1_000_000L);
    slots.computeIfAbsent(second, s -> new Slot())
        .add(accountId.intern(), conversationId, (byte) (metric.ordinal() * 16 + kind), micros(due));
    size++;
  }

  /** Removes and returns every timer due at or before now, oldest first. */
  List<Fire> takeDue(Instant now) {
    long second = Math.floorDiv(micros(now), 1_000_000L);
    List<Fire> out = new ArrayList<>();
    var head = slots.headMap(second, true);
    for (Map.Entry<Long, Slot> e : head.entrySet()) {
      Slot s = e.getValue();
      for (int i = 0; i < s.size; i++) {
        out.add(new Fire(s.accounts[i], s.conversations[i], Metric.values()[s.codes[i] / 16], s.codes[i] % 16,
            s.dues[i]));
      }
      size -= s.size;
    }
    head.clear();
    return out;
  }

  int size() {
    return size;
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000L);
  }
}
