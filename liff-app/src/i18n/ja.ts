/**
 * The member mini-app's core messages (shell, card) in Japanese, the default; `en.ts` has
 * the same shape. Screens off the card's critical path keep theirs beside them in `*-ja.ts` /
 * `*-en.ts`, so the first screen downloads only what it shows.
 */
export const ja = {
  loading: '読み込み中…',
  backHome: 'ホームへ戻る',
  retry: 'もう一度試す',
  /** Screen names (titles, home tiles); the tiles' hints are in `home-ja.ts`. */
  menu: {
    card: '会員証',
    profile: 'プロフィール',
    coupons: 'クーポン',
    points: 'ポイント',
    referral: '友だち紹介',
  },
  card: {
    title: '会員証',
    cardLabel: 'MEMBERS CARD',
    memberNumber: '会員番号',
    honorific: (name: string) => `${name} 様`,
    show: 'お会計のときに、この画面をスタッフにお見せください。',
    qrLabel: '会員証のQRコード',
    rotates: 'QRコードは不正利用防止のため自動で更新されます',
    refreshIn: (time: string) => `あと ${time} で更新`,
    refreshing: '更新しています…',
    refreshFailed: 'QRコードを更新できませんでした',
    expired: '有効期限が切れました',
    qrFailed: 'QRコードを表示できませんでした。通信状況を確認してください。',
  },
  stamps: {
    title: 'スタンプカード',
    count: (stamps: number, goal: number) => `${stamps} / ${goal}個`,
    rule: (earn: 'visit' | 'yen', perVisit: number, yenPer: number) =>
      earn === 'visit'
        ? `ご来店ごとにスタンプ${perVisit}個`
        : `${yenPer.toLocaleString('ja-JP')}円ごとにスタンプ1個`,
    toGo: (n: number) => `あと${n}個で特典クーポン`,
    completed: (n: number) => `これまでに満了したカード: ${n}枚`,
    stampLabel: (i: number, filled: boolean) => `${i}個目${filled ? '（押印済み）' : ''}`,
  },
}

export type Messages = typeof ja
