CREATE TABLE `member_agreements` (
	`member_id` integer NOT NULL,
	`document` text NOT NULL,
	`version` text NOT NULL,
	`agreed_at` integer NOT NULL,
	PRIMARY KEY(`member_id`, `document`, `version`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `members` ADD `erased_at` integer;