package io.switchboard.http;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Rate limits shared by every node through Redis: a sliding window estimated from two fixed
 * windows (this one's count plus the previous one's, weighted by how much of it still overlaps),
 * which costs one counter per key and window. While Redis cannot be reached each node counts on
 * its own (the same estimate in memory), so a limit still holds per node.
 */
public final class RateLimiter {

  /** A named limit: at most {@code max} hits per {@code window} and key. */
  public record Limit(String name, int max, Duration window) {
  }

  private final RedisAPI redis;
  private final String prefix;
  private final LongSupplier clockMs;
  private final Map<String, AtomicLong> local = new ConcurrentHashMap<>();
  private static final int LOCAL_KEYS = 100_000;

  public RateLimiter(RedisAPI redis, String prefix, LongSupplier clockMs) {
    this.redis = redis;
    this.prefix = prefix;
    this.clockMs = clockMs;
  }

  /** Counts one hit; completes with 0 when it is allowed, else the seconds to wait before the next. */
  public Future<Integer> hit(Limit limit, String key) {
    long now = clockMs.getAsLong();
    long windowMs = limit.window().toMillis();
    long window = now / windowMs;
    String current = prefix + "rl:" + limit.name() + ":" + key + ":" + window;
    String previous = prefix + "rl:" + limit.name() + ":" + key + ":" + (window - 1);
    Future<Response> counted = redis.incr(current);
    Future<Response> expiring = redis.pexpire(List.of(current, Long.toString(2 * windowMs)));
    Future<Response> before = redis.get(previous);
    return Future.all(counted, expiring, before)
        .map(v -> verdict(limit, now, windowMs, counted.result().toLong(),
            before.result() == null ? 0 : before.result().toLong()))
        .recover(redisDown -> Future.succeededFuture(localHit(limit, now, windowMs, current, previous)));
  }

  /**
   * Whether one more hit would still be within the limit, without counting it: for limits on
   * failures (count them with {@link #hit} once they failed). Completes with 0 or the seconds to wait.
   */
  public Future<Integer> check(Limit limit, String key) {
    long now = clockMs.getAsLong();
    long windowMs = limit.window().toMillis();
    long window = now / windowMs;
    String current = prefix + "rl:" + limit.name() + ":" + key + ":" + window;
    String previous = prefix + "rl:" + limit.name() + ":" + key + ":" + (window - 1);
    Future<Response> counted = redis.get(current);
    Future<Response> before = redis.get(previous);
    return Future.all(counted, before)
        .map(v -> verdict(limit, now, windowMs, 1 + count(counted.result()), count(before.result())))
        .recover(redisDown -> {
          AtomicLong c = local.get(current);
          AtomicLong b = local.get(previous);
          return Future.succeededFuture(verdict(limit, now, windowMs, 1 + (c == null ? 0 : c.get()),
              b == null ? 0 : b.get()));
        });
  }

  private static long count(Response r) {
    return r == null ? 0 : r.toLong();
  }

  private int localHit(Limit limit, long now, long windowMs, String current, String previous) {
    if (local.size() > LOCAL_KEYS) {
      local.clear(); // a crude bound: forgetting counts only ever lets more through, never less
    }
    long count = local.computeIfAbsent(current, k -> new AtomicLong()).incrementAndGet();
    AtomicLong before = local.get(previous);
    return verdict(limit, now, windowMs, count, before == null ? 0 : before.get());
  }

  private static int verdict(Limit limit, long now, long windowMs, long count, long previousCount) {
    double overlap = 1.0 - (double) (now % windowMs) / windowMs;
    double estimate = previousCount * overlap + count;
    if (estimate <= limit.max()) {
      return 0;
    }
    // Wait until the previous window's share has faded enough, at most until this window ends.
    long untilWindowEnds = windowMs - now % windowMs;
    return (int) Math.max(1, Math.ceil(untilWindowEnds / 1000.0));
  }
}
