-- SLAs and CSAT (issue 20). Calendars and policies belong to an account and are named by the
-- admin's own ids (PUT /business-hours/{id}, PUT /sla-policies/{id}).

CREATE TABLE business_hours (
  account_id  text NOT NULL REFERENCES account(id),
  id          text NOT NULL,
  name        text,
  timezone    text NOT NULL,
  weekly      jsonb NOT NULL,
  holidays    date[] NOT NULL DEFAULT '{}',
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, id)
);

CREATE TABLE sla_policy (
  account_id              text NOT NULL REFERENCES account(id),
  id                      text NOT NULL,
  name                    text NOT NULL,
  position                int NOT NULL,
  match_priority          text[] NOT NULL DEFAULT '{}',
  match_channel           text[] NOT NULL DEFAULT '{}',
  first_response_minutes  int,
  next_response_minutes   int,
  resolution_minutes      int,
  business_hours_id       text,
  warn_before_minutes     int NOT NULL DEFAULT 0,
  escalation              jsonb NOT NULL DEFAULT '[]'::jsonb,
  updated_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, id)
);

-- The conversation's SLA state. Due times are absolute instants (business hours already applied);
-- awaiting_since is the receipt time of the oldest customer message not yet answered;
-- resolution_started_at is when the open period began (creation or reopening); resolution_paused_at
-- is set while pending (the clock stands still) and resolution_paused_seconds sums the business
-- time spent pending before the due time.
ALTER TABLE conversation
  ADD COLUMN sla_policy_id          text,
  ADD COLUMN first_response_due_at  timestamptz,
  ADD COLUMN next_response_due_at   timestamptz,
  ADD COLUMN resolution_due_at      timestamptz,
  ADD COLUMN awaiting_since         timestamptz,
  ADD COLUMN resolution_started_at  timestamptz,
  ADD COLUMN resolution_paused_at   timestamptz,
  ADD COLUMN resolution_paused_seconds bigint NOT NULL DEFAULT 0,
  ADD COLUMN sla_stale              boolean NOT NULL DEFAULT false;

-- The dashboard's at-risk list: live conversations by their nearest running due time.
CREATE INDEX conversation_sla_nearest ON conversation(account_id, (least(
    CASE WHEN first_response_at IS NULL THEN first_response_due_at END,
    next_response_due_at,
    CASE WHEN resolution_paused_at IS NULL THEN resolution_due_at END)), id)
  WHERE status <> 'resolved' AND merged_into IS NULL;

-- One row per fired warning or breach: the primary key is what makes each fire once across nodes.
CREATE TABLE sla_breach (
  account_id       text NOT NULL,
  conversation_id  text NOT NULL,
  metric           text NOT NULL CHECK (metric IN ('firstResponse','nextResponse','resolution')),
  kind             text NOT NULL,   -- warning | breached | escalation:<step>
  due_at           timestamptz NOT NULL,
  policy_id        text,
  fired_at         timestamptz NOT NULL,
  channel_kind     text,
  assignee_id      text,
  team_id          text,
  PRIMARY KEY (conversation_id, metric, kind, due_at)
);
CREATE INDEX sla_breach_account ON sla_breach(account_id, fired_at) WHERE kind = 'breached';

-- Each change of a conversation's SLA: policy switched, due times set, paused, resumed, met.
CREATE TABLE sla_audit (
  id               bigserial PRIMARY KEY,
  account_id       text NOT NULL,
  conversation_id  text NOT NULL,
  at               timestamptz NOT NULL,
  change           text NOT NULL,
  detail           jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX sla_audit_conversation ON sla_audit(account_id, conversation_id, id);

-- Surveys: one per resolution. The token is shown once (in the link) and stored hashed.
CREATE TABLE csat_survey (
  id               text PRIMARY KEY,
  account_id       text NOT NULL,
  conversation_id  text NOT NULL,
  contact_id       text NOT NULL,
  token_hash       text NOT NULL UNIQUE,
  channel_id       text,
  sent             boolean NOT NULL,
  not_sent_reason  text,
  assignee_id      text,
  team_id          text,
  channel_kind     text,
  created_at       timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL,
  rating           int CHECK (rating BETWEEN 1 AND 5),
  comment          text,
  rated_at         timestamptz
);
CREATE INDEX csat_survey_contact ON csat_survey(account_id, contact_id, created_at DESC);
CREATE INDEX csat_survey_conversation ON csat_survey(account_id, conversation_id, created_at DESC);
CREATE INDEX csat_survey_account ON csat_survey(account_id, created_at);

-- Reports count conversations by creation time.
CREATE INDEX conversation_created ON conversation(account_id, created_at);
