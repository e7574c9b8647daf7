CREATE TABLE `line_unit_stats` (
	`unit` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`ref_id` integer NOT NULL,
	`step` integer,
	`opened` integer,
	`clicked` integer,
	`from_day` text NOT NULL,
	`to_day` text NOT NULL,
	`reported_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `line_unit_stats_ref_idx` ON `line_unit_stats` (`kind`,`ref_id`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `aggregation_unit` text;