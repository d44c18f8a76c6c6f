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

  /** The counters one hit or check looks at: this window's and the previous one's. */
  private record Window(Limit limit, long now, long windowMs, String current, String previous) {
  }

  private Window window(Limit limit, String key) {
    long now = clockMs.getAsLong();
    long windowMs = limit.window().toMillis();
    long index = now / windowMs;
    String base = prefix + "rl:" + limit.name() + ":" + key + ":";
    return new Window(limit, now, windowMs, base + index, base + (index - 1));
  }

  /** Counts one hit; completes with 0 when it is allowed, else the seconds to wait before the next. */
  public Future<Integer> hit(Limit limit, String key) {
    Window w = window(limit, key);
    Future<Response> counted = redis.incr(w.current());
    Future<Response> expiring = redis.pexpire(List.of(w.current(), Long.toString(2 * w.windowMs())));
    Future<Response> before = redis.get(w.previous());
    return Future.all(counted, expiring, before)
        .map(v -> verdict(w, count(counted.result()), count(before.result())))
        .recover(redisDown -> Future.succeededFuture(localHit(w)));
  }

  /**
   * Whether one more hit would still be within the limit, without counting it: for limits on
   * failures (count them with {@link #hit} once they failed). Completes with 0 or the seconds to wait.
   */
  public Future<Integer> check(Limit limit, String key) {
    Window w = window(limit, key);
    Future<Response> counted = redis.get(w.current());
    Future<Response> before = redis.get(w.previous());
    return Future.all(counted, before)
        .map(v -> verdict(w, 1 + count(counted.result()), count(before.result())))
        .recover(redisDown -> Future.succeededFuture(verdict(w, 1 + localCount(w.current()),
            localCount(w.previous()))));
  }

  private static long count(Response r) {
    return r == null ? 0 : r.toLong();
  }

  private int localHit(Window w) {
    if (local.size() > LOCAL_KEYS) {
      local.clear(); // a crude bound: forgetting counts only ever lets more through, never less
    }
    long count = local.computeIfAbsent(w.current(), k -> new AtomicLong()).incrementAndGet();
    return verdict(w, count, localCount(w.previous()));
  }

  private long localCount(String key) {
    AtomicLong c = local.get(key);
    return c == null ? 0 : c.get();
  }

  private static int verdict(Window w, long count, long previousCount) {
    double overlap = 1.0 - (double) (w.now() % w.windowMs()) / w.windowMs();
    double estimate = previousCount * overlap + count;
    if (estimate <= w.limit().max()) {
      return 0;
    }
    // Wait until the previous window's share has faded enough, at most until this window ends.
    long untilWindowEnds = w.windowMs() - w.now() % w.windowMs();
    return (int) Math.max(1, Math.ceil(untilWindowEnds / 1000.0));
  }
}
