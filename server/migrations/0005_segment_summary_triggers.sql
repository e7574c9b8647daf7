-- The segment summary (member_rfm) gets a row for every member, and copies of the member's tier
-- and of whether a broadcast may reach them (following + marketing consent), kept by triggers in
-- the same statement as the write they copy, on SQLite and D1 alike; and the count of members
-- with 12-month spend, the base of "top N % by spend".
INSERT OR IGNORE INTO `member_rfm` (`member_id`, `updated_at`) SELECT `id`, `created_at` FROM `members`;--> statement-breakpoint
UPDATE `member_rfm` SET
  `tier_id` = (SELECT `t`.`tier_id` FROM `member_tiers` `t` WHERE `t`.`member_id` = `member_rfm`.`member_id`),
  `sendable` = EXISTS (
    SELECT 1 FROM `members` `m` JOIN `member_profiles` `p` ON `p`.`member_id` = `m`.`id`
    WHERE `m`.`id` = `member_rfm`.`member_id` AND `m`.`follow_state` = 'following' AND `p`.`marketing_consent` = 1
  );--> statement-breakpoint
CREATE TRIGGER `member_rfm_member_insert` AFTER INSERT ON `members` BEGIN
  INSERT OR IGNORE INTO `member_rfm` (`member_id`, `sendable`, `updated_at`)
  VALUES (
    NEW.`id`,
    NEW.`follow_state` = 'following' AND EXISTS (SELECT 1 FROM `member_profiles` WHERE `member_id` = NEW.`id` AND `marketing_consent` = 1),
    NEW.`created_at`
  );
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_follow_state` AFTER UPDATE OF `follow_state` ON `members` BEGIN
  UPDATE `member_rfm`
  SET `sendable` = NEW.`follow_state` = 'following' AND EXISTS (SELECT 1 FROM `member_profiles` WHERE `member_id` = NEW.`id` AND `marketing_consent` = 1)
  WHERE `member_id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_profile_insert` AFTER INSERT ON `member_profiles` BEGIN
  UPDATE `member_rfm`
  SET `sendable` = NEW.`marketing_consent` = 1 AND EXISTS (SELECT 1 FROM `members` WHERE `id` = NEW.`member_id` AND `follow_state` = 'following')
  WHERE `member_id` = NEW.`member_id`;
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_profile_consent` AFTER UPDATE OF `marketing_consent` ON `member_profiles` BEGIN
  UPDATE `member_rfm`
  SET `sendable` = NEW.`marketing_consent` = 1 AND EXISTS (SELECT 1 FROM `members` WHERE `id` = NEW.`member_id` AND `follow_state` = 'following')
  WHERE `member_id` = NEW.`member_id`;
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_tier_insert` AFTER INSERT ON `member_tiers` BEGIN
  UPDATE `member_rfm` SET `tier_id` = NEW.`tier_id` WHERE `member_id` = NEW.`member_id`;
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_tier_update` AFTER UPDATE OF `tier_id` ON `member_tiers` BEGIN
  UPDATE `member_rfm` SET `tier_id` = NEW.`tier_id` WHERE `member_id` = NEW.`member_id`;
END;
--> statement-breakpoint
INSERT INTO `segment_summary_stats` (`id`, `spenders_12m`) SELECT 1, count(*) FROM `member_rfm` WHERE `spend_12m_yen` > 0;--> statement-breakpoint
CREATE TRIGGER `member_rfm_spenders_insert` AFTER INSERT ON `member_rfm` WHEN NEW.`spend_12m_yen` > 0 BEGIN
  UPDATE `segment_summary_stats` SET `spenders_12m` = `spenders_12m` + 1 WHERE `id` = 1;
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_spenders_update` AFTER UPDATE OF `spend_12m_yen` ON `member_rfm`
WHEN (OLD.`spend_12m_yen` > 0) <> (NEW.`spend_12m_yen` > 0) BEGIN
  UPDATE `segment_summary_stats` SET `spenders_12m` = `spenders_12m` + iif(NEW.`spend_12m_yen` > 0, 1, -1) WHERE `id` = 1;
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_spenders_delete` AFTER DELETE ON `member_rfm` WHEN OLD.`spend_12m_yen` > 0 BEGIN
  UPDATE `segment_summary_stats` SET `spenders_12m` = `spenders_12m` - 1 WHERE `id` = 1;
END;
