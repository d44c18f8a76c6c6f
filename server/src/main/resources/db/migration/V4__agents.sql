-- The agents' API: conversation search, first response, and the indexes its lists need.

-- q searches conversation.search_text (subject, contact name and message text, lower-cased,
-- maintained by ConversationRepository and MessageRepository): a trigram index serves ILIKE '%q%'.
-- account_id leads the index (btree_gin) so one account's search never reads another's entries;
-- a trigram-only GIN is costed above a sequential scan and the planner would not use it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX conversation_search ON conversation USING gin (account_id, search_text gin_trgm_ops)
  WHERE merged_into IS NULL;

-- The first agent reply; SLA code reads it (IF NOT EXISTS: the SLA migration may add it too).
ALTER TABLE conversation ADD COLUMN IF NOT EXISTS first_response_at timestamptz;

-- Unassigned, team-less and "any" lists of agents: visibility and filters keep the list order.
CREATE INDEX conversation_unassigned ON conversation(account_id, last_message_at DESC, id DESC)
  WHERE merged_into IS NULL AND assignee_id IS NULL;

-- Rule 3 and the 409 check read a conversation's newest inbound message.
CREATE INDEX message_inbound ON message(account_id, conversation_id, created_at DESC, id DESC)
  WHERE direction = 'inbound';

-- GET /contacts?q= searches names and identity values.
CREATE INDEX contact_name_search ON contact USING gin (lower(coalesce(name, '')) gin_trgm_ops);
CREATE INDEX identity_value_search ON identity USING gin (value gin_trgm_ops);

-- Which identity wrote on which channel: rule 3 for chat, and contact merges repointing messages.
CREATE INDEX message_identity ON message(identity_id, channel_id) WHERE identity_id IS NOT NULL;
