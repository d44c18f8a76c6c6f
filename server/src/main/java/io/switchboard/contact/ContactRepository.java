package io.switchboard.contact;

import io.switchboard.conversation.Cursor;
import io.switchboard.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Contacts, their identities and suggested merges, scoped by account. */
public final class ContactRepository {

  /** One way to reach a contact; value is normalized (social as "platform:handle"). */
  public record IdentityView(String kind, String value, String platform, boolean verified) {
  }

  /** A suggestion that this contact and another are the same person, seen from this contact. */
  public record SuggestedMerge(String id, String otherId, String otherName, String identityKind, String identityValue,
      String reason, Instant createdAt) {
  }

  /** The contact as the conversation view shows it. */
  public record ContactCard(String id, String name, List<IdentityView> identities) {
  }

  public record Contact(String id, String name, String mergedInto, Instant createdAt, Instant updatedAt) {
  }

  private static final String CONTACT = """
      SELECT id, name, merged_into, created_at, updated_at FROM contact WHERE account_id = $1 AND id = $2""";

  private static final String IDENTITIES = """
      SELECT kind, value, platform, verified FROM identity
      WHERE account_id = $1 AND contact_id = $2 ORDER BY created_at, id""";

  /** contact.updated data of several contacts in one statement (ingest announces many at once). */
  private static final String DATA_OF_MANY = """
      SELECT c.id, c.name, c.merged_into,
        (SELECT coalesce(json_agg(json_build_object('kind', i.kind, 'value', i.value, 'platform', i.platform,
                                                    'verified', i.verified) ORDER BY i.created_at, i.id), '[]')
         FROM identity i WHERE i.account_id = c.account_id AND i.contact_id = c.id)::text AS identities,
        (SELECT coalesce(json_agg(json_build_object('id', s.id, 'otherId', o.id, 'otherName', o.name,
                                                    'identityKind', s.identity_kind, 'identityValue', s.identity_value,
                                                    'reason', s.reason,
                                                    'createdAt', to_char(s.created_at AT TIME ZONE 'UTC',
                                                                         'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                                  ORDER BY s.created_at, s.id), '[]')
         FROM suggested_merge s
         JOIN contact o ON o.account_id = s.account_id
           AND o.id = CASE WHEN s.contact_id = c.id THEN s.other_id ELSE s.contact_id END
         WHERE s.account_id = c.account_id AND (s.contact_id = c.id OR s.other_id = c.id) AND s.status = 'open'
           AND o.merged_into IS NULL)::text AS suggestions
      FROM contact c WHERE c.account_id = $1 AND c.id = ANY($2::text[])""";

  private static final String SUGGESTIONS = """
      SELECT s.id, o.id AS other_id, o.name AS other_name, s.identity_kind, s.identity_value, s.reason, s.created_at
      FROM suggested_merge s
      JOIN contact o ON o.account_id = s.account_id
        AND o.id = CASE WHEN s.contact_id = $2 THEN s.other_id ELSE s.contact_id END
      WHERE s.account_id = $1 AND (s.contact_id = $2 OR s.other_id = $2) AND s.status = 'open'
        AND o.merged_into IS NULL
      ORDER BY s.created_at, s.id""";

  /** Contacts newest first, or (with q) ranked by SearchTerms' tiers; identities ride along as JSON. */
  private static final String SEARCH_COLUMNS = """
      SELECT c.id, c.name, c.created_at,
             coalesce((SELECT json_agg(json_build_object('kind', i.kind, 'value', i.value, 'platform', i.platform,
                                                         'verified', i.verified) ORDER BY i.created_at, i.id)
                       FROM identity i WHERE i.contact_id = c.id), '[]'::json)::text AS identities""";

  private static final String REGION = "SELECT default_region FROM account WHERE id = $1";

  /** Same key as ingest's, so a merge and a message about the same contact serialize. */
  private static final String ADVISORY_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

  private static final String LOCK = """
      SELECT id, name, merged_into, created_at, updated_at FROM contact
      WHERE account_id = $1 AND id = $2 FOR UPDATE""";

  /** Messages written from an identity both contacts hold now point at the surviving contact's copy. */
  private static final String REPOINT_DUPLICATE_IDENTITIES = """
      UPDATE message m SET identity_id = t.id
      FROM identity o JOIN identity t ON t.account_id = o.account_id AND t.kind = o.kind AND t.value = o.value
      WHERE o.account_id = $1 AND o.contact_id = $2 AND t.contact_id = $3 AND m.identity_id = o.id""";

  private static final String DROP_DUPLICATE_IDENTITIES = """
      DELETE FROM identity o
      WHERE o.account_id = $1 AND o.contact_id = $2 AND EXISTS (
        SELECT 1 FROM identity t WHERE t.contact_id = $3 AND t.kind = o.kind AND t.value = o.value)
      RETURNING o.kind, o.value, o.verified""";

  /** The surviving copy of a duplicate is verified when the dropped one was. */
  private static final String VERIFY = """
      UPDATE identity SET verified = true WHERE account_id = $1 AND contact_id = $2 AND kind = $3 AND value = $4""";

  private static final String MOVE_IDENTITIES = """
      UPDATE identity SET contact_id = $3 WHERE account_id = $1 AND contact_id = $2""";

  private static final String CLOSE_SUGGESTIONS_BETWEEN = """
      UPDATE suggested_merge SET status = 'merged'
      WHERE account_id = $1 AND status = 'open'
        AND ((contact_id = $2 AND other_id = $3) OR (contact_id = $3 AND other_id = $2))""";

  /** Suggestions about third contacts carry over to the survivor (unless it already has the same one). */
  private static final String CARRY_SUGGESTIONS_FROM = """
      UPDATE suggested_merge s SET contact_id = $3
      WHERE s.account_id = $1 AND s.contact_id = $2 AND s.status = 'open' AND NOT EXISTS (
        SELECT 1 FROM suggested_merge d WHERE d.account_id = $1 AND d.contact_id = $3 AND d.other_id = s.other_id
          AND d.identity_kind = s.identity_kind AND d.identity_value = s.identity_value)""";

  private static final String CARRY_SUGGESTIONS_TO = """
      UPDATE suggested_merge s SET other_id = $3
      WHERE s.account_id = $1 AND s.other_id = $2 AND s.status = 'open' AND NOT EXISTS (
        SELECT 1 FROM suggested_merge d WHERE d.account_id = $1 AND d.other_id = $3 AND d.contact_id = s.contact_id
          AND d.identity_kind = s.identity_kind AND d.identity_value = s.identity_value)""";

  private static final String DISMISS_LEFTOVER_SUGGESTIONS = """
      UPDATE suggested_merge SET status = 'dismissed'
      WHERE account_id = $1 AND status = 'open' AND (contact_id = $2 OR other_id = $2)""";

  /** Inbound messages name their author; after a merge that is the surviving contact. */
  private static final String REPOINT_AUTHORS = """
      UPDATE message SET author_id = $3
      WHERE account_id = $1 AND author_type = 'contact' AND author_id = $2
        AND conversation_id IN (SELECT id FROM conversation WHERE account_id = $1 AND contact_id = $3)""";

  private static final String MARK_MERGED = """
      UPDATE contact SET merged_into = $3, updated_at = now() WHERE account_id = $1 AND id = $2""";

  private static final String KEEP_NAME = """
      UPDATE contact t SET name = coalesce(t.name, o.name), updated_at = now()
      FROM contact o WHERE t.account_id = $1 AND t.id = $2 AND o.id = $3 AND o.account_id = $1""";

  public Future<Optional<Contact>> contact(SqlClient db, String accountId, String id) {
    return db.preparedQuery(CONTACT).execute(Tuple.of(accountId, id)).map(ContactRepository::firstContact);
  }

  public Future<List<IdentityView>> identities(SqlClient db, String accountId, String contactId) {
    return db.preparedQuery(IDENTITIES).execute(Tuple.of(accountId, contactId)).map(rows -> {
      List<IdentityView> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new IdentityView(r.getString("kind"), r.getString("value"), r.getString("platform"),
            r.getBoolean("verified")));
      }
      return out;
    });
  }

  public Future<List<SuggestedMerge>> suggestions(SqlClient db, String accountId, String contactId) {
    return db.preparedQuery(SUGGESTIONS).execute(Tuple.of(accountId, contactId)).map(rows -> {
      List<SuggestedMerge> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new SuggestedMerge(r.getString("id"), r.getString("other_id"), r.getString("other_name"),
            r.getString("identity_kind"), r.getString("identity_value"), r.getString("reason"),
            Sql.instant(r.getOffsetDateTime("created_at"))));
      }
      return out;
    });
  }

  /** The data of a contact.updated event: the contact, its identities and open suggestions. */
  public Future<ContactMerges.ContactData> data(SqlClient db, String accountId, String contactId) {
    return contact(db, accountId, contactId).compose(c -> identities(db, accountId, contactId)
        .compose(ids -> suggestions(db, accountId, contactId)
            .map(s -> new ContactMerges.ContactData(contactId, c.map(Contact::name).orElse(null),
                c.map(Contact::mergedInto).orElse(null), ids, s))));
  }

  /** As {@link #data}, for several contacts in one round trip; by contact id (absent ones left out). */
  public Future<java.util.Map<String, ContactMerges.ContactData>> dataOf(SqlClient db, String accountId,
      java.util.Collection<String> contactIds) {
    if (contactIds.isEmpty()) {
      return Future.succeededFuture(java.util.Map.of());
    }
    return db.preparedQuery(DATA_OF_MANY)
        .execute(Tuple.of(accountId).addArrayOfString(contactIds.toArray(String[]::new)))
        .map(rows -> {
          java.util.Map<String, ContactMerges.ContactData> out = new java.util.HashMap<>();
          for (Row r : rows) {
            out.put(r.getString("id"), new ContactMerges.ContactData(r.getString("id"), r.getString("name"),
                r.getString("merged_into"), parse(r.getString("identities"), IDENTITY_LIST),
                parse(r.getString("suggestions"), SUGGESTION_LIST)));
          }
          return out;
        });
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<List<IdentityView>> IDENTITY_LIST =
      new com.fasterxml.jackson.core.type.TypeReference<>() { };
  private static final com.fasterxml.jackson.core.type.TypeReference<List<SuggestedMerge>> SUGGESTION_LIST =
      new com.fasterxml.jackson.core.type.TypeReference<>() { };

  private static <T> T parse(String json, com.fasterxml.jackson.core.type.TypeReference<T> type) {
    try {
      return io.switchboard.http.Json.MAPPER.readValue(json, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("contact data from the database is not JSON", e);
    }
  }

  /** The contact with its identities, for the conversation view; empty when absent. */
  public Future<Optional<ContactCard>> card(SqlClient db, String accountId, String contactId) {
    return contact(db, accountId, contactId).compose(c -> c.isEmpty()
        ? Future.succeededFuture(Optional.<ContactCard>empty())
        : identities(db, accountId, contactId).map(ids -> Optional.of(new ContactCard(c.get().id(), c.get().name(),
            ids))));
  }

  /** A page of the contact list. */
  public record SearchPage(List<SearchHit> items, String nextCursor) {
  }

  /** With q: what matched (field email, phone, social or name; text the matched value), best matches first. */
  public record SearchHit(String id, String name, Instant createdAt, List<IdentityView> identities,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      SearchMatch match) {
  }

  public record SearchMatch(String field, String text) {
  }

  public Future<SearchPage> search(SqlClient db, String accountId, String q, Cursor after, int limit) {
    Future<String> region = q != null && SearchTerms.phoneLike(q)
        ? db.preparedQuery(REGION).execute(Tuple.of(accountId))
            .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0))
        : Future.succeededFuture(null);
    return region.compose(r -> {
      Tuple t = Tuple.of(accountId);
      StringBuilder sql = new StringBuilder();
      if (q == null) {
        sql.append(SEARCH_COLUMNS).append(", 0 AS tier, NULL::text AS match_field, NULL::text AS match_value")
            .append(" FROM contact c WHERE c.account_id = $1 AND c.merged_into IS NULL");
      } else {
        SearchTerms terms = SearchTerms.of(q, r);
        t.addArrayOfString(terms.exactValues().toArray(String[]::new)).addString(terms.pattern())
            .addString(terms.handle() == null || !terms.fragment() ? "" : SearchTerms.escapeLike(terms.handle()))
            .addString(terms.phoneDigits() == null ? "" : "%" + terms.phoneDigits() + "%");
        // Tier 1: an identity equal to what q names; 2: the name or part of an identity (trigram indexes).
        sql.append("WITH hits AS (SELECT i.contact_id AS id, 1 AS tier, i.kind AS field, i.value FROM identity i")
            .append(" WHERE i.account_id = $1 AND (i.value = ANY($2)");
        // $3 to $5 are referenced in every statement ('' matches nothing where a branch does not apply).
        sql.append(" OR (i.kind = 'social' AND $4 <> '' AND i.value ILIKE '%:' || $4)");
        sql.append(")");
        if (!terms.fragment()) {
          sql.append(" AND $3::text IS NOT NULL AND $5::text IS NOT NULL");
        } else {
          sql.append(" UNION ALL SELECT c.id, 2, 'name', c.name FROM contact c WHERE c.account_id = $1")
              .append(" AND lower(coalesce(c.name, '')) LIKE $3")
              .append(" UNION ALL SELECT i.contact_id, 2, i.kind, i.value FROM identity i WHERE i.account_id = $1")
              .append(" AND (i.value ILIKE $3");
          sql.append(" OR (i.kind = 'phone' AND $5 <> '' AND i.value LIKE $5)");
          sql.append(")");
        }
        sql.append("), best AS (SELECT DISTINCT ON (id) id, tier, field, value FROM hits ORDER BY id, tier, field) ")
            .append(SEARCH_COLUMNS).append(", best.tier, best.field AS match_field, best.value AS match_value")
            .append(" FROM best JOIN contact c ON c.id = best.id WHERE c.account_id = $1 AND c.merged_into IS NULL");
      }
      if (after != null) {
        int at = t.size() + 1;
        t.addOffsetDateTime(Sql.utc(after.at())).addString(after.id());
        if (q != null) {
          t.addInteger(after.rank());
        }
        String older = "(c.created_at, c.id) < ($" + at + ", $" + (at + 1) + ")";
        sql.append(q == null ? " AND " + older
            : " AND (best.tier > $" + (at + 2) + " OR best.tier = $" + (at + 2) + " AND " + older + ")");
      }
      t.addInteger(limit + 1);
      sql.append(q == null ? " ORDER BY c.created_at DESC, c.id DESC" : " ORDER BY best.tier, c.created_at DESC, c.id DESC")
          .append(" LIMIT $").append(t.size());
      return db.preparedQuery(sql.toString()).execute(t);
    }).map(rows -> {
      List<SearchHit> hits = new ArrayList<>();
      List<Integer> tiers = new ArrayList<>();
      for (Row r : rows) {
        List<IdentityView> ids = new ArrayList<>();
        for (Object o : new JsonArray(r.getString("identities"))) {
          JsonObject i = (JsonObject) o;
          ids.add(new IdentityView(i.getString("kind"), i.getString("value"), i.getString("platform"),
              i.getBoolean("verified", false)));
        }
        String field = r.getString("match_field");
        String value = r.getString("match_value");
        if ("social".equals(field) && value != null && value.indexOf(':') >= 0) {
          value = value.substring(value.lastIndexOf(':') + 1);
        }
        tiers.add(r.getInteger("tier"));
        hits.add(new SearchHit(r.getString("id"), r.getString("name"), Sql.instant(r.getOffsetDateTime("created_at")),
            ids, field == null ? null : new SearchMatch(field, value)));
      }
      if (hits.size() <= limit) {
        return new SearchPage(hits, null);
      }
      SearchHit last = hits.get(limit - 1);
      return new SearchPage(List.copyOf(hits.subList(0, limit)),
          new Cursor(last.createdAt(), last.id(), tiers.get(limit - 1)).encode());
    });
  }

  /** Takes ingest's advisory lock of the contact, then its row lock. */
  public Future<Optional<Contact>> lock(SqlClient tx, String accountId, String id) {
    return tx.preparedQuery(ADVISORY_LOCK).execute(Tuple.of("contact:" + id))
        .compose(v -> tx.preparedQuery(LOCK).execute(Tuple.of(accountId, id)))
        .map(ContactRepository::firstContact);
  }

  /**
   * Moves the other contact's identities to the target. An identity both hold is kept once (the
   * target's copy, verified if either was), so identity_verified_unique stays valid.
   */
  public Future<Void> moveIdentities(SqlClient tx, String accountId, String otherId, String targetId) {
    Tuple moving = Tuple.of(accountId, otherId, targetId);
    return tx.preparedQuery(REPOINT_DUPLICATE_IDENTITIES).execute(moving)
        .compose(v -> tx.preparedQuery(DROP_DUPLICATE_IDENTITIES).execute(moving))
        .compose(dropped -> {
          List<Tuple> verify = new ArrayList<>();
          for (Row r : dropped) {
            if (r.getBoolean("verified")) {
              verify.add(Tuple.of(accountId, targetId, r.getString("kind"), r.getString("value")));
            }
          }
          return verify.isEmpty() ? Future.succeededFuture() : tx.preparedQuery(VERIFY).executeBatch(verify);
        })
        .compose(v -> tx.preparedQuery(MOVE_IDENTITIES).execute(moving))
        .mapEmpty();
  }

  /** Suggestions between the two are settled; those about third contacts carry over. */
  public Future<Void> settleSuggestions(SqlClient tx, String accountId, String otherId, String targetId) {
    Tuple moving = Tuple.of(accountId, otherId, targetId);
    return tx.preparedQuery(CLOSE_SUGGESTIONS_BETWEEN).execute(moving)
        .compose(v -> tx.preparedQuery(CARRY_SUGGESTIONS_FROM).execute(moving))
        .compose(v -> tx.preparedQuery(CARRY_SUGGESTIONS_TO).execute(moving))
        .compose(v -> tx.preparedQuery(DISMISS_LEFTOVER_SUGGESTIONS).execute(Tuple.of(accountId, otherId)))
        .mapEmpty();
  }

  /** Last step of a merge (after conversations moved): authors repointed, the other marked merged. */
  public Future<Void> markMerged(SqlClient tx, String accountId, String otherId, String targetId) {
    Tuple moving = Tuple.of(accountId, otherId, targetId);
    return tx.preparedQuery(REPOINT_AUTHORS).execute(moving)
        .compose(v -> tx.preparedQuery(KEEP_NAME).execute(Tuple.of(accountId, targetId, otherId)))
        .compose(v -> tx.preparedQuery(MARK_MERGED).execute(moving))
        .mapEmpty();
  }

  private static Optional<Contact> firstContact(io.vertx.sqlclient.RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row r = rows.iterator().next();
    return Optional.of(new Contact(r.getString("id"), r.getString("name"), r.getString("merged_into"),
        Sql.instant(r.getOffsetDateTime("created_at")), Sql.instant(r.getOffsetDateTime("updated_at"))));
  }

  private static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
