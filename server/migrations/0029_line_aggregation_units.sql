CREATE TABLE `line_aggregation_units` (
	`month` text NOT NULL,
	`unit` text NOT NULL,
	`first_used_at` integer NOT NULL,
	PRIMARY KEY(`month`, `unit`)
);
