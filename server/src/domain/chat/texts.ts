import type { LineMessage } from '../messaging/messenger.ts'
import { nameValue } from '../texts/catalogue.ts'
import type { ShopTextSource } from '../texts/texts.ts'

export type Locale = 'ja' | 'en'

export function localeOf(language: string | null | undefined): Locale {
  return language?.toLowerCase().startsWith('en') ? 'en' : 'ja'
}

/**
 * The help text lists the chat commands the router has (会員証, ポイント, クーポン, アンケート,
 * 紹介) and mentions the menu at the bottom of the chat only when the shop published one.
 */
const HELP: Record<Locale, { lines: string[]; menu: string }> = {
  ja: {
    lines: [
      'ご利用いただける機能のご案内です。',
      '・「会員証」… 会員証を表示します',
      '・「ポイント」… ポイント残高をお知らせします',
      '・「クーポン」… 使えるクーポンをお届けします',
      '・「アンケート」… 受付中のアンケートにお答えいただけます',
      '・「紹介」… お友だちにお店を紹介できます',
    ],
    menu: '画面下のメニューからもご利用いただけます。',
  },
  en: {
    lines: [
      'Here is what this account can do:',
      '- "Member card": show your member card',
      '- "Points": your points balance',
      '- "Coupons": coupons you can use',
      '- "Survey": answer an open survey',
      '- "Invite": introduce the shop to a friend',
    ],
    menu: 'You can also use the menu at the bottom of the chat.',
  },
}

/** The help message; `menu`: the shop has a rich menu at the bottom of the chat. */
export const helpMessage = (locale: Locale, options: { menu?: boolean } = {}): LineMessage => ({
  type: 'text',
  text: [...HELP[locale].lines, ...(options.menu ? [HELP[locale].menu] : [])].join('\n'),
})

/** Whether the shop published a rich menu (the help mentions it only then). */
export type MenuPublished = () => Promise<boolean>

/**
 * The reply to a follow: the welcome (or, for a member who blocked and came back, the welcome
 * back) in the shop's wording when it edited it, then the help text.
 */
export async function welcomeMessages(
  texts: ShopTextSource,
  locale: Locale,
  displayName: string | null,
  returning: boolean,
  menuPublished?: MenuPublished,
): Promise<LineMessage[]> {
  const text = await texts.render(returning ? 'welcome_back' : 'welcome', locale, {
    name: nameValue(displayName, locale),
  })
  return [{ type: 'text', text }, helpMessage(locale, { menu: (await menuPublished?.()) ?? false })]
}
