package io.switchboard.ingest;

import io.switchboard.conversation.Views.AttachmentRef;
import io.switchboard.http.Ids;
import io.switchboard.http.Problem;
import io.switchboard.ingest.Identities.Identity;
import io.switchboard.ingest.ValidInbound.CallKey;
import io.switchboard.ingest.ValidInbound.DedupeKey;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rules 1 and 2 of the contract applied to a whole batch of one account's messages, in memory.
 * Pure code, no I/O: the batch writer reads what the batch touches, hands it in, and writes what
 * comes out. Messages are taken in arrival order, and each sees what the earlier ones of the batch
 * did (a contact they created, an identity they added, a conversation they opened or reopened, a
 * thread key they remembered), so a batch decides exactly what the same messages one by one would.
 */
final class BatchPlan {

  /** How one message of the batch ends. */
  sealed interface Outcome permits Duplicate, DuplicateOf, Rejected, Placed, CallUpdate, SameCall {
  }

  /** A repeat of an externalId: gets the first answer. */
  record Duplicate(IngestService.Accepted answer) implements Outcome {
  }

  /** Bad for a reason only stored state shows (an attachment that is not there): a 4xx of its own. */
  record Rejected(Problem problem) implements Outcome {
  }

  /** A message to store. Its conversation is known after {@link #chooseConversations}. */
  static final class Placed implements Outcome {
    final ValidInbound in;
    final String messageId = Ids.next("msg");
    final Instant receivedAt;
    final String contactId;
    final String replyIdentityId;
    final boolean replyVerified;
    final List<AttachmentRef> attachments;
    /** The call record, with later events of the same call in this batch folded in; or null. */
    final Map<String, Object> call;
    String conversationId;
    boolean conversationCreated;

    Placed(ValidInbound in, Instant receivedAt, String contactId, String replyIdentityId, boolean replyVerified,
        List<AttachmentRef> attachments) {
      this.in = in;
      this.receivedAt = receivedAt;
      this.contactId = contactId;
      this.replyIdentityId = replyIdentityId;
      this.replyVerified = replyVerified;
      this.attachments = new ArrayList<>(attachments);
      this.call = in.msg().call() == null ? null : CallRecord.of(in.msg().call());
    }

    IngestService.Accepted answer() {
      return new IngestService.Accepted(messageId, conversationId, contactId, false);
    }
  }

  // ---- what the writer reads before planning

  /** (kind, value): how identities are compared. */
  record Kv(String kind, String value) {
    static Kv of(Identity id) {
      return new Kv(id.kind(), id.value());
    }
  }

  /** A stored identity row. */
  record IdentityRow(String id, String contactId, String kind, String value, boolean verified, boolean parsed) {
  }

  /** A thread key of a contact on a channel, as stored. */
  record ThreadKey(String channelId, String contactId, String key) {
  }

  record ThreadHit(String conversationId, String status, Instant resolvedAt, String mergedInto) {
  }

  /** A contact's most recently active unresolved conversation and most recently active one at all. */
  record Latest(String unresolved, String any) {
  }

  // ---- what the writer writes after planning

  record NewContact(String id, String name) {
  }

  record NewIdentity(String id, String contactId, Identity identity, boolean verified) {
  }

  record Suggestion(String contactId, String otherId, String kind, String value, String reason) {
  }

  /** A conversation opened by this batch, with the state its messages leave it in. */
  static final class NewConversation {
    final String id;
    final String contactId;
    final String teamId;
    final String status;
    final Instant createdAt;
    final Activity activity = new Activity();

    NewConversation(String id, String contactId, String teamId, String status, Instant createdAt) {
      this.id = id;
      this.contactId = contactId;
      this.teamId = teamId;
      this.status = status;
      this.createdAt = createdAt;
    }
  }

  /** What a batch's messages do to one conversation: the sum of what each would do to it. */
  static final class Activity {
    Instant lastMessageAt;
    Instant lastInboundAt;
    /** The receipt time of the first customer message (not an auto-reply): where SLA clocks start. */
    Instant firstInboundAt;
    final Set<String> channelKinds = new LinkedHashSet<>();
    String subject;
    boolean reopen;
    /** True: a missed call or voicemail arrived; false: an answered outbound call (a call back); null: neither. */
    Boolean callback;

    void add(Placed p, boolean reopened) {
      lastMessageAt = later(lastMessageAt, p.receivedAt);
      if (!p.in.msg().auto()) {
        lastInboundAt = later(lastInboundAt, p.receivedAt);
        firstInboundAt = firstInboundAt == null ? p.receivedAt : firstInboundAt;
      }
      channelKinds.add(p.in.channel().kind());
      if (subject == null) {
        subject = blankToNull(p.in.msg().subject());
      }
      reopen |= reopened;
      if (p.call != null) {
        Object outcome = p.call.get("outcome");
        boolean inbound = !"outbound".equals(p.call.get("direction"));
        if (inbound && ("missed".equals(outcome) || "voicemail".equals(outcome))) {
          callback = true;
        } else if (!inbound && "answered".equals(outcome)) {
          callback = false;
        }
      }
    }

    private static Instant later(Instant a, Instant b) {
      return a == null || b.isAfter(a) ? b : a;
    }
  }

  private final Instant now;
  final List<Outcome> outcomes = new ArrayList<>();

  // rule 1 state
  private final Map<Kv, String> verifiedOwner = new HashMap<>();
  private final Map<Kv, List<IdentityRow>> rowsByKv = new HashMap<>();
  private final Set<String> claimedAttachments = new HashSet<>();
  /** Contacts this batch creates, by id (a later message of the batch may name one). */
  final Map<String, NewContact> newContacts = new LinkedHashMap<>();
  final Map<String, String> namesIfMissing = new LinkedHashMap<>();
  final List<NewIdentity> newIdentities = new ArrayList<>();
  final List<String> identitiesToVerify = new ArrayList<>();
  final Set<Suggestion> suggestions = new LinkedHashSet<>();
  /** Contacts whose card surely changed (created, identity added or verified). */
  final Set<String> changedContacts = new LinkedHashSet<>();

  // calls: the message each call of the batch is folded into
  private final Map<CallKey, Placed> callsPlaced = new HashMap<>();
  final Map<CallKey, CallUpdate> callUpdates = new LinkedHashMap<>();

  // rule 2 state
  private final Map<ThreadKey, ThreadHit> threads = new HashMap<>();
  private final Map<String, Latest> latest = new HashMap<>();
  private final Map<String, String> statusInBatch = new HashMap<>();
  final Map<String, NewConversation> newConversations = new LinkedHashMap<>();
  final Map<String, Activity> touched = new LinkedHashMap<>();
  final Map<ThreadKey, String> threadsToRemember = new LinkedHashMap<>();

  BatchPlan(Instant now) {
    this.now = now;
  }

  // ---------------------------------------------------------------- rule 1: who wrote

  /**
   * Decides each message's fate and contact, in order.
   *
   * @param receivedAt   each message's receipt time (strictly increasing)
   * @param firstAnswers stored answers of externalIds the batch repeats
   * @param rows         every stored identity row with a (kind, value) of the batch
   * @param attachments  the account's unclaimed uploads the batch names
   */
  void resolveContacts(List<ValidInbound> batch, List<Instant> receivedAt, Map<DedupeKey, JsonObject> firstAnswers,
      List<IdentityRow> rows, Map<String, AttachmentRef> attachments, Map<CallKey, StoredCall> storedCalls) {
    for (IdentityRow r : rows) {
      remember(r);
    }
    Map<DedupeKey, Placed> seen = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      ValidInbound in = batch.get(i);
      DedupeKey key = in.dedupeKey();
      JsonObject stored = firstAnswers.get(key);
      if (stored != null) {
        outcomes.add(new Duplicate(IngestService.Accepted.replay(stored)));
        continue;
      }
      if (seen.containsKey(key)) {
        outcomes.add(new DuplicateOf(seen.get(key)));
        continue;
      }
      List<AttachmentRef> refs = new ArrayList<>();
      for (String id : in.attachmentIds()) {
        AttachmentRef ref = attachments.get(id);
        if (ref == null || claimedAttachments.contains(id)) {
          refs = null;
          break;
        }
        refs.add(ref);
      }
      if (refs == null) {
        outcomes.add(new Rejected(Problem.invalid("attachments",
            "names an attachment that was not uploaded with this account's credentials or is already used")));
        continue;
      }
      claimedAttachments.addAll(in.attachmentIds());
      CallKey call = in.callKey();
      if (call != null && (callsPlaced.containsKey(call) || storedCalls.containsKey(call))) {
        outcomes.add(foldCall(call, in, refs, storedCalls.get(call)));
        continue;
      }
      Placed placed = place(in, receivedAt.get(i), refs);
      if (call != null) {
        callsPlaced.put(call, placed);
      }
      seen.put(key, placed);
      outcomes.add(placed);
    }
  }

  /** A repeat of a message earlier in the same batch: its answer, once that one is placed. */
  record DuplicateOf(Placed first) implements Outcome {
  }

  /** Another event of a call whose message this batch creates: folded into it, answered with it. */
  record SameCall(Placed first) implements Outcome {
  }

  /** A stored call message as the batch reads it (its author is the contact). */
  record StoredCall(String messageId, String conversationId, String contactId, Map<String, Object> call,
      List<AttachmentRef> attachments) {
  }

  /**
   * Events of a call whose message is already stored: the message is updated in place (its call
   * record and attachments) and pushed as message.updated; its conversation is not touched.
   */
  static final class CallUpdate implements Outcome {
    final StoredCall stored;
    final Map<String, Object> call;
    final List<AttachmentRef> attachments;
    /** Uploads this update claims (a recording that arrived later). */
    final List<AttachmentRef> added = new ArrayList<>();

    CallUpdate(StoredCall stored) {
      this.stored = stored;
      this.call = new LinkedHashMap<>(stored.call());
      this.attachments = new ArrayList<>(stored.attachments());
    }

    void fold(ValidInbound in, List<AttachmentRef> refs) {
      CallRecord.fold(call, in.msg().call());
      for (AttachmentRef ref : refs) {
        if (attachments.stream().noneMatch(a -> a.id().equals(ref.id()))) {
          attachments.add(ref);
          added.add(ref);
        }
      }
    }

    IngestService.Accepted answer() {
      return new IngestService.Accepted(stored.messageId(), stored.conversationId(), stored.contactId(), false);
    }
  }

  /** Another event of a call: folded into the message this batch creates, or into the stored one. */
  private Outcome foldCall(CallKey key, ValidInbound in, List<AttachmentRef> refs, StoredCall stored) {
    Placed first = callsPlaced.get(key);
    if (first != null) {
      CallRecord.fold(first.call, in.msg().call());
      refs.stream().filter(r -> first.attachments.stream().noneMatch(a -> a.id().equals(r.id())))
          .forEach(first.attachments::add);
      return new SameCall(first);
    }
    CallUpdate update = callUpdates.computeIfAbsent(key, k -> new CallUpdate(stored));
    update.fold(in, refs);
    return update;
  }

  private Placed place(ValidInbound in, Instant receivedAt, List<AttachmentRef> refs) {
    List<Identity> ids = in.ids();
    List<Identity> verified = ids.stream().filter(id -> id.verified() && id.parsed()).toList();
    Identity own = Identities.own(in.channel().kind(), ids);
    String name = blankToNull(in.msg().from().name());

    Set<String> owners = new LinkedHashSet<>();
    for (Identity id : verified) {
      String owner = verifiedOwner.get(Kv.of(id));
      if (owner != null) {
        owners.add(owner);
      }
    }
    String contactId;
    if (owners.isEmpty()) {
      contactId = Ids.next("ct");
      newContacts.put(contactId, new NewContact(contactId, name));
      changedContacts.add(contactId);
    } else {
      List<String> ordered = new ArrayList<>(owners);
      contactId = ordered.get(0);
      if (ordered.size() > 1) {
        // Two contacts hold our verified identities: join the one holding the channel's own kind.
        if (own != null && own.verified() && verifiedOwner.containsKey(Kv.of(own))) {
          contactId = verifiedOwner.get(Kv.of(own));
        }
        for (Identity id : verified) {
          String owner = verifiedOwner.get(Kv.of(id));
          if (owner != null && !owner.equals(contactId) && owners.contains(owner)) {
            suggest(contactId, owner, id, "verified identity of another contact");
          }
        }
      }
      if (name != null) {
        nameIfMissing(contactId, name);
      }
    }
    String replyIdentityId = attachIdentities(contactId, ids, own);
    return new Placed(in, receivedAt, contactId, replyIdentityId, own != null && own.verified(), refs);
  }

  private void nameIfMissing(String contactId, String name) {
    NewContact created = newContacts.get(contactId);
    if (created != null) {
      if (created.name() == null) {
        newContacts.put(contactId, new NewContact(contactId, name));
      }
    } else {
      namesIfMissing.putIfAbsent(contactId, name);
    }
  }

  /** Adds the message's identities to the contact; returns the id of the identity replies go to. */
  private String attachIdentities(String contactId, List<Identity> ids, Identity own) {
    String replyIdentityId = null;
    for (Identity id : ids) {
      Kv kv = Kv.of(id);
      IdentityRow row = rowOf(contactId, kv);
      if (id.verified() && id.parsed()) {
        String owner = verifiedOwner.get(kv);
        if (owner != null && !owner.equals(contactId)) {
          continue; // another contact's: a suggested merge was recorded
        }
        if (row == null) {
          row = add(contactId, id, true);
        } else if (!row.verified()) {
          identitiesToVerify.add(row.id());
          changedContacts.add(contactId);
          row = replace(row, new IdentityRow(row.id(), contactId, kv.kind(), kv.value(), true, row.parsed()));
        }
      } else {
        if (id.parsed()) {
          Set<String> others = new TreeSet<>();
          for (IdentityRow r : rowsByKv.getOrDefault(kv, List.of())) {
            if (r.parsed() && !r.contactId().equals(contactId)) {
              others.add(r.contactId());
            }
          }
          for (String other : others) {
            suggest(contactId, other, id, "unverified claim of an identity");
          }
        }
        if (row == null) {
          row = add(contactId, id, false);
        }
      }
      if (id == own) {
        replyIdentityId = row.id();
      }
    }
    return replyIdentityId;
  }

  private IdentityRow add(String contactId, Identity id, boolean verified) {
    IdentityRow row = new IdentityRow(Ids.next("idn"), contactId, id.kind(), id.value(), verified, id.parsed());
    newIdentities.add(new NewIdentity(row.id(), contactId, id, verified));
    changedContacts.add(contactId);
    remember(row);
    return row;
  }

  private IdentityRow replace(IdentityRow old, IdentityRow now) {
    List<IdentityRow> list = rowsByKv.get(new Kv(old.kind(), old.value()));
    list.set(list.indexOf(old), now);
    if (now.verified() && now.parsed()) {
      verifiedOwner.put(new Kv(now.kind(), now.value()), now.contactId());
    }
    return now;
  }

  private void remember(IdentityRow r) {
    Kv kv = new Kv(r.kind(), r.value());
    rowsByKv.computeIfAbsent(kv, k -> new ArrayList<>()).add(r);
    if (r.verified() && r.parsed()) {
      verifiedOwner.put(kv, r.contactId());
    }
  }

  private IdentityRow rowOf(String contactId, Kv kv) {
    for (IdentityRow r : rowsByKv.getOrDefault(kv, List.of())) {
      if (r.contactId().equals(contactId)) {
        return r;
      }
    }
    return null;
  }

  private void suggest(String contactId, String otherId, Identity id, String reason) {
    suggestions.add(new Suggestion(contactId, otherId, id.kind(), id.value(), reason));
  }

  /** Contacts that existed before the batch: their conversations and threads must be read. */
  List<String> existingContacts() {
    Set<String> out = new TreeSet<>();
    for (Outcome o : outcomes) {
      if (o instanceof Placed p && !newContacts.containsKey(p.contactId)) {
        out.add(p.contactId);
      }
    }
    return List.copyOf(out);
  }

  /** The thread keys the batch's messages of existing contacts name. */
  List<ThreadKey> threadKeys() {
    Set<ThreadKey> out = new LinkedHashSet<>();
    for (Outcome o : outcomes) {
      if (o instanceof Placed p && !newContacts.containsKey(p.contactId) && notBlank(p.in.msg().threadKey())) {
        out.add(new ThreadKey(p.in.channel().channelId(), p.contactId, p.in.msg().threadKey()));
      }
    }
    return List.copyOf(out);
  }

  /** Contacts that may have a new suggested merge: their card is read, and sent if it changed. */
  Set<String> maybeChangedContacts() {
    Set<String> out = new LinkedHashSet<>(changedContacts);
    suggestions.forEach(s -> out.add(s.contactId()));
    return out;
  }

  // ---------------------------------------------------------------- rule 2: which conversation

  /**
   * Thread key on this channel, else the contact's latest unresolved conversation, else a new one.
   *
   * @param storedThreads the stored threads of {@link #threadKeys()}
   * @param storedLatest  per existing contact, its latest unresolved and latest conversation
   */
  void chooseConversations(Map<ThreadKey, ThreadHit> storedThreads, Map<String, Latest> storedLatest) {
    threads.putAll(storedThreads);
    latest.putAll(storedLatest);
    for (Outcome o : outcomes) {
      if (o instanceof Placed p) {
        choose(p);
      }
    }
  }

  private void choose(Placed p) {
    ValidInbound in = p.in;
    boolean auto = in.msg().auto();
    ThreadKey tk = notBlank(in.msg().threadKey())
        ? new ThreadKey(in.channel().channelId(), p.contactId, in.msg().threadKey()) : null;
    Latest known = latest.getOrDefault(p.contactId, new Latest(null, null));

    String conversationId = null;
    boolean reopen = false;
    boolean unresolvedAfter = false;
    ThreadHit hit = tk == null ? null : threads.get(tk);
    if (hit != null) {
      String status = statusInBatch.getOrDefault(hit.conversationId(), hit.status());
      String target = hit.mergedInto() != null ? hit.mergedInto() : hit.conversationId();
      if (!"resolved".equals(status)) {
        conversationId = target;
        reopen = !auto;
        unresolvedAfter = true;
      } else if (auto) {
        conversationId = target;
      } else if (hit.resolvedAt() != null
          && hit.resolvedAt().isAfter(now.minus(Duration.ofDays(in.reopenWindowDays())))) {
        conversationId = target;
        reopen = true;
        unresolvedAfter = true;
      }
    }
    if (conversationId == null && known.unresolved() != null) {
      conversationId = known.unresolved();
      reopen = !auto;
      unresolvedAfter = true;
    }
    if (conversationId == null && auto && known.any() != null) {
      // An auto-reply never opens a conversation: file it with the latest one, even a closed one.
      conversationId = known.any();
    }
    if (conversationId == null) {
      // An auto-reply's own conversation is born closed.
      conversationId = Ids.next("cv");
      newConversations.put(conversationId, new NewConversation(conversationId, p.contactId, in.channel().teamId(),
          auto ? "resolved" : "open", p.receivedAt));
      p.conversationCreated = true;
      unresolvedAfter = !auto;
    }
    p.conversationId = conversationId;

    NewConversation created = newConversations.get(conversationId);
    (created != null ? created.activity : touched.computeIfAbsent(conversationId, id -> new Activity()))
        .add(p, reopen);
    // What the next message of this contact finds: this conversation is now its latest.
    statusInBatch.put(conversationId, unresolvedAfter ? "open" : "resolved");
    latest.put(p.contactId, new Latest(unresolvedAfter ? conversationId : known.unresolved(), conversationId));
    if (tk != null) {
      ThreadHit stored = threads.get(tk);
      boolean same = stored != null && conversationId.equals(stored.conversationId());
      if (!same) {
        threadsToRemember.put(tk, conversationId);
      }
      Instant resolvedAt = unresolvedAfter ? null : same ? stored.resolvedAt() : p.receivedAt;
      threads.put(tk, new ThreadHit(conversationId, statusInBatch.get(conversationId), resolvedAt, null));
    }
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
