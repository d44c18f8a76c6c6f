-- Live stream support.
-- A ticket remembers the token version it was issued under, so a password change or a disabled
-- user between issuing and redeeming it is refused (close 4403).
ALTER TABLE stream_ticket ADD COLUMN token_version int NOT NULL DEFAULT 0;
CREATE INDEX stream_ticket_expires ON stream_ticket(expires_at);

-- How far retention has deleted an account's events: a client resuming from a lower seq may
-- have missed events and must reload over REST ("resync").
CREATE TABLE event_pruned (
  account_id   text PRIMARY KEY,
  through_seq  bigint NOT NULL
);
