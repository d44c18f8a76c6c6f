package io.switchboard.ingest;

import io.switchboard.http.Ids;
import io.switchboard.ingest.Identities.Identity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The SQL of ingest: dedupe, contacts and identities, suggested merges, thread keys. */
final class IngestRepository {

  /** Serializes transactions that touch the same key until they end (commit or abort). */
  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

  /** A volatile function in the select list runs after the sort, so the locks follow the array. */
  private static final String LOCK_IN_ORDER = """
      SELECT pg_advisory_xact_lock(hashtextextended(l.key, 0))
      FROM unnest($1::text[]) WITH ORDINALITY AS l(key, n) ORDER BY l.n""";

  private static final String FIRST_ANSWER = """
      SELECT ingest_answer::text AS answer FROM message
      WHERE account_id = $3 AND channel_id = $1 AND external_id = $2""";

  private static final String CHANNEL_INFO = """
      SELECT c.settings->>'secret' AS secret, a.reopen_window_days
      FROM channel c JOIN account a ON a.id = c.account_id WHERE c.id = $1 AND c.account_id = $2""";

  private static final String VERIFIED_OWNER = """
      SELECT contact_id FROM identity
      WHERE account_id = $1 AND kind = $2 AND value = $3 AND verified AND parsed""";

  private static final String OTHER_OWNERS = """
      SELECT DISTINCT contact_id FROM identity
      WHERE account_id = $1 AND kind = $2 AND value = $3 AND parsed AND contact_id <> $4""";

  private static final String INSERT_CONTACT = "INSERT INTO contact (id, account_id, name) VALUES ($1, $2, $3)";

  private static final String NAME_IF_MISSING = """
      UPDATE contact SET name = $3, updated_at = now() WHERE account_id = $1 AND id = $2 AND name IS NULL""";

  /** Adds the identity to the contact, or upgrades it to verified (the unique index guards races). */
  private static final String ADD_IDENTITY = """
      INSERT INTO identity (id, account_id, contact_id, kind, value, platform, verified, parsed)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (contact_id, kind, value) DO UPDATE SET verified = identity.verified OR excluded.verified
      RETURNING id, (xmax = 0) AS inserted""";

  private static final String SUGGEST = """
      INSERT INTO suggested_merge (id, account_id, contact_id, other_id, identity_kind, identity_value, reason)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (account_id, contact_id, other_id, identity_kind, identity_value) DO NOTHING""";

  private static final String THREAD = """
      SELECT t.conversation_id, c.status, c.resolved_at, c.merged_into
      FROM conversation_thread t JOIN conversation c ON c.id = t.conversation_id
      WHERE t.channel_id = $1 AND t.contact_id = $2 AND t.thread_key = $3 AND c.account_id = $4""";

  private static final String REMEMBER_THREAD = """
      INSERT INTO conversation_thread (account_id, channel_id, contact_id, thread_key, conversation_id)
      VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (channel_id, contact_id, thread_key) DO UPDATE SET conversation_id = excluded.conversation_id""";

  private static final String LATEST_UNRESOLVED = """
      SELECT id FROM conversation
      WHERE account_id = $1 AND contact_id = $2 AND status <> 'resolved' AND merged_into IS NULL
      ORDER BY last_message_at DESC LIMIT 1""";

  private static final String LATEST_ANY = """
      SELECT id FROM conversation WHERE account_id = $1 AND contact_id = $2 AND merged_into IS NULL
      ORDER BY last_message_at DESC LIMIT 1""";

  private static final String CLAIM_ATTACHMENTS = """
      SELECT id, name, content_type, size FROM attachment
      WHERE account_id = $1 AND id = ANY($2) AND message_id IS NULL""";


  record ChannelInfo(String secret, int reopenWindowDays) {
  }

  record ThreadHit(String conversationId, String status, Instant resolvedAt, String mergedInto) {
  }

  record StoredAttachment(String id, String name, String contentType, long size) {
  }

  Future<Void> lock(SqlClient tx, String key) {
    return tx.preparedQuery(LOCK).execute(Tuple.of(key)).mapEmpty();
  }

  /** Takes the locks one after another, in the order given, in one round trip. */
  Future<Void> lockInOrder(SqlClient tx, List<String> keys) {
    return tx.preparedQuery(LOCK_IN_ORDER).execute(Tuple.of(keys.toArray(String[]::new))).mapEmpty();
  }

  Future<Optional<JsonObject>> firstAnswer(SqlClient db, String accountId, String channelId, String externalId) {
    return db.preparedQuery(FIRST_ANSWER).execute(Tuple.of(channelId, externalId, accountId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      String answer = rows.iterator().next().getString("answer");
      return Optional.of(answer == null ? new JsonObject() : new JsonObject(answer));
    });
  }

  Future<ChannelInfo> channelInfo(SqlClient db, String accountId, String channelId) {
    return db.preparedQuery(CHANNEL_INFO).execute(Tuple.of(channelId, accountId)).map(rows -> {
      Row r = rows.iterator().next();
      return new ChannelInfo(r.getString("secret"), r.getInteger("reopen_window_days"));
    });
  }

  /** The contacts that hold any of these verified identities, in the order of the identities. */
  Future<List<String>> verifiedOwners(SqlClient tx, String accountId, List<Identity> ids) {
    Set<String> owners = new LinkedHashSet<>();
    Future<Void> chain = Future.succeededFuture();
    for (Identity id : ids) {
      if (id.verified() && id.parsed()) {
        chain = chain.compose(v -> tx.preparedQuery(VERIFIED_OWNER).execute(Tuple.of(accountId, id.kind(), id.value()))
            .map(rows -> {
              rows.forEach(r -> owners.add(r.getString("contact_id")));
              return null;
            }));
      }
    }
    return chain.map(v -> new ArrayList<>(owners));
  }

  Future<Optional<String>> verifiedOwner(SqlClient tx, String accountId, Identity id) {
    return tx.preparedQuery(VERIFIED_OWNER).execute(Tuple.of(accountId, id.kind(), id.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  Future<List<String>> otherOwners(SqlClient tx, String accountId, Identity id, String contactId) {
    return tx.preparedQuery(OTHER_OWNERS).execute(Tuple.of(accountId, id.kind(), id.value(), contactId)).map(rows -> {
      List<String> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getString(0)));
      return out;
    });
  }

  Future<String> insertContact(SqlClient tx, String accountId, String name) {
    String id = Ids.next("ct");
    return tx.preparedQuery(INSERT_CONTACT).execute(Tuple.of(id, accountId, name)).map(id);
  }

  Future<Void> nameIfMissing(SqlClient tx, String accountId, String contactId, String name) {
    if (name == null || name.isBlank()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(NAME_IF_MISSING).execute(Tuple.of(accountId, contactId, name.trim())).mapEmpty();
  }

  /** An identity row of the contact, and whether this call created it. */
  record StoredIdentity(String id, boolean inserted) {
  }

  Future<StoredIdentity> addIdentity(SqlClient tx, String accountId, String contactId, Identity id, boolean verified) {
    return tx.preparedQuery(ADD_IDENTITY)
        .execute(Tuple.of(Ids.next("idn"), accountId, contactId, id.kind(), id.value(), id.platform())
            .addBoolean(verified).addBoolean(id.parsed()))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new StoredIdentity(r.getString("id"), r.getBoolean("inserted"));
        });
  }

  /** Records a suggested merge; true when it is new. */
  Future<Boolean> suggest(SqlClient tx, String accountId, String contactId, String otherId, Identity id,
      String reason) {
    return tx.preparedQuery(SUGGEST)
        .execute(Tuple.of(Ids.next("sm"), accountId, contactId, otherId, id.kind(), id.value(), reason))
        .map(rows -> rows.rowCount() == 1);
  }

  Future<Optional<ThreadHit>> thread(SqlClient tx, String accountId, String channelId, String contactId, String key) {
    return tx.preparedQuery(THREAD).execute(Tuple.of(channelId, contactId, key, accountId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      var resolved = r.getOffsetDateTime("resolved_at");
      return Optional.of(new ThreadHit(r.getString("conversation_id"), r.getString("status"),
          resolved == null ? null : resolved.toInstant(), r.getString("merged_into")));
    });
  }

  Future<Void> rememberThread(SqlClient tx, String accountId, String channelId, String contactId, String key,
      String conversationId) {
    return tx.preparedQuery(REMEMBER_THREAD).execute(Tuple.of(accountId, channelId, contactId, key, conversationId))
        .mapEmpty();
  }

  Future<Optional<String>> latestUnresolved(SqlClient tx, String accountId, String contactId) {
    return tx.preparedQuery(LATEST_UNRESOLVED).execute(Tuple.of(accountId, contactId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  Future<Optional<String>> latestAny(SqlClient tx, String accountId, String contactId) {
    return tx.preparedQuery(LATEST_ANY).execute(Tuple.of(accountId, contactId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  Future<List<StoredAttachment>> unclaimedAttachments(SqlClient tx, String accountId, List<String> ids) {
    return tx.preparedQuery(CLAIM_ATTACHMENTS).execute(Tuple.of(accountId).addArrayOfString(ids.toArray(String[]::new)))
        .map(rows -> {
          List<StoredAttachment> out = new ArrayList<>();
          rows.forEach(r -> out.add(new StoredAttachment(r.getString("id"), r.getString("name"),
              r.getString("content_type"), r.getLong("size"))));
          return out;
        });
  }
}
