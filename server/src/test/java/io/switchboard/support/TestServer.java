package io.switchboard.support;

import io.switchboard.Switchboard;
import io.switchboard.config.Config;
import io.switchboard.http.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.switchboard.support.Await.await;

/**
 * A real Switchboard running in the test's JVM on a free port, with its own database (from the
 * migrated template) and its own Redis key prefix. Start it once per test class.
 */
public final class TestServer implements AutoCloseable {

  public final Vertx vertx;
  public final Switchboard app;
  public final String platformKey;
  public final String redisPrefix;
  public final String pgUrl;
  public final Api api;
  /** False for a second node on another server's database: that one drops it. */
  private final boolean ownsDatabase;

  private TestServer(Vertx vertx, Switchboard app, String platformKey, String redisPrefix, String pgUrl,
      boolean ownsDatabase) {
    this.ownsDatabase = ownsDatabase;
    this.vertx = vertx;
    this.app = app;
    this.platformKey = platformKey;
    this.redisPrefix = redisPrefix;
    this.pgUrl = pgUrl;
    this.api = new Api(vertx, app.port(), platformKey);
  }

  /** Blocking: starts a server for the named test class. */
  public static TestServer start(String testName) {
    return start(testName, Map.of());
  }

  public static TestServer start(String testName, Map<String, String> extraEnv) {
    return start(TestDatabases.create(testName), true, extraEnv);
  }

  /**
   * Blocking: a second, independent server (own Vert.x, own port) on this server's database, with
   * the same JWT secret, so a session of one works on the other as it would on any node.
   */
  public TestServer secondNode() {
    return secondNode(Map.of());
  }

  /** Like {@link #secondNode()}, with more settings. */
  public TestServer secondNode(Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("SWITCHBOARD_JWT_SECRET", app.config().jwtSecret());
    return start(pgUrl, false, env);
  }

  private static TestServer start(String pgUrl, boolean ownsDatabase, Map<String, String> extraEnv) {
    Vertx vertx = Vertx.vertx();
    String platformKey = "pk_" + Ids.random(32);
    String prefix = "sbtest:" + Ids.random(8) + ":";
    Map<String, String> env = new HashMap<>();
    env.put("SWITCHBOARD_HTTP_PORT", "0");
    env.put("SWITCHBOARD_PG_URL", pgUrl);
    env.put("SWITCHBOARD_REDIS_PREFIX", prefix);
    env.put("SWITCHBOARD_PLATFORM_KEY", platformKey);
    env.put("SWITCHBOARD_JWT_SECRET", Ids.random(48));
    env.put("SWITCHBOARD_PASSWORD_ITERATIONS", "1000");
    // Tests that poll the outbound queue themselves must not race an in-process adapter for it;
    // the adapter tests ask for in-process. SMTP on any free port: servers run side by side.
    env.put("SWITCHBOARD_ADAPTERS", "none");
    env.put("SWITCHBOARD_SMTP_PORT", "0");
    // Every test client calls from 127.0.0.1, many of them on purpose with unknown ids and at full
    // speed: the per-address and per-channel flood limits are lifted unless a test sets them
    // (FloodLimitsTest, IdGuessingTest do).
    env.put("SWITCHBOARD_NOT_FOUND_LIMIT", "1000000");
    env.put("SWITCHBOARD_PUBLIC_RATE", "1000000");
    env.put("SWITCHBOARD_CHANNEL_RATE", "1000000");
    env.putAll(extraEnv);
    Switchboard app = await(Switchboard.start(vertx, Config.fromEnv(env)), 120);
    return new TestServer(vertx, app, platformKey, prefix, pgUrl, ownsDatabase);
  }

  public int port() {
    return app.port();
  }

  public String baseUrl() {
    return "http://localhost:" + app.port();
  }

  @Override
  public void close() {
    try {
      await(app.close(), 30);
    } catch (RuntimeException e) {
      System.err.println("close: " + e.getMessage());
    }
    deleteRedisKeys();
    await(vertx.close(), 30);
    if (ownsDatabase) {
      TestDatabases.drop(pgUrl);
    }
  }

  private void deleteRedisKeys() {
    deleteRedisKeys(vertx, app.config().redisUrl(), redisPrefix);
  }

  /** Blocking: deletes every Redis key under the prefix (a test server's own, or what a test's nodes share). */
  public static void deleteRedisKeys(Vertx vertx, String redisUrl, String redisPrefix) {
    Redis client = Redis.createClient(vertx, redisUrl);
    RedisAPI redis = RedisAPI.api(client);
    try {
      String cursor = "0";
      do {
        var reply = await(redis.scan(List.of(cursor, "MATCH", redisPrefix + "*", "COUNT", "1000")), 10);
        cursor = reply.get(0).toString();
        List<String> keys = new java.util.ArrayList<>();
        reply.get(1).forEach(k -> keys.add(k.toString()));
        if (!keys.isEmpty()) {
          await(redis.del(keys), 10);
        }
      } while (!"0".equals(cursor));
    } catch (RuntimeException e) {
      System.err.println("redis cleanup: " + e.getMessage());
    } finally {
      client.close();
    }
  }

  /** Blocking: the rows a query of this server's database returns. */
  public java.util.List<io.vertx.sqlclient.Row> rows(String sql, Object... params) {
    java.util.List<io.vertx.sqlclient.Row> out = new java.util.ArrayList<>();
    await(app.db().preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.wrap(params))).forEach(out::add);
    return out;
  }

  /** Blocking: the first column of the first row, as a number (a count, a max). */
  public long count(String sql, Object... params) {
    return rows(sql, params).get(0).getLong(0);
  }

  /** Convenience: a ready account with an admin session. */
  public Api.Tenant tenant(String name) {
    return api.tenant(name);
  }

  public static Future<Void> none() {
    return Future.succeededFuture();
  }
}
