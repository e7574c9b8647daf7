/** The member points screen's messages in Japanese (loaded with that screen). */
export const pointsJa = {
  title: 'ポイント',
  balance: '保有ポイント',
  pt: (n: number) => `${n.toLocaleString('ja-JP')} pt`,
  tier: '会員ランク',
  spend: (yen: number) => `過去12か月のお買い上げ ${yen.toLocaleString('ja-JP')}円`,
  toNext: (name: string, yen: number) => `${name}まであと ${yen.toLocaleString('ja-JP')}円`,
  top: '最上位のランクです',
  expiring: (points: number, date: string) =>
    `${date}までに失効するポイント: ${points.toLocaleString('ja-JP')} pt`,
  history: 'ポイント履歴',
  empty: 'まだポイントの履歴はありません。お買い物でポイントがたまります。',
  kind: {
    grant: 'お買い上げ',
    redeem: 'ご利用',
    expire: '有効期限切れ',
    adjust: '調整',
    reverse: '返品',
  },
}

export type PointsMessages = typeof pointsJa
