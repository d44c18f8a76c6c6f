-- A missed call or a voicemail leaves the customer waiting for a call back: the conversation says
-- so until an agent logs a call back or the phone system reports an answered outbound call.
-- A constant default: PostgreSQL adds the column without rewriting the table.
ALTER TABLE conversation ADD COLUMN needs_callback boolean NOT NULL DEFAULT false;
