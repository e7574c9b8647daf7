-- The member list (staff console) orders by last visit, visits, spend and points over a million
-- members: the points balance is copied onto the member summary by triggers, in the same statement
-- as the balance change (SQLite and D1 alike), and each order has its own index ending in member_id.
ALTER TABLE `member_rfm` ADD `points_balance` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `member_rfm` SET `points_balance` = coalesce((SELECT `b`.`balance` FROM `point_balances` `b` WHERE `b`.`member_id` = `member_rfm`.`member_id`), 0);--> statement-breakpoint
CREATE TRIGGER `member_rfm_points_insert` AFTER INSERT ON `point_balances` BEGIN
  UPDATE `member_rfm` SET `points_balance` = NEW.`balance` WHERE `member_id` = NEW.`member_id`;
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_points_update` AFTER UPDATE OF `balance` ON `point_balances` BEGIN
  UPDATE `member_rfm` SET `points_balance` = NEW.`balance` WHERE `member_id` = NEW.`member_id`;
END;--> statement-breakpoint
CREATE TRIGGER `member_rfm_points_delete` AFTER DELETE ON `point_balances` BEGIN
  UPDATE `member_rfm` SET `points_balance` = 0 WHERE `member_id` = OLD.`member_id`;
END;--> statement-breakpoint
CREATE INDEX `member_rfm_list_last_idx` ON `member_rfm` (coalesce(`last_purchase_at`, -1),`member_id`);--> statement-breakpoint
CREATE INDEX `member_rfm_list_visits_idx` ON `member_rfm` (`purchase_count`,`member_id`);--> statement-breakpoint
CREATE INDEX `member_rfm_list_spend_idx` ON `member_rfm` (`spend_total_yen`,`member_id`);--> statement-breakpoint
CREATE INDEX `member_rfm_list_points_idx` ON `member_rfm` (`points_balance`,`member_id`);
