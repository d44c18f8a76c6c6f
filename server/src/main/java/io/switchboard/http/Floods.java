package io.switchboard.http;

import io.switchboard.config.Tuning;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Limits on what one client may do in a short time, other than signing in (see AuthRoutes):
 * <ul>
 * <li><b>a channel's ingest</b>: a token bucket per channel and node, counted in memory, because
 * {@code POST /inbound} is the hot path and a Redis round trip per message would cost more than
 * the message;</li>
 * <li><b>the routes that need no credential</b>: a token bucket per address, route and node;</li>
 * <li><b>id guessing</b>: 404 and 401 answers per address, and 404 answers per signed-in caller,
 * in a one-minute sliding window shared through Redis ({@link RateLimiter}, per node while Redis
 * is down). Only failures are counted, so the check on every request is a look-up in this node's
 * memory of who is over the limit;</li>
 * <li><b>uploads in flight</b> per account and per address on this node.</li>
 * </ul>
 * Each refusal is a 429 with {@code Retry-After}.
 */
public final class Floods {

  private static final Duration GUESS_WINDOW = Duration.ofMinutes(1);
  /** Bounds the maps of buckets and blocks; forgetting only ever lets more through, never less. */
  private static final int MAX_KEYS = 100_000;

  private final Tuning tuning;
  private final RateLimiter limiter;
  private final LongSupplier clockMs;
  private final RateLimiter.Limit guesses;
  private final Map<String, Bucket> channelBuckets = new ConcurrentHashMap<>();
  private final Map<String, Bucket> publicBuckets = new ConcurrentHashMap<>();
  /** Callers and addresses over the guessing limit, and until when (epoch ms). */
  private final Map<String, Long> blockedUntil = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> uploads = new ConcurrentHashMap<>();

  public Floods(Tuning tuning, RateLimiter limiter, LongSupplier clockMs) {
    this.tuning = tuning;
    this.limiter = limiter;
    this.clockMs = clockMs;
    this.guesses = new RateLimiter.Limit("guess", tuning.notFoundLimit(), GUESS_WINDOW);
  }

  /** After the channel key is checked on {@code POST /inbound}: one message from the channel's bucket. */
  public Handler<RoutingContext> channelIngest() {
    return ctx -> {
      Caller caller = Authenticator.caller(ctx);
      int wait = take(channelBuckets, caller.accountId() + ":" + ((Caller.Channel) caller).channelId(),
          tuning.channelRate(), tuning.channelRate());
      if (wait > 0) {
        ctx.fail(Problem.tooMany(wait));
      } else {
        ctx.next();
      }
    };
  }

  /**
   * On a route that needs no credential: one request from the bucket of the address and route
   * (burst: ten seconds' worth). Per route, so a health checker's polling does not starve the
   * same office's other public calls; the handful of public routes bounds what that multiplies.
   */
  public void publicRoute(RoutingContext ctx) {
    var route = ctx.currentRoute();
    String routeKey = route == null ? "" : route.getPath() != null ? route.getPath() : String.valueOf(route.getName());
    int wait = take(publicBuckets, address(ctx) + " " + routeKey, tuning.publicRate(), 10L * tuning.publicRate());
    if (wait > 0) {
      ctx.fail(Problem.tooMany(wait));
    } else {
      ctx.next();
    }
  }

  /**
   * First on every API request: an address that guessed too much waits; the answer of this request
   * is counted if it is a 404 or 401.
   */
  public void screen(RoutingContext ctx) {
    String address = "a:" + address(ctx);
    int wait = blocked(address);
    if (wait > 0) {
      ctx.fail(Problem.tooMany(wait));
      return;
    }
    ctx.addHeadersEndHandler(v -> {
      int status = ctx.response().getStatusCode();
      if (status == 404 || status == 401) {
        count(address);
        Caller caller = Authenticator.caller(ctx);
        if (status == 404 && caller != null) {
          count(callerKey(caller));
        }
      }
    });
    ctx.next();
  }

  /** Seconds a signed-in caller must wait because of its 404s, or 0. */
  public int blocked(Caller caller) {
    return blocked(callerKey(caller));
  }

  private static String callerKey(Caller caller) {
    return caller instanceof Caller.User u ? "u:" + u.userId() : "c:" + ((Caller.Channel) caller).channelId();
  }

  private int blocked(String key) {
    Long until = blockedUntil.get(key);
    if (until == null) {
      return 0;
    }
    long left = until - clockMs.getAsLong();
    if (left <= 0) {
      blockedUntil.remove(key, until);
      return 0;
    }
    return (int) Math.max(1, (left + 999) / 1000);
  }

  private void count(String key) {
    limiter.hit(guesses, key).onSuccess(wait -> {
      if (wait > 0) {
        if (blockedUntil.size() > MAX_KEYS) {
          blockedUntil.clear();
        }
        blockedUntil.put(key, clockMs.getAsLong() + wait * 1000L);
      }
    });
  }

  /**
   * After the credential of an upload is checked, before its body is read: one of the account's and
   * the address's upload slots, given back when the answer is sent or the connection closes.
   */
  public void uploadSlot(RoutingContext ctx) {
    String account = "acct:" + Authenticator.caller(ctx).accountId();
    String address = "addr:" + address(ctx);
    if (!acquire(account, tuning.uploadsPerAccount())) {
      ctx.fail(Problem.tooMany(1));
      return;
    }
    if (!acquire(address, tuning.uploadsPerAddress())) {
      release(account);
      ctx.fail(Problem.tooMany(1));
      return;
    }
    ctx.addEndHandler(ended -> {
      release(account);
      release(address);
    });
    ctx.next();
  }

  /** Uploads of the account in flight on this node (for tests and metrics). */
  public int uploading(String accountId) {
    AtomicInteger n = uploads.get("acct:" + accountId);
    return n == null ? 0 : n.get();
  }

  private boolean acquire(String key, int max) {
    AtomicInteger n = uploads.computeIfAbsent(key, k -> new AtomicInteger());
    if (n.incrementAndGet() > max) {
      n.decrementAndGet();
      return false;
    }
    return true;
  }

  private void release(String key) {
    uploads.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  private static String address(RoutingContext ctx) {
    var remote = ctx.request().remoteAddress();
    return remote == null ? "?" : remote.hostAddress();
  }

  /** Takes a token from the key's bucket; 0 when there was one, else the seconds until there is. */
  private int take(Map<String, Bucket> buckets, String key, int perSecond, long burst) {
    if (buckets.size() > MAX_KEYS) {
      buckets.clear();
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, clockMs.getAsLong()));
    return bucket.take(perSecond, burst, clockMs.getAsLong());
  }

  /** Tokens refill at a steady rate up to the burst; a request takes one. */
  private static final class Bucket {

    private double tokens;
    private long at;

    Bucket(long burst, long now) {
      this.tokens = burst;
      this.at = now;
    }

    synchronized int take(int perSecond, long burst, long now) {
      tokens = Math.min(burst, tokens + (now - at) * perSecond / 1000.0);
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (int) Math.max(1, Math.ceil((1 - tokens) / perSecond));
    }
  }
}
