-- The member list (staff console) orders by tier too, both ways: the member's tier threshold
-- (tiers.min_spend_yen; -1 without a tier) is copied onto the member summary as tier_rank, with an
-- index ending in member_id for the keyset pages, like the other orders of member_list_summary.
-- Kept in the same statement as the change it copies, on SQLite and D1 alike: the summary upsert
-- (segments/rfm.ts) writes it, and triggers follow a member's tier change (member_rfm.tier_id, itself
-- a trigger copy of member_tiers) and a tier's threshold edit or deletion.
ALTER TABLE `member_rfm` ADD `tier_rank` integer DEFAULT -1 NOT NULL;--> statement-breakpoint
UPDATE `member_rfm` SET `tier_rank` = coalesce((SELECT `t`.`min_spend_yen` FROM `tiers` `t` WHERE `t`.`id` = `member_rfm`.`tier_id`), -1);--> statement-breakpoint
CREATE TRIGGER `member_rfm_tier_rank_update` AFTER UPDATE OF `tier_id` ON `member_rfm` BEGIN
  UPDATE `member_rfm` SET `tier_rank` = coalesce((SELECT `min_spend_yen` FROM `tiers` WHERE `id` = NEW.`tier_id`), -1) WHERE `member_id` = NEW.`member_id`;
END;--> statement-breakpoint
CREATE TRIGGER `tiers_rank_update` AFTER UPDATE OF `min_spend_yen` ON `tiers` BEGIN
  UPDATE `member_rfm` SET `tier_rank` = NEW.`min_spend_yen` WHERE `tier_id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `tiers_rank_delete` AFTER DELETE ON `tiers` BEGIN
  UPDATE `member_rfm` SET `tier_rank` = -1 WHERE `tier_id` = OLD.`id`;
END;--> statement-breakpoint
CREATE INDEX `member_rfm_list_tier_idx` ON `member_rfm` (`tier_rank`,`member_id`);
