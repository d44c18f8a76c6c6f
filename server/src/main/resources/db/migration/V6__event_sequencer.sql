-- Events are appended without a seq, by many transactions in parallel, and numbered after they
-- commit by the account's sequencer (events/Sequencer, issue 9).
--
-- Until now every append took the account's account_seq row lock and held it through its commit,
-- so one account could commit at most one transaction per fsync (about 700 a second here, measured
-- with pgbench). Now transactions commit in parallel (PostgreSQL flushes concurrent commits
-- together) and the sequencer numbers whatever has committed, many events per statement.
ALTER TABLE event DROP CONSTRAINT event_pkey;
ALTER TABLE event ADD COLUMN id bigserial;
ALTER TABLE event ALTER COLUMN seq DROP NOT NULL;
ALTER TABLE event ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX event_account_seq ON event(account_id, seq);
-- What the sequencer has yet to number: small, as rows leave it once numbered.
CREATE INDEX event_unsequenced ON event(account_id, id) WHERE seq IS NULL;
