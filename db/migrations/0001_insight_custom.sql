-- The half-year return counts complaints closed in a period: the time a ticket was finished
-- (resolved, or closed without a resolution). This expression index keeps that a range scan
-- over a million tickets, covering what the return reads; db/store/insight.ts writes the very
-- same expression.
CREATE INDEX IF NOT EXISTS `insight_tickets_finished_idx` ON `tickets` (coalesce(`resolved_at`, `closed_at`), `kind`, `product`, `created_at`) WHERE coalesce(`resolved_at`, `closed_at`) IS NOT NULL;
--> statement-breakpoint
-- The open backlog by age, filtered by channel, product, cause, kind or team: open tickets only
-- (few next to the history), covering every filter column, so the count never visits the table.
CREATE INDEX IF NOT EXISTS `insight_tickets_open_idx` ON `tickets` (`status`, `created_at`, `channel`, `product`, `cause`, `kind`, `team_id`) WHERE status in ('new', 'open', 'pending');
