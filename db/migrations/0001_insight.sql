CREATE TABLE `insight_alert_tickets` (
	`alert_id` integer NOT NULL,
	`ticket_id` integer NOT NULL,
	PRIMARY KEY(`alert_id`, `ticket_id`),
	FOREIGN KEY (`alert_id`) REFERENCES `insight_alerts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `insight_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`dimension` text NOT NULL,
	`value` text NOT NULL,
	`flag` text,
	`period` text NOT NULL,
	`window_from` text NOT NULL,
	`window_to` text NOT NULL,
	`observed` integer NOT NULL,
	`expected` real,
	`p_value` real,
	`customers` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `insight_alerts_key_uq` ON `insight_alerts` (`key`);--> statement-breakpoint
CREATE INDEX `insight_alerts_created_idx` ON `insight_alerts` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `insight_daily_counts` (
	`day` text NOT NULL,
	`channel` text NOT NULL,
	`product` text NOT NULL,
	`cause` text NOT NULL,
	`kind` text NOT NULL,
	`team_id` integer NOT NULL,
	`opened` integer NOT NULL,
	PRIMARY KEY(`day`, `channel`, `product`, `cause`, `kind`, `team_id`)
);
--> statement-breakpoint
CREATE INDEX `insight_daily_counts_cover_idx` ON `insight_daily_counts` (`day`,`channel`,`product`,`cause`,`kind`,`team_id`,`opened`);--> statement-breakpoint
CREATE INDEX `insight_daily_counts_product_idx` ON `insight_daily_counts` (`product`,`day`,`channel`,`cause`,`kind`,`team_id`,`opened`);--> statement-breakpoint
CREATE INDEX `insight_daily_counts_cause_idx` ON `insight_daily_counts` (`cause`,`day`,`channel`,`product`,`kind`,`team_id`,`opened`);--> statement-breakpoint
CREATE TABLE `insight_daily_totals` (
	`day` text NOT NULL,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`team_id` integer NOT NULL,
	`opened` integer NOT NULL,
	PRIMARY KEY(`day`, `kind`, `channel`, `team_id`)
);
--> statement-breakpoint
CREATE TABLE `insight_monthly_counts` (
	`month` text NOT NULL,
	`channel` text NOT NULL,
	`product` text NOT NULL,
	`cause` text NOT NULL,
	`kind` text NOT NULL,
	`team_id` integer NOT NULL,
	`opened` integer NOT NULL,
	PRIMARY KEY(`month`, `channel`, `product`, `cause`, `kind`, `team_id`)
);
