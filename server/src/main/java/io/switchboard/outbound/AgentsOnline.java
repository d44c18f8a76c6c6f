package io.switchboard.outbound;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * How many people of an account are online, read from the presence the live stream keeps in Redis
 * (realtime/Presence: a hash of the account's users, the status shown per user, and a sorted set
 * of each user's open tabs scored by when they expire). A user counts when the status shown is
 * "online" and a tab is still alive, so a closed laptop stops counting before the next sweep.
 * Redis trouble reads as nobody online: the widget then offers to leave a message.
 */
public final class AgentsOnline {

  private final RedisAPI redis;
  private final String prefix;

  /** @param redisPrefix the configured prefix of every Redis key (SWITCHBOARD_REDIS_PREFIX) */
  public AgentsOnline(RedisAPI redis, String redisPrefix) {
    this.redis = redis;
    this.prefix = redisPrefix + "presence:";
  }

  public Future<Integer> count(String accountId) {
    return redis.hkeys(prefix + accountId + ":agents").compose(users -> {
      List<String> userIds = new ArrayList<>();
      users.forEach(u -> userIds.add(u.toString()));
      if (userIds.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return redis.mget(userIds.stream().map(u -> prefix + accountId + ":shown:" + u).toList())
          .compose(shown -> {
            String now = String.valueOf(System.currentTimeMillis());
            List<Future<Boolean>> alive = new ArrayList<>();
            for (int i = 0; i < userIds.size(); i++) {
              Response status = shown.get(i);
              if (status != null && "online".equals(status.toString())) {
                alive.add(redis.zcount(prefix + accountId + ":tabs:" + userIds.get(i), now, "+inf")
                    .map(open -> open != null && open.toLong() > 0));
              }
            }
            return Future.all(alive).map(all -> (int) alive.stream().filter(Future::result).count());
          });
    }).otherwise(0);
  }
}
