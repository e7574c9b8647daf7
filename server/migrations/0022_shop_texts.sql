CREATE TABLE `shop_texts` (
	`key` text NOT NULL,
	`locale` text NOT NULL,
	`body` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	PRIMARY KEY(`key`, `locale`),
	CONSTRAINT "shop_texts_locale" CHECK("shop_texts"."locale" IN ('ja', 'en'))
);
