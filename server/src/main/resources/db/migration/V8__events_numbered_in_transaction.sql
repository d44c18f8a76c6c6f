-- Events are numbered in the transaction that writes them (issue 17), not by a sequencer after
-- the commit: the second write of every event row goes, and so does the id that ordered them.
--
-- A writer adds its events' count to the account's account_seq row as its last statement and
-- inserts them with those numbers; the row lock it takes is held until its commit, so writers of
-- one account number one after another, and a seq is visible only after every lower one is.
-- Ingest writes many messages per transaction (group commit), so this serialization is cheap.

-- Events a node committed but never numbered (it died before its sequencer ran) get their numbers now.
WITH pending AS (
  SELECT id, account_id, row_number() OVER (PARTITION BY account_id ORDER BY id) AS n
  FROM event WHERE seq IS NULL),
counts AS (SELECT account_id, count(*) AS c FROM pending GROUP BY account_id),
bumped AS (
  UPDATE account_seq s SET last_seq = s.last_seq + counts.c FROM counts
  WHERE s.account_id = counts.account_id
  RETURNING s.account_id, s.last_seq - counts.c AS base)
UPDATE event e SET seq = bumped.base + pending.n
FROM pending JOIN bumped ON bumped.account_id = pending.account_id
WHERE e.id = pending.id;

DROP INDEX event_unsequenced;
DROP INDEX event_account_seq;
ALTER TABLE event DROP CONSTRAINT event_pkey;
ALTER TABLE event DROP COLUMN id;
ALTER TABLE event ALTER COLUMN seq SET NOT NULL;
ALTER TABLE event ADD PRIMARY KEY (account_id, seq);
