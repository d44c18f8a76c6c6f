-- People administration (issue 21): invitations, last seen, deleting teams, an audit of admin changes.

-- An invited person has no password until they accept the invitation (status "invited").
ALTER TABLE app_user ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE app_user ADD COLUMN invited_at timestamptz, ADD COLUMN last_seen_at timestamptz;

-- Single-use links sent by mail: an invitation (set name and password) or a password reset.
-- Only the SHA-256 of the token is kept; the token itself is in the link alone.
CREATE TABLE user_link (
  token_hash  text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES account(id),
  user_id     text NOT NULL REFERENCES app_user(id),
  kind        text NOT NULL CHECK (kind IN ('invite', 'reset')),
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX user_link_user ON user_link(user_id) WHERE used_at IS NULL;

-- A deleted team keeps its row: resolved conversations and reports still name it. Names are unique
-- among the live teams of an account, whatever their case.
ALTER TABLE team ADD COLUMN deleted_at timestamptz;
ALTER TABLE team DROP CONSTRAINT team_account_id_name_key;
CREATE UNIQUE INDEX team_live_name ON team(account_id, lower(name)) WHERE deleted_at IS NULL;

-- What admins changed: who, when, what, on which object. Written in the change's own transaction.
CREATE TABLE admin_audit (
  id          bigserial PRIMARY KEY,
  account_id  text NOT NULL,
  actor_id    text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  action      text NOT NULL,
  target      text,
  detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX admin_audit_account ON admin_audit(account_id, id DESC);
