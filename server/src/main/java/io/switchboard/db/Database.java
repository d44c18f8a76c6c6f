package io.switchboard.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.flywaydb.core.Flyway;

/**
 * Prepares PostgreSQL at start: creates the database if it is missing and migrates it with Flyway.
 * Both use JDBC, so they run on a worker thread; at run time only the reactive pool is used.
 */
public final class Database {

  private Database() {
  }

  /**
   * Prepares the database and returns the node's pool. At most {@code waitQueue} requests wait for
   * a connection; the next one fails at once (ConnectionPoolTooBusyException, answered 503), so an
   * overload sheds work instead of piling up requests that time out anyway.
   */
  public static Future<Pool> start(Vertx vertx, String url, int poolSize, int waitQueue) {
    PgUrl pg = PgUrl.parse(url);
    return vertx.executeBlocking(() -> {
      createIfMissing(pg);
      migrate(pg);
      return null;
    }, false).map(v -> PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize).setMaxWaitQueueSize(waitQueue).setShared(false))
        .connectingTo(pg.options().setPipeliningLimit(256).setCachePreparedStatements(true))
        .using(vertx)
        .build());
  }

  /** Blocking: runs Flyway against the database. */
  public static void migrate(PgUrl pg) {
    Flyway.configure()
        .dataSource(pg.jdbcUrl(pg.database()), pg.user(), pg.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  /** Blocking: creates the database from the maintenance database when it does not exist. */
  public static void createIfMissing(PgUrl pg) {
    try (Connection c = maintenance(pg)) {
      try (var st = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        st.setString(1, pg.database());
        if (st.executeQuery().next()) {
          return;
        }
      }
      try (var st = c.createStatement()) {
        st.execute("CREATE DATABASE " + quoteIdent(pg.database()));
      } catch (SQLException e) {
        if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another node
          throw e;
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + pg.database() + ": " + e.getMessage(), e);
    }
  }

  public static Connection maintenance(PgUrl pg) throws SQLException {
    Properties p = new Properties();
    if (pg.user() != null) {
      p.setProperty("user", pg.user());
    }
    if (pg.password() != null) {
      p.setProperty("password", pg.password());
    }
    return DriverManager.getConnection(pg.jdbcUrl("postgres"), p);
  }

  /** Database names come from configuration, never from requests; quoting keeps odd names valid. */
  public static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
