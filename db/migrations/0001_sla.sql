CREATE TABLE `sla_calendars` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sla_calendars_name_unique` ON `sla_calendars` (`name`);--> statement-breakpoint
CREATE TABLE `sla_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`regulation` text NOT NULL,
	`position` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sla_policies_key_uq` ON `sla_policies` (`key`);--> statement-breakpoint
CREATE INDEX `sla_policies_position_idx` ON `sla_policies` (`position`,`id`);--> statement-breakpoint
CREATE TABLE `sla_policy_versions` (
	`policy_id` integer NOT NULL,
	`version` integer NOT NULL,
	`definition` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`policy_id`, `version`),
	FOREIGN KEY (`policy_id`) REFERENCES `sla_policies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sla_timers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`target` text NOT NULL,
	`policy_id` integer NOT NULL,
	`policy_version` integer NOT NULL,
	`clock` text NOT NULL,
	`calendar_name` text,
	`started_at` integer NOT NULL,
	`budget_ms` integer NOT NULL,
	`due_at` integer NOT NULL,
	`paused_since` integer,
	`pause_reason` text,
	`paused_total_ms` integer DEFAULT 0 NOT NULL,
	`state` text NOT NULL,
	`warnings_fired` integer DEFAULT 0 NOT NULL,
	`next_action_at` integer,
	`extension_step` integer DEFAULT 0 NOT NULL,
	`met_at` integer,
	`breached_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`policy_id`) REFERENCES `sla_policies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sla_timers_ticket_target_uq` ON `sla_timers` (`ticket_id`,`target`);--> statement-breakpoint
CREATE INDEX `sla_timers_next_idx` ON `sla_timers` (`next_action_at`) WHERE state = 'running';--> statement-breakpoint
CREATE INDEX `sla_timers_due_idx` ON `sla_timers` (`due_at`) WHERE state = 'running';--> statement-breakpoint
CREATE INDEX `sla_timers_state_idx` ON `sla_timers` (`state`,`ticket_id`);--> statement-breakpoint
CREATE INDEX `sla_timers_warned_idx` ON `sla_timers` (`ticket_id`) WHERE state = 'running' and warnings_fired > 0;