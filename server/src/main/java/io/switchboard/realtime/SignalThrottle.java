package io.switchboard.realtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Coalesces one connection's ephemeral signals: the same (type, conversation) is passed on at most
 * once per interval, and the rest are dropped before any query. Remembers a bounded number of
 * recent signals, so cycling through conversation ids cannot grow it.
 */
final class SignalThrottle {

  private static final int REMEMBERED = 64;

  private final long everyMs;
  private final Map<String, Long> lastPassed = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > REMEMBERED;
    }
  };

  SignalThrottle(long everyMs) {
    this.everyMs = everyMs;
  }

  /** Whether this signal goes on now. */
  boolean admit(String type, String conversationId, long nowMs) {
    String key = type + '\u0000' + conversationId;
    Long last = lastPassed.get(key);
    if (last != null && nowMs - last < everyMs) {
      return false;
    }
    lastPassed.put(key, nowMs);
    return true;
  }
}
