CREATE TABLE `referral_codes` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `referral_codes_code_unique` ON `referral_codes` (`code`);--> statement-breakpoint
CREATE TABLE `referrals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`referrer_member_id` integer NOT NULL,
	`newcomer_line_user_id` text NOT NULL,
	`newcomer_member_id` integer,
	`status` text NOT NULL,
	`reason` text,
	`claimed_at` integer NOT NULL,
	`joined_at` integer,
	`qualified_at` integer,
	`qualify_month` text,
	`qualifying_purchase_id` integer,
	`referrer_reward` text,
	`newcomer_reward` text,
	`closed_at` integer,
	`qualify_guard` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`referrer_member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`newcomer_member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "referrals_qualify_guard" CHECK("referrals"."qualify_guard" is null or "referrals"."qualify_guard" = 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `referrals_newcomer_live_idx` ON `referrals` (`newcomer_line_user_id`) WHERE status <> 'refused';--> statement-breakpoint
CREATE UNIQUE INDEX `referrals_newcomer_referrer_idx` ON `referrals` (`newcomer_line_user_id`,`referrer_member_id`);--> statement-breakpoint
CREATE INDEX `referrals_referrer_idx` ON `referrals` (`referrer_member_id`,`qualify_month`);--> statement-breakpoint
CREATE INDEX `referrals_newcomer_member_idx` ON `referrals` (`newcomer_member_id`);--> statement-breakpoint
CREATE INDEX `referrals_status_idx` ON `referrals` (`status`,`claimed_at`);