CREATE TABLE `customer_contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` integer NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`opted_out_at` integer,
	`undeliverable_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customer_contacts_kind_value_uq` ON `customer_contacts` (`kind`,`value`);--> statement-breakpoint
CREATE INDEX `customer_contacts_customer_idx` ON `customer_contacts` (`customer_id`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text,
	`customer_number` text,
	`language` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_number_uq` ON `customers` (`customer_number`) WHERE customer_number is not null;--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_uq` ON `api_tokens` (`token_hash`) WHERE revoked_at is null;--> statement-breakpoint
CREATE TABLE `staff_users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`team_id` integer,
	`language` text DEFAULT 'zh' NOT NULL,
	`phone` text,
	`password_hash` text NOT NULL,
	`disabled_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_users_email_uq` ON `staff_users` (`email`);--> statement-breakpoint
CREATE INDEX `staff_users_team_idx` ON `staff_users` (`team_id`);--> statement-breakpoint
CREATE TABLE `teams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `teams_name_unique` ON `teams` (`name`);--> statement-breakpoint
CREATE TABLE `attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer NOT NULL,
	`ticket_id` integer NOT NULL,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer,
	`storage_key` text,
	`sha256` text,
	`state` text NOT NULL,
	`source_url` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `attachments_message_idx` ON `attachments` (`message_id`);--> statement-breakpoint
CREATE INDEX `attachments_pending_idx` ON `attachments` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`type` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`data` text DEFAULT '{}' NOT NULL,
	`public` integer DEFAULT false NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `events_ticket_idx` ON `events` (`ticket_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_type_at_idx` ON `events` (`type`,`at`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`direction` text NOT NULL,
	`channel` text NOT NULL,
	`author_type` text NOT NULL,
	`author_staff_id` integer,
	`sender_address` text,
	`sender_name` text,
	`subject` text,
	`text` text NOT NULL,
	`html` text,
	`provider_message_id` text,
	`delivery_status` text,
	`delivery_error` text,
	`meta` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `messages_ticket_idx` ON `messages` (`ticket_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_provider_uq` ON `messages` (`channel`,`provider_message_id`) WHERE provider_message_id is not null;--> statement-breakpoint
CREATE TABLE `reference_counters` (
	`prefix` text NOT NULL,
	`year` integer NOT NULL,
	`last` integer NOT NULL,
	PRIMARY KEY(`prefix`, `year`)
);
--> statement-breakpoint
CREATE TABLE `ticket_flags` (
	`ticket_id` integer NOT NULL,
	`flag` text NOT NULL,
	`detail` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`ticket_id`, `flag`),
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_flags_flag_idx` ON `ticket_flags` (`flag`,`ticket_id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`kind` text NOT NULL,
	`feedback_type` text,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`priority` text NOT NULL,
	`product` text,
	`cause` text,
	`subject` text NOT NULL,
	`customer_id` integer NOT NULL,
	`assignee_id` integer,
	`team_id` integer,
	`level` integer DEFAULT 0 NOT NULL,
	`language` text NOT NULL,
	`occurred_on` text,
	`amount_minor` integer,
	`currency` text,
	`outcome_wanted` text,
	`consent_to_contact` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_message_at` integer NOT NULL,
	`resolved_at` integer,
	`closed_at` integer,
	`sla_due_at` integer,
	`sla_state` text,
	`flag_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_reference_uq` ON `tickets` (`reference`);--> statement-breakpoint
CREATE INDEX `tickets_created_idx` ON `tickets` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tickets_customer_status_idx` ON `tickets` (`customer_id`,`status`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `tickets_status_created_idx` ON `tickets` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `tracking_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`ticket_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tracking_tokens_ticket_idx` ON `tracking_tokens` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`subject` text,
	`body` text NOT NULL,
	`html` text,
	`headers` text,
	`purpose` text NOT NULL,
	`ticket_id` integer,
	`message_id` integer,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`provider_id` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`channel`,`next_attempt_at`) WHERE status in ('queued', 'sending');--> statement-breakpoint
CREATE INDEX `outbox_ticket_idx` ON `outbox` (`ticket_id`);--> statement-breakpoint
CREATE INDEX `outbox_provider_idx` ON `outbox` (`provider_id`) WHERE provider_id is not null;--> statement-breakpoint
CREATE TABLE `sms_keyword_messages` (
	`message_sid` text PRIMARY KEY NOT NULL,
	`phone` text NOT NULL,
	`keyword` text NOT NULL,
	`body` text NOT NULL,
	`customer_id` integer NOT NULL,
	`ticket_id` integer,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sms_keyword_messages_phone_idx` ON `sms_keyword_messages` (`phone`,`received_at`);--> statement-breakpoint
CREATE TABLE `ack_throttle` (
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`channel`, `recipient`)
);
--> statement-breakpoint
CREATE TABLE `email_quarantine` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sha256` text NOT NULL,
	`source` text NOT NULL,
	`file` text NOT NULL,
	`size` integer NOT NULL,
	`error` text NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`replayed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `email_quarantine_sha_uq` ON `email_quarantine` (`sha256`);--> statement-breakpoint
CREATE INDEX `email_quarantine_open_idx` ON `email_quarantine` (`id`) WHERE replayed_at is null;--> statement-breakpoint
CREATE TABLE `imap_state` (
	`mailbox` text PRIMARY KEY NOT NULL,
	`uid_validity` text NOT NULL,
	`last_uid` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `inbound_emails` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`source` text NOT NULL,
	`outcome` text NOT NULL,
	`message_id` integer,
	`ticket_id` integer,
	`raw` blob NOT NULL,
	`raw_encoding` text NOT NULL,
	`raw_size` integer NOT NULL,
	`sha256` text NOT NULL,
	`detail` text,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_emails_dedupe_uq` ON `inbound_emails` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `inbound_emails_message_idx` ON `inbound_emails` (`message_id`) WHERE message_id is not null;--> statement-breakpoint
CREATE INDEX `inbound_emails_ticket_idx` ON `inbound_emails` (`ticket_id`) WHERE ticket_id is not null;--> statement-breakpoint
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
CREATE INDEX `sla_timers_warned_idx` ON `sla_timers` (`ticket_id`) WHERE state = 'running' and warnings_fired > 0;--> statement-breakpoint
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
--> statement-breakpoint
CREATE TABLE `case_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`outcome` text NOT NULL,
	`redress_minor` integer,
	`currency` text,
	`root_cause` text NOT NULL,
	`lesson` text NOT NULL,
	`reviewer_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewer_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_reviews_ticket_idx` ON `case_reviews` (`ticket_id`,`id`);--> statement-breakpoint
CREATE INDEX `case_reviews_created_idx` ON `case_reviews` (`created_at`);--> statement-breakpoint
CREATE TABLE `macros` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`body_zh` text NOT NULL,
	`body_en` text NOT NULL,
	`created_by` integer,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ratings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`score` integer NOT NULL,
	`comment` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ratings_ticket_uq` ON `ratings` (`ticket_id`);--> statement-breakpoint
CREATE INDEX `ratings_created_idx` ON `ratings` (`created_at`) WHERE score is not null;--> statement-breakpoint
CREATE TABLE `saved_views` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`query` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `saved_views_user_name_uq` ON `saved_views` (`user_id`,`name`);--> statement-breakpoint
CREATE TABLE `staff_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_hash` text NOT NULL,
	`user_id` integer NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_sessions_token_uq` ON `staff_sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `staff_sessions_user_idx` ON `staff_sessions` (`user_id`);--> statement-breakpoint
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
--> statement-breakpoint
CREATE TABLE `api_idempotency` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_id` integer NOT NULL,
	`key` text NOT NULL,
	`operation` text NOT NULL,
	`ticket_id` integer NOT NULL,
	`response` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`token_id`) REFERENCES `api_tokens`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_idempotency_token_key_uq` ON `api_idempotency` (`token_id`,`key`);