-- Reports and the dashboard count met and missed targets over a time range (a day, a month). The
-- audit's only index is by conversation, so those counts read every audit row of the account;
-- this one holds the outcome rows alone (about two of every ten audit rows), by time.
CREATE INDEX sla_audit_outcome ON sla_audit(account_id, at) WHERE change IN ('met', 'missed');
