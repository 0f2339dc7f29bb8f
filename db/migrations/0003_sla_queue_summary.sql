-- The staff queue sorts and filters on tickets.sla_due_at / sla_state (indexed with the queue's
-- other columns), while the SLA engine owns sla_timers. These triggers keep the ticket's summary
-- in step with its timers in the same statement, so neither side has to know the other:
--   sla_due_at: the earliest due time of a running or paused timer, else of a breached one;
--   sla_state:  breached > warning (a running timer past a warning) > ok (running) > paused.
CREATE TRIGGER `sla_timers_summary_ai` AFTER INSERT ON `sla_timers` BEGIN
  UPDATE tickets SET
    sla_due_at = coalesce(
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state IN ('running', 'paused')),
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state = 'breached')),
    sla_state = (SELECT CASE
      WHEN sum(state = 'breached') > 0 THEN 'breached'
      WHEN sum(state = 'running' AND warnings_fired > 0) > 0 THEN 'warning'
      WHEN sum(state = 'running') > 0 THEN 'ok'
      WHEN sum(state = 'paused') > 0 THEN 'paused'
      END FROM sla_timers WHERE ticket_id = new.ticket_id)
  WHERE id = new.ticket_id;
END;
--> statement-breakpoint
CREATE TRIGGER `sla_timers_summary_au` AFTER UPDATE OF state, due_at, warnings_fired ON `sla_timers` BEGIN
  UPDATE tickets SET
    sla_due_at = coalesce(
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state IN ('running', 'paused')),
      (SELECT min(due_at) FROM sla_timers WHERE ticket_id = new.ticket_id AND state = 'breached')),
    sla_state = (SELECT CASE
      WHEN sum(state = 'breached') > 0 THEN 'breached'
      WHEN sum(state = 'running' AND warnings_fired > 0) > 0 THEN 'warning'
      WHEN sum(state = 'running') > 0 THEN 'ok'
      WHEN sum(state = 'paused') > 0 THEN 'paused'
      END FROM sla_timers WHERE ticket_id = new.ticket_id)
  WHERE id = new.ticket_id;
END;
