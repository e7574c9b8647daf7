CREATE TABLE `domain_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`member_id` integer,
	`data` text NOT NULL,
	`dedupe_key` text,
	`occurred_at` integer NOT NULL,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `domain_events_dedupe_key_unique` ON `domain_events` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `domain_events_member_idx` ON `domain_events` (`member_id`,`id`);--> statement-breakpoint
CREATE INDEX `domain_events_recorded_idx` ON `domain_events` (`recorded_at`);--> statement-breakpoint
CREATE TABLE `event_cursors` (
	`subscriber` text PRIMARY KEY NOT NULL,
	`position` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`retry_at` integer DEFAULT 0 NOT NULL,
	`lease_token` text,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `event_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subscriber` text NOT NULL,
	`event_id` integer NOT NULL,
	`event_type` text NOT NULL,
	`error` text NOT NULL,
	`attempts` integer NOT NULL,
	`failed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `event_failures_subscriber_event_idx` ON `event_failures` (`subscriber`,`event_id`);--> statement-breakpoint
CREATE TABLE `event_handled_in_reply` (
	`subscriber` text NOT NULL,
	`event_id` integer NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`subscriber`, `event_id`)
);
