CREATE TABLE `faq_asks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`text` text NOT NULL,
	`outcome` text NOT NULL,
	`entry_id` integer,
	`confidence` real NOT NULL,
	`feedback` text,
	`feedback_at` integer,
	`learned_entry_id` integer,
	`learned_at` integer,
	`dismissed_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `faq_asks_entry_idx` ON `faq_asks` (`entry_id`,`outcome`);--> statement-breakpoint
CREATE INDEX `faq_asks_open_idx` ON `faq_asks` (`created_at`) WHERE outcome = 'handed_over' AND learned_at IS NULL AND dismissed_at IS NULL;