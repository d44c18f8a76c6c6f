package io.switchboard.adapters;

import io.switchboard.channels.core.SharedMemory;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import java.util.List;

/**
 * What the in-process adapters of every node share, in Redis under the node's key prefix
 * ({@code <prefix>adapters:<key>}), each fact with its time to live: nothing here outlives the
 * calls and sessions it is about.
 */
final class RedisMemory implements SharedMemory {

  private final RedisAPI redis;
  private final String prefix;

  RedisMemory(RedisAPI redis, String redisPrefix) {
    this.redis = redis;
    this.prefix = redisPrefix + "adapters:";
  }

  @Override
  public Future<String> get(String key) {
    return redis.get(prefix + key).map(r -> r == null ? null : r.toString());
  }

  @Override
  public Future<Void> put(String key, String value, int ttlSeconds) {
    return redis.set(List.of(prefix + key, value, "EX", String.valueOf(ttlSeconds))).mapEmpty();
  }
}
