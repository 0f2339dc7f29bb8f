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
CREATE INDEX `inbound_emails_ticket_idx` ON `inbound_emails` (`ticket_id`) WHERE ticket_id is not null;