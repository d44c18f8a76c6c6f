-- Outbound delivery (see outbound/). An ack is remembered with the lease it answered, so a repeated
-- ack is answered consistently (same status: 204, another: 409) even after the item moved on.
ALTER TABLE outbound_item ADD COLUMN acked_lease_id text, ADD COLUMN acked_status text;

-- Typing items are ephemeral: at most one waits per conversation, and a new keystroke refreshes it.
CREATE UNIQUE INDEX outbound_typing_once ON outbound_item(conversation_id) WHERE kind = 'typing';
