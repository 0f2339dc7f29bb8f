-- The insight facts (db/schema/insight.ts): triggers on the tables where things happen count
-- each fact in its day's cell in the same statement, so in the same transaction; a trigger on
-- the daily cells keeps the monthly cells equal to their sum. Days are UTC (as rollupKeyOf).
CREATE TRIGGER IF NOT EXISTS insight_monthly_facts_ins AFTER INSERT ON insight_daily_facts BEGIN
  INSERT INTO insight_monthly_facts (measure, month, item, channel, product, cause, team_id, n, total)
  VALUES (NEW.measure, substr(NEW.day, 1, 7), NEW.item, NEW.channel, NEW.product, NEW.cause, NEW.team_id, NEW.n, NEW.total)
  ON CONFLICT (measure, month, item, channel, product, cause, team_id) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS insight_monthly_facts_upd AFTER UPDATE ON insight_daily_facts BEGIN
  UPDATE insight_monthly_facts SET n = n + NEW.n - OLD.n, total = total + NEW.total - OLD.total
  WHERE measure = NEW.measure AND month = substr(NEW.day, 1, 7) AND item = NEW.item AND channel = NEW.channel
    AND product = NEW.product AND cause = NEW.cause AND team_id = NEW.team_id;
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS insight_monthly_facts_del AFTER DELETE ON insight_daily_facts BEGIN
  UPDATE insight_monthly_facts SET n = n - OLD.n, total = total - OLD.total
  WHERE measure = OLD.measure AND month = substr(OLD.day, 1, 7) AND item = OLD.item AND channel = OLD.channel
    AND product = OLD.product AND cause = OLD.cause AND team_id = OLD.team_id;
END;
--> statement-breakpoint
-- A case review counts its outcome (with the redress paid) and its root cause. A ticket
-- reopened and resolved again gets a new review and reports read the latest, so the previous
-- review is taken out of its cells first.
CREATE TRIGGER IF NOT EXISTS insight_facts_review AFTER INSERT ON case_reviews BEGIN
  INSERT INTO insight_daily_facts (measure, day, item, channel, product, cause, team_id, n, total)
  SELECT 'review', strftime('%Y-%m-%d', p.created_at / 1000, 'unixepoch'), p.outcome, t.channel, coalesce(t.product, ''), coalesce(t.cause, ''), coalesce(t.team_id, 0), -1, -coalesce(p.redress_minor, 0)
  FROM case_reviews p JOIN tickets t ON t.id = p.ticket_id WHERE p.id = (SELECT max(id) FROM case_reviews WHERE ticket_id = NEW.ticket_id AND id < NEW.id)
  ON CONFLICT (measure, day, item, channel, product, cause, team_id) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
  INSERT INTO insight_daily_facts (measure, day, item, channel, product, cause, team_id, n, total)
  SELECT 'root_cause', strftime('%Y-%m-%d', p.created_at / 1000, 'unixepoch'), p.root_cause, t.channel, coalesce(t.product, ''), coalesce(t.cause, ''), coalesce(t.team_id, 0), -1, 0
  FROM case_reviews p JOIN tickets t ON t.id = p.ticket_id WHERE p.id = (SELECT max(id) FROM case_reviews WHERE ticket_id = NEW.ticket_id AND id < NEW.id)
  ON CONFLICT (measure, day, item, channel, product, cause, team_id) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
  INSERT INTO insight_daily_facts (measure, day, item, channel, product, cause, team_id, n, total)
  SELECT 'review', strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), NEW.outcome, t.channel, coalesce(t.product, ''), coalesce(t.cause, ''), coalesce(t.team_id, 0), 1, coalesce(NEW.redress_minor, 0)
  FROM tickets t WHERE t.id = NEW.ticket_id
  ON CONFLICT (measure, day, item, channel, product, cause, team_id) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
  INSERT INTO insight_daily_facts (measure, day, item, channel, product, cause, team_id, n, total)
  SELECT 'root_cause', strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), NEW.root_cause, t.channel, coalesce(t.product, ''), coalesce(t.cause, ''), coalesce(t.team_id, 0), 1, 0
  FROM tickets t WHERE t.id = NEW.ticket_id
  ON CONFLICT (measure, day, item, channel, product, cause, team_id) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS insight_facts_rating AFTER INSERT ON ratings BEGIN
  INSERT INTO insight_daily_facts (measure, day, item, channel, product, cause, team_id, n, total)
  SELECT 'rating', strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), CAST(NEW.score AS TEXT), t.channel, coalesce(t.product, ''), coalesce(t.cause, ''), coalesce(t.team_id, 0), 1, NEW.score
  FROM tickets t WHERE t.id = NEW.ticket_id
  ON CONFLICT (measure, day, item, channel, product, cause, team_id) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
  INSERT INTO insight_agent_daily (day, agent_id, team_id, measure, n, total)
  SELECT strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), t.assignee_id, coalesce(t.team_id, 0), 'rating', 1, NEW.score
  FROM tickets t WHERE t.id = NEW.ticket_id AND t.assignee_id IS NOT NULL
  ON CONFLICT (day, agent_id, team_id, measure) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
END;
--> statement-breakpoint
-- A risk flag counts once per ticket (ticket_flags' key); a suitability mismatch is also counted
-- by the sales channel of the customer's holding of the ticket's product, when known.
CREATE TRIGGER IF NOT EXISTS insight_facts_flag AFTER INSERT ON ticket_flags BEGIN
  INSERT INTO insight_daily_facts (measure, day, item, channel, product, cause, team_id, n, total)
  SELECT 'flag', strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), NEW.flag, t.channel, coalesce(t.product, ''), coalesce(t.cause, ''), coalesce(t.team_id, 0), 1, 0
  FROM tickets t WHERE t.id = NEW.ticket_id
  ON CONFLICT (measure, day, item, channel, product, cause, team_id) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
  INSERT INTO insight_daily_facts (measure, day, item, channel, product, cause, team_id, n, total)
  SELECT 'suitability', strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), coalesce((SELECT h.sales_channel FROM customer_holdings h WHERE h.customer_id = t.customer_id AND h.type = t.product ORDER BY h.id LIMIT 1), ''), t.channel, coalesce(t.product, ''), coalesce(t.cause, ''), coalesce(t.team_id, 0), 1, 0
  FROM tickets t WHERE t.id = NEW.ticket_id AND NEW.flag = 'suitability-mismatch'
  ON CONFLICT (measure, day, item, channel, product, cause, team_id) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS insight_facts_escalation AFTER UPDATE OF level ON tickets WHEN NEW.level > OLD.level BEGIN
  INSERT INTO insight_daily_facts (measure, day, item, channel, product, cause, team_id, n, total)
  SELECT 'escalation', strftime('%Y-%m-%d', NEW.updated_at / 1000, 'unixepoch'), CAST(NEW.level AS TEXT), t.channel, coalesce(t.product, ''), coalesce(t.cause, ''), coalesce(t.team_id, 0), 1, 0
  FROM tickets t WHERE t.id = NEW.id
  ON CONFLICT (measure, day, item, channel, product, cause, team_id) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
END;
--> statement-breakpoint
-- Staff quality: a ticket finished (resolved or closed) while assigned counts as handled by
-- its assignee; one that comes back from finished counts as reopened.
CREATE TRIGGER IF NOT EXISTS insight_agent_status AFTER UPDATE OF status ON tickets
WHEN (NEW.status IN ('resolved', 'closed')) <> (OLD.status IN ('resolved', 'closed')) BEGIN
  INSERT INTO insight_agent_daily (day, agent_id, team_id, measure, n, total)
  SELECT strftime('%Y-%m-%d', NEW.updated_at / 1000, 'unixepoch'), t.assignee_id, coalesce(t.team_id, 0), 'handled', 1, 0
  FROM tickets t WHERE t.id = NEW.id AND NEW.status IN ('resolved', 'closed') AND t.assignee_id IS NOT NULL
  ON CONFLICT (day, agent_id, team_id, measure) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
  INSERT INTO insight_agent_daily (day, agent_id, team_id, measure, n, total)
  SELECT strftime('%Y-%m-%d', NEW.updated_at / 1000, 'unixepoch'), t.assignee_id, coalesce(t.team_id, 0), 'reopened', 1, 0
  FROM tickets t WHERE t.id = NEW.id AND NEW.status NOT IN ('resolved', 'closed') AND t.assignee_id IS NOT NULL
  ON CONFLICT (day, agent_id, team_id, measure) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS insight_facts_breach AFTER UPDATE OF state ON sla_timers
WHEN NEW.state = 'breached' AND OLD.state <> 'breached' BEGIN
  INSERT INTO insight_daily_facts (measure, day, item, channel, product, cause, team_id, n, total)
  SELECT 'breach', strftime('%Y-%m-%d', coalesce(NEW.breached_at, NEW.updated_at) / 1000, 'unixepoch'), NEW.target, t.channel, coalesce(t.product, ''), coalesce(t.cause, ''), coalesce(t.team_id, 0), 1, 0
  FROM tickets t WHERE t.id = NEW.ticket_id
  ON CONFLICT (measure, day, item, channel, product, cause, team_id) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
  INSERT INTO insight_agent_daily (day, agent_id, team_id, measure, n, total)
  SELECT strftime('%Y-%m-%d', coalesce(NEW.breached_at, NEW.updated_at) / 1000, 'unixepoch'), t.assignee_id, coalesce(t.team_id, 0), 'breach', 1, 0
  FROM tickets t WHERE t.id = NEW.ticket_id AND t.assignee_id IS NOT NULL
  ON CONFLICT (day, agent_id, team_id, measure) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
END;
--> statement-breakpoint
-- How long a met target took is measured on the timer's own clock (business time needs the
-- calendar): the timer waits in the queue for the roll-up (app/insight/rollup.server.ts).
CREATE TRIGGER IF NOT EXISTS insight_timer_met AFTER UPDATE OF met_at ON sla_timers
WHEN NEW.met_at IS NOT NULL AND OLD.met_at IS NULL BEGIN
  INSERT OR IGNORE INTO insight_timer_queue (timer_id) VALUES (NEW.id);
END;
--> statement-breakpoint
-- Lessons learned, searchable in Chinese and English alike: trigram tokens match any substring
-- of three characters or more (shorter searches fall back to LIKE over the period's reviews).
CREATE VIRTUAL TABLE IF NOT EXISTS insight_lessons_fts USING fts5(lesson, content='case_reviews', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS insight_lessons_fts_ins AFTER INSERT ON case_reviews BEGIN
  INSERT INTO insight_lessons_fts (rowid, lesson) VALUES (NEW.id, NEW.lesson);
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS insight_lessons_fts_del AFTER DELETE ON case_reviews BEGIN
  INSERT INTO insight_lessons_fts (insight_lessons_fts, rowid, lesson) VALUES ('delete', OLD.id, OLD.lesson);
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS insight_lessons_fts_upd AFTER UPDATE OF lesson ON case_reviews BEGIN
  INSERT INTO insight_lessons_fts (insight_lessons_fts, rowid, lesson) VALUES ('delete', OLD.id, OLD.lesson);
  INSERT INTO insight_lessons_fts (rowid, lesson) VALUES (NEW.id, NEW.lesson);
END;
--> statement-breakpoint
INSERT INTO insight_lessons_fts (insight_lessons_fts) VALUES ('rebuild');
--> statement-breakpoint
-- The opened counts (insight_daily_counts, _totals, monthly) follow every ticket insert and every
-- change of channel, product, cause, kind or team, whichever code makes it (triage, rules, the
-- API): a ticket is always counted once, in the cell it is in now. It replaces the ticket.created
-- hook and the moveTicketInRollups call that reclassifying code had to remember.
CREATE TRIGGER IF NOT EXISTS insight_counts_ins AFTER INSERT ON tickets BEGIN
  INSERT INTO insight_daily_counts (day, channel, product, cause, kind, team_id, opened) VALUES (strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), NEW.channel, coalesce(NEW.product, ''), coalesce(NEW.cause, ''), NEW.kind, coalesce(NEW.team_id, 0), 1)
  ON CONFLICT (day, channel, product, cause, kind, team_id) DO UPDATE SET opened = opened + excluded.opened;
  INSERT INTO insight_daily_totals (day, kind, channel, team_id, opened) VALUES (strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), NEW.kind, NEW.channel, coalesce(NEW.team_id, 0), 1)
  ON CONFLICT (day, kind, channel, team_id) DO UPDATE SET opened = opened + excluded.opened;
  INSERT INTO insight_monthly_counts (month, channel, product, cause, kind, team_id, opened) VALUES (substr(strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), 1, 7), NEW.channel, coalesce(NEW.product, ''), coalesce(NEW.cause, ''), NEW.kind, coalesce(NEW.team_id, 0), 1)
  ON CONFLICT (month, channel, product, cause, kind, team_id) DO UPDATE SET opened = opened + excluded.opened;
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS insight_counts_move AFTER UPDATE OF channel, product, cause, kind, team_id, created_at ON tickets
WHEN OLD.channel IS NOT NEW.channel OR OLD.product IS NOT NEW.product OR OLD.cause IS NOT NEW.cause
  OR OLD.kind IS NOT NEW.kind OR OLD.team_id IS NOT NEW.team_id OR OLD.created_at IS NOT NEW.created_at BEGIN
  INSERT INTO insight_daily_counts (day, channel, product, cause, kind, team_id, opened) VALUES (strftime('%Y-%m-%d', OLD.created_at / 1000, 'unixepoch'), OLD.channel, coalesce(OLD.product, ''), coalesce(OLD.cause, ''), OLD.kind, coalesce(OLD.team_id, 0), -1)
  ON CONFLICT (day, channel, product, cause, kind, team_id) DO UPDATE SET opened = opened + excluded.opened;
  INSERT INTO insight_daily_totals (day, kind, channel, team_id, opened) VALUES (strftime('%Y-%m-%d', OLD.created_at / 1000, 'unixepoch'), OLD.kind, OLD.channel, coalesce(OLD.team_id, 0), -1)
  ON CONFLICT (day, kind, channel, team_id) DO UPDATE SET opened = opened + excluded.opened;
  INSERT INTO insight_monthly_counts (month, channel, product, cause, kind, team_id, opened) VALUES (substr(strftime('%Y-%m-%d', OLD.created_at / 1000, 'unixepoch'), 1, 7), OLD.channel, coalesce(OLD.product, ''), coalesce(OLD.cause, ''), OLD.kind, coalesce(OLD.team_id, 0), -1)
  ON CONFLICT (month, channel, product, cause, kind, team_id) DO UPDATE SET opened = opened + excluded.opened;
  INSERT INTO insight_daily_counts (day, channel, product, cause, kind, team_id, opened) VALUES (strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), NEW.channel, coalesce(NEW.product, ''), coalesce(NEW.cause, ''), NEW.kind, coalesce(NEW.team_id, 0), 1)
  ON CONFLICT (day, channel, product, cause, kind, team_id) DO UPDATE SET opened = opened + excluded.opened;
  INSERT INTO insight_daily_totals (day, kind, channel, team_id, opened) VALUES (strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), NEW.kind, NEW.channel, coalesce(NEW.team_id, 0), 1)
  ON CONFLICT (day, kind, channel, team_id) DO UPDATE SET opened = opened + excluded.opened;
  INSERT INTO insight_monthly_counts (month, channel, product, cause, kind, team_id, opened) VALUES (substr(strftime('%Y-%m-%d', NEW.created_at / 1000, 'unixepoch'), 1, 7), NEW.channel, coalesce(NEW.product, ''), coalesce(NEW.cause, ''), NEW.kind, coalesce(NEW.team_id, 0), 1)
  ON CONFLICT (month, channel, product, cause, kind, team_id) DO UPDATE SET opened = opened + excluded.opened;
END;
