package io.switchboard.ingest;

import io.switchboard.contact.ContactRepository;
import io.switchboard.conversation.ConversationRepository;
import io.switchboard.conversation.MessageRepository;
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
import io.switchboard.ingest.Identities.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Accepts a customer message from an adapter: unifies the sender into a contact (rule 1) and the
 * message into a conversation (rule 2), stores it with its events in one transaction, and answers
 * only after the commit. A repeat of an externalId returns the first answer.
 */
public final class IngestService {

  /** The answer to the adapter. */
  public record Accepted(String messageId, String conversationId, String contactId, boolean duplicate) {

    JsonObject stored() {
      return new JsonObject().put("messageId", messageId).put("conversationId", conversationId)
          .put("contactId", contactId);
    }

    static Accepted replay(JsonObject stored) {
      return new Accepted(stored.getString("messageId"), stored.getString("conversationId"),
          stored.getString("contactId"), true);
    }
  }

  /** The resolved contact; changed when it was created or gained identities or merge suggestions. */
  private record Contact(String id, String replyIdentityId, boolean replyVerified, boolean changed) {
  }

  private record Target(String conversationId, boolean created, boolean reopen) {
  }

  private static final List<String> DIRECTIONS = List.of("inbound", "outbound");
  private static final List<String> OUTCOMES = List.of("answered", "missed", "voicemail");

  private final Pool db;
  private final EventLog events;
  private final ConversationRepository conversations;
  private final MessageRepository messages;
  private final IngestRepository repo = new IngestRepository();

  /** HTML larger than this is sanitized on a worker thread: jsoup on a big mail would stall the event loop. */
  private static final int SANITIZE_INLINE_LIMIT = 16 * 1024;

  private final Vertx vertx;

  private final ContactRepository contacts;

  public IngestService(Vertx vertx, Pool db, EventLog events, ConversationRepository conversations,
      MessageRepository messages, ContactRepository contacts) {
    this.vertx = vertx;
    this.contacts = contacts;
    this.db = db;
    this.events = events;
    this.conversations = conversations;
    this.messages = messages;
  }

  public Future<Accepted> accept(Caller.Channel channel, InboundMessage msg) {
    return repo.channelInfo(db, channel.accountId(), channel.channelId()).compose(info -> {
      List<Identity> ids = validate(channel, msg, info.secret());
      return sanitize(msg).compose(body -> db.withTransaction(tx -> {
            // Pipelined: the lookup is sent with the locks, and runs once they are held.
            Future<Void> locked = repo.lockInOrder(tx, locks(channel, msg, ids));
            Future<Optional<JsonObject>> first = repo.firstAnswer(tx, channel.accountId(), channel.channelId(),
                msg.externalId());
            return locked.compose(v -> first).compose(answer -> answer.isPresent()
                ? Future.succeededFuture(new Stored(Accepted.replay(answer.get()), 0L))
                : store(tx, channel, msg, body, ids, info.reopenWindowDays()));
          }))
          // A duplicate that slipped past the lock (it cannot, but the unique index is the last word).
          .recover(err -> Sql.isUniqueViolation(err, "message_channel_external")
              ? repo.firstAnswer(db, channel.accountId(), channel.channelId(), msg.externalId())
                  .map(a -> new Stored(Accepted.replay(a.orElseThrow()), 0L))
              : Future.failedFuture(err));
    }).map(stored -> {
      events.announce(channel.accountId(), stored.appended());
      return stored.accepted();
    });
  }

  /**
   * The message's own key first (a repeat waits for the first answer), then the verified
   * identities' keys, sorted: every ingest takes them in this order, so none waits in a circle.
   * The contact's key follows later, once the contact is known.
   */
  private static List<String> locks(Caller.Channel channel, InboundMessage msg, List<Identity> ids) {
    List<String> keys = new ArrayList<>();
    keys.add("msg:" + channel.channelId() + ":" + msg.externalId());
    ids.stream().filter(i -> i.verified() && i.parsed()).map(i -> i.lockKey(channel.accountId()))
        .sorted().distinct().forEach(keys::add);
    return keys;
  }

  private record Stored(Accepted accepted, long appended) {
  }

  /** The message body as stored: sanitized HTML, and text (derived from the HTML when absent). */
  private record Body(String html, String text) {
  }

  private Future<Body> sanitize(InboundMessage msg) {
    if (msg.html() == null) {
      return Future.succeededFuture(new Body(null, msg.text()));
    }
    if (msg.html().length() <= SANITIZE_INLINE_LIMIT) {
      return Future.succeededFuture(clean(msg));
    }
    return vertx.executeBlocking(() -> clean(msg), false);
  }

  private static Body clean(InboundMessage msg) {
    String html = HtmlSanitizer.clean(msg.html());
    return new Body(html, msg.text() != null ? msg.text() : HtmlSanitizer.text(html));
  }

  private Future<Stored> store(SqlConnection tx, Caller.Channel channel, InboundMessage msg, Body body,
      List<Identity> ids, int reopenWindowDays) {
    String account = channel.accountId();
    return resolveContact(tx, channel, ids, msg.from().name()).compose(contact -> {
      // Pipelined: the lock goes out first, so the conversation is chosen while it is held.
      Future<Void> locked = repo.lock(tx, "contact:" + contact.id());
      Future<List<AttachmentRef>> refs = attachments(tx, account, msg);
      Future<Target> target = chooseConversation(tx, channel, contact.id(), msg, reopenWindowDays);
      // join, not all: a failure must wait until the other chains have finished, or a chain could
      // still send a write after the rollback.
      return Future.join(locked, refs, target)
          .compose(v -> write(tx, channel, msg, body, contact, target.result(), refs.result()));
    });
  }

  private Future<Stored> write(SqlConnection tx, Caller.Channel channel, InboundMessage msg, Body body,
      Contact contact, Target target, List<AttachmentRef> refs) {
    String account = channel.accountId();
    String conversationId = target.conversationId();
    String messageId = Ids.next("msg");
    // The answer is known before the insert, so the message row is written once, with it.
    Accepted accepted = new Accepted(messageId, conversationId, contact.id(), false);
    var draft = new MessageRepository.Draft(messageId, account, conversationId, channel.channelId(),
        channel.kind(), "inbound", new Author("contact", contact.id(), blankToNull(msg.from().name())),
        contact.replyIdentityId(), contact.replyVerified(), msg.externalId(), null, blankToNull(msg.threadKey()),
        blankToNull(msg.subject()), body.text(), body.html(), refs, callJson(msg.call()), msg.publicComment(),
        msg.auto(), msg.sentAt(), null, accepted.stored());
    // Pipelined, in this order: the activity update takes the conversation's row lock first (as every
    // writer of a conversation does before anything else of it), and the view reads what the
    // statements before it wrote. Only the events wait for the answers.
    Future<Void> touched = conversations.touch(tx, account, conversationId, !msg.auto(), channel.kind(),
        blankToNull(msg.subject()), target.reopen());
    Future<MessageView> saved = messages.insert(tx, draft);
    Future<Void> linked = linkAttachments(tx, account, messageId, refs);
    Future<Void> remembered = msg.threadKey() == null || msg.threadKey().isBlank() ? Future.succeededFuture()
        : repo.rememberThread(tx, account, channel.channelId(), contact.id(), msg.threadKey(), conversationId);
    Future<Optional<ConversationView>> conv = conversations.view(tx, account, conversationId);
    Future<Optional<Object>> contactData = contact.changed()
        ? contacts.data(tx, account, contact.id()).map(data -> Optional.<Object>of(data))
        : Future.succeededFuture(Optional.empty());
    return Future.join(List.of(touched, saved, linked, remembered, conv, contactData))
        .compose(v -> events.append(tx, account,
            eventsFor(conv.result().orElseThrow(), saved.result(), target, contactData.result())))
        .map(appended -> new Stored(accepted, appended));
  }

  /**
   * contact.updated (when the contact changed), the conversation's event, then message.created.
   * An inbound message never moves a conversation between teams or assignees.
   */
  private static List<EventDraft> eventsFor(ConversationView conv, MessageView message, Target target,
      Optional<?> contactData) {
    String type = target.created() ? "conversation.created" : "conversation.updated";
    List<EventDraft> drafts = new ArrayList<>();
    contactData.ifPresent(data -> drafts.add(
        EventDraft.of("contact.updated", conv.id(), conv.teamId(), conv.assigneeId(), data)));
    drafts.add(EventDraft.of(type, conv.id(), conv.teamId(), conv.assigneeId(), conv));
    drafts.add(EventDraft.of("message.created", conv.id(), conv.teamId(), conv.assigneeId(), message));
    return drafts;
  }

  /** Rule 1: verified identities match verified identities; everything else only suggests a merge. */
  private Future<Contact> resolveContact(SqlConnection tx, Caller.Channel channel, List<Identity> ids, String name) {
    String account = channel.accountId();
    List<Identity> verified = ids.stream().filter(i -> i.verified() && i.parsed()).toList();
    Identity own = Identities.own(channel.kind(), ids);
    AtomicBoolean changed = new AtomicBoolean();
    AtomicBoolean created = new AtomicBoolean();
    return repo.verifiedOwners(tx, account, verified).compose(owners -> {
      if (owners.isEmpty()) {
        changed.set(true);
        created.set(true);
        return repo.insertContact(tx, account, blankToNull(name));
      }
      if (owners.size() == 1) {
        return Future.succeededFuture(owners.get(0));
      }
      // Two contacts hold our verified identities: join the one holding the channel's own kind.
      Future<String> chosen = own != null && own.verified()
          ? repo.verifiedOwner(tx, account, own).map(o -> o.orElse(owners.get(0)))
          : Future.succeededFuture(owners.get(0));
      return chosen.compose(contactId -> suggestAll(tx, account, contactId, owners, verified, changed).map(contactId));
    }).compose(contactId -> attachIdentities(tx, account, contactId, ids, own, changed)
        .compose(reply -> (created.get() ? Future.<Void>succeededFuture() : repo.nameIfMissing(tx, account, contactId, name))
            .map(v -> new Contact(contactId, reply, own != null && own.verified(), changed.get()))));
  }

  private Future<Void> suggestAll(SqlConnection tx, String account, String contactId, List<String> owners,
      List<Identity> verified, AtomicBoolean changed) {
    Future<Void> chain = Future.succeededFuture();
    for (Identity id : verified) {
      chain = chain.compose(v -> repo.verifiedOwner(tx, account, id)).compose(owner -> {
        if (owner.isPresent() && !owner.get().equals(contactId) && owners.contains(owner.get())) {
          return repo.suggest(tx, account, contactId, owner.get(), id, "verified identity of another contact")
              .map(isNew -> record(changed, isNew));
        }
        return Future.succeededFuture();
      });
    }
    return chain;
  }

  /** Adds the message's identities to the contact; returns the id of the identity replies go to. */
  private Future<String> attachIdentities(SqlConnection tx, String account, String contactId, List<Identity> ids,
      Identity own, AtomicBoolean changed) {
    Map<Identity, String> stored = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (Identity id : ids) {
      if (id.verified() && id.parsed()) {
        chain = chain.compose(v -> repo.verifiedOwner(tx, account, id)).compose(owner -> {
          if (owner.isPresent() && !owner.get().equals(contactId)) {
            return Future.succeededFuture(); // another contact's: a suggested merge was recorded
          }
          return repo.addIdentity(tx, account, contactId, id, true).map(row -> {
            stored.put(id, row.id());
            return record(changed, row.inserted());
          });
        });
      } else {
        chain = chain.compose(v -> id.parsed() ? repo.otherOwners(tx, account, id, contactId)
                : Future.succeededFuture(List.<String>of()))
            .compose(others -> {
              Future<Void> s = Future.succeededFuture();
              for (String other : others) {
                s = s.compose(x -> repo.suggest(tx, account, contactId, other, id, "unverified claim of an identity")
                    .map(isNew -> record(changed, isNew)));
              }
              return s;
            })
            .compose(v -> repo.addIdentity(tx, account, contactId, id, false))
            .map(row -> {
              stored.put(id, row.id());
              return record(changed, row.inserted());
            });
      }
    }
    return chain.map(v -> own == null ? null : stored.get(own));
  }

  private static Void record(AtomicBoolean changed, boolean happened) {
    if (happened) {
      changed.set(true);
    }
    return null;
  }

  /** Rule 2: thread key on this channel, else the contact's latest unresolved conversation, else new. */
  private Future<Target> chooseConversation(SqlConnection tx, Caller.Channel channel, String contactId,
      InboundMessage msg, int reopenWindowDays) {
    String account = channel.accountId();
    boolean auto = msg.auto();
    Future<Optional<Target>> byThread = msg.threadKey() == null || msg.threadKey().isBlank()
        ? Future.succeededFuture(Optional.empty())
        : repo.thread(tx, account, channel.channelId(), contactId, msg.threadKey()).map(hit -> hit.flatMap(h -> {
          String id = h.mergedInto() != null ? h.mergedInto() : h.conversationId();
          if (!"resolved".equals(h.status())) {
            return Optional.of(new Target(id, false, !auto));
          }
          if (auto) {
            return Optional.of(new Target(id, false, false));
          }
          boolean recent = h.resolvedAt() != null
              && h.resolvedAt().isAfter(Instant.now().minus(Duration.ofDays(reopenWindowDays)));
          return recent ? Optional.of(new Target(id, false, true)) : Optional.empty();
        }));
    return byThread.compose(hit -> hit.isPresent() ? Future.succeededFuture(hit.get())
        : repo.latestUnresolved(tx, account, contactId).compose(open -> {
          if (open.isPresent()) {
            return Future.succeededFuture(new Target(open.get(), false, !auto));
          }
          if (auto) {
            // An auto-reply never opens a conversation: file it with the latest one, or a closed one.
            return repo.latestAny(tx, account, contactId).compose(any -> any.isPresent()
                ? Future.succeededFuture(new Target(any.get(), false, false))
                : newConversation(tx, channel, contactId, msg, true));
          }
          return newConversation(tx, channel, contactId, msg, false);
        }));
  }

  private Future<Target> newConversation(SqlConnection tx, Caller.Channel channel, String contactId,
      InboundMessage msg, boolean closed) {
    String id = Ids.next("cv");
    return conversations.insert(tx, id, channel.accountId(), contactId, blankToNull(msg.subject()), channel.teamId(),
            channel.kind())
        .compose(v -> closed ? tx.preparedQuery(
                "UPDATE conversation SET status = 'resolved', resolved_at = now() WHERE account_id = $1 AND id = $2")
            .execute(Tuple.of(channel.accountId(), id)).mapEmpty() : Future.succeededFuture())
        .map(v -> new Target(id, true, false));
  }

  private Future<List<AttachmentRef>> attachments(SqlConnection tx, String account, InboundMessage msg) {
    List<String> ids = new ArrayList<>();
    msg.attachmentIds().forEach(a -> ids.add(a.id()));
    if (msg.call() != null && msg.call().recordingAttachmentId() != null) {
      ids.add(msg.call().recordingAttachmentId());
    }
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return repo.unclaimedAttachments(tx, account, ids).compose(found -> {
      if (found.size() != ids.stream().distinct().count()) {
        return Future.failedFuture(Problem.invalid("attachments",
            "names an attachment that was not uploaded with this account's credentials or is already used"));
      }
      return Future.succeededFuture(found.stream()
          .map(a -> new AttachmentRef(a.id(), a.name(), a.contentType(), a.size())).toList());
    });
  }

  private Future<Void> linkAttachments(SqlConnection tx, String account, String messageId, List<AttachmentRef> refs) {
    return messages.linkAttachments(tx, account, messageId, refs.stream().map(AttachmentRef::id).toList()).mapEmpty();
  }

  private static Map<String, Object> callJson(InboundMessage.Call call) {
    if (call == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("direction", call.direction());
    m.put("outcome", call.outcome());
    m.put("durationSec", call.durationSec());
    m.put("recordingAttachmentId", call.recordingAttachmentId());
    m.put("transcript", call.transcript());
    return m;
  }

  /** Everything that makes a message unacceptable, reported at once; returns the identities. */
  private static List<Identity> validate(Caller.Channel channel, InboundMessage msg, String chatSecret) {
    Check check = new Check()
        .required("externalId", msg.externalId()).maxLength("externalId", msg.externalId(), 512)
        .required("from", msg.from())
        .maxLength("subject", msg.subject(), 998)
        .maxLength("threadKey", msg.threadKey(), 998)
        .maxLength("from.name", msg.from() == null ? null : msg.from().name(), 200)
        .that(msg.attachmentIds().stream().allMatch(a -> a != null && a.id() != null && !a.id().isBlank()),
            "attachments", "each attachment needs an id from POST /api/v1/attachments");
    boolean hasBody = notBlank(msg.text()) || notBlank(msg.html()) || !msg.attachmentIds().isEmpty()
        || msg.call() != null;
    check.that(hasBody, "text", "needs at least one of text, html, attachments, call");
    if (msg.call() != null) {
      var c = msg.call();
      check.required("call.direction", c.direction()).oneOf("call.direction", c.direction(), DIRECTIONS)
          .required("call.outcome", c.outcome()).oneOf("call.outcome", c.outcome(), OUTCOMES)
          .that(c.durationSec() == null || c.durationSec() >= 0, "call.durationSec", "must not be negative");
    }
    List<Identity> ids = msg.from() == null ? List.of() : Identities.of(channel, msg.from(), chatSecret, check);
    check.done();
    return ids;
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
