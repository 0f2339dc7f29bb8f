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
CREATE INDEX `sms_keyword_messages_phone_idx` ON `sms_keyword_messages` (`phone`,`received_at`);