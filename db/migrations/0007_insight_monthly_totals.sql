CREATE TABLE `insight_monthly_fact_totals` (
	`measure` text NOT NULL,
	`month` text NOT NULL,
	`item` text NOT NULL,
	`product` text NOT NULL,
	`team_id` integer NOT NULL,
	`n` integer NOT NULL,
	`total` integer NOT NULL,
	PRIMARY KEY(`measure`, `month`, `item`, `product`, `team_id`)
);
--> statement-breakpoint
CREATE INDEX `insight_monthly_fact_totals_cover_idx` ON `insight_monthly_fact_totals` (`measure`,`month`,`item`,`product`,`team_id`,`n`,`total`);