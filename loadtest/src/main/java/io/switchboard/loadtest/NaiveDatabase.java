package io.switchboard.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * The naive baseline's own database: created fresh beside Switchboard's (same PostgreSQL, same
 * durability settings) with a tiny schema of four tables, and dropped afterwards.
 */
final class NaiveDatabase {

  private static final String SCHEMA = """
      CREATE TABLE contact (
        id bigserial PRIMARY KEY,
        account text NOT NULL,
        email text NOT NULL,
        name text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (account, email));
      CREATE TABLE conversation (
        id bigserial PRIMARY KEY,
        account text NOT NULL,
        contact_id bigint NOT NULL REFERENCES contact,
        status text NOT NULL DEFAULT 'open',
        created_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX conversation_open ON conversation (contact_id) WHERE status = 'open';
      CREATE TABLE message (
        id bigserial PRIMARY KEY,
        account text NOT NULL,
        conversation_id bigint NOT NULL REFERENCES conversation,
        external_id text,
        direction text NOT NULL,
        text text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX message_conversation ON message (conversation_id);
      CREATE TABLE event (
        id bigserial PRIMARY KEY,
        account text NOT NULL,
        type text NOT NULL,
        conversation_id bigint,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now());
      """;

  /** The database's URL, for the naive server's pool. */
  final String url;
  private final String name;
  private final Vertx vertx;
  private final PgConnectOptions maintenance;

  /** {@code pgUrl} names any database of the PostgreSQL server to use; {@code name} is the new one's. */
  NaiveDatabase(Vertx vertx, String pgUrl, String name) {
    if (!name.matches("[a-z0-9_]+")) {
      throw new IllegalArgumentException("not a plain database name: " + name);
    }
    this.vertx = vertx;
    this.name = name;
    PgConnectOptions base = PgConnectOptions.fromUri(pgUrl);
    this.maintenance = new PgConnectOptions(base).setDatabase("postgres");
    this.url = "postgresql://" + base.getUser() + "@" + base.getHost() + ":" + base.getPort() + "/" + name;
  }

  /** Creates the database (dropping a leftover of the same name) and its schema. */
  Future<Void> create() {
    return onMaintenance("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
        .compose(v -> onMaintenance("CREATE DATABASE " + name))
        .compose(v -> {
          Pool pool = pool(PgConnectOptions.fromUri(url));
          return pool.query(SCHEMA).execute().<Void>mapEmpty().eventually(pool::close);
        });
  }

  Future<Void> drop() {
    return onMaintenance("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  /** CREATE/DROP DATABASE cannot run in a transaction or a prepared statement: one simple query. */
  private Future<Void> onMaintenance(String sql) {
    Pool pool = pool(maintenance);
    return pool.query(sql).execute().<Void>mapEmpty().eventually(pool::close);
  }

  private Pool pool(PgConnectOptions options) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(options).using(vertx).build();
  }
}
