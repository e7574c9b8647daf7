import type { LineMessage } from '../messaging/messenger.ts'
import { nameValue } from '../texts/catalogue.ts'
import type { ShopTextSource } from '../texts/texts.ts'

export type Locale = 'ja' | 'en'

export function localeOf(language: string | null | undefined): Locale {
  return language?.toLowerCase().startsWith('en') ? 'en' : 'ja'
}

const HELP: Record<Locale, string> = {
  ja: [
    'ご利用いただける機能のご案内です。',
    '・「会員証」… 会員証を表示します',
    '・「ポイント」… ポイント残高をお知らせします',
    '・「クーポン」… 使えるクーポンをお届けします',
    '・「アンケート」… 受付中のアンケートにお答えいただけます',
    '画面下のメニューからもご利用いただけます。',
  ].join('\n'),
  en: [
    'Here is what this account can do:',
    '- "Member card": show your member card',
    '- "Points": your points balance',
    '- "Coupons": coupons you can use',
    '- "Survey": answer an open survey',
    'You can also use the menu at the bottom of the chat.',
  ].join('\n'),
}

export const helpMessage = (locale: Locale): LineMessage => ({ type: 'text', text: HELP[locale] })

/**
 * The reply to a follow: the welcome (or, for a member who blocked and came back, the welcome
 * back) in the shop's wording when it edited it, then the help text.
 */
export async function welcomeMessages(
  texts: ShopTextSource,
  locale: Locale,
  displayName: string | null,
  returning: boolean,
): Promise<LineMessage[]> {
  const text = await texts.render(returning ? 'welcome_back' : 'welcome', locale, {
    name: nameValue(displayName, locale),
  })
  return [{ type: 'text', text }, helpMessage(locale)]
}
