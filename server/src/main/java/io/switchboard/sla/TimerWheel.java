package io.switchboard.sla;

import io.switchboard.sla.SlaPolicy.Metric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Armed SLA timers on a wheel of one-second slots: a ring of 131,072 slots (about 36 hours), each
 * the head of a chain of timers due in that second (or a whole number of turns later). The timers
 * themselves live in parallel arrays (no object per timer, no object per slot): a timer is about 30
 * bytes plus its conversation's id, which a conversation's timers share. 100,000 conversations'
 * timers cost a few megabytes, most of it the ids (see docs/benchmarks/README.md for figures).
 * Ticking walks the slots from the last tick's second to now; a jump of more than a turn (a restart
 * after downtime, a test replaying weeks) walks the ring once. Not thread-safe: SlaTimers uses it
 * from its own context only. An entry whose due time has since changed stays until its second and
 * then fires as a no-op (the database guard sees that the due time is no longer the stored one),
 * so re-arming never searches the wheel.
 */
final class TimerWheel {

  /** What comes due: kind 0 is the warning, 1 the breach, 2+n escalation step n. */
  record Fire(String accountId, String conversationId, Metric metric, int kind, long dueMicros) {

    Instant due() {
      return Instant.ofEpochSecond(Math.floorDiv(dueMicros, 1_000_000L), Math.floorMod(dueMicros, 1_000_000L) * 1000L);
    }
  }

  private static final int SLOTS = 1 << 17;
  private static final int NONE = -1;

  /** Each slot's first timer (an index into the columns below), or NONE. */
  private final int[] heads = new int[SLOTS];
  private String[] accounts = new String[1024];
  private String[] conversations = new String[1024];
  private byte[] codes = new byte[1024];
  private long[] dues = new long[1024];
  /** The second a timer fires in (a slot holds several turns of the ring). */
  private long[] seconds = new long[1024];
  /** The next timer of the same slot, or of the free list. */
  private int[] next = new int[1024];
  private int free = NONE;
  private int used;
  private int size;
  /**
   * The second of the last tick, none before the first. Its chain is walked again at every tick,
   * so a timer armed for a second already passed (linked there) fires at the next tick.
   */
  private long cursor;
  private boolean started;

  TimerWheel() {
    Arrays.fill(heads, NONE);
  }

  /** Arms one timer at its due time (fires in the tick at or after that second). */
  void arm(String accountId, String conversationId, Metric metric, int kind, Instant at, Instant due) {
    long second = Math.floorDiv(micros(at) + 999_999L, 1_000_000L);
    int i = allocate();
    accounts[i] = accountId.intern();
    conversations[i] = conversationId;
    codes[i] = (byte) (metric.ordinal() * 16 + kind);
    dues[i] = micros(due);
    seconds[i] = second;
    link(i);
    size++;
  }

  /** Into the chain of its second, or of the last tick's when that second has passed (it is due). */
  private void link(int i) {
    int slot = slot(started ? Math.max(seconds[i], cursor) : seconds[i]);
    next[i] = heads[slot];
    heads[slot] = i;
  }

  /** Removes and returns every timer due at or before now, oldest first. */
  List<Fire> takeDue(Instant now) {
    long second = Math.floorDiv(micros(now), 1_000_000L);
    List<long[]> taken = new ArrayList<>();
    // The clock moved back (a test, or a step of the system clock): timers armed meanwhile sit in
    // the chain of the second the cursor had reached, so every chain is walked and relinked.
    boolean back = started && second < cursor;
    if (size > 0) {
      if (!started || back || second - cursor >= SLOTS) {
        for (int s = 0; s < SLOTS; s++) {
          take(s, second, taken);
        }
        taken.sort((x, y) -> Long.compare(x[0], y[0]));
        if (back) {
          relink(second);
        }
      } else {
        for (long s = cursor; s <= second; s++) {
          take(slot(s), second, taken);
        }
      }
    }
    cursor = second;
    started = true;
    List<Fire> out = new ArrayList<>(taken.size());
    for (long[] t : taken) {
      int i = (int) t[1];
      out.add(new Fire(accounts[i], conversations[i], Metric.values()[codes[i] / 16], codes[i] % 16, dues[i]));
      release(i);
    }
    return out;
  }

  int size() {
    return size;
  }

  /** Unlinks the slot's timers due by the second (in the order they were armed), keeping later turns. */
  private void take(int slot, long second, List<long[]> out) {
    int from = out.size();
    int prev = NONE;
    for (int i = heads[slot]; i != NONE; ) {
      int after = next[i];
      if (seconds[i] <= second) {
        if (prev == NONE) {
          heads[slot] = after;
        } else {
          next[prev] = after;
        }
        out.add(new long[] {seconds[i], i});
        size--;
      } else {
        prev = i;
      }
      i = after;
    }
    // The chain holds the newest first.
    java.util.Collections.reverse(out.subList(from, out.size()));
  }

  /** Every armed timer into the chain it belongs to with the cursor at the given second. */
  private void relink(long newCursor) {
    List<Integer> armed = new ArrayList<>(size);
    for (int s = 0; s < SLOTS; s++) {
      for (int i = heads[s]; i != NONE; i = next[i]) {
        armed.add(i);
      }
      heads[s] = NONE;
    }
    cursor = newCursor;
    armed.forEach(this::link);
  }

  private int allocate() {
    if (free != NONE) {
      int i = free;
      free = next[i];
      return i;
    }
    if (used == codes.length) {
      int n = used * 2;
      accounts = Arrays.copyOf(accounts, n);
      conversations = Arrays.copyOf(conversations, n);
      codes = Arrays.copyOf(codes, n);
      dues = Arrays.copyOf(dues, n);
      seconds = Arrays.copyOf(seconds, n);
      next = Arrays.copyOf(next, n);
    }
    return used++;
  }

  private void release(int i) {
    accounts[i] = null;
    conversations[i] = null;
    next[i] = free;
    free = i;
  }

  private static int slot(long second) {
    return (int) (second & (SLOTS - 1));
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000L);
  }
}
