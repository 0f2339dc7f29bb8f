-- Rating comments newest first (the reports page shows 50 of the period's). ratings_created_idx
-- is partial on `score is not null`, but score is NOT NULL, so SQLite drops that term from every
-- query and can never prove the index applies: the page scanned and sorted every rating (165 ms
-- at a million tickets). A plain index on created_at, whose rowid order breaks ties by id.
CREATE INDEX IF NOT EXISTS `insight_ratings_created_idx` ON `ratings` (`created_at`);
