CREATE TABLE `stamp_ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`kind` text NOT NULL,
	`stamps` integer NOT NULL,
	`purchase_id` integer,
	`card_no` integer,
	`coupon_id` integer,
	`note` text,
	`dedupe_key` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stamp_ledger_dedupe_key_unique` ON `stamp_ledger` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `stamp_ledger_member_idx` ON `stamp_ledger` (`member_id`,`id`);