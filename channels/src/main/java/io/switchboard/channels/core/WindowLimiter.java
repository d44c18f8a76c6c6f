package io.switchboard.channels.core;

import java.util.HashMap;
import java.util.Map;

/**
 * Requests per key (a client address, a channel) in fixed one-minute windows, in this process's
 * memory: an adapter process has no Redis of its own. The map is bounded: at most maxKeys keys
 * per window; past that every new key is refused until the window turns (a flood of distinct
 * addresses cannot grow memory).
 */
public final class WindowLimiter {

  private final int perMinute;
  private final int maxKeys;
  private final Map<String, int[]> counts = new HashMap<>();
  private long window = -1;

  public WindowLimiter(int perMinute, int maxKeys) {
    this.perMinute = perMinute;
    this.maxKeys = maxKeys;
  }

  /** Counts one request; false when the key is over its limit this minute. */
  public synchronized boolean allow(String key, long nowMs) {
    long w = nowMs / 60_000;
    if (w != window) {
      window = w;
      counts.clear();
    }
    int[] c = counts.get(key);
    if (c == null) {
      if (counts.size() >= maxKeys) {
        return false;
      }
      c = new int[1];
      counts.put(key, c);
    }
    return ++c[0] <= perMinute;
  }

  /** Seconds until the window turns: the Retry-After of a refusal. */
  public static long retryAfterSeconds(long nowMs) {
    return Math.max(1, (60_000 - nowMs % 60_000 + 999) / 1000);
  }
}
