package io.switchboard.channels.core;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Short-lived facts an adapter must remember across requests that may reach different nodes (a
 * call's caller, for a provider's later callback that no longer names them). In the server it is
 * Redis, under the node's key prefix, with a time to live; a process alone keeps a bounded map.
 * A fact is a small string; a failed read is an unknown fact, never an error for the provider.
 */
public interface SharedMemory {

  Future<String> get(String key);

  Future<Void> put(String key, String value, int ttlSeconds);

  /** In this process only: at most {@code maxEntries} (the least recently used go first), each until its time runs out. */
  static SharedMemory local(int maxEntries) {
    record Entry(String value, long expiresAt) {
    }
    Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > maxEntries;
      }
    };
    return new SharedMemory() {
      @Override
      public Future<String> get(String key) {
        synchronized (entries) {
          Entry e = entries.get(key);
          if (e == null || e.expiresAt() < System.currentTimeMillis()) {
            entries.remove(key);
            return Future.succeededFuture();
          }
          return Future.succeededFuture(e.value());
        }
      }

      @Override
      public Future<Void> put(String key, String value, int ttlSeconds) {
        synchronized (entries) {
          entries.put(key, new Entry(value, System.currentTimeMillis() + ttlSeconds * 1000L));
        }
        return Future.succeededFuture();
      }
    };
  }
}
