import type { Locale } from '@joren/shared'

/** `en…` (en, en-US, en-GB) → English; everything else → Japanese, the customers' language. */
export function pickLocale(tag: string | null | undefined): Locale {
  return tag?.toLowerCase().startsWith('en') ? 'en' : 'ja'
}

/**
 * A typed message catalogue without an i18n library: Japanese is bundled, English is fetched only
 * when LINE (or the browser) is set to English.
 */
export function createCatalogue<M>(ja: M, loadEn: () => Promise<M>) {
  let messages = ja
  let locale: Locale = 'ja'
  return {
    /** The messages of the current locale. */
    t: (): M => messages,
    locale: (): Locale => locale,
    async setLocale(next: Locale): Promise<void> {
      messages = next === 'en' ? await loadEn() : ja
      locale = next
      document.documentElement.lang = next
    },
  }
}
