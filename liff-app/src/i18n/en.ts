import type { Messages } from './ja.ts'

/** The member mini-app's core messages in English, for LINE set to English. */
export const en: Messages = {
  loading: 'Loading…',
  backHome: 'Back to menu',
  retry: 'Try again',
  menu: {
    card: 'Member card',
    profile: 'Profile',
    coupons: 'Coupons',
    points: 'Points',
    referral: 'Refer a friend',
  },
  card: {
    title: 'Member card',
    cardLabel: 'MEMBERS CARD',
    memberNumber: 'Member number',
    honorific: (name) => name,
    show: 'Please show this screen to the staff when you pay.',
    qrLabel: 'Member card QR code',
    rotates: 'The QR code refreshes automatically to prevent misuse',
    refreshIn: (time) => `Refreshes in ${time}`,
    refreshing: 'Refreshing…',
    refreshFailed: 'Could not refresh the QR code',
    expired: 'This code has expired',
    qrFailed: 'Could not show the QR code. Check your connection.',
  },
  stamps: {
    title: 'Stamp card',
    count: (stamps, goal) => `${stamps} / ${goal}`,
    rule: (earn, perVisit, yenPer) =>
      earn === 'visit'
        ? `${perVisit} ${perVisit === 1 ? 'stamp' : 'stamps'} per visit`
        : `1 stamp per ¥${yenPer.toLocaleString('en-US')}`,
    toGo: (n) => `${n} more for your reward coupon`,
    completed: (n) => `Cards completed: ${n}`,
    stampLabel: (i, filled) => `Stamp ${i}${filled ? ' (collected)' : ''}`,
  },
}
