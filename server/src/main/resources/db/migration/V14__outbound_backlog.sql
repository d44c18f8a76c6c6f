-- What /metrics reports of the delivery queue: items waiting or leased, and the oldest one's age.
-- Sent and failed items are most of the table and never counted, so the index keeps only the rest.
CREATE INDEX outbound_backlog ON outbound_item(created_at) WHERE status IN ('pending', 'leased');
