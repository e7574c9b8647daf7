import { couponValueText } from '@joren/shared'
/** The member coupon screens' messages in Japanese (loaded with those screens). */
export const couponsJa = {
  title: 'クーポン',
  tabs: { issued: '使える', redeemed: '使用済み', expired: '期限切れ' },
  empty: {
    issued: '使えるクーポンはまだありません。',
    redeemed: '使用済みのクーポンはありません。',
    expired: '期限切れのクーポンはありません。',
  },
  exchangeLink: 'ポイントでクーポンと交換',
  until: (date: string) => `${date} まで`,
  usedAt: (date: string) => `${date} に使用`,
  /** The value as it reads, the same as in the chat and the console (couponValueText). */
  value: {
    yen_off: (v: number) => couponValueText('yen_off', v, 'ja'),
    percent_off: (v: number) => couponValueText('percent_off', v, 'ja'),
    free_item: () => couponValueText('free_item', null, 'ja'),
    gift: () => couponValueText('gift', null, 'ja'),
  },

  conditions: 'ご利用条件',
  noConditions: '特になし',
  expires: '有効期限',
  revoked: 'このクーポンはお店により取り消されました。',
  expiredNote: 'このクーポンは有効期限が切れています。',
  showStaff: 'スタッフに見せて使う',
  qrHelp: 'お会計のときに、このQRコードをスタッフに読み取ってもらってください。',
  qrLabel: 'クーポンのQRコード',
  shortCodeLabel: 'クーポンコード',
  shortCodeHelp: '読み取れないときは、このコードをスタッフにお伝えください。',
  refreshIn: (time: string) => `あと ${time} で更新`,
  useNow: 'この場で使う',
  slideHelp: 'スタッフの前でスライドしてください。使うと元に戻せません。',
  slide: 'スライドして使う',
  using: '使用しています…',
  used: '使用済み',
  usedTitle: 'クーポンを使用しました',
  usedAtLabel: '使用日時',
  showThis: 'この画面をスタッフにお見せください',
  back: 'クーポン一覧へ',
  exchangeTitle: 'ポイント交換',
  balance: (n: number) => `保有ポイント ${n.toLocaleString('ja-JP')} pt`,
  cost: (n: number) => `${n.toLocaleString('ja-JP')} pt`,
  exchange: '交換する',
  exchangeConfirm: (title: string, n: number) =>
    `「${title}」を ${n.toLocaleString('ja-JP')} pt で交換しますか？`,
  exchanged: 'クーポンと交換しました',
  notEnough: 'ポイントが足りません',
  noItems: '交換できるクーポンはまだありません。',
  failed: '読み込めませんでした。通信状況を確認してください。',
}

export type CouponsMessages = typeof couponsJa
