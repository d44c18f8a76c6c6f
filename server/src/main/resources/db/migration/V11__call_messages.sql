-- Events of one phone call (contract: call.callId) update one message: the provider's call id,
-- unique per channel, finds it. Only call messages carry one, so the index stays small.
ALTER TABLE message ADD COLUMN call_id text;
CREATE UNIQUE INDEX message_call ON message(channel_id, call_id) WHERE call_id IS NOT NULL;
