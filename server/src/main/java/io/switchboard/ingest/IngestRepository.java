package io.switchboard.ingest;

import io.switchboard.conversation.ConversationRepository;
import io.switchboard.conversation.MessageRepository;
import io.switchboard.conversation.Views.AttachmentRef;
import io.switchboard.conversation.Views.ConversationView;
import io.switchboard.conversation.Views.MessageView;
import io.switchboard.db.Sql;
import io.switchboard.http.Json;
import io.switchboard.ingest.BatchPlan.Activity;
import io.switchboard.ingest.BatchPlan.CallUpdate;
import io.switchboard.ingest.BatchPlan.IdentityRow;
import io.switchboard.ingest.BatchPlan.Kv;
import io.switchboard.ingest.BatchPlan.Latest;
import io.switchboard.ingest.BatchPlan.NewContact;
import io.switchboard.ingest.BatchPlan.NewConversation;
import io.switchboard.ingest.BatchPlan.NewIdentity;
import io.switchboard.ingest.BatchPlan.Placed;
import io.switchboard.ingest.BatchPlan.StoredCall;
import io.switchboard.ingest.BatchPlan.Suggestion;
import io.switchboard.ingest.BatchPlan.ThreadHit;
import io.switchboard.ingest.BatchPlan.ThreadKey;
import io.switchboard.ingest.ValidInbound.CallKey;
import io.switchboard.ingest.ValidInbound.DedupeKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The SQL of ingest. Every statement takes a whole batch at once (arrays and {@code unnest}), so a
 * batch costs the same few round trips whether it holds one message or two hundred.
 */
final class IngestRepository {

  /**
   * Plans made for this batch's arrays and today's table sizes. A cached generic plan is made once
   * and kept until the table is analyzed again, which never happens where autovacuum is off (CI and
   * demo machines): a plan chosen while a table was nearly empty (a sequential scan, or the
   * account's list index) then reads the whole table for every batch, ever more slowly (seen: 0.2
   * to 0.7 s a statement). Planning costs about 0.1 ms a statement, once per batch.
   */
  private static final String CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan";

  /**
   * Transaction-scoped advisory locks, taken one after another in the order given (a volatile
   * function in the select list runs after the sort). Every batch sorts its keys, so none waits in
   * a circle.
   */
  private static final String LOCK_IN_ORDER = """
      SELECT pg_advisory_xact_lock(hashtextextended(l.key, 0))
      FROM unnest($1::text[]) WITH ORDINALITY AS l(key, n) ORDER BY l.n""";

  /*
   * Look-ups by several keys walk the keys (unnest) and look each one up in its index (LATERAL
   * ... LIMIT keeps the planner from turning them into one join). Planned as a join, or as
   * "= ANY" arrays, PostgreSQL picked hash joins over whole tables or the trigram index whenever
   * its statistics were stale: 4 to 11 ms a batch, growing with the table, against 0.1 ms.
   */
  /**
   * The account is checked outside the LIMIT on purpose: inside, a plan made while the table was
   * small chose the (account_id, ...) index and read every message of the account per key
   * (seen: 0.5 s). Without it only message_channel_external fits.
   */
  private static final String FIRST_ANSWERS = """
      SELECT k.channel_id, k.external_id, m.answer
      FROM unnest($2::text[], $3::text[]) AS k(channel_id, external_id)
      CROSS JOIN LATERAL (
        SELECT account_id, ingest_answer::text AS answer FROM message
        WHERE channel_id = k.channel_id AND external_id = k.external_id AND external_id IS NOT NULL
        LIMIT 1) m
      WHERE m.account_id = $1""";

  private static final String IDENTITIES = """
      SELECT i.id, i.contact_id, i.kind, i.value, i.verified, i.parsed
      FROM unnest($2::text[], $3::text[]) AS k(kind, value)
      CROSS JOIN LATERAL (
        SELECT id, contact_id, kind, value, verified, parsed, created_at FROM identity
        WHERE account_id = $1 AND kind = k.kind AND value = k.value
        ORDER BY created_at, id LIMIT 1000) i""";

  private static final String UNCLAIMED_ATTACHMENTS = """
      SELECT id, name, content_type, size FROM attachment
      WHERE account_id = $1 AND id = ANY($2::text[]) AND message_id IS NULL""";

  /** Each key looked up alone, then its conversation by id; the account is checked on the rows. */
  private static final String THREADS = """
      SELECT k.channel_id, k.contact_id, k.thread_key, t.conversation_id, c.status, c.resolved_at, c.merged_into
      FROM unnest($2::text[], $3::text[], $4::text[]) AS k(channel_id, contact_id, thread_key)
      CROSS JOIN LATERAL (
        SELECT account_id, conversation_id FROM conversation_thread
        WHERE channel_id = k.channel_id AND contact_id = k.contact_id AND thread_key = k.thread_key LIMIT 1) t
      CROSS JOIN LATERAL (
        SELECT account_id, status, resolved_at, merged_into FROM conversation WHERE id = t.conversation_id LIMIT 1) c
      WHERE t.account_id = $1 AND c.account_id = $1""";

  /** Per contact (by the conversation_contact index alone), then the account checked on the rows. */
  private static final String LATEST = """
      SELECT k.contact_id, u.id AS unresolved, a.id AS any
      FROM unnest($2::text[]) AS k(contact_id)
      LEFT JOIN LATERAL (
        SELECT id, account_id FROM conversation
        WHERE contact_id = k.contact_id AND status <> 'resolved' AND merged_into IS NULL
        ORDER BY last_message_at DESC LIMIT 1) u ON u.account_id = $1
      LEFT JOIN LATERAL (
        SELECT id, account_id FROM conversation WHERE contact_id = k.contact_id AND merged_into IS NULL
        ORDER BY last_message_at DESC LIMIT 1) a ON a.account_id = $1""";

  private static final String INSERT_CONTACTS = """
      INSERT INTO contact (id, account_id, name)
      SELECT c.id, $1, c.name FROM unnest($2::text[], $3::text[]) AS c(id, name)""";

  /** Writes only where the contact has no name yet: a name never changes anything else. */
  private static final String NAME_IF_MISSING = """
      UPDATE contact c SET name = v.name, updated_at = now()
      FROM unnest($2::text[], $3::text[]) AS v(id, name)
      WHERE c.account_id = $1 AND c.id = v.id AND c.name IS NULL""";

  private static final String INSERT_IDENTITIES = """
      INSERT INTO identity (id, account_id, contact_id, kind, value, platform, verified, parsed)
      SELECT i.id, $1, i.contact_id, i.kind, i.value, i.platform, i.verified, i.parsed
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::bool[])
             AS i(id, contact_id, kind, value, platform, verified, parsed)
      ON CONFLICT (contact_id, kind, value) DO NOTHING""";

  private static final String VERIFY_IDENTITIES = """
      UPDATE identity SET verified = true WHERE account_id = $1 AND id = ANY($2::text[]) AND NOT verified""";

  /** Returns the contacts that gained a suggestion (a repeat of a recorded one changes nothing). */
  private static final String SUGGEST = """
      INSERT INTO suggested_merge (id, account_id, contact_id, other_id, identity_kind, identity_value, reason)
      SELECT s.id, $1, s.contact_id, s.other_id, s.kind, s.value, s.reason
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
             AS s(id, contact_id, other_id, kind, value, reason)
      ON CONFLICT (account_id, contact_id, other_id, identity_kind, identity_value) DO NOTHING
      RETURNING contact_id""";

  /** search_text holds the subject and the contact's name; message text is searched per message (V5). */
  private static final String INSERT_CONVERSATIONS = """
      INSERT INTO conversation (id, account_id, contact_id, status, subject, team_id, channels, created_at,
                                last_message_at, last_inbound_at, resolved_at, search_text, needs_callback)
      SELECT v.id, $1, v.contact_id, v.status, v.subject, v.team_id, string_to_array(v.kinds, ','), v.created_at,
             v.last_message_at, v.last_inbound_at, CASE WHEN v.status = 'resolved' THEN v.created_at END,
             lower(concat_ws(' ', v.subject, ct.name)), coalesce(v.callback, false)
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                  $9::timestamptz[], $10::timestamptz[], $11::bool[])
             AS v(id, contact_id, status, subject, team_id, kinds, created_at, last_message_at, last_inbound_at,
                  callback)
      JOIN contact ct ON ct.id = v.contact_id AND ct.account_id = $1""";

  /** Each conversation's activity in the batch; an inbound message moves it back to open (reopen). */
  private static final String TOUCH_CONVERSATIONS = """
      UPDATE conversation c SET
        last_message_at = greatest(c.last_message_at, v.last_message_at),
        last_inbound_at = greatest(c.last_inbound_at, v.last_inbound_at),
        channels = c.channels || ARRAY(SELECT k FROM unnest(string_to_array(v.kinds, ',')) AS k
                                       WHERE NOT k = ANY(c.channels)),
        subject = coalesce(c.subject, v.subject),
        status = CASE WHEN v.reopen THEN 'open' ELSE c.status END,
        snooze_until = CASE WHEN v.reopen THEN NULL ELSE c.snooze_until END,
        resolved_at = CASE WHEN v.reopen THEN NULL ELSE c.resolved_at END,
        needs_callback = coalesce(v.callback, c.needs_callback)
      FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::bool[], $8::bool[])
             AS v(id, last_message_at, last_inbound_at, kinds, subject, reopen, callback)
      WHERE c.account_id = $1 AND c.id = v.id""";

  private static final String INSERT_MESSAGES = """
      INSERT INTO message (id, account_id, conversation_id, channel_id, channel_kind, direction, author_type,
                           author_id, author_name, identity_id, from_verified, external_id, thread_key, subject,
                           text, html, attachments, call, public, auto_submitted, sent_at, ingest_answer, created_at,
                           call_id)
      SELECT m.id, $1, m.conversation_id, m.channel_id, m.channel_kind, 'inbound', 'contact', m.contact_id,
             m.author_name, m.identity_id, m.from_verified, m.external_id, m.thread_key, m.subject, m.text, m.html,
             m.attachments::jsonb, m.call::jsonb, m.public, m.auto_submitted, m.sent_at, m.answer::jsonb, m.created_at,
             m.call_id
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bool[],
                  $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                  $17::bool[], $18::bool[], $19::timestamptz[], $20::text[], $21::timestamptz[], $22::text[])
             WITH ORDINALITY AS m(id, conversation_id, channel_id, channel_kind, contact_id, author_name, identity_id,
                                  from_verified, external_id, thread_key, subject, text, html, attachments, call,
                                  public, auto_submitted, sent_at, answer, created_at, call_id, ord)
      ORDER BY m.ord
      RETURNING\s""" + MessageRepository.COLUMNS;

  /** A call's stored message, by the channel and the provider's call id (V11's unique index). */
  private static final String CALLS = """
      SELECT k.channel_id AS key_channel, k.call_id AS key_call, m.*
      FROM unnest($2::text[], $3::text[]) AS k(channel_id, call_id)
      CROSS JOIN LATERAL (
        SELECT account_id,\s""" + MessageRepository.COLUMNS + """

        FROM message WHERE channel_id = k.channel_id AND call_id = k.call_id LIMIT 1) m
      WHERE m.account_id = $1""";

  /** Later events of a stored call: its record and attachments, as folded by the batch. */
  private static final String UPDATE_CALLS = """
      UPDATE message m SET call = v.new_call::jsonb, attachments = v.new_attachments::jsonb
      FROM unnest($2::text[], $3::text[], $4::text[]) AS v(message_id, new_call, new_attachments)
      WHERE m.account_id = $1 AND m.id = v.message_id
      RETURNING\s""" + MessageRepository.COLUMNS;

  private static final String LINK_ATTACHMENTS = """
      UPDATE attachment a SET message_id = v.message_id
      FROM unnest($2::text[], $3::text[]) AS v(id, message_id)
      WHERE a.account_id = $1 AND a.id = v.id AND a.message_id IS NULL""";

  private static final String REMEMBER_THREADS = """
      INSERT INTO conversation_thread (account_id, channel_id, contact_id, thread_key, conversation_id)
      SELECT $1, t.channel_id, t.contact_id, t.thread_key, t.conversation_id
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(channel_id, contact_id, thread_key,
                                                                       conversation_id)
      ON CONFLICT (channel_id, contact_id, thread_key) DO UPDATE SET conversation_id = excluded.conversation_id""";

  private static final String VIEWS = "SELECT " + ConversationRepository.VIEW_COLUMNS
      + " FROM conversation c JOIN contact ct ON ct.id = c.contact_id WHERE c.account_id = $1 AND c.id = ANY($2::text[])";

  // ---------------------------------------------------------------- reads

  Future<Void> begin(SqlClient tx) {
    return tx.query("BEGIN").execute().mapEmpty();
  }

  Future<Void> commit(SqlClient tx) {
    return tx.query("COMMIT").execute().mapEmpty();
  }

  /** Ends a failed transaction; whether that works or not, the batch's own error is what counts. */
  Future<Void> rollback(SqlClient tx) {
    return tx.query("ROLLBACK").execute().<Void>mapEmpty().otherwiseEmpty();
  }

  /** For the rest of the transaction, see {@link #CUSTOM_PLANS}. */
  Future<Void> planForThisBatch(SqlClient tx) {
    return tx.query(CUSTOM_PLANS).execute().mapEmpty();
  }

  Future<Void> lockInOrder(SqlClient tx, List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(LOCK_IN_ORDER).execute(Tuple.of(keys.toArray(String[]::new))).mapEmpty();
  }

  Future<Map<DedupeKey, JsonObject>> firstAnswers(SqlClient tx, String accountId, Collection<DedupeKey> keys) {
    Set<DedupeKey> wanted = Set.copyOf(keys);
    Tuple t = Tuple.of(accountId)
        .addArrayOfString(keys.stream().map(DedupeKey::channelId).toArray(String[]::new))
        .addArrayOfString(keys.stream().map(DedupeKey::externalId).toArray(String[]::new));
    return tx.preparedQuery(FIRST_ANSWERS).execute(t).map(rows -> {
      Map<DedupeKey, JsonObject> out = new HashMap<>();
      for (Row r : rows) {
        DedupeKey key = new DedupeKey(r.getString("channel_id"), r.getString("external_id"));
        String answer = r.getString("answer");
        if (wanted.contains(key)) {
          out.put(key, answer == null ? new JsonObject() : new JsonObject(answer));
        }
      }
      return out;
    });
  }

  Future<List<IdentityRow>> identities(SqlClient tx, String accountId, Collection<Kv> kvs) {
    if (kvs.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Set<Kv> wanted = Set.copyOf(kvs);
    Tuple t = Tuple.of(accountId)
        .addArrayOfString(kvs.stream().map(Kv::kind).toArray(String[]::new))
        .addArrayOfString(kvs.stream().map(Kv::value).toArray(String[]::new));
    return tx.preparedQuery(IDENTITIES).execute(t).map(rows -> {
      List<IdentityRow> out = new ArrayList<>();
      for (Row r : rows) {
        if (!wanted.contains(new Kv(r.getString("kind"), r.getString("value")))) {
          continue;
        }
        out.add(new IdentityRow(r.getString("id"), r.getString("contact_id"), r.getString("kind"),
            r.getString("value"), r.getBoolean("verified"), r.getBoolean("parsed")));
      }
      return out;
    });
  }

  Future<Map<String, AttachmentRef>> unclaimedAttachments(SqlClient tx, String accountId, Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return tx.preparedQuery(UNCLAIMED_ATTACHMENTS)
        .execute(Tuple.of(accountId).addArrayOfString(ids.toArray(String[]::new)))
        .map(rows -> {
          Map<String, AttachmentRef> out = new HashMap<>();
          for (Row r : rows) {
            out.put(r.getString("id"), new AttachmentRef(r.getString("id"), r.getString("name"),
                r.getString("content_type"), r.getLong("size")));
          }
          return out;
        });
  }

  Future<Map<ThreadKey, ThreadHit>> threads(SqlClient tx, String accountId, List<ThreadKey> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Set<ThreadKey> wanted = Set.copyOf(keys);
    Tuple t = Tuple.of(accountId)
        .addArrayOfString(keys.stream().map(ThreadKey::channelId).toArray(String[]::new))
        .addArrayOfString(keys.stream().map(ThreadKey::contactId).toArray(String[]::new))
        .addArrayOfString(keys.stream().map(ThreadKey::key).toArray(String[]::new));
    return tx.preparedQuery(THREADS).execute(t).map(rows -> {
      Map<ThreadKey, ThreadHit> out = new HashMap<>();
      for (Row r : rows) {
        ThreadKey key = new ThreadKey(r.getString("channel_id"), r.getString("contact_id"), r.getString("thread_key"));
        if (!wanted.contains(key)) {
          continue;
        }
        out.put(key, new ThreadHit(r.getString("conversation_id"), r.getString("status"),
                Sql.instant(r.getOffsetDateTime("resolved_at")), r.getString("merged_into")));
      }
      return out;
    });
  }

  Future<Map<String, Latest>> latest(SqlClient tx, String accountId, List<String> contactIds) {
    if (contactIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return tx.preparedQuery(LATEST)
        .execute(Tuple.of(accountId).addArrayOfString(contactIds.toArray(String[]::new)))
        .map(rows -> {
          Map<String, Latest> out = new HashMap<>();
          for (Row r : rows) {
            out.put(r.getString("contact_id"), new Latest(r.getString("unresolved"), r.getString("any")));
          }
          return out;
        });
  }

  // ---------------------------------------------------------------- writes

  Future<Void> insertContacts(SqlClient tx, String accountId, Collection<NewContact> contacts) {
    if (contacts.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(INSERT_CONTACTS).execute(Tuple.of(accountId)
            .addArrayOfString(strings(contacts, NewContact::id))
            .addArrayOfString(strings(contacts, NewContact::name)))
        .mapEmpty();
  }

  Future<Void> nameIfMissing(SqlClient tx, String accountId, Map<String, String> names) {
    if (names.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(NAME_IF_MISSING).execute(Tuple.of(accountId)
            .addArrayOfString(names.keySet().toArray(String[]::new))
            .addArrayOfString(names.values().toArray(String[]::new)))
        .mapEmpty();
  }

  Future<Void> insertIdentities(SqlClient tx, String accountId, List<NewIdentity> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    Boolean[] verified = ids.stream().map(NewIdentity::verified).toArray(Boolean[]::new);
    Boolean[] parsed = ids.stream().map(i -> i.identity().parsed()).toArray(Boolean[]::new);
    return tx.preparedQuery(INSERT_IDENTITIES).execute(Tuple.of(accountId)
            .addArrayOfString(strings(ids, NewIdentity::id))
            .addArrayOfString(strings(ids, NewIdentity::contactId))
            .addArrayOfString(strings(ids, i -> i.identity().kind()))
            .addArrayOfString(strings(ids, i -> i.identity().value()))
            .addArrayOfString(strings(ids, i -> i.identity().platform()))
            .addArrayOfBoolean(verified)
            .addArrayOfBoolean(parsed))
        .mapEmpty();
  }

  Future<Void> verifyIdentities(SqlClient tx, String accountId, List<String> identityIds) {
    if (identityIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(VERIFY_IDENTITIES)
        .execute(Tuple.of(accountId).addArrayOfString(identityIds.toArray(String[]::new))).mapEmpty();
  }

  /** Records the suggested merges; returns the contacts that gained one. */
  Future<Set<String>> suggest(SqlClient tx, String accountId, Collection<Suggestion> suggestions) {
    if (suggestions.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    List<Suggestion> list = List.copyOf(suggestions);
    return tx.preparedQuery(SUGGEST).execute(Tuple.of(accountId)
            .addArrayOfString(strings(list, s -> io.switchboard.http.Ids.next("sm")))
            .addArrayOfString(strings(list, Suggestion::contactId))
            .addArrayOfString(strings(list, Suggestion::otherId))
            .addArrayOfString(strings(list, Suggestion::kind))
            .addArrayOfString(strings(list, Suggestion::value))
            .addArrayOfString(strings(list, Suggestion::reason)))
        .map(rows -> {
          Set<String> out = new LinkedHashSet<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  Future<Void> insertConversations(SqlClient tx, String accountId, Collection<NewConversation> created) {
    if (created.isEmpty()) {
      return Future.succeededFuture();
    }
    List<NewConversation> list = List.copyOf(created);
    return tx.preparedQuery(INSERT_CONVERSATIONS).execute(Tuple.of(accountId)
            .addArrayOfString(strings(list, c -> c.id))
            .addArrayOfString(strings(list, c -> c.contactId))
            .addArrayOfString(strings(list, c -> c.status))
            .addArrayOfString(strings(list, c -> c.activity.subject))
            .addArrayOfString(strings(list, c -> c.teamId))
            .addArrayOfString(strings(list, c -> String.join(",", c.activity.channelKinds)))
            .addArrayOfOffsetDateTime(times(list, c -> c.createdAt))
            .addArrayOfOffsetDateTime(times(list, c -> c.activity.lastMessageAt))
            .addArrayOfOffsetDateTime(times(list, c -> c.activity.lastInboundAt))
            .addArrayOfBoolean(list.stream().map(c -> c.activity.callback).toArray(Boolean[]::new)))
        .mapEmpty();
  }

  Future<Void> touchConversations(SqlClient tx, String accountId, Map<String, Activity> touched) {
    if (touched.isEmpty()) {
      return Future.succeededFuture();
    }
    // In id order: the update locks the rows as it goes, and every batch goes in one order.
    List<Map.Entry<String, Activity>> list = touched.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList();
    Boolean[] reopen = list.stream().map(e -> e.getValue().reopen).toArray(Boolean[]::new);
    return tx.preparedQuery(TOUCH_CONVERSATIONS).execute(Tuple.of(accountId)
            .addArrayOfString(strings(list, Map.Entry::getKey))
            .addArrayOfOffsetDateTime(times(list, e -> e.getValue().lastMessageAt))
            .addArrayOfOffsetDateTime(times(list, e -> e.getValue().lastInboundAt))
            .addArrayOfString(strings(list, e -> String.join(",", e.getValue().channelKinds)))
            .addArrayOfString(strings(list, e -> e.getValue().subject))
            .addArrayOfBoolean(reopen)
            .addArrayOfBoolean(list.stream().map(e -> e.getValue().callback).toArray(Boolean[]::new)))
        .mapEmpty();
  }

  /** Inserts the placed messages; returns their views by id. */
  Future<Map<String, MessageView>> insertMessages(SqlClient tx, String accountId, List<Placed> placed) {
    if (placed.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Tuple t = Tuple.of(accountId)
        .addArrayOfString(strings(placed, p -> p.messageId))
        .addArrayOfString(strings(placed, p -> p.conversationId))
        .addArrayOfString(strings(placed, p -> p.in.channel().channelId()))
        .addArrayOfString(strings(placed, p -> p.in.channel().kind()))
        .addArrayOfString(strings(placed, p -> p.contactId))
        .addArrayOfString(strings(placed, p -> BatchPlan.blankToNull(p.in.msg().from().name())))
        .addArrayOfString(strings(placed, p -> p.replyIdentityId))
        .addArrayOfBoolean(placed.stream().map(p -> p.replyVerified).toArray(Boolean[]::new))
        .addArrayOfString(strings(placed, p -> p.in.msg().externalId()))
        .addArrayOfString(strings(placed, p -> BatchPlan.blankToNull(p.in.msg().threadKey())))
        .addArrayOfString(strings(placed, p -> BatchPlan.blankToNull(p.in.msg().subject())))
        .addArrayOfString(strings(placed, p -> p.in.text()))
        .addArrayOfString(strings(placed, p -> p.in.html()))
        .addArrayOfString(strings(placed, p -> Json.write(p.attachments)))
        .addArrayOfString(strings(placed, p -> p.call == null ? null : Json.write(p.call)))
        .addArrayOfBoolean(placed.stream().map(p -> p.in.msg().publicComment()).toArray(Boolean[]::new))
        .addArrayOfBoolean(placed.stream().map(p -> p.in.msg().auto()).toArray(Boolean[]::new))
        .addArrayOfOffsetDateTime(times(placed, p -> p.in.msg().sentAt()))
        .addArrayOfString(strings(placed, p -> p.answer().stored().encode()))
        .addArrayOfOffsetDateTime(times(placed, p -> p.receivedAt))
        .addArrayOfString(strings(placed, p -> p.call == null ? null : (String) p.call.get("callId")));
    return tx.preparedQuery(INSERT_MESSAGES).execute(t).map(rows -> byId(rows, MessageRepository::map, MessageView::id));
  }

  /** Claims uploads for the messages that carry them (attachment id to message id). */
  Future<Void> linkAttachments(SqlClient tx, String accountId, Map<String, String> messageOfAttachment) {
    if (messageOfAttachment.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Map.Entry<String, String>> links = List.copyOf(messageOfAttachment.entrySet());
    return tx.preparedQuery(LINK_ATTACHMENTS).execute(Tuple.of(accountId)
            .addArrayOfString(strings(links, Map.Entry::getKey))
            .addArrayOfString(strings(links, Map.Entry::getValue)))
        .mapEmpty();
  }

  Future<Map<CallKey, StoredCall>> calls(SqlClient tx, String accountId, Collection<CallKey> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<CallKey> list = List.copyOf(keys);
    return tx.preparedQuery(CALLS).execute(Tuple.of(accountId)
            .addArrayOfString(strings(list, CallKey::channelId))
            .addArrayOfString(strings(list, CallKey::callId)))
        .map(rows -> {
          Map<CallKey, StoredCall> out = new HashMap<>();
          for (Row r : rows) {
            MessageView m = MessageRepository.map(r);
            out.put(new CallKey(r.getString("key_channel"), r.getString("key_call")), new StoredCall(m.id(),
                m.conversationId(), m.author().id(), m.call() == null ? new LinkedHashMap<>() : m.call(),
                m.attachments()));
          }
          return out;
        });
  }

  Future<Map<String, MessageView>> updateCalls(SqlClient tx, String accountId, Collection<CallUpdate> updates) {
    if (updates.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<CallUpdate> list = List.copyOf(updates);
    return tx.preparedQuery(UPDATE_CALLS).execute(Tuple.of(accountId)
            .addArrayOfString(strings(list, u -> u.stored.messageId()))
            .addArrayOfString(strings(list, u -> Json.write(u.call)))
            .addArrayOfString(strings(list, u -> Json.write(u.attachments))))
        .map(rows -> byId(rows, MessageRepository::map, MessageView::id));
  }

  Future<Void> rememberThreads(SqlClient tx, String accountId, Map<ThreadKey, String> threads) {
    if (threads.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Map.Entry<ThreadKey, String>> list = List.copyOf(threads.entrySet());
    return tx.preparedQuery(REMEMBER_THREADS).execute(Tuple.of(accountId)
            .addArrayOfString(strings(list, e -> e.getKey().channelId()))
            .addArrayOfString(strings(list, e -> e.getKey().contactId()))
            .addArrayOfString(strings(list, e -> e.getKey().key()))
            .addArrayOfString(strings(list, Map.Entry::getValue)))
        .mapEmpty();
  }

  Future<Map<String, ConversationView>> views(SqlClient tx, String accountId, Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return tx.preparedQuery(VIEWS).execute(Tuple.of(accountId).addArrayOfString(ids.toArray(String[]::new)))
        .map(rows -> byId(rows, ConversationRepository::map, ConversationView::id));
  }

  private static <T> Map<String, T> byId(RowSet<Row> rows, Function<Row, T> map, Function<T, String> id) {
    Map<String, T> out = new HashMap<>();
    for (Row r : rows) {
      T value = map.apply(r);
      out.put(id.apply(value), value);
    }
    return out;
  }

  private static <T> String[] strings(Collection<T> items, Function<T, String> field) {
    return items.stream().map(field).toArray(String[]::new);
  }

  private static <T> OffsetDateTime[] times(Collection<T> items, Function<T, Instant> field) {
    return items.stream().map(i -> Sql.utc(field.apply(i))).toArray(OffsetDateTime[]::new);
  }
}
