package io.switchboard.contact;

import io.switchboard.contact.ContactRepository.IdentityView;
import io.switchboard.contact.ContactRepository.SuggestedMerge;
import io.switchboard.conversation.ConversationRepository;
import io.switchboard.conversation.Cursor;
import io.switchboard.conversation.Views.ConversationView;
import io.switchboard.events.EventLog;
import io.switchboard.http.Authenticator;
import io.switchboard.http.Caller;
import io.switchboard.http.Check;
import io.switchboard.http.Json;
import io.switchboard.http.Problem;
import io.switchboard.http.Responses.Reply;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;

import static io.switchboard.http.Responses.handle;

/** Contacts for agents: the contact card with everything known about the person, search and merge. */
public final class ContactRoutes {

  /** GET /contacts/{id}. orders and returns are filled by commerce once it links orders to contacts. */
  public record ContactView(String id, String name, Instant createdAt, String mergedInto,
      List<IdentityView> identities, List<SuggestedMerge> suggestedMerges, List<ConversationView> conversations,
      List<Object> orders, List<Object> returns) {
  }

  public record MergeRequest(String otherId) {
  }

  private final Pool db;
  private final Authenticator auth;
  private final EventLog events;
  private final ContactRepository contacts;
  private final ConversationRepository conversations;
  private final ContactMerges merges;

  public ContactRoutes(Pool db, Authenticator auth, EventLog events, ContactRepository contacts,
      ConversationRepository conversations) {
    this.db = db;
    this.auth = auth;
    this.events = events;
    this.contacts = contacts;
    this.conversations = conversations;
    this.merges = new ContactMerges(db, events, contacts, conversations);
  }

  public void mount(Router api) {
    api.get("/contacts").handler(auth.user("agent")).handler(handle(this::search));
    api.get("/contacts/:id").handler(auth.user("agent")).handler(handle(this::get));
    api.post("/contacts/:id/merge").handler(auth.user("agent")).handler(handle(this::merge));
  }

  private Future<Reply> get(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    // The seq is read before the data, so the body reflects every event up to it.
    return events.current(db, caller.accountId())
        .compose(seq -> view(caller, pathId(ctx)).map(v -> Reply.ok(v).withSeq(seq)));
  }

  private Future<Reply> merge(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    MergeRequest body = Json.read(ctx.body().buffer(), MergeRequest.class);
    String id = pathId(ctx);
    return merges.merge(caller, id, body.otherId()).compose(v -> view(caller, id)).map(Reply::ok);
  }

  private Future<Reply> search(RoutingContext ctx) {
    Caller.User caller = Authenticator.user(ctx);
    String q = blankToNull(ctx.queryParams().get("q"));
    String limitText = blankToNull(ctx.queryParams().get("limit"));
    String cursor = blankToNull(ctx.queryParams().get("cursor"));
    int limit = 50;
    Check check = new Check().maxLength("q", q, 200)
        .that(q == null || q.indexOf('\0') < 0, "q", "must not contain NUL characters");
    if (limitText != null) {
      limit = limitText.matches("\\d{1,3}") ? Integer.parseInt(limitText) : -1;
      check.that(limit >= 1 && limit <= 100, "limit", "must be a whole number from 1 to 100");
    }
    check.done();
    Cursor after = cursor == null ? null : Cursor.decode("cursor", cursor);
    int pageSize = limit;
    return events.current(db, caller.accountId())
        .compose(seq -> contacts.search(db, caller.accountId(), q == null ? null : q.trim(), after, pageSize)
            .map(page -> Reply.ok(page).withSeq(seq)));
  }

  private Future<ContactView> view(Caller.User caller, String id) {
    String account = caller.accountId();
    return contacts.contact(db, account, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(Problem.notFound("contact"));
      }
      var c = found.get();
      return contacts.identities(db, account, id)
          .compose(ids -> contacts.suggestions(db, account, id)
              .compose(suggested -> conversations.ofContact(db, caller, id)
                  .map(convs -> new ContactView(c.id(), c.name(), c.createdAt(), c.mergedInto(), ids, suggested,
                      convs, List.of(), List.of()))));
    });
  }

  /** Ids are opaque; one that cannot be ours (a NUL, which PostgreSQL refuses, or absurd length) is not found. */
  private static String pathId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || id.length() > 200 || id.indexOf('\0') >= 0) {
      throw Problem.notFound("contact");
    }
    return id;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
