CREATE TABLE `customer_holdings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` integer NOT NULL,
	`product_code` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`risk_level` text NOT NULL,
	`purchased_on` text,
	`sales_channel` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customer_holdings_customer_product_uq` ON `customer_holdings` (`customer_id`,`product_code`);--> statement-breakpoint
CREATE TABLE `customer_profiles` (
	`customer_id` integer PRIMARY KEY NOT NULL,
	`risk_level` text,
	`assessed_on` text,
	`birth_date` text,
	`age_band` text,
	`vulnerable` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `escalation_config` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`version` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`definition` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `key`)
);
--> statement-breakpoint
CREATE TABLE `escalation_config_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`version` integer NOT NULL,
	`change` text NOT NULL,
	`enabled` integer NOT NULL,
	`definition` text NOT NULL,
	`author` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escalation_config_changes_version_uq` ON `escalation_config_changes` (`kind`,`key`,`version`);--> statement-breakpoint
CREATE TABLE `escalation_firings` (
	`ticket_id` integer NOT NULL,
	`rule_key` text NOT NULL,
	`trigger_key` text NOT NULL,
	`rule_version` integer NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`ticket_id`, `rule_key`, `trigger_key`),
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `escalation_round_robin` (
	`team_id` integer PRIMARY KEY NOT NULL,
	`last_staff_id` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`last_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
