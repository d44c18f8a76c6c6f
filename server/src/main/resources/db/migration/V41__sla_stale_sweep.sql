-- An SLA policy or business-hours edit marks the live conversations it can affect stale in its own
-- transaction; every node sweeps stale conversations (SlaRecompute), so the recompute survives the
-- death of the node that took the edit. The cause goes into the audit rows the sweep writes; the
-- partial index keeps each node's periodic look for stale rows free while there are none.
ALTER TABLE conversation ADD COLUMN sla_stale_cause text;
CREATE INDEX conversation_sla_stale ON conversation(account_id, id) WHERE sla_stale;
