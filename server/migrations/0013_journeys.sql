CREATE TABLE `journey_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`journey_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`occurrence` text NOT NULL,
	`status` text NOT NULL,
	`exit_reason` text,
	`entered_at` integer NOT NULL,
	`next_step` integer DEFAULT 0 NOT NULL,
	`scheduled_at` integer,
	`next_due_at` integer,
	`locked_until` integer,
	`last_sent_step` integer,
	`created_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `journey_runs_occurrence_idx` ON `journey_runs` (`journey_id`,`member_id`,`occurrence`);--> statement-breakpoint
CREATE INDEX `journey_runs_due_idx` ON `journey_runs` (`next_due_at`) WHERE status = 'active';--> statement-breakpoint
CREATE INDEX `journey_runs_member_idx` ON `journey_runs` (`member_id`,`status`);--> statement-breakpoint
CREATE INDEX `journey_runs_journey_idx` ON `journey_runs` (`journey_id`,`status`);--> statement-breakpoint
CREATE TABLE `journey_step_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`journey_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`step` integer NOT NULL,
	`outcome` text NOT NULL,
	`reason` text,
	`outbox_key` text,
	`coupon_id` integer,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `journey_step_log_once_idx` ON `journey_step_log` (`run_id`,`step`) WHERE outcome <> 'deferred';--> statement-breakpoint
CREATE INDEX `journey_step_log_journey_idx` ON `journey_step_log` (`journey_id`,`step`,`outcome`);--> statement-breakpoint
CREATE INDEX `journey_step_log_member_idx` ON `journey_step_log` (`member_id`,`at`);--> statement-breakpoint
CREATE TABLE `journeys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`template_key` text,
	`name` text NOT NULL,
	`trigger_kind` text NOT NULL,
	`trigger` text NOT NULL,
	`audience_segment_id` integer,
	`steps` text NOT NULL,
	`goal` text NOT NULL,
	`holdout_percent` integer DEFAULT 0 NOT NULL,
	`priority` integer DEFAULT 50 NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`trigger_cursor` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `journeys_template_key_unique` ON `journeys` (`template_key`);--> statement-breakpoint
CREATE INDEX `journeys_trigger_idx` ON `journeys` (`trigger_kind`,`enabled`);--> statement-breakpoint
CREATE TABLE `marketing_contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`at` integer NOT NULL,
	`source` text NOT NULL,
	`ref` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `marketing_contacts_ref_unique` ON `marketing_contacts` (`ref`);--> statement-breakpoint
CREATE INDEX `marketing_contacts_member_idx` ON `marketing_contacts` (`member_id`,`at`);--> statement-breakpoint
CREATE TABLE `member_purchase_cycles` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`purchases` integer NOT NULL,
	`median_gap_ms` integer,
	`last_purchase_at` integer,
	`expected_next_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `member_purchase_cycles_expected_idx` ON `member_purchase_cycles` (`expected_next_at`) WHERE expected_next_at IS NOT NULL;