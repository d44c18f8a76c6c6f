package io.switchboard.support;

import io.switchboard.db.Database;
import io.switchboard.db.PgUrl;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * One migrated template database per set of migrations; each test class gets a fresh copy made with
 * CREATE DATABASE ... TEMPLATE (fast) and drops it afterwards.
 */
public final class TestDatabases {

  public static final String BASE_URL = System.getenv().getOrDefault("SWITCHBOARD_TEST_PG_URL",
      "postgresql://postgres@127.0.0.1:5432/postgres");
  private static String template;

  private TestDatabases() {
  }

  /** Blocking (test threads only): creates a database for one test class and returns its URL. */
  public static synchronized String create(String testName) {
    String tpl = template();
    String name = ("sb_t_" + testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")).substring(0,
        Math.min(40, 5 + testName.length())) + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    PgUrl base = PgUrl.parse(BASE_URL);
    // Another process copying or migrating the template at this moment makes PostgreSQL refuse
    // (55006, "being accessed by other users"): wait a little and try again.
    for (int attempt = 1; ; attempt++) {
      try (Connection c = Database.maintenance(base); var st = c.createStatement()) {
        st.execute("CREATE DATABASE " + Database.quoteIdent(name) + " TEMPLATE " + Database.quoteIdent(tpl));
        return url(name);
      } catch (java.sql.SQLException e) {
        if ("3D000".equals(e.getSQLState()) && attempt < 40) {
          // A run with another set of migrations (another checkout) dropped our template as stale.
          template = null;
          tpl = template();
          continue;
        }
        if (!"55006".equals(e.getSQLState()) || attempt == 40) {
          throw new IllegalStateException("cannot create test database " + name, e);
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ie);
        }
      }
    }
  }

  public static void drop(String url) {
    PgUrl pg = PgUrl.parse(url);
    try (Connection c = Database.maintenance(pg); var st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + Database.quoteIdent(pg.database()) + " WITH (FORCE)");
    } catch (Exception e) {
      System.err.println("could not drop " + pg.database() + ": " + e.getMessage());
    }
  }

  private static String template() {
    if (template != null) {
      return template;
    }
    String name = "sb_tpl_" + migrationsHash();
    PgUrl pg = PgUrl.parse(url(name));
    Database.createIfMissing(pg);
    Database.migrate(pg);
    dropStaleTemplates(name);
    template = name;
    return name;
  }

  /** Templates of older migration sets are of no use any more; one in use by someone is left alone. */
  private static void dropStaleTemplates(String current) {
    PgUrl base = PgUrl.parse(BASE_URL);
    try (Connection c = Database.maintenance(base);
        // Only templates untouched for a day: several checkouts (with other migrations) run tests on
        // this server at once, and each would otherwise drop the others' template mid-run.
        var st = c.prepareStatement("""
            SELECT datname FROM pg_database WHERE datname LIKE 'sb\\_tpl\\_%' AND datname <> ?
              AND (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '1 day'""")) {
      st.setString(1, current);
      var rs = st.executeQuery();
      while (rs.next()) {
        try (var drop = c.createStatement()) {
          drop.execute("DROP DATABASE IF EXISTS " + Database.quoteIdent(rs.getString(1)));
        } catch (java.sql.SQLException inUse) {
          // another process still copies from it
        }
      }
    } catch (java.sql.SQLException e) {
      System.err.println("could not list old templates: " + e.getMessage());
    }
  }

  private static String url(String db) {
    PgUrl base = PgUrl.parse(BASE_URL);
    return "postgresql://" + (base.user() == null ? "postgres" : base.user()) + "@" + base.options().getHost() + ":"
        + base.options().getPort() + "/" + db;
  }

  private static String migrationsHash() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      Path dir = Path.of(TestDatabases.class.getResource("/db/migration").toURI());
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.sorted().toList()) {
          md.update(p.getFileName().toString().getBytes());
          try (InputStream in = Files.newInputStream(p)) {
            md.update(in.readAllBytes());
          }
        }
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 12);
    } catch (IOException | URISyntaxException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
