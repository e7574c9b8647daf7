CREATE TABLE `chat_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`direction` text NOT NULL,
	`kind` text NOT NULL,
	`text` text,
	`payload` text NOT NULL,
	`source_key` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chat_messages_source_key_unique` ON `chat_messages` (`source_key`);--> statement-breakpoint
CREATE INDEX `chat_messages_member_idx` ON `chat_messages` (`member_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`line_user_id` text NOT NULL,
	`member_number` text NOT NULL,
	`display_name` text,
	`picture_url` text,
	`status_message` text,
	`language` text,
	`follow_state` text NOT NULL,
	`follow_state_at` integer NOT NULL,
	`first_followed_at` integer,
	`followed_at` integer,
	`blocked_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_line_user_id_unique` ON `members` (`line_user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `members_member_number_unique` ON `members` (`member_number`);--> statement-breakpoint
CREATE INDEX `members_follow_state_idx` ON `members` (`follow_state`,`followed_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`line_user_id` text NOT NULL,
	`reply_token` text,
	`reply_token_expires_at` integer,
	`retry_key` text NOT NULL,
	`messages` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`locked_until` integer,
	`reply_attempted_at` integer,
	`via` text,
	`line_request_id` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe_key_unique` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`line_user_id` text,
	`reply_token` text,
	`event_at` integer NOT NULL,
	`is_redelivery` integer NOT NULL,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`locked_until` integer,
	`last_error` text,
	`processed_at` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_events_due_idx` ON `webhook_events` (`status`,`next_attempt_at`);