CREATE TABLE `kpi_days` (
	`day` text PRIMARY KEY NOT NULL,
	`start_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kpi_days_start_at_unique` ON `kpi_days` (`start_at`);--> statement-breakpoint
CREATE TABLE `kpi_member_days` (
	`member_id` integer NOT NULL,
	`day` text NOT NULL,
	`purchases` integer NOT NULL,
	`revenue_yen` integer NOT NULL,
	PRIMARY KEY(`member_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `kpi_member_days_day_idx` ON `kpi_member_days` (`day`,`member_id`,`purchases`,`revenue_yen`);--> statement-breakpoint
CREATE TABLE `kpi_members` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`first_day` text NOT NULL,
	`last_day` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `kpi_members_first_idx` ON `kpi_members` (`first_day`,`member_id`);--> statement-breakpoint
CREATE INDEX `kpi_members_last_idx` ON `kpi_members` (`last_day`);