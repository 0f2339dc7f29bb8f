-- insight_monthly_fact_totals (db/schema/insight.ts) follows the daily fact cells as
-- insight_monthly_facts does, summed over channel and cause. The names start with
-- insight_monthly_facts_ so that the backfill suspends them with the monthly cells' own triggers
-- and sums both tables once from the rebuilt daily cells.
CREATE TRIGGER IF NOT EXISTS insight_monthly_facts_totals_ins AFTER INSERT ON insight_daily_facts BEGIN
  INSERT INTO insight_monthly_fact_totals (measure, month, item, product, team_id, n, total)
  VALUES (NEW.measure, substr(NEW.day, 1, 7), NEW.item, NEW.product, NEW.team_id, NEW.n, NEW.total)
  ON CONFLICT (measure, month, item, product, team_id) DO UPDATE SET n = n + excluded.n, total = total + excluded.total;
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS insight_monthly_facts_totals_upd AFTER UPDATE ON insight_daily_facts BEGIN
  UPDATE insight_monthly_fact_totals SET n = n + NEW.n - OLD.n, total = total + NEW.total - OLD.total
  WHERE measure = NEW.measure AND month = substr(NEW.day, 1, 7) AND item = NEW.item AND product = NEW.product AND team_id = NEW.team_id;
END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS insight_monthly_facts_totals_del AFTER DELETE ON insight_daily_facts BEGIN
  UPDATE insight_monthly_fact_totals SET n = n - OLD.n, total = total - OLD.total
  WHERE measure = OLD.measure AND month = substr(OLD.day, 1, 7) AND item = OLD.item AND product = OLD.product AND team_id = OLD.team_id;
END;
--> statement-breakpoint
INSERT INTO insight_monthly_fact_totals (measure, month, item, product, team_id, n, total)
  SELECT measure, month, item, product, team_id, sum(n), sum(total) FROM insight_monthly_facts GROUP BY measure, month, item, product, team_id;
