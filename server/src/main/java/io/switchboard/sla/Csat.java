package io.switchboard.sla;

import io.switchboard.conversation.ConversationRepository;
import io.switchboard.conversation.MessageRepository;
import io.switchboard.conversation.Replies.OutboundPayload;
import io.switchboard.conversation.ReplyChannels;
import io.switchboard.conversation.ReplyChannels.Route;
import io.switchboard.conversation.Views.Author;
import io.switchboard.conversation.Views.ConversationView;
import io.switchboard.db.Sql;
import io.switchboard.events.EventDraft;
import io.switchboard.events.EventLog;
import io.switchboard.http.Hashes;
import io.switchboard.http.Ids;
import io.switchboard.http.Problem;
import io.switchboard.outbound.OutboundQueue;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Customer satisfaction surveys. On resolve, one survey per resolution goes out through rule 3's
 * channel when it carries text, else to a verified email, else it is recorded as not sent; a
 * contact gets at most one in seven days. The link holds a random token (260 bits) that is stored
 * only as its hash and answers for 14 days; the rating is recorded once, pushed live as
 * csat.received, and a rating of 1 or 2 reopens the conversation, tagged for supervisors.
 */
public final class Csat {

  static final Duration VALID = Duration.ofDays(14);
  static final Duration ONCE_PER = Duration.ofDays(7);
  /** The tag a low rating leaves on the reopened conversation (supervisors filter on it). */
  public static final String LOW_TAG = "low-csat";
  private static final Set<String> TEXT_KINDS = Set.of("email", "chat", "social");

  /** A survey as the public page and the POST see it. */
  record Survey(String id, String accountId, String conversationId, String accountName, Instant expiresAt,
      Integer rating) {
  }

  private static final String RECENT = """
      SELECT 1 FROM csat_survey WHERE account_id = $1 AND contact_id = $2 AND sent AND created_at > $3 LIMIT 1""";

  private static final String CONVERSATION = """
      SELECT contact_id, assignee_id, team_id, channels[1] AS channel_kind FROM conversation
      WHERE account_id = $1 AND id = $2""";

  private static final String ANY_EMAIL_CHANNEL = """
      SELECT id FROM channel WHERE account_id = $1 AND kind = 'email' ORDER BY created_at, id LIMIT 1""";

  private static final String INSERT = """
      INSERT INTO csat_survey (id, account_id, conversation_id, contact_id, token_hash, channel_id, sent,
                               not_sent_reason, assignee_id, team_id, channel_kind, created_at, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)""";

  private static final String BY_TOKEN = """
      SELECT s.id, s.account_id, s.conversation_id, a.name AS account_name, s.expires_at, s.rating
      FROM csat_survey s JOIN account a ON a.id = s.account_id WHERE s.token_hash = $1""";

  private static final String RECORD = """
      UPDATE csat_survey SET rating = $2, comment = $3, rated_at = $4
      WHERE id = $1 AND rating IS NULL RETURNING id""";

  private static final String REOPEN = """
      UPDATE conversation SET status = 'open', resolved_at = NULL, snooze_until = NULL,
        tags = CASE WHEN $3 = ANY(tags) THEN tags ELSE tags || $3::text END
      WHERE account_id = $1 AND id = $2""";

  private final Sla sla;
  private final Pool db;
  private final EventLog events;
  private final ConversationRepository conversations;
  private final MessageRepository messages;
  private final OutboundQueue outbound;
  private final Supplier<String> publicUrl;
  private final ReplyChannels replyChannels = new ReplyChannels();

  Csat(Sla sla, Pool db, EventLog events, ConversationRepository conversations, MessageRepository messages,
      OutboundQueue outbound, Supplier<String> publicUrl) {
    this.sla = sla;
    this.db = db;
    this.events = events;
    this.conversations = conversations;
    this.messages = messages;
    this.outbound = outbound;
    this.publicUrl = publicUrl;
  }

  /** On resolve, in the resolving transaction. */
  Future<Void> resolved(SqlConnection tx, String accountId, String conversationId, Instant now) {
    return tx.preparedQuery(CONVERSATION).execute(Tuple.of(accountId, conversationId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      Row c = rows.iterator().next();
      String contactId = c.getString("contact_id");
      return tx.preparedQuery(RECENT).execute(Tuple.of(accountId, contactId, Sql.utc(now.minus(ONCE_PER))))
          .compose(recent -> recent.size() > 0 ? Future.succeededFuture()
              : route(tx, accountId, conversationId, contactId)
                  .compose(route -> send(tx, accountId, conversationId, c, route, now)));
    });
  }

  /** Rule 3's channel when it carries text, else any email channel reaching a verified email. */
  private Future<Optional<Route>> route(SqlConnection tx, String accountId, String conversationId, String contactId) {
    return replyChannels.resolve(tx, accountId, conversationId, contactId, null).compose(rule3 -> {
      if (rule3.isPresent() && TEXT_KINDS.contains(rule3.get().channelKind())) {
        return Future.succeededFuture(rule3);
      }
      return tx.preparedQuery(ANY_EMAIL_CHANNEL).execute(Tuple.of(accountId)).compose(ch -> ch.size() == 0
          ? Future.succeededFuture(Optional.<Route>empty())
          : replyChannels.resolve(tx, accountId, conversationId, contactId, ch.iterator().next().getString("id")));
    });
  }

  private Future<Void> send(SqlConnection tx, String accountId, String conversationId, Row c, Optional<Route> route,
      Instant now) {
    String token = Ids.random(52);
    String surveyId = Ids.next("csat");
    String link = publicUrl.get() + "/csat/" + token;
    Tuple t = Tuple.of(surveyId, accountId, conversationId, c.getString("contact_id"), Hashes.sha256(token),
            route.map(Route::channelId).orElse(null))
        .addBoolean(route.isPresent())
        .addString(route.isPresent() ? null : "no channel that carries text reaches a verified identity")
        .addString(c.getString("assignee_id")).addString(c.getString("team_id"))
        .addString(c.getString("channel_kind")).addOffsetDateTime(Sql.utc(now))
        .addOffsetDateTime(Sql.utc(now.plus(VALID)));
    Future<Void> stored = tx.preparedQuery(INSERT).execute(t).mapEmpty();
    if (route.isEmpty()) {
      return stored;
    }
    Route r = route.get();
    String subject = "email".equals(r.channelKind()) ? "How did we do?" : null;
    String text = "How did we do? Please rate our help from 1 (poor) to 5 (great): " + link;
    String html = "email".equals(r.channelKind()) ? emailHtml(link) : null;
    var draft = new MessageRepository.Draft(Ids.next("msg"), accountId, conversationId, r.channelId(),
        r.channelKind(), "outbound", new Author("system", null, "Satisfaction survey"), null, false, null, null,
        r.threadKey(), subject, text, html, List.of(), null, false, false, null, "queued", null);
    return stored.compose(v -> messages.insert(tx, draft))
        .compose(saved -> outbound.enqueue(tx, accountId, r.channelId(), conversationId, saved.id(), "message",
                new OutboundPayload(r.to(), subject, text, html, List.of(), r.inReplyTo(), r.references(),
                    r.threadKey()))
            .compose(x -> conversations.view(tx, accountId, conversationId))
            .compose(view -> events.append(tx, accountId, EventDraft.of("message.created", conversationId,
                view.orElseThrow().teamId(), view.orElseThrow().assigneeId(), saved))))
        .mapEmpty();
  }

  /** One-click links: each only pre-selects its rating on the page (mail scanners follow links). */
  private static String emailHtml(String link) {
    StringBuilder b = new StringBuilder("<p>How did we do? Please rate our help:</p><p>");
    for (int i = 1; i <= 5; i++) {
      b.append("<a href=\"").append(link).append("?rating=").append(i).append("\">").append(i).append("</a> ");
    }
    return b.append("</p><p>1 is poor, 5 is great.</p>").toString();
  }

  Future<Optional<Survey>> byToken(String token) {
    if (token == null || token.length() > 200) {
      return Future.succeededFuture(Optional.empty());
    }
    return db.preparedQuery(BY_TOKEN).execute(Tuple.of(Hashes.sha256(token))).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new Survey(r.getString("id"), r.getString("account_id"), r.getString("conversation_id"),
          r.getString("account_name"), Sql.instant(r.getOffsetDateTime("expires_at")), r.getInteger("rating")));
    });
  }

  boolean isOpen(Survey s) {
    return sla.now().isBefore(s.expiresAt());
  }

  /** Records the answer once: 404 unknown token, 410 expired, 409 already answered. */
  Future<Map<String, Object>> answer(String token, int rating, String comment) {
    Instant now = sla.now();
    return byToken(token).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(Problem.notFound("survey"));
      }
      Survey s = found.get();
      if (!now.isBefore(s.expiresAt())) {
        return Future.failedFuture(Problem.gone("this survey has expired"));
      }
      if (s.rating() != null) {
        return Future.failedFuture(Problem.conflict("this survey was already answered"));
      }
      String account = s.accountId();
      String id = s.conversationId();
      return db.withTransaction(tx -> conversations.lock(tx, account, id).compose(before -> tx.preparedQuery(RECORD)
              .execute(Tuple.of(s.id(), rating, comment, Sql.utc(now))).compose(rows -> {
                if (rows.size() == 0) {
                  return Future.failedFuture(Problem.conflict("this survey was already answered"));
                }
                boolean low = rating <= 2;
                boolean reopen = low && before.isPresent() && "resolved".equals(before.get().status())
                    && before.get().mergedInto() == null;
                Future<Void> reopened = !reopen ? Future.succeededFuture()
                    : sla.patched(tx, account, id, "open", null)
                        .compose(v -> tx.preparedQuery(REOPEN).execute(Tuple.of(account, id, LOW_TAG)))
                        .mapEmpty();
                return reopened.compose(v -> conversations.view(tx, account, id)).compose(view -> {
                  ConversationView v = view.orElseThrow();
                  Map<String, Object> data = new LinkedHashMap<>();
                  data.put("surveyId", s.id());
                  data.put("conversationId", id);
                  data.put("rating", rating);
                  data.put("comment", comment);
                  data.put("at", now);
                  data.put("flagged", low);
                  data.put("conversation", v);
                  List<EventDraft> drafts = new java.util.ArrayList<>();
                  drafts.add(EventDraft.of("csat.received", id, v.teamId(), v.assigneeId(), data));
                  if (reopen) {
                    drafts.add(EventDraft.of("conversation.updated", id, v.teamId(), v.assigneeId(), v));
                  }
                  return events.append(tx, account, drafts).map(seq -> {
                    Map<String, Object> out = new LinkedHashMap<>(data);
                    out.remove("conversation");
                    out.put("seq", seq);
                    out.put("account", account);
                    return out;
                  });
                });
              })))
          .map(out -> {
            events.announce((String) out.remove("account"), (Long) out.remove("seq"));
            return out;
          });
    });
  }
}
