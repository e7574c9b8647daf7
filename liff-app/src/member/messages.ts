import { createCatalogue } from '../i18n/catalogue.ts'
import { ja } from '../i18n/ja.ts'

/** The member app's catalogue: `t()` is the current language's messages. */
export const { t, locale, setLocale } = createCatalogue(
  ja,
  async () => (await import('../i18n/en.ts')).en,
)
