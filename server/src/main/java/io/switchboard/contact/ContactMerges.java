package io.switchboard.contact;

import io.switchboard.contact.ContactRepository.Contact;
import io.switchboard.conversation.ConversationRepository;
import io.switchboard.events.EventDraft;
import io.switchboard.events.EventLog;
import io.switchboard.http.Caller;
import io.switchboard.http.Check;
import io.switchboard.http.Problem;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Merging two contacts an agent has recognised as one person: identities, suggestions and
 * conversations move to the surviving contact, and the other keeps only a pointer (merged_into).
 */
public final class ContactMerges {

  /** What contact events carry: the contact, its identities and open suggestions (never conversations). */
  public record ContactData(String id, String name, String mergedInto, List<ContactRepository.IdentityView> identities,
      List<ContactRepository.SuggestedMerge> suggestedMerges) {
  }

  private final Pool db;
  private final EventLog events;
  private final ContactRepository contacts;
  private final ConversationRepository conversations;

  public ContactMerges(Pool db, EventLog events, ContactRepository contacts, ConversationRepository conversations) {
    this.db = db;
    this.events = events;
    this.contacts = contacts;
    this.conversations = conversations;
  }

  /** Merges other into target in one transaction; completes after the events are announced. */
  public Future<Void> merge(Caller.User caller, String targetId, String otherId) {
    new Check().required("otherId", otherId).that(!targetId.equals(otherId), "otherId", "must be another contact")
        .done();
    String account = caller.accountId();
    // Locks in id order, so two opposite merges (or a merge and ingest) cannot deadlock.
    boolean targetFirst = targetId.compareTo(otherId) < 0;
    return db.withTransaction(tx -> contacts.lock(tx, account, targetFirst ? targetId : otherId)
            .compose(first -> contacts.lock(tx, account, targetFirst ? otherId : targetId)
                .map(second -> targetFirst ? List.of(first, second) : List.of(second, first)))
            .compose(both -> {
              Optional<Contact> target = both.get(0);
              Optional<Contact> other = both.get(1);
              if (target.isEmpty() || target.get().mergedInto() != null || other.isEmpty()) {
                return Future.failedFuture(Problem.notFound("contact"));
              }
              if (other.get().mergedInto() != null) {
                return Future.failedFuture(Problem.invalid("otherId", "was already merged into another contact"));
              }
              return move(tx, account, targetId, otherId);
            }))
        .map(appended -> {
          events.announce(account, appended);
          return null;
        });
  }

  private Future<Long> move(SqlConnection tx, String account, String targetId, String otherId) {
    return contacts.moveIdentities(tx, account, otherId, targetId)
        .compose(v -> contacts.settleSuggestions(tx, account, otherId, targetId))
        .compose(v -> conversations.moveToContact(tx, account, otherId, targetId))
        .compose(moved -> contacts.markMerged(tx, account, otherId, targetId)
            .compose(v -> drafts(tx, account, targetId, otherId, moved)))
        .compose(drafts -> events.append(tx, account, drafts));
  }

  /** contact.updated for both contacts, and conversation.updated for each conversation that changed contact. */
  private Future<List<EventDraft>> drafts(SqlConnection tx, String account, String targetId, String otherId,
      List<String> moved) {
    List<EventDraft> drafts = new ArrayList<>();
    Future<Void> chain = data(tx, account, targetId)
        .compose(t -> data(tx, account, otherId).map(o -> {
          drafts.add(new EventDraft("contact.updated", null, null, null, null, null, t));
          drafts.add(new EventDraft("contact.updated", null, null, null, null, null, o));
          return null;
        }));
    for (String id : moved) {
      chain = chain.compose(v -> conversations.view(tx, account, id)).map(view -> {
        view.ifPresent(c -> drafts.add(EventDraft.of("conversation.updated", c.id(), c.teamId(), c.assigneeId(), c)));
        return null;
      });
    }
    return chain.map(v -> drafts);
  }

  Future<ContactData> data(SqlConnection tx, String account, String contactId) {
    return contacts.data(tx, account, contactId);
  }
}
