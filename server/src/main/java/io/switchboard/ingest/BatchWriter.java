package io.switchboard.ingest;

import io.switchboard.contact.ContactMerges.ContactData;
import io.switchboard.contact.ContactRepository;
import io.switchboard.conversation.Views.ConversationView;
import io.switchboard.conversation.Views.MessageView;
import io.switchboard.events.Appended;
import io.switchboard.events.EventDraft;
import io.switchboard.events.EventLog;
import io.switchboard.ingest.BatchPlan.Kv;
import io.switchboard.ingest.BatchPlan.Placed;
import io.switchboard.ingest.BatchPlan.CallUpdate;
import io.switchboard.ingest.ValidInbound.CallKey;
import io.switchboard.ingest.ValidInbound.DedupeKey;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes one batch of one account's messages in one transaction, in four round trips whatever its
 * size (BEGIN travels with the first, COMMIT follows the last): (1) the advisory locks with the
 * reads rule 1 needs, (2) the contacts' locks with the reads rule 2 needs, (3) every write, (4)
 * the events, numbered. {@link BatchPlan} decides in between.
 */
final class BatchWriter {

  /** What the batch's transaction committed: each message's outcome, and the events it appended. */
  record Written(List<BatchPlan.Outcome> outcomes, Appended appended) {
  }

  private final Pool db;
  private final EventLog events;
  private final ContactRepository contacts;
  private final IngestRepository repo;
  private final IngestMetrics metrics;
  private final io.switchboard.sla.Sla sla;

  BatchWriter(Pool db, EventLog events, ContactRepository contacts, IngestRepository repo, IngestMetrics metrics,
      io.switchboard.sla.Sla sla) {
    this.sla = sla;
    this.db = db;
    this.events = events;
    this.contacts = contacts;
    this.repo = repo;
    this.metrics = metrics;
  }

  /** All messages belong to one account; receivedAt gives each its receipt time. */
  Future<Written> write(List<ValidInbound> batch, List<Instant> receivedAt) {
    String account = batch.get(0).accountId();
    BatchPlan plan = new BatchPlan(sla.now());
    metrics.batch(batch.size());
    long[] stepStart = {System.nanoTime()};
    // SLA: the account's policies are in memory (completed at once unless they changed since the
    // last batch); its statement rides in round trip 3, its timers are armed after the commit.
    return sla.ingest(account).compose(slaBatch -> db.withConnection(tx -> {
      stepStart[0] = metrics.step(IngestMetrics.Step.CONNECTION, stepStart[0]);
      // BEGIN goes out with round trip 1 instead of costing one of its own (Pool.withTransaction
      // waits for it). Nothing is written before round trip 1 has answered, BEGIN included, so no
      // write can run outside the transaction.
      Future<Void> begun = repo.begin(tx);
      return inTransaction(tx, account, plan, batch, receivedAt, begun, stepStart, slaBatch)
          .transform(done -> done.succeeded()
              ? repo.commit(tx).map(done.result())
              : repo.rollback(tx).transform(x -> Future.<Written>failedFuture(done.cause())));
    }).onSuccess(written -> {
      metrics.step(IngestMetrics.Step.COMMIT, stepStart[0]);
      slaBatch.committed();
    }));
  }

  private Future<Written> inTransaction(SqlConnection tx, String account, BatchPlan plan, List<ValidInbound> batch,
      List<Instant> receivedAt, Future<Void> begun, long[] stepStart, io.switchboard.sla.SlaIngest slaBatch) {
    // Round trip 1. Pipelined: the reads go out with the locks and run once they are held.
    Future<Void> planned = repo.planForThisBatch(tx);
    Future<Void> locked = repo.lockInOrder(tx, messageAndIdentityLocks(batch));
    var answers = repo.firstAnswers(tx, account, dedupeKeys(batch));
    var identities = repo.identities(tx, account, identityKeys(batch));
    var attachments = repo.unclaimedAttachments(tx, account, attachmentIds(batch));
    var calls = repo.calls(tx, account, callKeys(batch));
    return Future.join(List.of(begun, planned, locked, answers, identities, attachments, calls)).compose(v -> {
      stepStart[0] = metrics.step(IngestMetrics.Step.IDENTITIES, stepStart[0]);
      plan.resolveContacts(batch, receivedAt, answers.result(), identities.result(), attachments.result(),
          calls.result());
      // Round trip 2: the contacts' locks (a message that names another identity of the same
      // contact waits here), then what their conversations and threads look like.
      List<String> existing = plan.existingContacts();
      Future<Void> contactsLocked = repo.lockInOrder(tx, existing.stream().map(id -> "contact:" + id).toList());
      var threads = repo.threads(tx, account, plan.threadKeys());
      var latest = repo.latest(tx, account, existing);
      return Future.join(contactsLocked, threads, latest).map(x -> {
        stepStart[0] = metrics.step(IngestMetrics.Step.CONVERSATIONS, stepStart[0]);
        plan.chooseConversations(threads.result(), latest.result());
        return plan;
      });
    }).compose(p -> store(tx, account, p, stepStart, slaBatch));
  }

  /** Round trips 3 and 4: every write pipelined in one, then the events with their numbers. */
  private Future<Written> store(SqlConnection tx, String account, BatchPlan plan, long[] stepStart,
      io.switchboard.sla.SlaIngest slaBatch) {
    List<Placed> placed = plan.outcomes.stream().filter(o -> o instanceof Placed).map(o -> (Placed) o).toList();
    List<CallUpdate> callUpdates = List.copyOf(plan.callUpdates.values());
    if (placed.isEmpty() && callUpdates.isEmpty()) {
      return Future.succeededFuture(new Written(plan.outcomes, new Appended(account, List.of())));
    }
    Set<String> conversationIds = new LinkedHashSet<>();
    placed.forEach(p -> conversationIds.add(p.conversationId));
    callUpdates.forEach(u -> conversationIds.add(u.stored.conversationId()));
    List<Future<?>> writes = new ArrayList<>();
    writes.add(repo.insertContacts(tx, account, plan.newContacts.values()));
    writes.add(repo.nameIfMissing(tx, account, plan.namesIfMissing));
    writes.add(repo.insertIdentities(tx, account, plan.newIdentities));
    writes.add(repo.verifyIdentities(tx, account, plan.identitiesToVerify));
    Future<Set<String>> suggested = repo.suggest(tx, account, plan.suggestions);
    writes.add(suggested);
    writes.add(repo.insertConversations(tx, account, plan.newConversations.values()));
    writes.add(repo.touchConversations(tx, account, plan.touched));
    writes.add(slaBatch.write(tx, slaTouches(plan)));
    Future<Map<String, MessageView>> saved = repo.insertMessages(tx, account, placed);
    writes.add(saved);
    Future<Map<String, MessageView>> updatedCalls = repo.updateCalls(tx, account, callUpdates);
    writes.add(updatedCalls);
    writes.add(repo.linkAttachments(tx, account, attachmentOwners(placed, callUpdates)));
    writes.add(repo.rememberThreads(tx, account, plan.threadsToRemember));
    Future<Map<String, ConversationView>> views = repo.views(tx, account, conversationIds);
    writes.add(views);
    Future<Map<String, ContactData>> cards = contacts.dataOf(tx, account, plan.maybeChangedContacts());
    writes.add(cards);
    // join, not all: a failure must wait until every statement has answered, or one could still
    // be on its way when the rollback is sent.
    return Future.join(writes).compose(v -> {
      stepStart[0] = metrics.step(IngestMetrics.Step.WRITES, stepStart[0]);
      Set<String> changed = new HashSet<>(plan.changedContacts);
      changed.addAll(suggested.result());
      List<EventDraft> drafts = eventsFor(placed, views.result(), saved.result(), changed, cards.result());
      for (CallUpdate u : callUpdates) {
        ConversationView conv = views.result().get(u.stored.conversationId());
        drafts.add(EventDraft.of("message.updated", conv.id(), conv.teamId(), conv.assigneeId(),
            updatedCalls.result().get(u.stored.messageId())));
      }
      return events.appendAll(tx, account, drafts);
    }).map(appended -> {
      stepStart[0] = metrics.step(IngestMetrics.Step.EVENTS, stepStart[0]);
      return new Written(plan.outcomes, appended);
    });
  }

  /**
   * Per message, in arrival order: contact.updated (the first time a changed contact appears),
   * the conversation's event (the first time it appears: created or updated, with its state after
   * the batch), then message.created. An inbound message never moves a conversation between teams
   * or assignees.
   */
  private static List<EventDraft> eventsFor(List<Placed> placed, Map<String, ConversationView> views,
      Map<String, MessageView> saved, Set<String> changed, Map<String, ContactData> cards) {
    List<EventDraft> drafts = new ArrayList<>();
    Set<String> contactsSent = new HashSet<>();
    Set<String> conversationsSent = new HashSet<>();
    for (Placed p : placed) {
      ConversationView conv = views.get(p.conversationId);
      if (changed.contains(p.contactId) && contactsSent.add(p.contactId)) {
        drafts.add(EventDraft.of("contact.updated", conv.id(), conv.teamId(), conv.assigneeId(),
            cards.get(p.contactId)));
      }
      if (conversationsSent.add(conv.id())) {
        String type = p.conversationCreated ? "conversation.created" : "conversation.updated";
        drafts.add(EventDraft.of(type, conv.id(), conv.teamId(), conv.assigneeId(), conv));
      }
      drafts.add(EventDraft.of("message.created", conv.id(), conv.teamId(), conv.assigneeId(),
          saved.get(p.messageId)));
    }
    return drafts;
  }

  /** Each conversation the batch wrote to, with the receipt time of its first customer message. */
  private static List<io.switchboard.sla.SlaIngest.Touch> slaTouches(BatchPlan plan) {
    List<io.switchboard.sla.SlaIngest.Touch> out = new ArrayList<>();
    plan.newConversations.values().forEach(c -> out.add(
        new io.switchboard.sla.SlaIngest.Touch(c.id, c.activity.firstInboundAt)));
    plan.touched.forEach((id, a) -> out.add(new io.switchboard.sla.SlaIngest.Touch(id, a.firstInboundAt)));
    return out;
  }

  /**
   * The messages' own keys (a repeat waits for the first answer) and their verified identities'
   * keys, sorted together: every batch takes them in this order, so none waits in a circle.
   */
  private static List<String> messageAndIdentityLocks(List<ValidInbound> batch) {
    Set<String> keys = new TreeSet<>();
    for (ValidInbound in : batch) {
      keys.add("msg:" + in.channel().channelId() + ":" + in.msg().externalId());
      in.ids().stream().filter(i -> i.verified() && i.parsed()).forEach(i -> keys.add(i.lockKey(in.accountId())));
      CallKey call = in.callKey();
      if (call != null) {
        // Events of one call in two batches at once: the second waits, then finds the first's message.
        keys.add("call:" + call.channelId() + ":" + call.callId());
      }
    }
    return List.copyOf(keys);
  }

  /** Which message claims each upload: a new message's own, or a stored call's later recording. */
  private static Map<String, String> attachmentOwners(List<Placed> placed, List<CallUpdate> callUpdates) {
    Map<String, String> owners = new java.util.LinkedHashMap<>();
    placed.forEach(p -> p.attachments.forEach(a -> owners.put(a.id(), p.messageId)));
    callUpdates.forEach(u -> u.added.forEach(a -> owners.put(a.id(), u.stored.messageId())));
    return owners;
  }

  private static Set<CallKey> callKeys(List<ValidInbound> batch) {
    Set<CallKey> keys = new LinkedHashSet<>();
    batch.forEach(in -> {
      if (in.callKey() != null) {
        keys.add(in.callKey());
      }
    });
    return keys;
  }

  private static Set<DedupeKey> dedupeKeys(List<ValidInbound> batch) {
    Set<DedupeKey> keys = new LinkedHashSet<>();
    batch.forEach(in -> keys.add(in.dedupeKey()));
    return keys;
  }

  private static Set<Kv> identityKeys(List<ValidInbound> batch) {
    Set<Kv> keys = new LinkedHashSet<>();
    batch.forEach(in -> in.ids().forEach(id -> keys.add(Kv.of(id))));
    return keys;
  }

  private static Set<String> attachmentIds(List<ValidInbound> batch) {
    Set<String> ids = new LinkedHashSet<>();
    batch.forEach(in -> ids.addAll(in.attachmentIds()));
    return ids;
  }
}
