package io.switchboard.conversation;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rule 3: which channel a reply goes out through, and to which identity.
 *
 * <p>By default, the channel of the latest inbound text-carrying message from a verified identity,
 * to that identity. An agent may pick another channel when the contact has a verified identity that
 * channel can reach: email reaches email identities, phone reaches phone numbers, social reaches
 * social handles of the same platform (the channel's settings.platform when set; never a chat
 * widget's visitor id), and chat reaches any verified identity that has written on that chat channel
 * (a widget can only reach people who opened it). A store channel reaches nobody.
 */
public final class ReplyChannels {

  /** The adapter's "to": exactly one of email, phone, handle is set. */
  public record Recipient(String email, String phone, String handle, String platform, String name) {
  }

  /**
   * Where a reply goes. inReplyTo and references are provider message ids of the conversation on
   * that channel (for email threading); threadKey is the thread of the message replied to.
   */
  public record Route(String channelId, String channelKind, String channelTeamId, Recipient to, String inReplyTo,
      List<String> references, String threadKey) {
  }

  private record Target(String channelId, String channelKind, String channelTeamId, String platform,
      String preferredIdentityId) {
  }

  /**
   * A channel that can carry a written reply to this contact, and to whom it would go. For a
   * WhatsApp recipient: when WhatsApp's 24-hour window for free text closes (null: it is closed,
   * the customer never wrote on it or wrote longer ago) and the channel's templates, the only
   * messages WhatsApp delivers outside the window. Both null for other recipients.
   */
  public record Option(String id, String kind, String name, String to, String platform, Instant windowClosesAt,
      List<Map<String, Object>> templates) {
  }

  /**
   * What the composer may offer: the text-carrying channels (email, chat, social; a phone channel
   * carries calls, not text) that reach a verified identity of the contact, rule 3's default among
   * them (null when rule 3 finds none), and the verified phone number to log a call with.
   */
  public record Options(String defaultChannelId, List<Option> channels, String phone) {
  }

  private static final String TEXT_OPTIONS = """
      SELECT ch.id, ch.kind, ch.name, i.value, i.platform,
             CASE WHEN i.platform = 'whatsapp' THEN ch.settings->'templates' END AS templates,
             CASE WHEN i.platform = 'whatsapp' THEN (
               SELECT max(m.created_at) + interval '24 hours' FROM message m
               WHERE m.account_id = $1 AND m.channel_id = ch.id AND m.identity_id = i.id AND m.direction = 'inbound'
                 AND m.created_at > now() - interval '24 hours') END AS window_closes_at
      FROM channel ch
      CROSS JOIN LATERAL (
        SELECT i.id, i.value, i.platform FROM identity i
        WHERE i.account_id = $1 AND i.contact_id = $2 AND i.verified AND i.parsed AND (
          (ch.kind = 'email' AND i.kind = 'email')
          OR (ch.kind = 'social' AND i.kind = 'social' AND i.platform NOT LIKE 'chat:%'
              AND (ch.settings->>'platform' IS NULL OR i.platform = ch.settings->>'platform'))
          OR (ch.kind = 'chat' AND EXISTS (SELECT 1 FROM message m WHERE m.identity_id = i.id AND m.channel_id = ch.id)))
        ORDER BY i.created_at DESC LIMIT 1) i
      WHERE ch.account_id = $1 AND ch.kind IN ('email', 'chat', 'social')
      ORDER BY ch.kind, ch.name, ch.id""";

  private static final String VERIFIED_PHONE = """
      SELECT value FROM identity WHERE account_id = $1 AND contact_id = $2 AND kind = 'phone' AND verified AND parsed
      ORDER BY created_at DESC LIMIT 1""";

  private static final String LATEST_VERIFIED_INBOUND = """
      SELECT m.channel_id, ch.kind, ch.team_id, ch.settings->>'platform' AS platform, m.identity_id
      FROM message m JOIN channel ch ON ch.id = m.channel_id AND ch.account_id = m.account_id
      WHERE m.account_id = $1 AND m.conversation_id = $2 AND m.direction = 'inbound' AND m.from_verified
        AND (m.text IS NOT NULL OR m.html IS NOT NULL) AND ch.kind <> 'store'
      ORDER BY m.created_at DESC, m.id DESC LIMIT 1""";

  /** The same, across all of the contact's conversations (an agent starting a new one). */
  private static final String LATEST_VERIFIED_INBOUND_OF_CONTACT = """
      SELECT m.channel_id, ch.kind, ch.team_id, ch.settings->>'platform' AS platform, m.identity_id
      FROM conversation c
      JOIN message m ON m.account_id = c.account_id AND m.conversation_id = c.id
      JOIN channel ch ON ch.id = m.channel_id AND ch.account_id = m.account_id
      WHERE c.account_id = $1 AND c.contact_id = $2 AND m.direction = 'inbound' AND m.from_verified
        AND (m.text IS NOT NULL OR m.html IS NOT NULL) AND ch.kind <> 'store'
      ORDER BY m.created_at DESC, m.id DESC LIMIT 1""";

  private static final String CHANNEL = """
      SELECT id AS channel_id, kind, team_id, settings->>'platform' AS platform, NULL::text AS identity_id
      FROM channel WHERE account_id = $1 AND id = $2""";

  /** A verified identity of the contact that the channel can reach; the preferred one first. */
  private static final String REACHABLE_IDENTITY = """
      SELECT i.id, i.kind, i.value, i.platform, ct.name
      FROM identity i JOIN contact ct ON ct.id = i.contact_id
      WHERE i.account_id = $1 AND i.contact_id = $2 AND i.verified AND i.parsed AND (
        ($3 = 'email' AND i.kind = 'email')
        OR ($3 = 'phone' AND i.kind = 'phone')
        OR ($3 = 'social' AND i.kind = 'social' AND ($4::text IS NULL OR i.platform = $4)
            AND i.platform NOT LIKE 'chat:%')
        OR ($3 = 'chat' AND EXISTS (SELECT 1 FROM message m WHERE m.identity_id = i.id AND m.channel_id = $5)))
      ORDER BY i.id = $6 DESC NULLS LAST,
               EXISTS (SELECT 1 FROM message m WHERE m.identity_id = i.id AND m.channel_id = $5) DESC,
               i.created_at DESC
      LIMIT 1""";

  /** Provider ids of the conversation's messages on the channel, newest first. */
  private static final String THREAD = """
      SELECT coalesce(external_id, provider_id) AS ref, direction, thread_key FROM message
      WHERE account_id = $1 AND conversation_id = $2 AND channel_id = $3
        AND coalesce(external_id, provider_id) IS NOT NULL
      ORDER BY created_at DESC, id DESC LIMIT 20""";

  /**
   * The route of a reply in this conversation.
   *
   * @param conversationId the conversation replied in, or null for a new one (rule 3 then looks at
   *                       all of the contact's conversations)
   * @param channelId      the channel the agent picked, or null for rule 3's default
   * @return empty when no channel can reach the contact (the caller answers 422)
   */
  public Future<Optional<Route>> resolve(SqlClient db, String accountId, String conversationId, String contactId,
      String channelId) {
    Future<Optional<Target>> target = channelId != null ? one(db, CHANNEL, Tuple.of(accountId, channelId))
        : conversationId != null ? one(db, LATEST_VERIFIED_INBOUND, Tuple.of(accountId, conversationId))
        : one(db, LATEST_VERIFIED_INBOUND_OF_CONTACT, Tuple.of(accountId, contactId));
    return target.compose(t -> t.isEmpty() ? Future.succeededFuture(Optional.<Route>empty())
        : reach(db, accountId, conversationId, contactId, t.get()));
  }

  public Future<Options> options(SqlClient db, String accountId, String conversationId, String contactId) {
    Future<List<Option>> channels = db.preparedQuery(TEXT_OPTIONS).execute(Tuple.of(accountId, contactId))
        .map(rows -> {
          List<Option> out = new ArrayList<>();
          for (Row r : rows) {
            String value = r.getString("value");
            String to = "social".equals(r.getString("kind")) && value.indexOf(':') >= 0
                ? value.substring(value.indexOf(':') + 1) : value;
            boolean whatsapp = "social".equals(r.getString("kind")) && "whatsapp".equals(r.getString("platform"));
            out.add(new Option(r.getString("id"), r.getString("kind"), r.getString("name"),
                "chat".equals(r.getString("kind")) ? null : to, "social".equals(r.getString("kind"))
                    ? r.getString("platform") : null,
                whatsapp ? io.switchboard.db.Sql.instant(r.getOffsetDateTime("window_closes_at")) : null,
                whatsapp ? templates(r.getValue("templates")) : null));
          }
          return out;
        });
    Future<String> phone = db.preparedQuery(VERIFIED_PHONE).execute(Tuple.of(accountId, contactId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
    Future<Optional<Route>> fallback = resolve(db, accountId, conversationId, contactId, null);
    return Future.all(channels, phone, fallback).map(all -> {
      String preferred = fallback.result().map(Route::channelId).orElse(null);
      boolean offered = channels.result().stream().anyMatch(o -> o.id().equals(preferred));
      return new Options(offered ? preferred : null, channels.result(), phone.result());
    });
  }

  private Future<Optional<Route>> reach(SqlClient db, String accountId, String conversationId, String contactId,
      Target t) {
    Tuple params = Tuple.of(accountId, contactId, t.channelKind(), t.platform(), t.channelId(),
        t.preferredIdentityId());
    return db.preparedQuery(REACHABLE_IDENTITY).execute(params).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Optional.<Route>empty());
      }
      Recipient to = recipient(rows.iterator().next());
      if (conversationId == null) {
        return Future.succeededFuture(Optional.of(new Route(t.channelId(), t.channelKind(), t.channelTeamId(), to, null,
            List.of(), null)));
      }
      return db.preparedQuery(THREAD).execute(Tuple.of(accountId, conversationId, t.channelId())).map(thread -> {
        List<String> references = new ArrayList<>();
        String inReplyTo = null;
        String threadKey = null;
        for (Row r : thread) {
          references.add(r.getString("ref"));
          if (inReplyTo == null && "inbound".equals(r.getString("direction"))) {
            inReplyTo = r.getString("ref");
            threadKey = r.getString("thread_key");
          }
        }
        Collections.reverse(references);
        return Optional.of(new Route(t.channelId(), t.channelKind(), t.channelTeamId(), to, inReplyTo,
            references, threadKey));
      });
    });
  }

  /** The channel's templates as the composer shows them: name, language and body (with its {{n}} placeholders). */
  private static List<Map<String, Object>> templates(Object value) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (value instanceof io.vertx.core.json.JsonArray list) {
      for (Object o : list) {
        if (o instanceof io.vertx.core.json.JsonObject t && t.getValue("name") instanceof String name && !name.isBlank()) {
          Map<String, Object> template = new java.util.LinkedHashMap<>();
          template.put("name", name);
          template.put("language", t.getValue("language") instanceof String l ? l : "en_US");
          template.put("body", t.getValue("body") instanceof String b ? b : "");
          out.add(template);
        }
      }
    }
    return out;
  }

  private static Recipient recipient(Row r) {
    String value = r.getString("value");
    String name = r.getString("name");
    return switch (r.getString("kind")) {
      case "email" -> new Recipient(value, null, null, null, name);
      case "phone" -> new Recipient(null, value, null, null, name);
      default -> {
        // social values are stored as "platform:handle"
        String platform = r.getString("platform");
        String handle = platform != null && value.startsWith(platform + ":")
            ? value.substring(platform.length() + 1) : value;
        yield new Recipient(null, null, handle, platform, name);
      }
    };
  }

  private static Future<Optional<Target>> one(SqlClient db, String sql, Tuple params) {
    return db.preparedQuery(sql).execute(params).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new Target(r.getString("channel_id"), r.getString("kind"), r.getString("team_id"),
          r.getString("platform"),
          r.getString("identity_id")));
    });
  }
}
