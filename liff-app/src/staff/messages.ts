import { createCatalogue } from '../i18n/catalogue.ts'
import { staffJa } from '../i18n/staff-ja.ts'

/** The staff screens' catalogue: `t()` is the current language's messages. */
export const { t, locale, setLocale } = createCatalogue(
  staffJa,
  async () => (await import('../i18n/staff-en.ts')).staffEn,
)
