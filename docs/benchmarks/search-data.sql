-- Search benchmark data (docs/architecture.md, "Search"): run on a database migrated with the
-- server's migrations, then EXPLAIN ANALYZE the statements ConversationList.statement() builds.
INSERT INTO account (id, name, default_region) VALUES ('acc1', 'Bench', 'PL'), ('acc2', 'Other', 'PL');
INSERT INTO account_seq VALUES ('acc1', 0), ('acc2', 0);
INSERT INTO team (id, account_id, name) VALUES ('t1', 'acc1', 'A'), ('t2', 'acc1', 'B');
INSERT INTO contact (id, account_id, name)
SELECT 'ct' || g, CASE WHEN g % 10 = 0 THEN 'acc2' ELSE 'acc1' END,
       (ARRAY['Anna','Piotr','Zofia','Marek','Ewa','Jan','Ola','Kasia'])[1 + g % 8] || ' ' ||
       (ARRAY['Kowalska','Nowak','Lis','Mróz','Kot','Wrona','Zielinski','Wojcik'])[1 + (g / 8) % 8] || ' ' || g
FROM generate_series(1, 200000) g;
INSERT INTO identity (id, account_id, contact_id, kind, value, verified)
SELECT 'ie' || g, c.account_id, c.id, 'email', 'customer' || g || '@mail' || (g % 50) || '.test', true
FROM generate_series(1, 200000) g JOIN contact c ON c.id = 'ct' || g;
INSERT INTO identity (id, account_id, contact_id, kind, value, verified)
SELECT 'ip' || g, c.account_id, c.id, 'phone', '+48' || (500000000 + g * 7), true
FROM generate_series(1, 200000, 2) g JOIN contact c ON c.id = 'ct' || g;
INSERT INTO conversation (id, account_id, contact_id, status, subject, team_id, channels, last_message_at, last_inbound_at, search_text)
SELECT 'cv' || g, c.account_id, c.id, (ARRAY['open','pending','snoozed','resolved'])[1 + g % 4],
       CASE WHEN g % 3 = 0 THEN 'Order PL-' || (100000 + g) ELSE 'Question ' || g END,
       CASE g % 3 WHEN 0 THEN 't1' WHEN 1 THEN NULL ELSE 't2' END, ARRAY['email'],
       now() - g * interval '10 seconds', now() - g * interval '10 seconds',
       lower(concat_ws(' ', CASE WHEN g % 3 = 0 THEN 'Order PL-' || (100000 + g) ELSE 'Question ' || g END, c.name))
FROM generate_series(1, 200000) g JOIN contact c ON c.id = 'ct' || g;
INSERT INTO message (id, account_id, conversation_id, direction, author_type, subject, text, created_at)
SELECT 'm' || g, cv.account_id, cv.id, CASE WHEN g % 5 = 0 THEN 'outbound' ELSE 'inbound' END,
       CASE WHEN g % 5 = 0 THEN 'user' ELSE 'contact' END, NULL,
       (ARRAY['my parcel','the kettle','an invoice','a refund','the mug','delivery','my order','a return'])[1 + g % 8]
         || ' ' || (ARRAY['is late','leaks water','never arrived','is broken','was charged twice','needs changing'])[1 + (g / 8) % 6]
         || ' tracking ' || (3400000000 + g) || ' please help, I wrote about this before and nobody answered me yet. '
         || repeat('Some more words to make the message longer like a real email body would be. ', 3),
       now() - (g / 5) * interval '10 seconds'
FROM generate_series(1, 1000000) g JOIN conversation cv ON cv.id = 'cv' || (1 + g % 200000);
ANALYZE;
