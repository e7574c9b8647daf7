-- A LINE event parked on arrival (stored as-is, not processed: unknown type or shape) raises a
-- staff alert in the same statement that stores it, on SQLite and D1 alike, so no parked event can
-- go unnoticed. One alert per event type and (UTC) day; every parked event is listed for staff.
CREATE TRIGGER `webhook_events_parked_alert` AFTER INSERT ON `webhook_events`
WHEN NEW.`status` = 'parked' BEGIN
  INSERT OR IGNORE INTO `staff_alerts` (`kind`, `member_id`, `summary`, `dedupe_key`, `created_at`)
  VALUES (
    'webhook_parked',
    NULL,
    substr(
      'LINE から届いたイベント（種類: ' || coalesce(nullif(NEW.`type`, ''), '不明') ||
      '）を処理できないため、そのまま保存して保留しました。理由: ' || coalesce(NEW.`last_error`, '不明'),
      1, 500
    ),
    'webhook_parked:' || NEW.`type` || ':' || (NEW.`received_at` / 86400000),
    NEW.`received_at`
  );
END;
--> statement-breakpoint
-- The same for an event the processor gave up on (dead after its last try).
CREATE TRIGGER `webhook_events_dead_alert` AFTER UPDATE OF `status` ON `webhook_events`
WHEN NEW.`status` = 'dead' AND OLD.`status` <> 'dead' BEGIN
  INSERT OR IGNORE INTO `staff_alerts` (`kind`, `member_id`, `summary`, `dedupe_key`, `created_at`)
  VALUES (
    'webhook_parked',
    NULL,
    substr(
      'LINE から届いたイベント（種類: ' || coalesce(nullif(NEW.`type`, ''), '不明') || '）を' ||
      NEW.`attempts` || '回試しても処理できませんでした。最後のエラー: ' || coalesce(NEW.`last_error`, '不明'),
      1, 500
    ),
    'webhook_dead:' || NEW.`type` || ':' || (coalesce(NEW.`processed_at`, NEW.`received_at`) / 86400000),
    coalesce(NEW.`processed_at`, NEW.`received_at`)
  );
END;
