import type { ShopTextKey, ShopTextLocale } from '@joren/shared'
import { and, eq, sql } from 'drizzle-orm'
import type { ShopTextStore, StoredShopText } from '../../domain/texts/store.ts'
import type { Database } from '../database.ts'
import { shopTexts } from '../schema.ts'

const columns = {
  key: shopTexts.key,
  locale: shopTexts.locale,
  body: shopTexts.body,
  updatedAt: shopTexts.updatedAt,
}

export function createShopTextStore(db: Database): ShopTextStore {
  const one = db
    .select(columns)
    .from(shopTexts)
    .where(
      and(
        eq(shopTexts.key, sql.placeholder('key')),
        eq(shopTexts.locale, sql.placeholder('locale')),
      ),
    )
    .prepare()
  return {
    async list() {
      return (await db.select(columns).from(shopTexts)) as StoredShopText[]
    },

    async find(key: ShopTextKey, locale: ShopTextLocale) {
      const row = (await one.get({ key, locale })) as StoredShopText | undefined
      return row ?? null
    },

    putWrite({ key, locale, body, staffId, now }) {
      return db
        .insert(shopTexts)
        .values({ key, locale, body, updatedAt: now, updatedBy: staffId })
        .onConflictDoUpdate({
          target: [shopTexts.key, shopTexts.locale],
          set: { body, updatedAt: now, updatedBy: staffId },
        })
    },

    deleteWrite(key, locale) {
      return db.delete(shopTexts).where(and(eq(shopTexts.key, key), eq(shopTexts.locale, locale)))
    },
  }
}
