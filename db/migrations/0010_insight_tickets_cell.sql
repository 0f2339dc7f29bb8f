-- Rating comments and lessons filtered by product and two more of cause, channel and team (a few
-- hundred tickets of a million) start from the tickets the filter selects and sort their reviews
-- or ratings, instead of walking the period's newest first and testing each one's ticket: with
-- all four filters that walk read a whole year of reviews to find 50 (650 ms at a million
-- tickets). db/store/insight.ts chooses the plan (narrowTicketFilter).
CREATE INDEX IF NOT EXISTS `insight_tickets_cell_idx` ON `tickets` (`product`, `cause`, `channel`, `team_id`);
