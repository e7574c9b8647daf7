import type { ShopTextKey, ShopTextLocale } from '@joren/shared'
import type { Write } from '../unit-of-work.ts'

export interface StoredShopText {
  key: ShopTextKey
  locale: ShopTextLocale
  body: string
  updatedAt: number
}

/** The shop's own texts (`shop_texts`): at most one per text and language. */
export interface ShopTextStore {
  list(): Promise<StoredShopText[]>
  find(key: ShopTextKey, locale: ShopTextLocale): Promise<StoredShopText | null>
  putWrite(input: {
    key: ShopTextKey
    locale: ShopTextLocale
    body: string
    staffId: number | null
    now: number
  }): Write
  deleteWrite(key: ShopTextKey, locale: ShopTextLocale): Write
}
