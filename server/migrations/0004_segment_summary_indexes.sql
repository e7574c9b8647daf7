CREATE TABLE `segment_summary_stats` (
	`id` integer PRIMARY KEY NOT NULL,
	`spenders_12m` integer NOT NULL
);
--> statement-breakpoint
DROP INDEX `member_profiles_birth_month_idx`;--> statement-breakpoint
ALTER TABLE `member_profiles` ADD `birth_month` text GENERATED ALWAYS AS (substr(birthday, 6, 2)) VIRTUAL;--> statement-breakpoint
CREATE INDEX `member_profiles_birthday_idx` ON `member_profiles` (`birthday`);--> statement-breakpoint
CREATE INDEX `member_profiles_gender_idx` ON `member_profiles` (`gender`,`prefecture`);--> statement-breakpoint
CREATE INDEX `member_profiles_prefecture_idx` ON `member_profiles` (`prefecture`,`gender`);--> statement-breakpoint
CREATE INDEX `member_profiles_birth_month_idx` ON `member_profiles` (`birth_month`);--> statement-breakpoint
DROP INDEX `member_rfm_last_idx`;--> statement-breakpoint
DROP INDEX `member_rfm_first_idx`;--> statement-breakpoint
DROP INDEX `member_rfm_count12m_idx`;--> statement-breakpoint
DROP INDEX `member_rfm_spend12m_idx`;--> statement-breakpoint
DROP INDEX `member_rfm_30d_idx`;--> statement-breakpoint
DROP INDEX `member_rfm_90d_idx`;--> statement-breakpoint
DROP INDEX `member_rfm_180d_idx`;--> statement-breakpoint
DROP INDEX `member_rfm_365d_idx`;--> statement-breakpoint
ALTER TABLE `member_rfm` ADD `tier_id` integer;--> statement-breakpoint
ALTER TABLE `member_rfm` ADD `sendable` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `member_rfm_tier_idx` ON `member_rfm` (`tier_id`,`last_purchase_at`,`sendable`);--> statement-breakpoint
CREATE INDEX `member_rfm_sendable_idx` ON `member_rfm` (`sendable`);--> statement-breakpoint
CREATE INDEX `member_rfm_last_idx` ON `member_rfm` (`last_purchase_at`,`sendable`);--> statement-breakpoint
CREATE INDEX `member_rfm_first_idx` ON `member_rfm` (`first_purchase_at`,`sendable`);--> statement-breakpoint
CREATE INDEX `member_rfm_count12m_idx` ON `member_rfm` (`purchase_count_12m`,`last_purchase_at`,`sendable`);--> statement-breakpoint
CREATE INDEX `member_rfm_spend12m_idx` ON `member_rfm` (`spend_12m_yen`,`sendable`);--> statement-breakpoint
CREATE INDEX `member_rfm_30d_idx` ON `member_rfm` (`purchase_count_30d`,`spend_30d_yen`,`sendable`) WHERE purchase_count_30d > 0;--> statement-breakpoint
CREATE INDEX `member_rfm_90d_idx` ON `member_rfm` (`purchase_count_90d`,`spend_90d_yen`,`sendable`) WHERE purchase_count_90d > 0;--> statement-breakpoint
CREATE INDEX `member_rfm_180d_idx` ON `member_rfm` (`purchase_count_180d`,`spend_180d_yen`,`sendable`) WHERE purchase_count_180d > 0;--> statement-breakpoint
CREATE INDEX `member_rfm_365d_idx` ON `member_rfm` (`purchase_count_365d`,`spend_365d_yen`,`sendable`) WHERE purchase_count_365d > 0;