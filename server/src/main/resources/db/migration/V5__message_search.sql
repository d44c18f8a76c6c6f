-- Search moves from the conversation to its messages (issue 9, measured under load).
--
-- Until now every message appended its text to conversation.search_text (up to 32 KB) under a
-- trigram GIN index, so each inbound message re-indexed the whole conversation text, twice (the
-- append and the activity update), while holding the conversation row: about 1.8 ms of PostgreSQL
-- time per statement at 250 msg/s. Now a message indexes only its own subject and text, and
-- conversation.search_text keeps what belongs to the conversation: its subject and contact name.
CREATE INDEX message_search ON message
  USING gin (account_id, lower(coalesce(subject, '') || ' ' || coalesce(text, '')) gin_trgm_ops);

UPDATE conversation c SET search_text = lower(concat_ws(' ', c.subject, ct.name))
FROM contact ct WHERE ct.id = c.contact_id;
