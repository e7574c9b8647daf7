CREATE TABLE `kpi_rollup_generation` (
	`id` integer PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `kpi_spend_windows` (
	`from_day` text NOT NULL,
	`to_day` text NOT NULL,
	`buyers` integer NOT NULL,
	`total_yen` integer NOT NULL,
	`middle_low` integer,
	`middle_high` integer,
	`generation` integer NOT NULL,
	PRIMARY KEY(`from_day`, `to_day`)
);
--> statement-breakpoint
INSERT INTO `kpi_rollup_generation` (`id`, `n`) VALUES (1, 0);