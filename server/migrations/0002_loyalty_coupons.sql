CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `coupon_member_counts` (
	`template_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`issued` integer NOT NULL,
	`limit` integer NOT NULL,
	PRIMARY KEY(`template_id`, `member_id`),
	FOREIGN KEY (`template_id`) REFERENCES `coupon_templates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "coupon_member_counts_limit" CHECK("coupon_member_counts"."issued" <= "coupon_member_counts"."limit")
);
--> statement-breakpoint
CREATE TABLE `coupon_templates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`conditions` text,
	`image_url` text,
	`value` integer,
	`validity` text NOT NULL,
	`valid_from` integer,
	`valid_until` integer,
	`valid_days` integer,
	`total_limit` integer,
	`per_member_limit` integer DEFAULT 1 NOT NULL,
	`points_cost` integer,
	`issued_count` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "coupon_templates_total_limit" CHECK("coupon_templates"."total_limit" is null or "coupon_templates"."issued_count" <= "coupon_templates"."total_limit")
);
--> statement-breakpoint
CREATE TABLE `coupons` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`template_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`source` text NOT NULL,
	`source_ref` text,
	`state` text DEFAULT 'issued' NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`redeemed_at` integer,
	`redeemed_by` integer,
	`redeemed_via` text,
	`revoked_at` integer,
	`dedupe_key` text,
	FOREIGN KEY (`template_id`) REFERENCES `coupon_templates`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `coupons_dedupe_key_unique` ON `coupons` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `coupons_member_idx` ON `coupons` (`member_id`,`state`,`expires_at`);--> statement-breakpoint
CREATE INDEX `coupons_template_idx` ON `coupons` (`template_id`,`state`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`api_key_id` integer NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer,
	`response` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`api_key_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `member_tiers` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`tier_id` integer,
	`spend_12m_yen` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `point_balances` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`balance` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "point_balances_nonnegative" CHECK("point_balances"."balance" >= 0)
);
--> statement-breakpoint
CREATE TABLE `point_ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`kind` text NOT NULL,
	`points` integer NOT NULL,
	`expires_at` integer,
	`purchase_id` integer,
	`coupon_id` integer,
	`reason` text,
	`staff_id` integer,
	`dedupe_key` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `point_ledger_dedupe_key_unique` ON `point_ledger` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `point_ledger_member_idx` ON `point_ledger` (`member_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `point_lots` (
	`ledger_id` integer PRIMARY KEY NOT NULL,
	`member_id` integer NOT NULL,
	`remaining` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`ledger_id`) REFERENCES `point_ledger`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "point_lots_remaining_nonnegative" CHECK("point_lots"."remaining" >= 0)
);
--> statement-breakpoint
CREATE INDEX `point_lots_member_idx` ON `point_lots` (`member_id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `point_lots_expiry_idx` ON `point_lots` (`expires_at`);--> statement-breakpoint
CREATE TABLE `purchases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`amount_yen` integer NOT NULL,
	`categories` text DEFAULT '[]' NOT NULL,
	`store` text,
	`purchased_at` integer NOT NULL,
	`external_id` text,
	`source` text NOT NULL,
	`staff_id` integer,
	`api_key_id` integer,
	`status` text DEFAULT 'completed' NOT NULL,
	`points_granted` integer DEFAULT 0 NOT NULL,
	`refunded_at` integer,
	`refunded_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "purchases_amount_positive" CHECK("purchases"."amount_yen" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `purchases_external_id_unique` ON `purchases` (`external_id`);--> statement-breakpoint
CREATE INDEX `purchases_member_idx` ON `purchases` (`member_id`,`purchased_at`);--> statement-breakpoint
CREATE INDEX `purchases_at_idx` ON `purchases` (`purchased_at`);--> statement-breakpoint
CREATE TABLE `tiers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`min_spend_yen` integer NOT NULL,
	`multiplier_percent` integer DEFAULT 100 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tiers_name_unique` ON `tiers` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `tiers_min_spend_yen_unique` ON `tiers` (`min_spend_yen`);