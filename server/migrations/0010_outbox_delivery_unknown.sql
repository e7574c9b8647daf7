ALTER TABLE `chat_messages` ADD `delivery` text;--> statement-breakpoint
ALTER TABLE `chat_messages` ADD `delivery_reason` text;--> statement-breakpoint
CREATE INDEX `outbox_reply_due_idx` ON `outbox` (`status`,`reply_token_expires_at`);