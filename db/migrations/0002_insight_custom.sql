-- The half-year return counts complaints closed in a period: the time a ticket was finished
-- (resolved, or closed without a resolution). This expression index keeps that a range scan
-- over a million tickets; db/store/insight.ts writes the very same expression.
CREATE INDEX IF NOT EXISTS `insight_tickets_finished_idx` ON `tickets` (coalesce(`resolved_at`, `closed_at`)) WHERE coalesce(`resolved_at`, `closed_at`) IS NOT NULL;
