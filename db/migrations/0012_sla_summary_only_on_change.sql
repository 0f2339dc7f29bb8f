-- The ticket's SLA summary (migration 0003) written only where it changes. Every query on the
-- staff queue's due order has an index that holds coalesce(sla_due_at, …), nine of them, and
-- sla_state is in one more. SQLite rewrites the entry of every index whose columns an UPDATE
-- assigns, changed or not, so the old triggers, assigning both columns on every timer write,
-- rewrote ten index entries for each warning (which changes only sla_state) and for each of a
-- new ticket's three timers. Each column now has its own UPDATE, guarded by IS NOT: an
-- unchanged column assigns nothing and touches none of its indexes.
DROP TRIGGER IF EXISTS `sla_timers_summary_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `sla_timers_summary_au`;
--> statement-breakpoint
CREATE TRIGGER `sla_timers_summary_ai` AFTER INSERT ON `sla_timers` BEGIN
  UPDATE tickets SET sla_due_at = coalesce(
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state IN ('running', 'paused')),
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state = 'breached'))
  WHERE id = new.ticket_id AND sla_due_at IS NOT coalesce(
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state IN ('running', 'paused')),
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state = 'breached'));
  UPDATE tickets SET sla_state = (SELECT CASE
      WHEN sum(state = 'breached') > 0 THEN 'breached'
      WHEN sum(state = 'running' AND warnings_fired > 0) > 0 THEN 'warning'
      WHEN sum(state = 'running') > 0 THEN 'ok'
      WHEN sum(state = 'paused') > 0 THEN 'paused'
      END FROM sla_timers WHERE ticket_id = new.ticket_id)
  WHERE id = new.ticket_id AND sla_state IS NOT (SELECT CASE
      WHEN sum(state = 'breached') > 0 THEN 'breached'
      WHEN sum(state = 'running' AND warnings_fired > 0) > 0 THEN 'warning'
      WHEN sum(state = 'running') > 0 THEN 'ok'
      WHEN sum(state = 'paused') > 0 THEN 'paused'
      END FROM sla_timers WHERE ticket_id = new.ticket_id);
END;
--> statement-breakpoint
CREATE TRIGGER `sla_timers_summary_au` AFTER UPDATE OF state, due_at, warnings_fired ON `sla_timers` BEGIN
  UPDATE tickets SET sla_due_at = coalesce(
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state IN ('running', 'paused')),
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state = 'breached'))
  WHERE id = new.ticket_id AND sla_due_at IS NOT coalesce(
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state IN ('running', 'paused')),
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state = 'breached'));
  UPDATE tickets SET sla_state = (SELECT CASE
      WHEN sum(state = 'breached') > 0 THEN 'breached'
      WHEN sum(state = 'running' AND warnings_fired > 0) > 0 THEN 'warning'
      WHEN sum(state = 'running') > 0 THEN 'ok'
      WHEN sum(state = 'paused') > 0 THEN 'paused'
      END FROM sla_timers WHERE ticket_id = new.ticket_id)
  WHERE id = new.ticket_id AND sla_state IS NOT (SELECT CASE
      WHEN sum(state = 'breached') > 0 THEN 'breached'
      WHEN sum(state = 'running' AND warnings_fired > 0) > 0 THEN 'warning'
      WHEN sum(state = 'running') > 0 THEN 'ok'
      WHEN sum(state = 'paused') > 0 THEN 'paused'
      END FROM sla_timers WHERE ticket_id = new.ticket_id);
END;
