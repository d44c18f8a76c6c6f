-- Ingest's rule 2 asks, per contact, for its newest conversation that is not merged away. With
-- only (contact_id, last_message_at) to go on, the planner of a young table combined it with a
-- list index whose predicate is "merged_into IS NULL" (a bitmap AND that read the whole list
-- index: 0.3 ms a contact, the second most expensive statement of a batch). With merged_into in
-- the key, one index answers the whole question in order, and a LIMIT 1 reads one entry.
DROP INDEX conversation_contact;
CREATE INDEX conversation_contact ON conversation(contact_id, merged_into, last_message_at DESC);

-- Message text is searched by words (full text, the `simple` configuration: no stemming, no stop
-- words, so order numbers, names and words of any language are kept as written) instead of
-- trigrams. Indexing a 1.5 KB email by trigrams cost 0.5 ms of PostgreSQL time per message at the
-- ingest knee, the most expensive step of a batch; by words it is about half (and the index is
-- smaller). A query's words match as prefixes, so "parc" still finds "parcel".
DROP INDEX message_search;
CREATE INDEX message_search ON message
  USING gin (account_id, to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(text, '')));
