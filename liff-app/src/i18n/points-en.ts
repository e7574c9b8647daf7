import type { PointsMessages } from './points-ja.ts'

export const pointsEn: PointsMessages = {
  title: 'Points',
  balance: 'Points balance',
  pt: (n) => `${n.toLocaleString('en-US')} pt`,
  tier: 'Member tier',
  spend: (yen) => `Spent in the last 12 months: ¥${yen.toLocaleString('en-US')}`,
  toNext: (name, yen) => `¥${yen.toLocaleString('en-US')} more to ${name}`,
  top: 'You are in the top tier',
  expiring: (points, date) => `${points.toLocaleString('en-US')} pt expire after ${date}`,
  history: 'History',
  empty: 'No points yet. You earn points with every purchase.',
  kind: {
    grant: 'Purchase',
    redeem: 'Used',
    expire: 'Expired',
    adjust: 'Adjustment',
    reverse: 'Refund',
  },
}
