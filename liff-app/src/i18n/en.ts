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
}
