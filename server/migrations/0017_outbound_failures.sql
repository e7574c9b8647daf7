ALTER TABLE `chat_messages` ADD `delivery_detail` text;--> statement-breakpoint
ALTER TABLE `chat_messages` ADD `resend_of` integer;--> statement-breakpoint
CREATE INDEX `chat_messages_resend_of_idx` ON `chat_messages` (`resend_of`);--> statement-breakpoint
-- Failed background jobs raise a staff alert in the same statement that records the failure (one
-- alert mechanism with webhook_parked, migration 0009), on SQLite and D1 alike.
-- A message the outbox gave up on after its retries (any message), or one LINE refused (automatic
-- messages; a refused staff reply is marked in its thread, where staff can resend it): one alert
-- per kind and (UTC) day.
CREATE TRIGGER `outbox_failed_alert` AFTER UPDATE OF `status` ON `outbox`
WHEN (NEW.`status` = 'dead' OR (NEW.`status` = 'failed' AND NEW.`dedupe_key` NOT LIKE 'staff-%'))
  AND OLD.`status` NOT IN ('dead', 'failed') BEGIN
  INSERT OR IGNORE INTO `staff_alerts` (`kind`, `member_id`, `summary`, `dedupe_key`, `created_at`)
  VALUES (
    'job_failed',
    NULL,
    substr(
      CASE NEW.`status`
        WHEN 'dead' THEN 'メッセージの送信を' || NEW.`attempts` || '回試しても LINE に届けられず、あきらめました。'
        ELSE '自動メッセージを LINE が受け付けませんでした。'
      END || 'LINE の応答: ' || coalesce(NEW.`last_error`, '不明') ||
      '（同じ日の2件目以降はまとめています）',
      1, 500
    ),
    'outbox_' || NEW.`status` || ':' || (coalesce(NEW.`sent_at`, NEW.`next_attempt_at`, NEW.`created_at`) / 86400000),
    coalesce(NEW.`next_attempt_at`, NEW.`created_at`)
  );
END;
--> statement-breakpoint
-- A domain event a subscriber could not handle after its retries (parked in event_failures).
CREATE TRIGGER `event_failures_alert` AFTER INSERT ON `event_failures` BEGIN
  INSERT OR IGNORE INTO `staff_alerts` (`kind`, `member_id`, `summary`, `dedupe_key`, `created_at`)
  VALUES (
    'job_failed',
    NULL,
    substr(
      '裏側の処理（' || NEW.`subscriber` || '、出来事: ' || NEW.`event_type` || '）を' ||
      NEW.`attempts` || '回試しても完了できず、保留しました。最後のエラー: ' || NEW.`error`,
      1, 500
    ),
    'event_failed:' || NEW.`subscriber` || ':' || NEW.`event_type` || ':' || (NEW.`failed_at` / 86400000),
    NEW.`failed_at`
  );
END;
--> statement-breakpoint
-- A broadcast chunk that failed for good: one alert per broadcast (the report lists who and why).
CREATE TRIGGER `broadcast_chunks_failed_alert` AFTER UPDATE OF `status` ON `broadcast_chunks`
WHEN NEW.`status` = 'failed' AND OLD.`status` <> 'failed' BEGIN
  INSERT OR IGNORE INTO `staff_alerts` (`kind`, `member_id`, `summary`, `dedupe_key`, `created_at`)
  VALUES (
    'job_failed',
    NULL,
    substr(
      '配信「' || coalesce((SELECT `title` FROM `broadcasts` WHERE `id` = NEW.`broadcast_id`), '') ||
      '」の一部のお客様に送れませんでした（配信の結果に、お客様と理由の一覧があります）。理由: ' ||
      coalesce(NEW.`last_error`, '不明'),
      1, 500
    ),
    'broadcast_failed:' || NEW.`broadcast_id`,
    coalesce(NEW.`sent_at`, NEW.`next_attempt_at`)
  );
END;
