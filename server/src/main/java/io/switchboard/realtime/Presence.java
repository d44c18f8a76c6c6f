package io.switchboard.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Who is online, in Redis so every node agrees. Each user has a sorted set of their open tabs
 * (connection id scored by when its heartbeat expires): several tabs are one agent, and a tab that
 * stops sending (a closed laptop) drops out when its score passes. The status shown is the one the
 * user chose (online/away/offline) while any tab is alive, else offline. The last status shown is
 * swapped atomically (SET ... GET), so exactly one node announces each change.
 *
 * <p>Failures are swallowed: presence is a nicety and must never break the stream.
 */
final class Presence {

  static final Set<String> STATUSES = Set.of("online", "away", "offline");

  /** A change to announce: {userId, name, status}. */
  record Change(String accountId, String userId, String name, String status) {
  }

  private final RedisAPI redis;
  private final String prefix;
  private final long ttlMs;
  private final Consumer<Change> announce;

  Presence(RedisAPI redis, String prefix, long ttlMs, Consumer<Change> announce) {
    this.redis = redis;
    this.prefix = prefix + "presence:";
    this.ttlMs = ttlMs;
    this.announce = announce;
  }

  Future<Void> connected(String accountId, String userId, String name, String connectionId) {
    return quietly(redis.hset(List.of(agents(accountId), userId, name))
        .compose(v -> redis.sadd(List.of(accounts(), accountId)))
        .compose(v -> redis.set(List.of(chosen(accountId, userId), "online")))
        .compose(v -> beat(accountId, userId, connectionId))
        .compose(v -> refresh(accountId, userId)));
  }

  Future<Void> heartbeat(String accountId, String userId, String connectionId) {
    return quietly(beat(accountId, userId, connectionId).compose(v -> refresh(accountId, userId)));
  }

  Future<Void> disconnected(String accountId, String userId, String connectionId) {
    return quietly(redis.zrem(List.of(tabs(accountId, userId), connectionId))
        .compose(v -> refresh(accountId, userId)));
  }

  Future<Void> choose(String accountId, String userId, String status) {
    return quietly(redis.set(List.of(chosen(accountId, userId), status)).compose(v -> refresh(accountId, userId)));
  }

  /** Drops expired tabs everywhere and announces agents who went offline that way. */
  Future<Void> sweep() {
    return quietly(redis.smembers(accounts()).compose(accounts -> {
      List<Future<Void>> all = new ArrayList<>();
      for (Response account : accounts) {
        String accountId = account.toString();
        all.add(redis.hkeys(agents(accountId)).compose(users -> {
          List<Future<Void>> each = new ArrayList<>();
          for (Response user : users) {
            each.add(refresh(accountId, user.toString()));
          }
          return Future.all(each).mapEmpty();
        }));
      }
      return Future.all(all).mapEmpty();
    }));
  }

  /** Every agent who has used the stream, with the status shown: [{userId, name, status}]. */
  Future<JsonArray> snapshot(String accountId) {
    return redis.hgetall(agents(accountId)).compose(names -> {
      List<String> users = new ArrayList<>(names.getKeys());
      if (users.isEmpty()) {
        return Future.succeededFuture(new JsonArray());
      }
      List<String> keys = users.stream().map(u -> shown(accountId, u)).toList();
      return redis.mget(keys).map(statuses -> {
        JsonArray agents = new JsonArray();
        for (int i = 0; i < users.size(); i++) {
          Response s = statuses.get(i);
          agents.add(new JsonObject().put("userId", users.get(i)).put("name", names.get(users.get(i)).toString())
              .put("status", s == null ? "offline" : s.toString()));
        }
        return agents;
      });
    }).otherwise(err -> new JsonArray());
  }

  /** How many agents show each status, for the dashboard. */
  Future<Map<String, Integer>> counts(String accountId) {
    return snapshot(accountId).map(agents -> {
      Map<String, Integer> counts = new HashMap<>(Map.of("online", 0, "away", 0, "offline", 0));
      agents.forEach(a -> counts.merge(((JsonObject) a).getString("status"), 1, Integer::sum));
      return counts;
    });
  }

  private Future<Void> beat(String accountId, String userId, String connectionId) {
    String key = tabs(accountId, userId);
    return redis.zadd(List.of(key, String.valueOf(System.currentTimeMillis() + ttlMs), connectionId))
        // the whole set disappears a while after its last tab, so abandoned users leave no keys
        .compose(v -> redis.expire(List.of(key, String.valueOf(Math.max(60, ttlMs / 1000 * 4)))))
        .mapEmpty();
  }

  private Future<Void> refresh(String accountId, String userId) {
    String tabs = tabs(accountId, userId);
    return redis.zremrangebyscore(tabs, "-inf", "(" + System.currentTimeMillis())
        .compose(v -> redis.zcard(tabs))
        .compose(open -> redis.get(chosen(accountId, userId)).map(chosen -> open.toLong() == 0 ? "offline"
            : chosen == null || !STATUSES.contains(chosen.toString()) ? "online" : chosen.toString()))
        .compose(status -> redis.set(List.of(shown(accountId, userId), status, "GET")).compose(previous -> {
          String before = previous == null ? "offline" : previous.toString();
          if (before.equals(status)) {
            return Future.succeededFuture();
          }
          return redis.hget(agents(accountId), userId).map(name -> {
            announce.accept(new Change(accountId, userId, name == null ? null : name.toString(), status));
            return null;
          });
        }))
        .mapEmpty();
  }

  private static Future<Void> quietly(Future<?> f) {
    return f.<Void>mapEmpty().otherwiseEmpty();
  }

  private String accounts() {
    return prefix + "accounts";
  }

  private String agents(String accountId) {
    return prefix + accountId + ":agents";
  }

  private String tabs(String accountId, String userId) {
    return prefix + accountId + ":tabs:" + userId;
  }

  private String chosen(String accountId, String userId) {
    return prefix + accountId + ":chosen:" + userId;
  }

  private String shown(String accountId, String userId) {
    return prefix + accountId + ":shown:" + userId;
  }
}
