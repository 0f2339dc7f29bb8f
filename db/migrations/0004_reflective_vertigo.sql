CREATE TABLE `insight_agent_daily` (
	`day` text NOT NULL,
	`agent_id` integer NOT NULL,
	`team_id` integer NOT NULL,
	`measure` text NOT NULL,
	`n` integer NOT NULL,
	`total` integer NOT NULL,
	PRIMARY KEY(`day`, `agent_id`, `team_id`, `measure`)
);
--> statement-breakpoint
CREATE INDEX `insight_agent_daily_cover_idx` ON `insight_agent_daily` (`day`,`team_id`,`agent_id`,`measure`,`n`,`total`);--> statement-breakpoint
CREATE TABLE `insight_daily_facts` (
	`measure` text NOT NULL,
	`day` text NOT NULL,
	`item` text NOT NULL,
	`channel` text NOT NULL,
	`product` text NOT NULL,
	`cause` text NOT NULL,
	`team_id` integer NOT NULL,
	`n` integer NOT NULL,
	`total` integer NOT NULL,
	PRIMARY KEY(`measure`, `day`, `item`, `channel`, `product`, `cause`, `team_id`)
);
--> statement-breakpoint
CREATE INDEX `insight_daily_facts_cover_idx` ON `insight_daily_facts` (`measure`,`day`,`item`,`channel`,`product`,`cause`,`team_id`,`n`,`total`);--> statement-breakpoint
CREATE TABLE `insight_monthly_facts` (
	`measure` text NOT NULL,
	`month` text NOT NULL,
	`item` text NOT NULL,
	`channel` text NOT NULL,
	`product` text NOT NULL,
	`cause` text NOT NULL,
	`team_id` integer NOT NULL,
	`n` integer NOT NULL,
	`total` integer NOT NULL,
	PRIMARY KEY(`measure`, `month`, `item`, `channel`, `product`, `cause`, `team_id`)
);
--> statement-breakpoint
CREATE INDEX `insight_monthly_facts_cover_idx` ON `insight_monthly_facts` (`measure`,`month`,`item`,`channel`,`product`,`cause`,`team_id`,`n`,`total`);--> statement-breakpoint
CREATE TABLE `insight_timer_queue` (
	`timer_id` integer PRIMARY KEY NOT NULL
);
