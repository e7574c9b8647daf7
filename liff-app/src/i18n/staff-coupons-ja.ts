/** The staff coupon screens' messages in Japanese (loaded with those screens). */
export const staffCouponsJa = {
  title: 'クーポン',
  intro: 'クーポンのテンプレートを作り、配布・利用の状況を確認します。',
  kinds: {
    yen_off: '円引き',
    percent_off: '％オフ',
    free_item: '無料サービス',
    gift: 'プレゼント',
  },
  kind: '種類',
  /** A coupon's value as it reads: 「500円引き」「10％オフ」. */
  valueText: (kind: string, value: number | null): string =>
    kind === 'yen_off'
      ? `${(value ?? 0).toLocaleString('ja-JP')}円引き`
      : kind === 'percent_off'
        ? `${value ?? 0}％オフ`
        : kind === 'free_item'
          ? '無料サービス'
          : 'プレゼント',
  titleLabel: 'タイトル',
  conditions: '利用条件',
  imageUrl: '画像 URL（https、任意）',
  value: (kind: string): string => (kind === 'percent_off' ? '割引率（％）' : '割引額（円）'),
  validity: '有効期限',
  validityDays: '発行から N 日',
  validityWindow: '期間を指定',
  validDays: '日数',
  validFrom: '開始日',
  validUntil: '終了日',
  totalLimit: '配布上限（空欄で無制限）',
  perMemberLimit: 'お一人さまの上限',
  pointsCost: '交換ポイント（空欄でポイント交換なし）',
  create: 'テンプレートを作成',
  created: 'テンプレートを作成しました',
  save: '保存',
  saved: '保存しました',
  edit: '編集',
  cancel: 'キャンセル',
  archive: '配布終了',
  archived: '配布を終了しました',
  archiveConfirm: (title: string) =>
    `「${title}」の配布を終了しますか？発行済みのクーポンはそのまま使えます。`,
  statusArchived: '配布終了',
  counts: (issued: number, redeemed: number, expired: number) =>
    `発行 ${issued} ／ 利用 ${redeemed} ／ 期限切れ ${expired}`,
  limitOf: (n: number | null) => (n === null ? '上限なし' : `上限 ${n}`),
  kindLocked: '発行済みのため種類と値は変更できません',
  empty: 'まだテンプレートがありません。',
  welcome: 'ウェルカムクーポン',
  welcomeIntro: '初めて友だち追加した方に一度だけ自動で配布します。',
  welcomeNone: '配布しない',
  welcomeSaved: 'ウェルカムクーポンを設定しました',
  // Register
  registerTitle: 'クーポン利用',
  registerIntro: 'お客さまのクーポンQRを読み取るか、コードまたは会員番号で探します。',
  scan: 'QRコードを読み取る',
  code: 'クーポンコード',
  redeem: '利用する',
  memberNumber: '会員番号',
  find: '探す',
  noUsable: '使えるクーポンはありません。',
  redeemedTitle: '利用しました',
  redeemedAt: (time: string) => `${time} に利用`,
  // Member detail
  memberCoupons: 'クーポン',
  issue: '発行する',
  issued: 'クーポンを発行しました',
  notifyMember: 'お客様に LINE で知らせる',
  notifyCost:
    'お知らせ文（設定 → メッセージ文面・営業時間）とクーポンを1通のプッシュで送ります（月の無料メッセージ数を1通消費）。',
  issuedNotified: 'クーポンを発行し、お客様へのお知らせを送信待ちにしました',
  chooseTemplate: 'テンプレートを選択',
  revoke: '取り消す',
  revoked: 'クーポンを取り消しました',
  revokeConfirm: (title: string) => `「${title}」を取り消しますか？お客さまは使えなくなります。`,
  states: { issued: '未使用', redeemed: '使用済み', expired: '期限切れ', revoked: '取り消し' },
  via: { staff_scan: 'スタッフが読み取り', member_confirm: 'お客さまが画面で使用' },
  until: (date: string) => `${date} まで`,
  none: 'クーポンはありません。',
}

export type StaffCouponsMessages = typeof staffCouponsJa
