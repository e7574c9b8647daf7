import type { ShopTextKey } from '@joren/shared'
import { locale } from '../messages.ts'

/** The console's 「メッセージ文面・営業時間」 screen, in Japanese. */
export const textsJa = {
  title: 'メッセージ文面・営業時間',
  intro:
    'お客様に届く自動メッセージの文面と、引き継ぎの返信が使う営業時間を編集できます。{name} などの差し込みは送信時にお客様ごとの値に置き換わります。',
  link: 'メッセージ文面・営業時間を編集',
  language: 'お客様の言語',
  languages: { ja: '日本語', en: '英語（LINE の言語が英語のお客様）' },
  previewMember: 'プレビューに使う会員番号（空欄なら見本の会員）',
  placeholders: '使える差し込み',
  custom: '編集済み',
  builtIn: '初期設定',
  preview: 'プレビュー',
  save: '保存',
  reset: '初期設定に戻す',
  saved: '保存しました',
  resetDone: '初期設定に戻しました',
  previewTitle: 'お客様への表示',
  hours: '営業時間',
  hoursIntro:
    '引き継ぎの返信は、いま営業時間内かどうかで文面が変わります（お店のタイムゾーン）。休業日と特別営業日は曜日の設定より優先されます。',
  openNow: (tz: string) => `いまは営業時間内です（${tz}）`,
  closedNow: (tz: string) => `いまは営業時間外です（${tz}）`,
  weekdays: ['日', '月', '火', '水', '木', '金', '土'],
  closed: '定休',
  open: '開店',
  close: '閉店',
  holidays: '休業日（臨時休業・祝日など）',
  specialDays: '特別営業日（その日だけの営業時間）',
  add: '追加',
  remove: '削除',
  saveHours: '営業時間を保存',
  hoursSaved: '営業時間を保存しました',
  date: '日付',
}
export type TextsMessages = typeof textsJa

export const textsEn: TextsMessages = {
  title: 'Message texts and hours',
  intro:
    'Edit the automatic messages customers receive and the business hours the hand-over reply uses. Placeholders such as {name} become each customer’s own values when sent.',
  link: 'Edit message texts and hours',
  language: 'Customer language',
  languages: { ja: 'Japanese', en: 'English (customers whose LINE is in English)' },
  previewMember: 'Member number for the preview (blank: a sample member)',
  placeholders: 'Placeholders',
  custom: 'Edited',
  builtIn: 'Default',
  preview: 'Preview',
  save: 'Save',
  reset: 'Reset to default',
  saved: 'Saved',
  resetDone: 'Back to the default',
  previewTitle: 'What the customer sees',
  hours: 'Business hours',
  hoursIntro:
    'The hand-over reply is worded by whether the shop is open now (in the shop’s time zone). Holidays and special days override the weekday.',
  openNow: (tz: string) => `Open now (${tz})`,
  closedNow: (tz: string) => `Closed now (${tz})`,
  weekdays: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
  closed: 'Closed',
  open: 'Opens',
  close: 'Closes',
  holidays: 'Holidays (closed dates)',
  specialDays: 'Special days (other hours that day)',
  add: 'Add',
  remove: 'Remove',
  saveHours: 'Save hours',
  hoursSaved: 'Hours saved',
  date: 'Date',
}

export const textsText = (): TextsMessages => (locale() === 'en' ? textsEn : textsJa)

/** The texts in the order the screen shows them. */
export const TEXT_ORDER: ShopTextKey[] = [
  'welcome',
  'welcome_back',
  'receipt',
  'receipt_tier_up',
  'ack_open',
  'ack_closed',
  'coupon_issued',
]
