import type { ShopTextKey, ShopTextLocale } from '@joren/shared'
import { DEFAULT_SHOP_TEXTS, renderShopText, type ShopTextValues } from './catalogue.ts'
import type { ShopTextStore } from './store.ts'

/**
 * What renders one of the shop's texts: its stored wording when the shop edited it, else the
 * default, through the same renderer. Built once in compose and handed to every message builder.
 */
export interface ShopTextSource {
  render(key: ShopTextKey, locale: ShopTextLocale, values: ShopTextValues): Promise<string>
}

/** The text as the shop wrote it, or the default. */
export async function currentBody(
  store: ShopTextStore | undefined,
  key: ShopTextKey,
  locale: ShopTextLocale,
): Promise<string> {
  const stored = store ? await store.find(key, locale) : null
  return stored?.body ?? DEFAULT_SHOP_TEXTS[key][locale]
}

/** `shopName` fills `{shop}` when the caller did not (read only when a text uses it). */
export function shopTextSource(
  store: ShopTextStore | undefined,
  shopName?: () => Promise<string>,
): ShopTextSource {
  return {
    async render(key, locale, values) {
      const body = await currentBody(store, key, locale)
      const needsShop = values.shop == null && shopName && body.includes('{shop}')
      const filled = needsShop ? { ...values, shop: await shopName() } : values
      return renderShopText(key, body, locale, filled)
    },
  }
}

/** The defaults only (tests and callers without a database). */
export const DEFAULT_TEXT_SOURCE: ShopTextSource = shopTextSource(undefined)
