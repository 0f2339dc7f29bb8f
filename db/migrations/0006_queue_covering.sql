-- Queue indexes that cover their views' queries (docs/decisions/0015-queue-covering-indexes.md).
-- Same names, keys and conditions as 0002_staff_custom (the store names them with INDEXED BY),
-- plus trailing columns: every column a view's page and count read — status for the partial
-- condition, level / flag_count for escalated / flagged, and team_id, assignee_id for an agent's
-- scope — so SQLite answers from the index alone and never fetches a ticket row to filter it.
DROP INDEX IF EXISTS `tickets_q_open_due_idx`;
--> statement-breakpoint
CREATE INDEX `tickets_q_open_due_idx` ON `tickets` (coalesce(sla_due_at, 9007199254740991), id, status, team_id, assignee_id) WHERE status in ('new','open','pending');
--> statement-breakpoint
DROP INDEX IF EXISTS `tickets_q_assignee_due_idx`;
--> statement-breakpoint
CREATE INDEX `tickets_q_assignee_due_idx` ON `tickets` (assignee_id, coalesce(sla_due_at, 9007199254740991), id, status, team_id) WHERE status in ('new','open','pending');
--> statement-breakpoint
DROP INDEX IF EXISTS `tickets_q_status_due_idx`;
--> statement-breakpoint
CREATE INDEX `tickets_q_status_due_idx` ON `tickets` (status, coalesce(sla_due_at, 9007199254740991), id, team_id, assignee_id) WHERE status in ('new','open','pending');
--> statement-breakpoint
DROP INDEX IF EXISTS `tickets_q_sla_state_due_idx`;
--> statement-breakpoint
CREATE INDEX `tickets_q_sla_state_due_idx` ON `tickets` (sla_state, coalesce(sla_due_at, 9007199254740991), id, status, team_id, assignee_id) WHERE status in ('new','open','pending');
--> statement-breakpoint
DROP INDEX IF EXISTS `tickets_q_escalated_due_idx`;
--> statement-breakpoint
CREATE INDEX `tickets_q_escalated_due_idx` ON `tickets` (coalesce(sla_due_at, 9007199254740991), id, status, level, team_id, assignee_id) WHERE status in ('new','open','pending') AND level > 0;
--> statement-breakpoint
DROP INDEX IF EXISTS `tickets_q_flagged_due_idx`;
--> statement-breakpoint
CREATE INDEX `tickets_q_flagged_due_idx` ON `tickets` (coalesce(sla_due_at, 9007199254740991), id, status, flag_count, team_id, assignee_id) WHERE status in ('new','open','pending') AND flag_count > 0;
--> statement-breakpoint
DROP INDEX IF EXISTS `tickets_q_open_priority_idx`;
--> statement-breakpoint
CREATE INDEX `tickets_q_open_priority_idx` ON `tickets` ((CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END), coalesce(sla_due_at, 9007199254740991), id, status, team_id, assignee_id) WHERE status in ('new','open','pending');
--> statement-breakpoint
DROP INDEX IF EXISTS `tickets_q_open_created_idx`;
--> statement-breakpoint
CREATE INDEX `tickets_q_open_created_idx` ON `tickets` (created_at, id, status, team_id, assignee_id) WHERE status in ('new','open','pending');
--> statement-breakpoint
DROP INDEX IF EXISTS `tickets_q_open_updated_idx`;
--> statement-breakpoint
CREATE INDEX `tickets_q_open_updated_idx` ON `tickets` (updated_at, id, status, team_id, assignee_id) WHERE status in ('new','open','pending');
--> statement-breakpoint
DROP INDEX IF EXISTS `tickets_q_status_updated_idx`;
--> statement-breakpoint
CREATE INDEX `tickets_q_status_updated_idx` ON `tickets` (status, updated_at, id, team_id, assignee_id);
