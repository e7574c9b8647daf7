CREATE INDEX `coupons_issued_source_idx` ON `coupons` (`issued_at`,`source`,`state`);--> statement-breakpoint
CREATE INDEX `members_friends_since_idx` ON `members` (`follow_state`, coalesce("first_followed_at", "created_at"));--> statement-breakpoint
CREATE INDEX `survey_answers_response_idx` ON `survey_answers` (`response_id`,`question_id`,`number_value`);--> statement-breakpoint
CREATE INDEX `survey_responses_submitted_idx` ON `survey_responses` (`submitted_at`,`nps_score`,`member_id`);