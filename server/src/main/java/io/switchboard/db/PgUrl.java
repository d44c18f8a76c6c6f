package io.switchboard.db;

import io.vertx.pgclient.PgConnectOptions;

/** Turns the configured postgresql:// URL into the forms the Vert.x client and JDBC (Flyway) need. */
public record PgUrl(PgConnectOptions options) {

  public static PgUrl parse(String url) {
    return new PgUrl(PgConnectOptions.fromUri(url));
  }

  public String database() {
    return options.getDatabase();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + database;
  }

  public String user() {
    return options.getUser();
  }

  public String password() {
    return options.getPassword();
  }

  public PgUrl withDatabase(String database) {
    return new PgUrl(new PgConnectOptions(options).setDatabase(database));
  }
}
