CREATE TABLE `broadcast_skips` (
	`broadcast_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`reason` text NOT NULL,
	PRIMARY KEY(`broadcast_id`, `member_id`)
);
