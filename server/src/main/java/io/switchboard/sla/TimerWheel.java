package io.switchboard.sla;

import io.switchboard.sla.SlaPolicy.Metric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Armed SLA timers on a wheel of one-second slots: a ring of 131,072 slots (about 36 hours), each
 * the head of a chain of timers due in that second (or a whole number of turns later). The timers
 * themselves live in parallel arrays grown in pages of 8,192 (no object per timer, no object per
 * slot): a timer is about 30 bytes plus its conversation's id, which a conversation's timers share.
 * See docs/benchmarks/README.md for what 100,000 conversations' timers cost.
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
  /**
   * The columns grow a page at a time: no copying, at most one page unused, and no array large
   * enough for G1 to give it whole regions of its own (a "humongous" array of several MiB wastes
   * up to a region, and doubling arrays wastes up to half).
   */
  private static final int PAGE_BITS = 13;
  private static final int PAGE = 1 << PAGE_BITS;
  private static final int MASK = PAGE - 1;

  /** Each slot's first timer (an index into the columns below), or NONE. */
  private final int[] heads = new int[SLOTS];
  private String[][] accounts = new String[0][];
  private String[][] conversations = new String[0][];
  private byte[][] codes = new byte[0][];
  private long[][] dues = new long[0][];
  /** The second a timer fires in (a slot holds several turns of the ring). */
  private long[][] seconds = new long[0][];
  /** The next timer of the same slot, or of the free list. */
  private int[][] next = new int[0][];
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
    accounts[i >>> PAGE_BITS][i & MASK] = accountId.intern();
    conversations[i >>> PAGE_BITS][i & MASK] = conversationId;
    codes[i >>> PAGE_BITS][i & MASK] = (byte) (metric.ordinal() * 16 + kind);
    dues[i >>> PAGE_BITS][i & MASK] = micros(due);
    seconds[i >>> PAGE_BITS][i & MASK] = second;
    link(i);
    size++;
  }

  /** Into the chain of its second, or of the last tick's when that second has passed (it is due). */
  private void link(int i) {
    long second = seconds[i >>> PAGE_BITS][i & MASK];
    int slot = slot(started ? Math.max(second, cursor) : second);
    setNext(i, heads[slot]);
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
      int p = i >>> PAGE_BITS;
      int o = i & MASK;
      out.add(new Fire(accounts[p][o], conversations[p][o], Metric.values()[codes[p][o] / 16], codes[p][o] % 16,
          dues[p][o]));
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
      int after = next(i);
      long at = seconds[i >>> PAGE_BITS][i & MASK];
      if (at <= second) {
        if (prev == NONE) {
          heads[slot] = after;
        } else {
          setNext(prev, after);
        }
        out.add(new long[] {at, i});
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
      for (int i = heads[s]; i != NONE; i = next(i)) {
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
      free = next(i);
      return i;
    }
    if (used == codes.length * PAGE) {
      accounts = withPage(accounts, new String[PAGE]);
      conversations = withPage(conversations, new String[PAGE]);
      codes = withPage(codes, new byte[PAGE]);
      dues = withPage(dues, new long[PAGE]);
      seconds = withPage(seconds, new long[PAGE]);
      next = withPage(next, new int[PAGE]);
    }
    return used++;
  }

  private static <T> T[] withPage(T[] pages, T page) {
    T[] out = Arrays.copyOf(pages, pages.length + 1);
    out[pages.length] = page;
    return out;
  }

  private void release(int i) {
    accounts[i >>> PAGE_BITS][i & MASK] = null;
    conversations[i >>> PAGE_BITS][i & MASK] = null;
    setNext(i, free);
    free = i;
  }

  private int next(int i) {
    return next[i >>> PAGE_BITS][i & MASK];
  }

  private void setNext(int i, int to) {
    next[i >>> PAGE_BITS][i & MASK] = to;
  }

  private static int slot(long second) {
    return (int) (second & (SLOTS - 1));
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000L);
  }
}
