-- A contact's conversations are found by the contact alone (contact ids are unique across
-- accounts). With the account in front, ingest's per-contact look-up had to name the account in
-- the same LIMIT subquery, and a plan made while the table was small then preferred the
-- account's list index and read every conversation of the account (seen: 133 ms a batch). Queries
-- still check the account on the row.
DROP INDEX conversation_contact;
CREATE INDEX conversation_contact ON conversation(contact_id, last_message_at DESC);
