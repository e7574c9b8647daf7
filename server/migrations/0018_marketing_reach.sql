ALTER TABLE `member_profiles` ADD `marketing_choice` text;--> statement-breakpoint
-- Issue 14: marketing messages go to every friend unless they opt out, or (a shop setting) only to
-- members who opted in. A member's choice is kept apart from "never chose": marketing_choice is
-- 'in', 'out' or NULL. Members who consented keep 'in'; members who switched consent off (their
-- consent_updated_at moved while consent is off) keep 'out'; everyone else never chose.
UPDATE `member_profiles` SET `marketing_choice` = CASE
  WHEN `marketing_consent` = 1 THEN 'in'
  WHEN `consent_updated_at` IS NOT NULL THEN 'out'
END;--> statement-breakpoint
-- member_rfm.sendable becomes the reach state: 0 blocked/unfollowed, 1 opted out, 2 following and
-- never chose, 3 opted in. Reachable is `sendable >= floor` (2, or 3 when the shop's default is
-- opt-in), so changing the default rewrites no rows and the segment indexes (which end in
-- `sendable`) still serve reachable counts.
DROP TRIGGER IF EXISTS `member_rfm_member_insert`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `member_rfm_follow_state`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `member_rfm_profile_insert`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `member_rfm_profile_consent`;--> statement-breakpoint
UPDATE `member_rfm` SET `sendable` = (
  SELECT CASE WHEN `m`.`follow_state` = 'following' THEN coalesce(
    (SELECT CASE `p`.`marketing_choice` WHEN 'out' THEN 1 WHEN 'in' THEN 3 END FROM `member_profiles` `p` WHERE `p`.`member_id` = `m`.`id`), 2)
  ELSE 0 END
  FROM `members` `m` WHERE `m`.`id` = `member_rfm`.`member_id`
);--> statement-breakpoint
CREATE TRIGGER `member_rfm_member_insert` AFTER INSERT ON `members` BEGIN
  INSERT OR IGNORE INTO `member_rfm` (`member_id`, `sendable`, `updated_at`)
  VALUES (
    NEW.`id`,
    CASE WHEN NEW.`follow_state` = 'following' THEN coalesce(
      (SELECT CASE `marketing_choice` WHEN 'out' THEN 1 WHEN 'in' THEN 3 END FROM `member_profiles` WHERE `member_id` = NEW.`id`), 2)
    ELSE 0 END,
    NEW.`created_at`
  );
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_follow_state` AFTER UPDATE OF `follow_state` ON `members` BEGIN
  UPDATE `member_rfm`
  SET `sendable` = CASE WHEN NEW.`follow_state` = 'following' THEN coalesce(
      (SELECT CASE `marketing_choice` WHEN 'out' THEN 1 WHEN 'in' THEN 3 END FROM `member_profiles` WHERE `member_id` = NEW.`id`), 2)
    ELSE 0 END
  WHERE `member_id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_profile_insert` AFTER INSERT ON `member_profiles` BEGIN
  UPDATE `member_rfm`
  SET `sendable` = CASE WHEN EXISTS (SELECT 1 FROM `members` WHERE `id` = NEW.`member_id` AND `follow_state` = 'following')
    THEN CASE NEW.`marketing_choice` WHEN 'out' THEN 1 WHEN 'in' THEN 3 ELSE 2 END
    ELSE 0 END
  WHERE `member_id` = NEW.`member_id`;
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_profile_choice` AFTER UPDATE OF `marketing_choice` ON `member_profiles` BEGIN
  UPDATE `member_rfm`
  SET `sendable` = CASE WHEN EXISTS (SELECT 1 FROM `members` WHERE `id` = NEW.`member_id` AND `follow_state` = 'following')
    THEN CASE NEW.`marketing_choice` WHEN 'out' THEN 1 WHEN 'in' THEN 3 ELSE 2 END
    ELSE 0 END
  WHERE `member_id` = NEW.`member_id`;
END;
