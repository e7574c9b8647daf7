CREATE TABLE `broadcast_chunks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`broadcast_id` integer NOT NULL,
	`kind` text NOT NULL,
	`to` text NOT NULL,
	`member_ids` text NOT NULL,
	`recipient_count` integer NOT NULL,
	`messages` text NOT NULL,
	`retry_key` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`locked_until` integer,
	`line_request_id` text,
	`last_error` text,
	`sent_at` integer,
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `broadcast_chunks_due_idx` ON `broadcast_chunks` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `broadcast_chunks_broadcast_idx` ON `broadcast_chunks` (`broadcast_id`,`status`);--> statement-breakpoint
CREATE TABLE `broadcast_recipients` (
	`broadcast_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`holdout` integer DEFAULT false NOT NULL,
	`chunk_id` integer,
	`status` text NOT NULL,
	PRIMARY KEY(`broadcast_id`, `member_id`)
);
--> statement-breakpoint
CREATE TABLE `broadcasts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`messages` text NOT NULL,
	`audience` text NOT NULL,
	`status` text NOT NULL,
	`scheduled_at` integer,
	`holdout_percent` integer DEFAULT 0 NOT NULL,
	`attribution_days` integer DEFAULT 7 NOT NULL,
	`coupon_template_id` integer,
	`created_by` integer,
	`recipient_count` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `broadcasts_status_idx` ON `broadcasts` (`status`,`scheduled_at`);--> statement-breakpoint
CREATE TABLE `canned_replies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`status` text NOT NULL,
	`open_reason` text NOT NULL,
	`assigned_to` integer,
	`unread` integer DEFAULT 0 NOT NULL,
	`cycle` integer DEFAULT 1 NOT NULL,
	`acked_cycle` integer DEFAULT 0 NOT NULL,
	`last_message_at` integer NOT NULL,
	`last_inbound_at` integer,
	`read_through_id` integer DEFAULT 0 NOT NULL,
	`reply_token` text,
	`reply_token_expires_at` integer,
	`opened_at` integer NOT NULL,
	`closed_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_member_id_unique` ON `conversations` (`member_id`);--> statement-breakpoint
CREATE INDEX `conversations_status_idx` ON `conversations` (`status`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `conversations_updated_idx` ON `conversations` (`updated_at`);--> statement-breakpoint
CREATE TABLE `faq_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`questions` text NOT NULL,
	`answer` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `keyword_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`match` text NOT NULL,
	`pattern` text NOT NULL,
	`reply` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `member_attributes` (
	`member_id` integer NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`source` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`member_id`, `key`, `value`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `member_attributes_key_value_idx` ON `member_attributes` (`key`,`value`,`member_id`);--> statement-breakpoint
CREATE TABLE `member_categories` (
	`member_id` integer NOT NULL,
	`category` text NOT NULL,
	`last_purchase_at` integer NOT NULL,
	PRIMARY KEY(`member_id`, `category`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `member_categories_recent_idx` ON `member_categories` (`category`,`last_purchase_at`,`member_id`);--> statement-breakpoint
CREATE TABLE `member_rfm` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`first_purchase_at` integer,
	`last_purchase_at` integer,
	`purchase_count` integer DEFAULT 0 NOT NULL,
	`spend_total_yen` integer DEFAULT 0 NOT NULL,
	`purchase_count_12m` integer DEFAULT 0 NOT NULL,
	`spend_12m_yen` integer DEFAULT 0 NOT NULL,
	`purchase_count_30d` integer DEFAULT 0 NOT NULL,
	`spend_30d_yen` integer DEFAULT 0 NOT NULL,
	`purchase_count_90d` integer DEFAULT 0 NOT NULL,
	`spend_90d_yen` integer DEFAULT 0 NOT NULL,
	`purchase_count_180d` integer DEFAULT 0 NOT NULL,
	`spend_180d_yen` integer DEFAULT 0 NOT NULL,
	`purchase_count_365d` integer DEFAULT 0 NOT NULL,
	`spend_365d_yen` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `member_rfm_last_idx` ON `member_rfm` (`last_purchase_at`);--> statement-breakpoint
CREATE INDEX `member_rfm_first_idx` ON `member_rfm` (`first_purchase_at`);--> statement-breakpoint
CREATE INDEX `member_rfm_count12m_idx` ON `member_rfm` (`purchase_count_12m`,`last_purchase_at`);--> statement-breakpoint
CREATE INDEX `member_rfm_spend12m_idx` ON `member_rfm` (`spend_12m_yen`);--> statement-breakpoint
CREATE INDEX `member_rfm_30d_idx` ON `member_rfm` (`purchase_count_30d`,`spend_30d_yen`) WHERE purchase_count_30d > 0;--> statement-breakpoint
CREATE INDEX `member_rfm_90d_idx` ON `member_rfm` (`purchase_count_90d`,`spend_90d_yen`) WHERE purchase_count_90d > 0;--> statement-breakpoint
CREATE INDEX `member_rfm_180d_idx` ON `member_rfm` (`purchase_count_180d`,`spend_180d_yen`) WHERE purchase_count_180d > 0;--> statement-breakpoint
CREATE INDEX `member_rfm_365d_idx` ON `member_rfm` (`purchase_count_365d`,`spend_365d_yen`) WHERE purchase_count_365d > 0;--> statement-breakpoint
CREATE TABLE `message_contents` (
	`chat_message_id` integer PRIMARY KEY NOT NULL,
	`line_message_id` text NOT NULL,
	`status` text NOT NULL,
	`content_type` text,
	`size` integer,
	`bytes` blob,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`chat_message_id`) REFERENCES `chat_messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `message_contents_due_idx` ON `message_contents` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `segments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`rules` text NOT NULL,
	`built_in` text,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `segments_built_in_unique` ON `segments` (`built_in`);--> statement-breakpoint
CREATE TABLE `staff_alert_prefs` (
	`staff_id` integer PRIMARY KEY NOT NULL,
	`line_alerts` integer DEFAULT false NOT NULL,
	`quiet_start` text,
	`quiet_end` text,
	`pushed_through_id` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `staff_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`member_id` integer NOT NULL,
	`conversation_id` integer,
	`survey_response_id` integer,
	`summary` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_alerts_dedupe_key_unique` ON `staff_alerts` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `staff_alerts_created_idx` ON `staff_alerts` (`created_at`);--> statement-breakpoint
CREATE INDEX `staff_alerts_open_idx` ON `staff_alerts` (`resolved_at`,`id`);--> statement-breakpoint
CREATE TABLE `survey_answers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`response_id` integer NOT NULL,
	`survey_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`question_id` text NOT NULL,
	`option_id` text,
	`number_value` integer,
	`text_value` text,
	FOREIGN KEY (`response_id`) REFERENCES `survey_responses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `survey_answers_question_idx` ON `survey_answers` (`survey_id`,`question_id`,`option_id`);--> statement-breakpoint
CREATE INDEX `survey_answers_member_idx` ON `survey_answers` (`member_id`,`survey_id`);--> statement-breakpoint
CREATE TABLE `survey_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`survey_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`channel` text NOT NULL,
	`answers` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`nps_score` integer,
	`low_score` integer DEFAULT false NOT NULL,
	`reward_coupon_id` integer,
	`submitted_at` integer NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`version_id`) REFERENCES `survey_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_responses_dedupe_key_unique` ON `survey_responses` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `survey_responses_survey_idx` ON `survey_responses` (`survey_id`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `survey_responses_member_idx` ON `survey_responses` (`member_id`,`survey_id`);--> statement-breakpoint
CREATE INDEX `survey_responses_low_score_idx` ON `survey_responses` (`low_score`,`submitted_at`);--> statement-breakpoint
CREATE TABLE `survey_sessions` (
	`survey_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`channel` text NOT NULL,
	`answers` text DEFAULT '{}' NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`survey_id`, `member_id`),
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `survey_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`survey_id` integer NOT NULL,
	`version` integer NOT NULL,
	`intro` text DEFAULT '' NOT NULL,
	`questions` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_versions_survey_version_idx` ON `survey_versions` (`survey_id`,`version`);--> statement-breakpoint
CREATE TABLE `surveys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`current_version_id` integer,
	`reward_template_id` integer,
	`policy` text DEFAULT 'once' NOT NULL,
	`policy_days` integer,
	`opens_at` integer,
	`closes_at` integer,
	`alert_nps_at_or_below` integer DEFAULT 6 NOT NULL,
	`alert_rating_at_or_below` integer DEFAULT 2 NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`reward_template_id`) REFERENCES `coupon_templates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
DROP INDEX `purchases_member_idx`;--> statement-breakpoint
CREATE INDEX `purchases_member_idx` ON `purchases` (`member_id`,`purchased_at`,`status`,`amount_yen`);--> statement-breakpoint
ALTER TABLE `chat_messages` ADD `origin` text;--> statement-breakpoint
ALTER TABLE `chat_messages` ADD `staff_id` integer;--> statement-breakpoint
ALTER TABLE `chat_messages` ADD `via` text;