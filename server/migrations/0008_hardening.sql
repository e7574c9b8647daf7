-- Attempt counters for guessable secrets, and staff alerts that need no member (a parked LINE
-- event, a burst of wrong codes). drizzle-kit wraps the table rebuild in PRAGMA foreign_keys=OFF/ON;
-- no foreign key points at or from staff_alerts, and D1 runs each migration as one batch, so the
-- pragmas are left out.
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `__new_staff_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`member_id` integer,
	`conversation_id` integer,
	`survey_response_id` integer,
	`summary` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by` integer
);
--> statement-breakpoint
INSERT INTO `__new_staff_alerts`("id", "kind", "member_id", "conversation_id", "survey_response_id", "summary", "dedupe_key", "created_at", "resolved_at", "resolved_by") SELECT "id", "kind", "member_id", "conversation_id", "survey_response_id", "summary", "dedupe_key", "created_at", "resolved_at", "resolved_by" FROM `staff_alerts`;--> statement-breakpoint
DROP TABLE `staff_alerts`;--> statement-breakpoint
ALTER TABLE `__new_staff_alerts` RENAME TO `staff_alerts`;--> statement-breakpoint
CREATE UNIQUE INDEX `staff_alerts_dedupe_key_unique` ON `staff_alerts` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `staff_alerts_created_idx` ON `staff_alerts` (`created_at`);--> statement-breakpoint
CREATE INDEX `staff_alerts_open_idx` ON `staff_alerts` (`resolved_at`,`id`);