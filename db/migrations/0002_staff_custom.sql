-- Staff queue: full-text search (FTS5, trigram tokenizer so Chinese text and parts of phone
-- numbers match), triggers that keep it and tickets.flag_count in sync, and the partial and
-- expression indexes the queue's views page through. The expressions and the literal
-- status list must match db/store/queue.ts exactly, or the planner will not use them.
CREATE VIRTUAL TABLE `tickets_fts` USING fts5(subject, content='tickets', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_ai` AFTER INSERT ON `tickets` BEGIN
  INSERT INTO tickets_fts(rowid, subject) VALUES (new.id, new.subject);
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_ad` AFTER DELETE ON `tickets` BEGIN
  INSERT INTO tickets_fts(tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_au` AFTER UPDATE OF subject ON `tickets` BEGIN
  INSERT INTO tickets_fts(tickets_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
  INSERT INTO tickets_fts(rowid, subject) VALUES (new.id, new.subject);
END;
--> statement-breakpoint
INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild');
--> statement-breakpoint
CREATE VIRTUAL TABLE `messages_fts` USING fts5(text, content='messages', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `messages_fts_ai` AFTER INSERT ON `messages` BEGIN
  INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_ad` AFTER DELETE ON `messages` BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_au` AFTER UPDATE OF text ON `messages` BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;
--> statement-breakpoint
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
--> statement-breakpoint
-- One row per customer: their name and every email and phone they are known by.
CREATE VIRTUAL TABLE `customers_fts` USING fts5(name, contacts, tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `customers_fts_ai` AFTER INSERT ON `customers` BEGIN
  INSERT INTO customers_fts(rowid, name, contacts) VALUES (new.id, coalesce(new.name, ''), '');
END;
--> statement-breakpoint
CREATE TRIGGER `customers_fts_au` AFTER UPDATE OF name ON `customers` BEGIN
  UPDATE customers_fts SET name = coalesce(new.name, '') WHERE rowid = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `customer_contacts_fts_ai` AFTER INSERT ON `customer_contacts` BEGIN
  UPDATE customers_fts SET contacts = (SELECT group_concat(value, ' ') FROM customer_contacts WHERE customer_id = new.customer_id) WHERE rowid = new.customer_id;
END;
--> statement-breakpoint
CREATE TRIGGER `customer_contacts_fts_au` AFTER UPDATE OF value, customer_id ON `customer_contacts` BEGIN
  UPDATE customers_fts SET contacts = (SELECT group_concat(value, ' ') FROM customer_contacts WHERE customer_id = old.customer_id) WHERE rowid = old.customer_id;
  UPDATE customers_fts SET contacts = (SELECT group_concat(value, ' ') FROM customer_contacts WHERE customer_id = new.customer_id) WHERE rowid = new.customer_id;
END;
--> statement-breakpoint
CREATE TRIGGER `customer_contacts_fts_ad` AFTER DELETE ON `customer_contacts` BEGIN
  UPDATE customers_fts SET contacts = coalesce((SELECT group_concat(value, ' ') FROM customer_contacts WHERE customer_id = old.customer_id), '') WHERE rowid = old.customer_id;
END;
--> statement-breakpoint
INSERT INTO customers_fts(rowid, name, contacts)
  SELECT c.id, coalesce(c.name, ''), coalesce((SELECT group_concat(value, ' ') FROM customer_contacts cc WHERE cc.customer_id = c.id), '') FROM customers c;
--> statement-breakpoint
-- tickets.flag_count follows ticket_flags, whoever writes them (intake, rules, staff).
CREATE TRIGGER `ticket_flags_count_ai` AFTER INSERT ON `ticket_flags` BEGIN
  UPDATE tickets SET flag_count = flag_count + 1 WHERE id = new.ticket_id;
END;
--> statement-breakpoint
CREATE TRIGGER `ticket_flags_count_ad` AFTER DELETE ON `ticket_flags` BEGIN
  UPDATE tickets SET flag_count = flag_count - 1 WHERE id = old.ticket_id;
END;
--> statement-breakpoint
UPDATE tickets SET flag_count = (SELECT count(*) FROM ticket_flags f WHERE f.ticket_id = tickets.id) WHERE id IN (SELECT ticket_id FROM ticket_flags);
--> statement-breakpoint
-- Queue indexes. Open = status in ('new','open','pending'); due = the SLA due time with
-- tickets that have none sorted last.
CREATE INDEX `tickets_q_open_due_idx` ON `tickets` (coalesce(sla_due_at, 9007199254740991), id) WHERE status in ('new','open','pending');
--> statement-breakpoint
CREATE INDEX `tickets_q_assignee_due_idx` ON `tickets` (assignee_id, coalesce(sla_due_at, 9007199254740991), id) WHERE status in ('new','open','pending');
--> statement-breakpoint
CREATE INDEX `tickets_q_team_due_idx` ON `tickets` (team_id, coalesce(sla_due_at, 9007199254740991), id) WHERE status in ('new','open','pending');
--> statement-breakpoint
CREATE INDEX `tickets_q_status_due_idx` ON `tickets` (status, coalesce(sla_due_at, 9007199254740991), id) WHERE status in ('new','open','pending');
--> statement-breakpoint
CREATE INDEX `tickets_q_sla_state_due_idx` ON `tickets` (sla_state, coalesce(sla_due_at, 9007199254740991), id) WHERE status in ('new','open','pending');
--> statement-breakpoint
CREATE INDEX `tickets_q_escalated_due_idx` ON `tickets` (coalesce(sla_due_at, 9007199254740991), id) WHERE status in ('new','open','pending') AND level > 0;
--> statement-breakpoint
CREATE INDEX `tickets_q_flagged_due_idx` ON `tickets` (coalesce(sla_due_at, 9007199254740991), id) WHERE status in ('new','open','pending') AND flag_count > 0;
--> statement-breakpoint
CREATE INDEX `tickets_q_open_priority_idx` ON `tickets` ((CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END), coalesce(sla_due_at, 9007199254740991), id) WHERE status in ('new','open','pending');
--> statement-breakpoint
CREATE INDEX `tickets_q_open_created_idx` ON `tickets` (created_at, id) WHERE status in ('new','open','pending');
--> statement-breakpoint
CREATE INDEX `tickets_q_open_updated_idx` ON `tickets` (updated_at, id) WHERE status in ('new','open','pending');
--> statement-breakpoint
CREATE INDEX `tickets_q_status_updated_idx` ON `tickets` (status, updated_at, id);
