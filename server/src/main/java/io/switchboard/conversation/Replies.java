package io.switchboard.conversation;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.switchboard.conversation.ConversationRepository.State;
import io.switchboard.conversation.ReplyChannels.Recipient;
import io.switchboard.conversation.ReplyChannels.Route;
import io.switchboard.conversation.Views.AttachmentRef;
import io.switchboard.conversation.Views.Author;
import io.switchboard.conversation.Views.ConversationView;
import io.switchboard.conversation.Views.MessageView;
import io.switchboard.db.Sql;
import io.switchboard.events.EventDraft;
import io.switchboard.events.EventLog;
import io.switchboard.http.Caller;
import io.switchboard.http.Check;
import io.switchboard.http.Ids;
import io.switchboard.http.Problem;
import io.switchboard.ingest.HtmlSanitizer;
import io.switchboard.outbound.OutboundQueue;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What agents write: replies (out through rule 3's channel), internal notes, and conversations
 * they start. The message, its outbound item and its events commit together.
 */
public final class Replies {

  public record AttachmentId(String id) {
  }

  /**
   * publicReply: answer a public social comment in public (by default the answer goes privately to
   * the commenter). template: a WhatsApp template, the only kind of message WhatsApp delivers
   * outside its 24-hour window; text stays what the timeline shows.
   */
  public record PostMessage(String text, String html, List<AttachmentId> attachments,
      @JsonProperty("private") Boolean isPrivate, String channelId, String afterMessageId, String clientId,
      @JsonProperty("public") Boolean publicReply, Template template, LoggedCall call) {
  }

  /**
   * A call an agent logs on a note (the console's "Log a call"): nothing is sent; an answered call
   * is the call back a missed call or voicemail waited for.
   */
  public record LoggedCall(String direction, String outcome, Integer durationSec) {
  }

  /** A WhatsApp template by name, with the values of its body's placeholders in order. */
  public record Template(String name, String language, List<String> parameters) {
  }

  public record StartConversation(String contactId, String channelId, String subject, String text, String html,
      List<AttachmentId> attachments) {
  }

  /** A posted message; created is false when a clientId retry found the first one. */
  public record Posted(MessageView message, boolean created) {
  }

  /** What the adapter receives besides the queue's own fields. */
  public record OutboundPayload(Recipient to, String subject, String text, String html,
      List<AttachmentRef> attachments, String inReplyTo, List<String> references, String threadKey,
      @JsonProperty("public") Boolean publicReply, Template template) {
  }

  /** The body of a message after validation: sanitized HTML, text, and the claimed attachments' ids. */
  private record Body(String text, String html, List<String> attachmentIds) {
  }

  /** A committed write: its answer and the events to announce. */
  private record Written<T>(T value, String accountId, long appended) {
  }

  private final Pool db;
  private final EventLog events;
  private final ConversationRepository conversations;
  private final MessageRepository messages;
  private final OutboundQueue outbound;
  private final ReplyChannels replyChannels = new ReplyChannels();
  private final io.switchboard.sla.Sla sla;

  /** What the composer may offer for a reply in this conversation (see ReplyChannels.Options). */
  public Future<ReplyChannels.Options> options(String accountId, String conversationId, String contactId) {
    return replyChannels.options(db, accountId, conversationId, contactId);
  }

  public Replies(Pool db, EventLog events, ConversationRepository conversations, MessageRepository messages,
      OutboundQueue outbound, io.switchboard.sla.Sla sla) {
    this.sla = sla;
    this.db = db;
    this.events = events;
    this.conversations = conversations;
    this.messages = messages;
    this.outbound = outbound;
  }

  /** POST /conversations/{id}/messages. */
  public Future<Posted> post(Caller.User caller, String conversationId, PostMessage req) {
    Body body = body(req.text(), req.html(), req.attachments(), new Check()
        .maxLength("clientId", req.clientId(), 200)
        .maxLength("channelId", req.channelId(), 100)
        .maxLength("afterMessageId", req.afterMessageId(), 100));
    checkTemplate(req.template());
    boolean note = Boolean.TRUE.equals(req.isPrivate());
    checkCall(req.call(), note);
    String account = caller.accountId();
    return db.withTransaction(tx -> conversations.lock(tx, account, conversationId)
            .compose(state -> visible(caller, state))
            .compose(state -> (req.clientId() == null ? Future.succeededFuture(Optional.<MessageView>empty())
                : messages.byClientId(tx, account, conversationId, req.clientId()))
                .compose(first -> first.isPresent()
                    ? Future.succeededFuture(new Written<>(new Posted(first.get(), false), account, 0L))
                    : notStale(tx, caller, conversationId, req.afterMessageId(), !note)
                        .compose(v -> note ? writeNote(tx, caller, state, req.clientId(), body, req.call())
                            : writeReply(tx, caller, state, req, body)))))
        // A concurrent retry with the same clientId lost the race on the unique index: answer with the winner.
        .recover(err -> Sql.isUniqueViolation(err, "message_client_id")
            ? messages.byClientId(db, account, conversationId, req.clientId())
                .map(first -> new Written<>(new Posted(first.orElseThrow(), false), account, 0L))
            : Future.failedFuture(err))
        .map(this::afterCommit);
  }

  /**
   * POST /conversations: the agent writes first, through the channel picked (which must reach the
   * contact) or, without channelId, rule 3 over the contact's earlier conversations.
   */
  public Future<ConversationView> start(Caller.User caller, StartConversation req) {
    Check check = new Check().required("contactId", req.contactId()).maxLength("channelId", req.channelId(), 100)
        .maxLength("subject", req.subject(), 500);
    Body body = body(req.text(), req.html(), req.attachments(), check);
    String account = caller.accountId();
    String conversationId = Ids.next("cv");
    String subject = blankToNull(req.subject());
    return db.withTransaction(tx -> conversations.contactExists(tx, account, req.contactId())
            .compose(exists -> exists
                ? replyChannels.resolve(tx, account, null, req.contactId(), blankToNull(req.channelId()))
                : Future.failedFuture(Problem.invalid("contactId", "is not a contact of this account")))
            .compose(route -> route.isPresent() ? Future.succeededFuture(route.get())
                : Future.failedFuture(Problem.invalid("channelId", blankToNull(req.channelId()) == null
                    ? "is required: the contact never wrote from a verified identity"
                    : "the contact has no verified identity this channel can reach")))
            .compose(route -> writeStart(tx, caller, conversationId, req.contactId(), subject, route, body)))
        .map(this::afterCommit);
  }

  private Future<Written<ConversationView>> writeStart(SqlConnection tx, Caller.User caller, String conversationId,
      String contactId, String subject, Route route, Body body) {
    String account = caller.accountId();
    // The agent who starts a conversation owns it (and so keeps seeing it, whatever the channel's team).
    var assignToCaller = new ConversationRepository.Changes(null, null, true, caller.userId(), false, null, null, null,
        null);
    return conversations.insert(tx, conversationId, account, contactId, subject, route.channelTeamId(),
            route.channelKind())
        .compose(v -> conversations.change(tx, account, conversationId, assignToCaller))
        .compose(v -> sendOut(tx, caller, conversationId, route, "email".equals(route.channelKind()) ? subject : null,
            body, null, false, null))
        .compose(message -> conversations.view(tx, account, conversationId).compose(conv -> {
          ConversationView view = conv.orElseThrow();
          return events.append(tx, account, List.of(
                  new EventDraft("conversation.created", conversationId, view.teamId(), view.assigneeId(), null, null,
                      view),
                  EventDraft.of("message.created", conversationId, view.teamId(), view.assigneeId(), message)))
              .map(appended -> new Written<>(view.withUnread(false), account, appended));
        }));
  }

  private Future<Written<Posted>> writeNote(SqlConnection tx, Caller.User caller, State state, String clientId,
      Body body, LoggedCall call) {
    String account = caller.accountId();
    var draft = new MessageRepository.Draft(Ids.next("msg"), account, state.id(), null, call == null ? null : "phone",
        "note", author(caller), null, false, null, clientId, null, null, body.text(), body.html(),
        List.of(), callRecord(call), false, false, null, null, null);
    boolean calledBack = call != null && "answered".equals(call.outcome());
    return attachments(tx, account, body)
        .compose(refs -> messages.insert(tx, withAttachments(draft, refs))
            .compose(saved -> messages.linkAttachments(tx, account, saved.id(), body.attachmentIds()).map(saved)))
        .compose(saved -> (calledBack ? conversations.calledBack(tx, account, state.id())
                : Future.succeededFuture(Optional.<ConversationView>empty()))
            .compose(cleared -> {
              List<EventDraft> drafts = new java.util.ArrayList<>();
              drafts.add(EventDraft.of("message.created", state.id(), state.teamId(), state.assigneeId(), saved));
              // The call back clears "needs callback": every console's list shows it at once.
              cleared.ifPresent(view -> drafts.add(
                  EventDraft.of("conversation.updated", state.id(), view.teamId(), view.assigneeId(), view)));
              return events.append(tx, account, drafts);
            })
            .map(appended -> new Written<>(new Posted(saved, true), account, appended)));
  }

  private static Map<String, Object> callRecord(LoggedCall call) {
    if (call == null) {
      return null;
    }
    Map<String, Object> record = new java.util.LinkedHashMap<>();
    record.put("direction", call.direction() == null ? "outbound" : call.direction());
    record.put("outcome", call.outcome());
    if (call.durationSec() != null) {
      record.put("durationSec", call.durationSec());
    }
    record.put("logged", true);
    return record;
  }

  private static void checkCall(LoggedCall call, boolean note) {
    if (call == null) {
      return;
    }
    new Check().that(note, "call", "a logged call is an internal note: send it with private: true")
        .required("call.outcome", call.outcome())
        .oneOf("call.outcome", call.outcome(), List.of("answered", "missed", "voicemail"))
        .that(call.direction() == null || List.of("inbound", "outbound").contains(call.direction()), "call.direction",
            "must be inbound or outbound")
        .that(call.durationSec() == null || call.durationSec() >= 0 && call.durationSec() <= 86_400,
            "call.durationSec", "between 0 and 86400")
        .done();
  }

  private Future<Written<Posted>> writeReply(SqlConnection tx, Caller.User caller, State state, PostMessage req,
      Body body) {
    String account = caller.accountId();
    return replyChannels.resolve(tx, account, state.id(), state.contactId(), blankToNull(req.channelId()))
        .compose(route -> route.isPresent() ? Future.succeededFuture(route.get())
            : Future.failedFuture(req.channelId() == null
                ? Problem.invalidSaying("This customer has not written in this conversation from a verified email, "
                    + "chat or social account, so there is no channel to reply through. Pick a channel they can be "
                    + "reached on, or log a call.", "channelId",
                    "no channel can reach the contact: no verified identity wrote in this conversation; pick a channel")
                : Problem.invalidSaying("This customer has no verified address on that channel. Pick another "
                    + "channel, or log a call.", "channelId",
                    "the contact has no verified identity this channel can reach")))
        .compose(route -> req.template() != null ? Future.succeededFuture(route)
            : withinWhatsAppWindow(tx, account, route))
        .compose(route -> conversations.view(tx, account, state.id())
            .compose(before -> sendOut(tx, caller, state.id(), route, "email".equals(route.channelKind())
                ? replySubject(before.orElseThrow().subject()) : null, body, req.clientId(),
                Boolean.TRUE.equals(req.publicReply()), req.template()))
            // A public human reply: the first response (once) and the end of the customer's wait.
            .compose(saved -> sla.replied(tx, account, state.id())
                .compose(v -> conversations.view(tx, account, state.id()))
                .compose(conv -> {
                  ConversationView view = conv.orElseThrow();
                  return events.append(tx, account, List.of(
                          EventDraft.of("message.created", state.id(), view.teamId(), view.assigneeId(), saved),
                          EventDraft.of("conversation.updated", state.id(), view.teamId(), view.assigneeId(), view)))
                      .map(appended -> new Written<>(new Posted(saved, true), account, appended));
                })));
  }

  /** Stores an outbound message (queued) and enqueues its delivery, in the caller's transaction. */
  private Future<MessageView> sendOut(SqlConnection tx, Caller.User caller, String conversationId, Route route,
      String subject, Body body, String clientId, boolean publicReply, Template template) {
    String account = caller.accountId();
    var draft = new MessageRepository.Draft(Ids.next("msg"), account, conversationId, route.channelId(),
        route.channelKind(), "outbound", author(caller), null, false, null, clientId, route.threadKey(), subject,
        body.text(), body.html(), List.of(), null, publicReply, false, null, "queued", null);
    return attachments(tx, account, body).compose(refs -> messages.insert(tx, withAttachments(draft, refs))
        .compose(saved -> messages.linkAttachments(tx, account, saved.id(), body.attachmentIds())
            .compose(n -> conversations.touch(tx, account, conversationId, false, route.channelKind(), null, false))
            .compose(v -> outbound.enqueue(tx, account, route.channelId(), conversationId, saved.id(), "message",
                new OutboundPayload(route.to(), subject, body.text(), body.html(), refs, route.inReplyTo(),
                    route.references(), route.threadKey(), publicReply ? Boolean.TRUE : null, template)))
            .map(saved)));
  }

  /** The customer's latest message on the channel from that WhatsApp identity (time of receipt). */
  private static final String LAST_WHATSAPP_INBOUND = """
      SELECT m.created_at > now() - interval '24 hours' AS open FROM message m
      JOIN identity i ON i.id = m.identity_id AND i.account_id = m.account_id
      WHERE m.account_id = $1 AND m.channel_id = $2 AND m.direction = 'inbound'
        AND i.kind = 'social' AND i.platform = 'whatsapp' AND i.value = 'whatsapp:' || $3
      ORDER BY m.created_at DESC LIMIT 1""";

  /**
   * WhatsApp delivers free text only within 24 hours of the customer's last message; after that
   * only a template (422, so the console offers the channel's templates instead of queueing a
   * message that cannot be delivered).
   */
  private Future<Route> withinWhatsAppWindow(SqlConnection tx, String account, Route route) {
    if (!"social".equals(route.channelKind()) || !"whatsapp".equals(route.to().platform())) {
      return Future.succeededFuture(route);
    }
    return tx.preparedQuery(LAST_WHATSAPP_INBOUND)
        .execute(io.vertx.sqlclient.Tuple.of(account, route.channelId(), route.to().handle()))
        .compose(rows -> rows.size() > 0 && Boolean.TRUE.equals(rows.iterator().next().getBoolean("open"))
            ? Future.succeededFuture(route)
            : Future.failedFuture(Problem.invalid("template", "the customer last wrote on WhatsApp more than 24 hours "
                + "ago: only one of the channel's templates can be sent")));
  }

  private static void checkTemplate(Template t) {
    if (t == null) {
      return;
    }
    List<String> params = t.parameters() == null ? List.of() : t.parameters();
    new Check().required("template.name", t.name()).maxLength("template.name", t.name(), 512)
        .maxLength("template.language", t.language(), 20)
        .that(params.size() <= 20, "template.parameters", "at most 20")
        .that(params.stream().allMatch(p -> p != null && p.length() <= 1024), "template.parameters",
            "each is a text of at most 1024 characters")
        .done();
  }

  /** After commit: tell stream readers about the events (OutboundQueue wakes the adapters itself). */
  private <T> T afterCommit(Written<T> written) {
    events.announce(written.accountId(), written.appended());
    return written.value();
  }

  private Future<State> visible(Caller.User caller, Optional<State> state) {
    if (state.isEmpty() || state.get().mergedInto() != null
        || !caller.sees(state.get().teamId(), state.get().assigneeId())) {
      return Future.failedFuture(Problem.notFound("conversation"));
    }
    return Future.succeededFuture(state.get());
  }

  /**
   * 409 when the agent's reply was written without seeing a newer message: a customer message, or
   * another agent's public reply (two agents answering at once). Both are checked under the
   * conversation's row lock, so of two simultaneous replies the second is refused. Internal notes
   * never conflict.
   */
  private Future<Void> notStale(SqlConnection tx, Caller.User caller, String conversationId, String afterMessageId,
      boolean reply) {
    if (afterMessageId == null || afterMessageId.isBlank()) {
      return Future.succeededFuture();
    }
    String account = caller.accountId();
    return messages.inConversation(tx, account, conversationId, afterMessageId).compose(after -> {
      if (after.isEmpty()) {
        return Future.failedFuture(Problem.invalid("afterMessageId", "is not a message of this conversation"));
      }
      return messages.newestInbound(tx, account, conversationId).compose(newest -> {
        if (newest.isPresent() && isNewer(newest.get(), after.get())) {
          return Future.failedFuture(Problem.conflict("a customer message arrived after the one this reply answers",
              Map.of("message", newest.get(), "reason", "customer")));
        }
        if (!reply) {
          return Future.succeededFuture();
        }
        return messages.newestReplyByOthers(tx, account, conversationId, caller.userId()).compose(other -> {
          if (other.isPresent() && isNewer(other.get(), after.get())) {
            String who = other.get().author() == null || other.get().author().name() == null ? "Another agent"
                : other.get().author().name();
            return Future.failedFuture(Problem.conflict(who + " replied after the message this reply answers",
                Map.of("message", other.get(), "reason", "agent")));
          }
          return Future.succeededFuture();
        });
      });
    });
  }

  private static boolean isNewer(MessageView a, MessageView b) {
    int byTime = a.createdAt().compareTo(b.createdAt());
    return byTime > 0 || byTime == 0 && a.id().compareTo(b.id()) > 0;
  }

  private Future<List<AttachmentRef>> attachments(SqlConnection tx, String account, Body body) {
    return messages.unusedAttachments(tx, account, body.attachmentIds()).compose(refs -> refs.size()
        == body.attachmentIds().size() ? Future.succeededFuture(refs)
        : Future.failedFuture(Problem.invalid("attachments", "names an unknown or already used attachment")));
  }

  private static Body body(String text, String html, List<AttachmentId> attachments, Check check) {
    List<String> ids = attachments == null ? List.of()
        : attachments.stream().map(a -> a == null ? null : a.id()).toList();
    check.that(ids.stream().allMatch(id -> id != null && !id.isBlank()), "attachments", "each needs an id")
        .that(ids.size() <= 20, "attachments", "at most 20")
        .maxLength("text", text, 100_000)
        .maxLength("html", html, 500_000);
    String cleanHtml = HtmlSanitizer.clean(blankToNull(html));
    String plain = blankToNull(text) != null ? text : blankToNull(HtmlSanitizer.text(cleanHtml));
    check.that(plain != null || !ids.isEmpty(), "text", "is required (or html, or attachments)").done();
    return new Body(plain, cleanHtml, ids.stream().filter(Objects::nonNull).distinct().toList());
  }

  private static MessageRepository.Draft withAttachments(MessageRepository.Draft d, List<AttachmentRef> refs) {
    return new MessageRepository.Draft(d.id(), d.accountId(), d.conversationId(), d.channelId(), d.channelKind(),
        d.direction(), d.author(), d.identityId(), d.fromVerified(), d.externalId(), d.clientId(), d.threadKey(),
        d.subject(), d.text(), d.html(), refs, d.call(), d.isPublic(), d.autoSubmitted(), d.sentAt(),
        d.deliveryStatus(), d.ingestAnswer());
  }

  private static Author author(Caller.User caller) {
    return new Author("user", caller.userId(), caller.name());
  }

  static String replySubject(String subject) {
    if (subject == null || subject.isBlank()) {
      return null;
    }
    return subject.regionMatches(true, 0, "re:", 0, 3) ? subject : "Re: " + subject;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
