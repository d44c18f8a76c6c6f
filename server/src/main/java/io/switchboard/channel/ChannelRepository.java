package io.switchboard.channel;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Channels of an account and their API keys (stored as SHA-256). */
public final class ChannelRepository {

  public record KeyView(String keyId, Instant createdAt, Instant revokedAt) {
  }

  /** settings is a plain map so Jackson writes it as the JSON object it is. */
  public record ChannelView(String id, String kind, String name, String teamId, java.util.Map<String, Object> settings,
      Instant createdAt, List<KeyView> keys) {
  }

  private static final String INSERT = """
      INSERT INTO channel (id, account_id, kind, name, team_id, settings) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)""";
  private static final String INSERT_KEY = """
      INSERT INTO channel_key (key_hash, account_id, channel_id, prefix) VALUES ($1, $2, $3, $4)""";
  private static final String REVOKE_KEY = """
      UPDATE channel_key SET revoked_at = now()
      WHERE account_id = $1 AND channel_id = $2 AND prefix = $3 AND revoked_at IS NULL AND internal_node IS NULL""";
  private static final String INSERT_INTERNAL_KEY = """
      INSERT INTO channel_key (key_hash, account_id, channel_id, prefix, internal_node)
      SELECT $1, account_id, id, $3, $4 FROM channel WHERE id = $2 RETURNING account_id""";
  private static final String REVOKE_INTERNAL = """
      UPDATE channel_key SET revoked_at = now() WHERE internal_node = $1 AND key_hash = ANY($2) AND revoked_at IS NULL""";
  private static final String OF_KINDS = """
      SELECT id, kind FROM channel WHERE kind = ANY($1) AND ($2::text IS NULL OR id = $2) ORDER BY created_at, id""";
  private static final String ADAPTER_VIEW = """
      SELECT id, account_id, kind, name, team_id, settings::text AS settings FROM channel
      WHERE account_id = $1 AND id = $2""";
  private static final String LIST = """
      SELECT c.id, c.kind, c.name, c.team_id, c.settings::text AS settings, c.created_at,
             coalesce((SELECT json_agg(json_build_object('keyId', k.prefix, 'createdAt', k.created_at,
                                                         'revokedAt', k.revoked_at) ORDER BY k.created_at)
                       FROM channel_key k WHERE k.channel_id = c.id AND k.internal_node IS NULL), '[]'::json)::text AS keys
      FROM channel c WHERE c.account_id = $1 AND ($2::text IS NULL OR c.id = $2) ORDER BY c.created_at, c.id""";
  private static final String FOR_UPDATE = ADAPTER_VIEW + " FOR UPDATE";
  private static final String UPDATE = """
      UPDATE channel SET name = $3, settings = $4::text::jsonb WHERE account_id = $1 AND id = $2""";
  private static final String TEAM_EXISTS = "SELECT 1 FROM team WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL";

  public Future<Void> insert(SqlClient db, String id, String accountId, String kind, String name, String teamId,
      JsonObject settings) {
    return db.preparedQuery(INSERT).execute(Tuple.of(id, accountId, kind, name, teamId, settings.encode())).mapEmpty();
  }

  public Future<Void> insertKey(SqlClient db, String accountId, String channelId, String keyId, String keyHash) {
    return db.preparedQuery(INSERT_KEY).execute(Tuple.of(keyHash, accountId, channelId, keyId)).mapEmpty();
  }

  public Future<Boolean> revokeKey(SqlClient db, String accountId, String channelId, String keyId) {
    return db.preparedQuery(REVOKE_KEY).execute(Tuple.of(accountId, channelId, keyId)).map(r -> r.rowCount() == 1);
  }

  /** A channel of a kind that has an adapter here (ids across every account: the node runs them all). */
  public record ChannelKind(String id, String kind) {
  }

  public Future<List<ChannelKind>> ofKinds(SqlClient db, List<String> kinds, String onlyId) {
    return db.preparedQuery(OF_KINDS).execute(Tuple.of(kinds.toArray(String[]::new), onlyId)).map(rows -> {
      List<ChannelKind> out = new ArrayList<>();
      rows.forEach(r -> out.add(new ChannelKind(r.getString("id"), r.getString("kind"))));
      return out;
    });
  }

  /** Issues a key for this node's own adapter of the channel; false when the channel is gone. */
  public Future<Boolean> insertInternalKey(SqlClient db, String channelId, String keyId, String keyHash, String node) {
    return db.preparedQuery(INSERT_INTERNAL_KEY).execute(Tuple.of(keyHash, channelId, keyId, node))
        .map(r -> r.rowCount() == 1);
  }

  public Future<Void> revokeInternalKeys(SqlClient db, String node, List<String> keyHashes) {
    return db.preparedQuery(REVOKE_INTERNAL).execute(Tuple.of(node, (Object) keyHashes.toArray(String[]::new))).mapEmpty();
  }

  /** The channel as its adapter reads it: settings as stored (secrets still sealed). */
  public record AdapterChannel(String id, String accountId, String kind, String name, String teamId,
      JsonObject settings) {
  }

  public Future<Optional<AdapterChannel>> forAdapter(SqlClient db, String accountId, String id) {
    return adapterView(db, ADAPTER_VIEW, accountId, id);
  }

  /** The channel as stored, its row locked until the transaction ends (an edit reads, then writes). */
  public Future<Optional<AdapterChannel>> forUpdate(SqlClient tx, String accountId, String id) {
    return adapterView(tx, FOR_UPDATE, accountId, id);
  }

  public Future<Void> update(SqlClient tx, String accountId, String id, String name, JsonObject settings) {
    return tx.preparedQuery(UPDATE).execute(Tuple.of(accountId, id, name, settings.encode())).mapEmpty();
  }

  private Future<Optional<AdapterChannel>> adapterView(SqlClient db, String sql, String accountId, String id) {
    return db.preparedQuery(sql).execute(Tuple.of(accountId, id)).map(rows -> {
      for (Row r : rows) {
        return Optional.of(new AdapterChannel(r.getString("id"), r.getString("account_id"), r.getString("kind"),
            r.getString("name"), r.getString("team_id"), new JsonObject(r.getString("settings"))));
      }
      return Optional.<AdapterChannel>empty();
    });
  }

  public Future<Boolean> teamExists(SqlClient db, String accountId, String teamId) {
    return db.preparedQuery(TEAM_EXISTS).execute(Tuple.of(accountId, teamId)).map(r -> r.size() == 1);
  }

  public Future<List<ChannelView>> list(SqlClient db, String accountId) {
    return query(db, accountId, null);
  }

  public Future<Optional<ChannelView>> get(SqlClient db, String accountId, String id) {
    return query(db, accountId, id).map(l -> l.stream().findFirst());
  }

  private Future<List<ChannelView>> query(SqlClient db, String accountId, String id) {
    return db.preparedQuery(LIST).execute(Tuple.of(accountId, id)).map(rows -> {
      List<ChannelView> out = new ArrayList<>();
      for (Row r : rows) {
        List<KeyView> keys = new ArrayList<>();
        for (Object o : new io.vertx.core.json.JsonArray(r.getString("keys"))) {
          JsonObject k = (JsonObject) o;
          keys.add(new KeyView(k.getString("keyId"), instant(k.getString("createdAt")),
              instant(k.getString("revokedAt"))));
        }
        out.add(new ChannelView(r.getString("id"), r.getString("kind"), r.getString("name"), r.getString("team_id"),
            new JsonObject(r.getString("settings")).getMap(), r.getOffsetDateTime("created_at").toInstant(), keys));
      }
      return out;
    });
  }

  private static Instant instant(String s) {
    return s == null ? null : java.time.OffsetDateTime.parse(s).toInstant();
  }
}
