import type { LineMessage } from '../messaging/messenger.ts'

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

const WELCOME: Record<Locale, (name: string | null) => string> = {
  ja: (name) =>
    `${name ? `${name}さん、` : ''}友だち追加ありがとうございます！\n会員証・ポイント・クーポンをこのトークからご利用いただけます。`,
  en: (name) =>
    `${name ? `Hi ${name}, thanks` : 'Thanks'} for adding us as a friend!\nYour member card, points and coupons are all here in this chat.`,
}

const WELCOME_BACK: Record<Locale, (name: string | null) => string> = {
  ja: (name) => `${name ? `${name}さん、` : ''}おかえりなさい！またお会いできてうれしいです。`,
  en: (name) => `${name ? `Welcome back, ${name}!` : 'Welcome back!'} Good to see you again.`,
}

export const helpMessage = (locale: Locale): LineMessage => ({ type: 'text', text: HELP[locale] })

export function welcomeMessages(
  locale: Locale,
  displayName: string | null,
  returning: boolean,
): LineMessage[] {
  const text = (returning ? WELCOME_BACK : WELCOME)[locale](displayName)
  return [{ type: 'text', text }, helpMessage(locale)]
}
