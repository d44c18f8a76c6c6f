-- Switchboard core schema. Every tenant table carries account_id and every query filters on it.
-- Ids are opaque text (prefix + random), so a malformed id in a URL is simply "not found".

CREATE TABLE account (
  id                  text PRIMARY KEY,
  name                text NOT NULL,
  timezone            text NOT NULL DEFAULT 'UTC',
  default_region      text,
  reopen_window_days  int  NOT NULL DEFAULT 7,
  settings            jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at          timestamptz NOT NULL DEFAULT now()
);

-- The per-account event counter. Appending an event locks this row until commit (see EventLog),
-- so events of one account commit in seq order.
CREATE TABLE account_seq (
  account_id  text PRIMARY KEY REFERENCES account(id),
  last_seq    bigint NOT NULL DEFAULT 0
);

CREATE TABLE team (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES account(id),
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name)
);

CREATE TABLE app_user (
  id             text PRIMARY KEY,
  account_id     text NOT NULL REFERENCES account(id),
  email          text NOT NULL UNIQUE,
  name           text NOT NULL,
  role           text NOT NULL CHECK (role IN ('agent','supervisor','admin')),
  password_hash  text NOT NULL,
  skills         text[] NOT NULL DEFAULT '{}',
  capacity       int,
  disabled       boolean NOT NULL DEFAULT false,
  token_version  int NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_user_account ON app_user(account_id);

CREATE TABLE team_member (
  account_id  text NOT NULL,
  team_id     text NOT NULL REFERENCES team(id),
  user_id     text NOT NULL REFERENCES app_user(id),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_member_user ON team_member(user_id);

CREATE TABLE refresh_token (
  token_hash     text PRIMARY KEY,
  account_id     text NOT NULL,
  user_id        text NOT NULL REFERENCES app_user(id),
  token_version  int NOT NULL,
  expires_at     timestamptz NOT NULL,
  used_at        timestamptz
);

CREATE TABLE channel (
  id          text PRIMARY KEY,
  account_id  text NOT NULL REFERENCES account(id),
  kind        text NOT NULL CHECK (kind IN ('email','chat','phone','social','store')),
  name        text NOT NULL,
  team_id     text REFERENCES team(id),
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX channel_account ON channel(account_id);

-- API keys are high-entropy random strings, so SHA-256 is enough (a slow KDF is for passwords).
CREATE TABLE channel_key (
  key_hash    text PRIMARY KEY,
  account_id  text NOT NULL,
  channel_id  text NOT NULL REFERENCES channel(id),
  prefix      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX channel_key_channel ON channel_key(channel_id);

CREATE TABLE contact (
  id           text PRIMARY KEY,
  account_id   text NOT NULL REFERENCES account(id),
  name         text,
  merged_into  text REFERENCES contact(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_account ON contact(account_id, created_at);

-- kind: email | phone | social. value is normalized (email lower-cased, phone E.164,
-- social "platform:handle"). A phone that could not be parsed keeps its raw text in value and
-- parsed=false, so it never matches anything.
CREATE TABLE identity (
  id          text PRIMARY KEY,
  account_id  text NOT NULL,
  contact_id  text NOT NULL REFERENCES contact(id),
  kind        text NOT NULL CHECK (kind IN ('email','phone','social')),
  value       text NOT NULL,
  platform    text,
  verified    boolean NOT NULL DEFAULT false,
  parsed      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (contact_id, kind, value)
);
-- A verified identity belongs to exactly one contact of the account: this index is what makes
-- concurrent first messages converge on one contact.
CREATE UNIQUE INDEX identity_verified_unique ON identity(account_id, kind, value) WHERE verified AND parsed;
CREATE INDEX identity_lookup ON identity(account_id, kind, value);

CREATE TABLE suggested_merge (
  id              text PRIMARY KEY,
  account_id      text NOT NULL,
  contact_id      text NOT NULL REFERENCES contact(id),
  other_id        text NOT NULL REFERENCES contact(id),
  identity_kind   text NOT NULL,
  identity_value  text NOT NULL,
  reason          text NOT NULL,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open','merged','dismissed')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, contact_id, other_id, identity_kind, identity_value)
);
CREATE INDEX suggested_merge_contact ON suggested_merge(account_id, contact_id);
CREATE INDEX suggested_merge_other ON suggested_merge(account_id, other_id);

CREATE TABLE conversation (
  id                text PRIMARY KEY,
  account_id        text NOT NULL REFERENCES account(id),
  contact_id        text NOT NULL REFERENCES contact(id),
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open','pending','snoozed','resolved')),
  priority          text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low','normal','high','urgent')),
  subject           text,
  assignee_id       text REFERENCES app_user(id),
  team_id           text REFERENCES team(id),
  tags              text[] NOT NULL DEFAULT '{}',
  channels          text[] NOT NULL DEFAULT '{}',
  snooze_until      timestamptz,
  merged_into       text REFERENCES conversation(id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  last_message_at   timestamptz NOT NULL DEFAULT now(),
  last_inbound_at   timestamptz,
  resolved_at       timestamptz,
  search_text       text NOT NULL DEFAULT ''
);
CREATE INDEX conversation_list ON conversation(account_id, last_message_at DESC, id DESC) WHERE merged_into IS NULL;
CREATE INDEX conversation_status ON conversation(account_id, status, last_message_at DESC, id DESC) WHERE merged_into IS NULL;
CREATE INDEX conversation_assignee ON conversation(account_id, assignee_id, status, last_message_at DESC, id DESC) WHERE merged_into IS NULL;
CREATE INDEX conversation_team ON conversation(account_id, team_id, status, last_message_at DESC, id DESC) WHERE merged_into IS NULL;
CREATE INDEX conversation_contact ON conversation(account_id, contact_id, last_message_at DESC);
CREATE INDEX conversation_channels ON conversation USING gin (channels);

-- Which conversation a (channel, contact, threadKey) belongs to: rule 2(a).
CREATE TABLE conversation_thread (
  account_id       text NOT NULL,
  channel_id       text NOT NULL REFERENCES channel(id),
  contact_id       text NOT NULL REFERENCES contact(id),
  thread_key       text NOT NULL,
  conversation_id  text NOT NULL REFERENCES conversation(id),
  PRIMARY KEY (channel_id, contact_id, thread_key)
);
CREATE INDEX conversation_thread_key ON conversation_thread(channel_id, thread_key);

CREATE TABLE attachment (
  id            text PRIMARY KEY,
  account_id    text NOT NULL,
  name          text NOT NULL,
  content_type  text NOT NULL,
  size          bigint NOT NULL,
  sha256        text NOT NULL,
  data          bytea NOT NULL,
  message_id    text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachment_message ON attachment(account_id, message_id);

CREATE TABLE message (
  id               text PRIMARY KEY,
  account_id       text NOT NULL,
  conversation_id  text NOT NULL REFERENCES conversation(id),
  channel_id       text REFERENCES channel(id),
  channel_kind     text,
  direction        text NOT NULL CHECK (direction IN ('inbound','outbound','note')),
  author_type      text NOT NULL CHECK (author_type IN ('contact','user','system','bot')),
  author_id        text,
  author_name      text,
  identity_id      text REFERENCES identity(id),
  from_verified    boolean NOT NULL DEFAULT false,
  external_id      text,
  client_id        text,
  thread_key       text,
  subject          text,
  text             text,
  html             text,
  attachments      jsonb NOT NULL DEFAULT '[]'::jsonb,
  call             jsonb,
  public           boolean NOT NULL DEFAULT false,
  auto_submitted   boolean NOT NULL DEFAULT false,
  sent_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  delivery_status  text CHECK (delivery_status IN ('queued','sent','delivered','read','failed')),
  delivery_error   text,
  provider_id      text,
  -- the full JSON answer given to the adapter, replayed verbatim for a duplicate
  ingest_answer    jsonb
);
CREATE UNIQUE INDEX message_channel_external ON message(channel_id, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX message_client_id ON message(conversation_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX message_conversation ON message(account_id, conversation_id, created_at DESC, id DESC);
CREATE INDEX message_provider ON message(account_id, provider_id) WHERE provider_id IS NOT NULL;

CREATE TABLE read_marker (
  account_id       text NOT NULL,
  user_id          text NOT NULL,
  conversation_id  text NOT NULL,
  read_at          timestamptz NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
);

-- The append-only event log the live stream is served from.
-- team_id/assignee_id are the conversation's after the change, prev_* before it: an agent sees
-- an event when either side is visible to them, so the event that moves a conversation away
-- still reaches the agent who loses it.
CREATE TABLE event (
  account_id        text NOT NULL,
  seq               bigint NOT NULL,
  type              text NOT NULL,
  conversation_id   text,
  team_id           text,
  assignee_id       text,
  prev_team_id      text,
  prev_assignee_id  text,
  at                timestamptz NOT NULL DEFAULT clock_timestamp(),
  data              jsonb NOT NULL,
  PRIMARY KEY (account_id, seq)
);
CREATE INDEX event_at ON event(at);

CREATE TABLE stream_ticket (
  ticket_hash  text PRIMARY KEY,
  account_id   text NOT NULL,
  user_id      text NOT NULL,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz
);

CREATE TABLE outbound_item (
  id               text PRIMARY KEY,
  account_id       text NOT NULL,
  channel_id       text NOT NULL REFERENCES channel(id),
  conversation_id  text NOT NULL,
  message_id       text,
  kind             text NOT NULL DEFAULT 'message' CHECK (kind IN ('message','typing','notification')),
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','leased','sent','failed')),
  lease_id         text,
  leased_until     timestamptz,
  attempt          int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  external_id      text,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  seq              bigserial
);
CREATE INDEX outbound_pending ON outbound_item(channel_id, status, next_attempt_at, seq);
CREATE INDEX outbound_conversation ON outbound_item(conversation_id, status, seq);
