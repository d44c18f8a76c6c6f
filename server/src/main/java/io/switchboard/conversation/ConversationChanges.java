package io.switchboard.conversation;

import io.switchboard.conversation.ConversationRepository.Changes;
import io.switchboard.conversation.ConversationRepository.State;
import io.switchboard.conversation.Views.ConversationView;
import io.switchboard.events.EventDraft;
import io.switchboard.events.EventLog;
import io.switchboard.http.Caller;
import io.switchboard.http.Check;
import io.switchboard.http.Problem;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Triage: status, assignment, team, priority, tags and snoozing; and merging two conversations. */
public final class ConversationChanges {

  public static final List<String> STATUSES = ConversationList.STATUSES;
  public static final List<String> PRIORITIES = List.of("low", "normal", "high", "urgent");

  /**
   * A PATCH body. setAssignee/setTeam tell an explicit null (unassign, no team) from an absent field.
   */
  public record Patch(String status, String assigneeId, boolean setAssignee, String teamId, boolean setTeam,
      String priority, List<String> tags, Instant snoozeUntil, String subject) {
  }

  /** At most this many messages move in one split (a console selection, not a bulk job). */
  public static final int MAX_SPLIT = 500;

  private record Committed(ConversationView view, String accountId, long appended) {
  }

  private final Pool db;
  private final EventLog events;
  private final ConversationRepository conversations;
  private final MessageRepository messages;
  private final io.switchboard.sla.Sla sla;

  public ConversationChanges(Pool db, EventLog events, ConversationRepository conversations,
      MessageRepository messages, io.switchboard.sla.Sla sla) {
    this.sla = sla;
    this.db = db;
    this.events = events;
    this.conversations = conversations;
    this.messages = messages;
  }

  /** PATCH /conversations/{id}: answers the resulting conversation. */
  public Future<ConversationView> patch(Caller.User caller, String id, Patch p) {
    List<String> tags = validate(p);
    String account = caller.accountId();
    return db.withTransaction(tx -> conversations.lock(tx, account, id)
            .compose(state -> visible(caller, state))
            .compose(state -> references(tx, account, p).compose(v -> {
              String status = p.status() != null ? p.status() : state.status();
              new Check()
                  .that(!"snoozed".equals(p.status()) || p.snoozeUntil() != null, "snoozeUntil",
                      "is required to snooze")
                  .that(p.snoozeUntil() == null || "snoozed".equals(status), "snoozeUntil",
                      "only applies with status snoozed")
                  .done();
              Changes changes = new Changes(p.status(), p.priority(), p.setAssignee(), p.assigneeId(), p.setTeam(),
                  p.teamId(), tags, p.snoozeUntil(), p.subject() == null ? null : p.subject().strip());
              // SLA clocks (and the CSAT survey of a resolution) move in the same transaction.
              return sla.patched(tx, account, id, p.status(), p.priority())
                  .compose(x -> conversations.change(tx, account, id, changes))
                  .compose(x -> conversations.view(tx, account, id))
                  .compose(conv -> {
                    ConversationView view = conv.orElseThrow();
                    // prev team/assignee let the stream tell the agent who loses the conversation.
                    return events.append(tx, account, new EventDraft("conversation.updated", id, view.teamId(),
                            view.assigneeId(), state.teamId(), state.assigneeId(), view))
                        .map(appended -> new Committed(view, account, appended));
                  });
            })))
        .compose(c -> {
          events.announce(c.accountId(), c.appended());
          return conversations.viewFor(db, caller, id).map(v -> v.orElse(c.view().withUnread(false)));
        });
  }

  /**
   * POST /conversations/{id}/merge: the other conversation's messages move here and the other is
   * hidden from lists (merged_into). Both must belong to the same contact: merging two customers'
   * conversations would show each customer's messages in the other's thread.
   */
  public Future<ConversationView> merge(Caller.User caller, String targetId, String otherId) {
    new Check().required("otherId", otherId).that(!targetId.equals(otherId), "otherId",
        "must be another conversation").done();
    String account = caller.accountId();
    // Locks in id order, so two opposite merges cannot deadlock.
    boolean targetFirst = targetId.compareTo(otherId) < 0;
    return db.withTransaction(tx -> conversations.lock(tx, account, targetFirst ? targetId : otherId)
            .compose(first -> conversations.lock(tx, account, targetFirst ? otherId : targetId)
                .map(second -> targetFirst ? List.of(first, second) : List.of(second, first)))
            .compose(both -> visible(caller, both.get(0)).compose(target -> visible(caller, both.get(1))
                .compose(other -> {
                  if (!target.contactId().equals(other.contactId())) {
                    return Future.failedFuture(Problem.invalid("otherId",
                        "belongs to another contact; merge the contacts first"));
                  }
                  return messages.moveAll(tx, account, other.id(), target.id())
                      .compose(n -> conversations.absorb(tx, account, target.id(), other.id()))
                      .compose(v -> conversations.view(tx, account, target.id()))
                      .compose(conv -> appendMerged(tx, account, target, other, conv.orElseThrow()));
                }))))
        .compose(c -> {
          events.announce(c.accountId(), c.appended());
          return conversations.viewFor(db, caller, targetId).map(v -> v.orElse(c.view()));
        });
  }

  /**
   * POST /conversations/{id}/split: the chosen messages move into a new conversation of the same
   * contact (same team, assignee and priority, status open). Thread keys stay with this
   * conversation, so the customer's next message on a thread still lands here. Events: the new
   * conversation's conversation.created, this one's conversation.updated, and message.updated for
   * each moved message (its conversationId changed), so every console moves them live.
   */
  public Future<ConversationView> split(Caller.User caller, String id, List<String> messageIds, String subject) {
    List<String> ids = messageIds == null ? List.of()
        : messageIds.stream().filter(m -> m != null && !m.isBlank()).distinct().toList();
    String account = caller.accountId();
    String newId = io.switchboard.http.Ids.next("cv");
    // Visibility first: another account's (or team's) conversation is 404 whatever the body says.
    return db.withTransaction(tx -> conversations.lock(tx, account, id)
            .compose(state -> visible(caller, state))
            .compose(state -> {
              new Check()
                  .that(!ids.isEmpty(), "messageIds", "Choose at least one message to move.")
                  .that(messageIds == null || messageIds.stream().allMatch(m -> m != null && !m.isBlank()),
                      "messageIds", "Each message needs an id.")
                  .that(ids.size() <= MAX_SPLIT, "messageIds", "At most " + MAX_SPLIT + " messages can move at once.")
                  .that(ids.stream().allMatch(m -> m.length() <= 100 && m.indexOf('\0') < 0), "messageIds",
                      "names a message that is not in this conversation")
                  .that(subject == null || !subject.isBlank(), "subject", "The subject cannot be empty.")
                  .maxLength("subject", subject, 500)
                  .done();
              return messages.countChosen(tx, account, id, ids);
            })
            .compose(counts -> {
              new Check()
                  .that(counts[0] == ids.size(), "messageIds", "names a message that is not in this conversation")
                  .that(counts[0] < counts[1], "messageIds",
                      "Leave at least one message in this conversation (to move all of them, change its subject).")
                  .done();
              return conversations.view(tx, account, id);
            }).compose(before -> {
              String newSubject = subject != null ? subject.strip() : before.orElseThrow().subject();
              return conversations.splitOff(tx, account, id, newId, ids, newSubject)
                  .compose(v -> messages.moveChosen(tx, account, id, newId, ids))
                  .compose(moved -> conversations.recompute(tx, account, id)
                      // Both conversations' SLA clocks, once, from the messages each now holds.
                      .compose(v -> sla.split(tx, account, id, newId))
                      .compose(v -> conversations.view(tx, account, id))
                      .compose(source -> conversations.view(tx, account, newId).compose(created -> {
                        ConversationView src = source.orElseThrow();
                        ConversationView made = created.orElseThrow();
                        List<EventDraft> drafts = new ArrayList<>();
                        drafts.add(new EventDraft("conversation.created", newId, made.teamId(), made.assigneeId(),
                            null, null, made));
                        for (var m : moved) {
                          drafts.add(EventDraft.of("message.updated", newId, made.teamId(), made.assigneeId(), m));
                        }
                        drafts.add(EventDraft.of("conversation.updated", id, src.teamId(), src.assigneeId(), src));
                        return events.append(tx, account, drafts)
                            .map(appended -> new Committed(made, account, appended));
                      })));
            }))
        .compose(c -> {
          events.announce(c.accountId(), c.appended());
          return conversations.viewFor(db, caller, newId).map(v -> v.orElse(c.view()));
        });
  }

  private Future<Committed> appendMerged(SqlConnection tx, String account, State target, State other,
      ConversationView view) {
    List<EventDraft> drafts = new ArrayList<>();
    drafts.add(EventDraft.of("conversation.updated", target.id(), view.teamId(), view.assigneeId(), view));
    // The other conversation leaves every list; clients drop it and follow mergedInto.
    drafts.add(EventDraft.of("conversation.merged", other.id(), other.teamId(), other.assigneeId(),
        Map.of("id", other.id(), "mergedInto", target.id())));
    return events.append(tx, account, drafts).map(appended -> new Committed(view, account, appended));
  }

  /** POST /conversations/{id}/read. */
  public Future<Void> markRead(Caller.User caller, String id) {
    return conversations.viewFor(db, caller, id).compose(view -> view.isEmpty()
        ? Future.failedFuture(Problem.notFound("conversation"))
        : conversations.markRead(db, caller.accountId(), caller.userId(), id));
  }

  /** The assignee and team named in a PATCH must exist in the account (422 otherwise). */
  private Future<Void> references(SqlConnection tx, String account, Patch p) {
    Future<Boolean> assignee = p.assigneeId() == null ? Future.succeededFuture(true)
        : conversations.userExists(tx, account, p.assigneeId());
    return assignee.compose(userOk -> (p.teamId() == null ? Future.succeededFuture(true)
            : conversations.teamExists(tx, account, p.teamId()))
        .compose(teamOk -> {
          new Check().that(userOk, "assigneeId", "is not an active user of this account")
              .that(teamOk, "teamId", "is not a team of this account").done();
          return Future.succeededFuture();
        }));
  }

  private static Future<State> visible(Caller.User caller, Optional<State> state) {
    if (state.isEmpty() || state.get().mergedInto() != null
        || !caller.sees(state.get().teamId(), state.get().assigneeId())) {
      return Future.failedFuture(Problem.notFound("conversation"));
    }
    return Future.succeededFuture(state.get());
  }

  /** Validates what needs no database; returns the normalized tags (null: unchanged). */
  private static List<String> validate(Patch p) {
    Check check = new Check().oneOf("status", p.status(), STATUSES).oneOf("priority", p.priority(), PRIORITIES)
        .maxLength("assigneeId", p.assigneeId(), 100).maxLength("teamId", p.teamId(), 100)
        .that(p.snoozeUntil() == null || p.snoozeUntil().isAfter(Instant.now()), "snoozeUntil",
            "must be in the future")
        .that(p.subject() == null || !p.subject().isBlank(), "subject", "The subject cannot be empty.")
        .maxLength("subject", p.subject(), 500);
    List<String> tags = null;
    if (p.tags() != null) {
      LinkedHashSet<String> unique = new LinkedHashSet<>();
      for (String tag : p.tags()) {
        check.that(tag != null && !tag.isBlank(), "tags", "must not contain empty tags");
        if (tag != null && !tag.isBlank()) {
          check.maxLength("tags", tag.trim(), 64);
          unique.add(tag.trim());
        }
      }
      check.that(unique.size() <= 50, "tags", "at most 50 tags");
      tags = List.copyOf(unique);
    }
    check.done();
    return tags;
  }
}
