package io.switchboard.conversation;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.contact.ContactRepository;
import io.switchboard.contact.ContactRepository.ContactCard;
import io.switchboard.conversation.Views.ConversationView;
import io.switchboard.conversation.Views.MessageView;
import io.switchboard.events.EventLog;
import io.switchboard.http.Authenticator;
import io.switchboard.http.Caller;
import io.switchboard.http.Json;
import io.switchboard.http.Problem;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.switchboard.http.Responses.handle;

/** The agents' conversation API (user token, every role; agents only see what Caller.User.sees). */
public final class ConversationRoutes {

  public static final int MESSAGES_PER_PAGE = 50;

  /**
   * GET /conversations/{id}: the conversation's fields, its contact, and a page of messages
   * oldest first (the newest 50, or the 50 before beforeCursor). messagesBeforeCursor (also sent as
   * beforeCursor, the name the console reads) pages further back and is null on the first message.
   */
  public record ConversationDetail(@JsonUnwrapped ConversationView conversation, ContactCard contact,
      List<MessageView> messages, String messagesBeforeCursor, String beforeCursor, List<Object> returns) {
  }

  public record PatchBody(String status, String assigneeId, String teamId, String priority, List<String> tags,
      Instant snoozeUntil, String subject) {
  }

  /** POST /conversations/{id}/split: the messages to move and the new conversation's subject (default: this one's). */
  public record SplitBody(List<String> messageIds, String subject) {
  }

  public record MergeBody(String otherId) {
  }

  private final Pool db;
  private final Authenticator auth;
  private final EventLog events;
  private final ConversationRepository conversations;
  private final MessageRepository messages;
  private final ContactRepository contacts;
  private final Replies replies;
  private final ConversationChanges changes;

  public ConversationRoutes(Pool db, Authenticator auth, EventLog events, ConversationRepository conversations,
      MessageRepository messages, ContactRepository contacts, Replies replies, io.switchboard.sla.Sla sla) {
    this.db = db;
    this.auth = auth;
    this.events = events;
    this.conversations = conversations;
    this.messages = messages;
    this.contacts = contacts;
    this.replies = replies;
    this.changes = new ConversationChanges(db, events, conversations, messages, sla);
  }

  public void mount(Router api) {
    api.get("/conversations").handler(auth.user("agent")).handler(handle(this::list));
    api.post("/conversations").handler(auth.user("agent")).handler(handle(this::start));
    api.get("/conversations/:id").handler(auth.user("agent")).handler(handle(this::get));
    api.patch("/conversations/:id").handler(auth.user("agent")).handler(handle(this::patch));
    api.post("/conversations/:id/messages").handler(auth.user("agent")).handler(handle(this::post));
    api.post("/conversations/:id/read").handler(auth.user("agent")).handler(handle(this::read));
    api.post("/conversations/:id/merge").handler(auth.user("agent")).handler(handle(this::merge));
    api.get("/conversations/:id/reply-options").handler(auth.user("agent")).handler(handle(this::replyOptions));
    api.post("/conversations/:id/split").handler(auth.user("agent")).handler(handle(this::split));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    ConversationList query = ConversationList.parse(name -> ctx.queryParams().get(name));
    // The seq is read before the data, so the body reflects every event up to it.
    return events.current(db, caller.accountId())
        .compose(seq -> conversations.list(db, caller, query).map(page -> Reply.ok(page).withSeq(seq)));
  }

  private Future<Reply> get(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    String id = pathId(ctx);
    String before = ctx.queryParams().get("beforeCursor");
    Cursor cursor = before == null || before.isBlank() ? null : Cursor.decode("beforeCursor", before);
    return events.current(db, caller.accountId()).compose(seq -> conversations.viewFor(db, caller, id)
        .compose(found -> found.isEmpty() ? Future.failedFuture(Problem.notFound("conversation"))
            : detail(caller, found.get(), cursor))
        .map(detail -> Reply.ok(detail).withSeq(seq)));
  }

  private Future<ConversationDetail> detail(Caller.User caller, ConversationView conv, Cursor before) {
    String account = caller.accountId();
    Future<List<MessageView>> page = messages.page(db, account, conv.id(), before == null ? null : before.at(),
        before == null ? null : before.id(), MESSAGES_PER_PAGE + 1);
    Future<java.util.Optional<ContactCard>> contact = contacts.card(db, account, conv.contactId());
    return Future.all(page, contact).map(all -> {
      List<MessageView> newestFirst = page.result();
      String older = null;
      if (newestFirst.size() > MESSAGES_PER_PAGE) {
        newestFirst = newestFirst.subList(0, MESSAGES_PER_PAGE);
        MessageView oldest = newestFirst.get(MESSAGES_PER_PAGE - 1);
        older = new Cursor(oldest.createdAt(), oldest.id()).encode();
      }
      List<MessageView> chronological = new ArrayList<>(newestFirst);
      Collections.reverse(chronological);
      return new ConversationDetail(conv, contact.result().orElse(null), chronological, older, older, List.of());
    });
  }

  private Future<Reply> start(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    var body = Json.read(ctx.body().buffer(), Replies.StartConversation.class);
    return replies.start(caller, body).compose(conv -> detail(caller, conv, null)).map(Reply::created);
  }

  private Future<Reply> post(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    var body = Json.read(ctx.body().buffer(), Replies.PostMessage.class);
    return replies.post(caller, pathId(ctx), body)
        .map(posted -> posted.created() ? Reply.created(posted.message()) : Reply.ok(posted.message()));
  }

  private Future<Reply> patch(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    JsonNode tree = Json.tree(ctx.body().buffer());
    PatchBody body = Json.bind(tree, PatchBody.class);
    var patch = new ConversationChanges.Patch(body.status(), body.assigneeId(), tree.has("assigneeId"),
        body.teamId(), tree.has("teamId"), body.priority(), body.tags(), body.snoozeUntil(), body.subject());
    return changes.patch(caller, pathId(ctx), patch).map(Reply::ok);
  }

  /** Answers 201 with the new conversation and its messages (the moved ones). */
  private Future<Reply> split(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    SplitBody body = Json.read(ctx.body().buffer(), SplitBody.class);
    return changes.split(caller, pathId(ctx), body.messageIds(), body.subject())
        .compose(conv -> detail(caller, conv, null)).map(Reply::created);
  }

  /** GET /conversations/{id}/reply-options: the channels a written reply can go through, and the phone to call. */
  private Future<Reply> replyOptions(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    return conversations.viewFor(db, caller, pathId(ctx)).compose(found -> found.isEmpty()
            ? Future.failedFuture(Problem.notFound("conversation"))
            : replies.options(caller.accountId(), found.get().id(), found.get().contactId()))
        .map(Reply::ok);
  }

  private Future<Reply> read(RoutingContext ctx) {
    return changes.markRead(Authenticator.user(ctx), pathId(ctx)).map(v -> Reply.noContent());
  }

  private Future<Reply> merge(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    MergeBody body = Json.read(ctx.body().buffer(), MergeBody.class);
    return changes.merge(caller, pathId(ctx), body.otherId()).map(Reply::ok);
  }

  /** Ids are opaque; one that cannot be ours (a NUL, which PostgreSQL refuses, or absurd length) is not found. */
  static String pathId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || id.length() > 200 || id.indexOf('\0') >= 0) {
      throw Problem.notFound("conversation");
    }
    return id;
  }
}
