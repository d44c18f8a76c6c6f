package io.switchboard.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Channel keys this node looked up recently (key hash to channel), so an adapter posting many
 * messages does not cost a key look-up each. Entries live {@link #TTL_MS} at most and the map holds
 * at most {@link #MAX_ENTRIES} (least recently used go first). Unknown keys are never cached: a
 * guessing client cannot fill the map, and a new key works at once.
 *
 * <p>A change to a channel or its account (a key revoked or added, settings, the account's region
 * or reopen window) forgets the affected entries at once on this node and is published on
 * {@link #CHANGED}, so every node forgets them too; the TTL bounds the damage of a lost message.
 *
 * <p>Called from every event loop, hence the lock; each critical section is a map operation.
 */
final class ChannelKeyCache {

  /** Event bus address: {"channelId"} or {"accountId"} changed; every node drops what it cached. */
  static final String CHANGED = "sb.channels.changed";

  static final long TTL_MS = 5_000;
  static final int MAX_ENTRIES = 10_000;

  /** What a valid key stands for: the caller, and the chat secret (null if none) kept out of it. */
  record Holder(Caller.Channel channel, ChatSecret secret) {
  }

  private record Entry(Holder holder, long expiresAt) {
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };
  /** Bumped by every invalidation: a look-up that started before one must not store its answer. */
  private long generation;
  private volatile Vertx vertx;
  private MessageConsumer<JsonObject> consumer;

  /** Listens for other nodes' changes. */
  Future<Void> listen(Vertx vertx) {
    this.vertx = vertx;
    consumer = vertx.eventBus().consumer(CHANGED, msg -> forgetLocally(msg.body()));
    return consumer.completion();
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The key's holder when cached and fresh, else null. */
  synchronized Holder get(String keyHash) {
    Entry e = entries.get(keyHash);
    if (e == null) {
      return null;
    }
    if (e.expiresAt() <= System.currentTimeMillis()) {
      entries.remove(keyHash);
      return null;
    }
    return e.holder();
  }

  /** A token to pass to {@link #put}, taken before the database is asked. */
  synchronized long generation() {
    return generation;
  }

  /** Stores the answer of a look-up unless something changed since it started (it may be stale). */
  synchronized void put(String keyHash, Holder holder, long startedAt) {
    if (generation == startedAt) {
      entries.put(keyHash, new Entry(holder, System.currentTimeMillis() + TTL_MS));
    }
  }

  /** The channel's keys or settings changed: forgotten here at once, and on every node. */
  void channelChanged(String channelId) {
    changed(new JsonObject().put("channelId", channelId));
  }

  /** The channel's settings changed: forgotten as above, and its running adapters restart. */
  void channelSettingsChanged(String channelId) {
    changed(new JsonObject().put("channelId", channelId).put("settings", true));
  }

  /** Something every channel of the account carries changed (region, reopen window). */
  void accountChanged(String accountId) {
    changed(new JsonObject().put("accountId", accountId));
  }

  private void changed(JsonObject change) {
    forgetLocally(change); // before the answer is written, so this node never serves the old entry
    Vertx bus = vertx;
    if (bus != null) {
      bus.eventBus().publish(CHANGED, change);
    }
  }

  private void forgetLocally(JsonObject change) {
    String channelId = change.getString("channelId");
    String accountId = change.getString("accountId");
    Predicate<Entry> affected = e -> e.holder().channel().channelId().equals(channelId)
        || e.holder().channel().accountId().equals(accountId);
    synchronized (this) {
      generation++;
      entries.values().removeIf(affected);
    }
  }
}
