-- A contact's identities, read with every contact.updated event (issue 9, measured under load).
-- The unique (contact_id, kind, value) index serves contact_id alone, but with statistics that lag
-- a fast-growing table the planner combined it with identity_lookup over the whole account
-- (a BitmapAnd reading about 800 pages, 5 to 11 ms a call). Both columns the query filters on,
-- and its order, make the plan obvious whatever the statistics say.
CREATE INDEX identity_contact ON identity(account_id, contact_id, created_at, id);
